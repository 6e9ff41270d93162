"""Finding adapter factories: the `gov_smart_kiosk.adapters` entry-point group, nothing else.

The seven built-ins are declared in the project's own `pyproject.toml` exactly as a third-party
package declares its adapter, so installing a package is all it takes to add an agency. Entry
points are loaded only for the agencies a caller asks for, so a broken plug-in that is not enabled
cannot stop the kiosk. The PyInstaller spec collects `adapter_modules()` from this same list.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib.metadata import EntryPoint, entry_points

from adapters.factory import AdapterFactory

GROUP = "gov_smart_kiosk.adapters"


class AdapterLoadError(Exception):
    """An agency's entry point is missing, duplicated or cannot be loaded."""


def _group() -> list[EntryPoint]:
    return list(entry_points(group=GROUP))


def available() -> list[str]:
    """The agency ids installed, sorted."""
    return sorted({ep.name for ep in _group()})


def adapter_modules() -> list[str]:
    """The modules that hold the installed factories (for PyInstaller's hidden imports)."""
    return sorted({ep.module for ep in _group()})


def adapter_distributions() -> list[str]:
    """The distributions that declare the installed adapters (for PyInstaller's `copy_metadata`:
    a frozen app finds its adapters through these distributions' entry-point metadata)."""
    return sorted({ep.dist.name for ep in _group() if ep.dist is not None})


def load(agency_id: str) -> AdapterFactory:
    """The factory registered for `agency_id`; `AdapterLoadError` says why there is none."""
    found = [ep for ep in _group() if ep.name == agency_id]
    if not found:
        raise AdapterLoadError(f"no adapter is installed for '{agency_id}'")
    targets = {ep.value for ep in found}
    if len(targets) > 1:
        # Two distributions claim one id; picking either silently would hide a packaging mistake.
        raise AdapterLoadError(f"more than one adapter is installed for '{agency_id}'")
    try:
        factory = found[0].load()
    except Exception as exc:  # any import-time failure of a plug-in lands here
        raise AdapterLoadError(
            f"the adapter for '{agency_id}' cannot be loaded ({type(exc).__name__})"
        ) from exc
    if not callable(factory):
        raise AdapterLoadError(f"the adapter entry point for '{agency_id}' is not callable")
    result: AdapterFactory = factory
    return result


def load_all(agency_ids: Iterable[str]) -> dict[str, AdapterFactory]:
    """Factories for each id, in the order given."""
    return {agency_id: load(agency_id) for agency_id in agency_ids}

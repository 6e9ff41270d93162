"""The simulator's data: one JSON file of invented citizens, each with the bodies agencies answer.

```json
{"citizens": {"1101700203450": {"who": "...", "nhso": {...}, "sso": {...},
                                "services": {"traffic_tickets": {...}}}},
 "routes": {"/ws/newagency/v1/thing": {"service": "new_service", "via": "gdx"}}}
```
An agency (or a record service, under `services`) missing from a citizen's entry answers 404
`not_found`; a CID missing from the file is unknown to every agency. `routes` (optional) serves
more record services than the built-in ones, each at its path, through GDX or as a plain HTTPS
endpoint: a deployer's new service definition can be tried against the simulator with data alone.
NHSO bodies get `pid` and `checkDate` from the simulator unless the file sets them. Bodies are
served as they are, so a test can hand the kiosk a malformed one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from cardreader.cid import is_valid_cid, mask_cid

# Service ids and paths as service definitions spell them (adapters.services.definition).
_SERVICE_ID = re.compile(r"^[a-z][a-z0-9_]{1,47}(\.[a-z][a-z0-9_]{1,31})?$")
_PATH = re.compile(r"^/[A-Za-z0-9/_.-]*$")

AGENCIES = ("nhso", "sso", "welfare", "elderly", "disability", "cgd", "farmer")
DEFAULT_DATA = "citizens.json"


class DatasetError(Exception):
    """The data file cannot be used; the message says where (CIDs masked)."""


class Dataset:
    """Citizens by CID, each a mapping of agency id to the body that agency answers (and of
    record service id to its body, under `services`); plus extra service routes."""

    def __init__(
        self,
        citizens: Mapping[str, Mapping[str, Any]],
        routes: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        for cid, entry in citizens.items():
            if not is_valid_cid(cid):
                raise DatasetError(f"citizen {mask_cid(cid)}: not a valid CID (checksum)")
            if not isinstance(entry, Mapping):
                raise DatasetError(f"citizen {mask_cid(cid)}: must be an object")
            for key, body in entry.items():
                if key == "who":
                    continue
                if key == "services":
                    _check_services(cid, body)
                    continue
                if key not in AGENCIES:
                    raise DatasetError(f"citizen {mask_cid(cid)}: unknown agency '{key}'")
                if not isinstance(body, Mapping):
                    raise DatasetError(f"citizen {mask_cid(cid)}.{key}: must be an object")
        self._citizens = {cid: dict(entry) for cid, entry in citizens.items()}
        self.routes = _checked_routes(routes or {})

    @classmethod
    def from_json(cls, text: str) -> Dataset:
        """Parse a data file's text."""
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"not valid JSON (line {exc.lineno})") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("citizens"), dict):
            raise DatasetError('expected an object with a "citizens" object')
        routes = doc.get("routes", {})
        if not isinstance(routes, dict):
            raise DatasetError('"routes" must be an object')
        return cls(doc["citizens"], routes)

    @classmethod
    def load(cls, path: Path) -> Dataset:
        """Read a data file."""
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise DatasetError(f"{path}: cannot be read ({type(exc).__name__})") from None
        return cls.from_json(text)

    @classmethod
    def default(cls) -> Dataset:
        """The data set shipped with the project."""
        text = (
            resources.files("adapters.simulator").joinpath("data", DEFAULT_DATA).read_text("utf-8")
        )
        return cls.from_json(text)

    def answer(self, agency: str, cid: str) -> dict[str, Any] | None:
        """The body `agency` answers for `cid`, or None when it does not know them."""
        body = self._citizens.get(cid, {}).get(agency)
        return dict(body) if body is not None else None

    def service_answer(self, service: str, cid: str) -> Any:
        """The body record service `service` answers for `cid`, or None when it has none."""
        services = self._citizens.get(cid, {}).get("services", {})
        return services.get(service)

    def merged(self, other: Dataset) -> Dataset:
        """This data set with `other`'s citizens and routes added (an agency's or a record
        service's body in `other` wins)."""
        citizens = {cid: dict(entry) for cid, entry in self._citizens.items()}
        for cid, entry in other._citizens.items():
            mine = citizens.setdefault(cid, {})
            services = {**mine.get("services", {}), **entry.get("services", {})}
            mine.update(entry)
            if services:
                mine["services"] = services
        routes = {
            path: {"service": service, "via": via}
            for path, (service, via) in {**self.routes, **other.routes}.items()
        }
        return Dataset(citizens, routes)

    def cids(self) -> list[str]:
        """Every citizen in the data set."""
        return list(self._citizens)

    def who(self, cid: str) -> str:
        """The data set's description of a citizen (empty when none)."""
        return str(self._citizens.get(cid, {}).get("who", ""))


def _check_services(cid: str, services: object) -> None:
    if not isinstance(services, Mapping):
        raise DatasetError(f"citizen {mask_cid(cid)}.services: must be an object")
    for service, body in services.items():
        if not isinstance(service, str) or not _SERVICE_ID.fullmatch(service):
            raise DatasetError(f"citizen {mask_cid(cid)}.services: '{service}' is not a service id")
        if not isinstance(body, Mapping):
            raise DatasetError(f"citizen {mask_cid(cid)}.services.{service}: must be an object")


def _checked_routes(routes: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """`{path: (service, via)}` from the data file's `routes`."""
    out = {}
    for path, route in routes.items():
        if not _PATH.fullmatch(path) or not isinstance(route, Mapping):
            raise DatasetError(f"routes: '{path}' must be a path with an object")
        service, via = route.get("service"), route.get("via", "gdx")
        if not isinstance(service, str) or not _SERVICE_ID.fullmatch(service):
            raise DatasetError(f"routes.{path}.service: not a service id")
        if via not in ("gdx", "https"):
            raise DatasetError(f"routes.{path}.via: must be gdx or https")
        out[path] = (service, via)
    return out

"""The simulator's data: one JSON file of invented citizens, each with the bodies agencies answer.

```json
{"citizens": {"1101700203450": {"who": "...", "nhso": {...}, "sso": {...}}}}
```
An agency missing from a citizen's entry answers 404 `not_found`; a CID missing from the file is
unknown to every agency. NHSO bodies get `pid` and `checkDate` from the simulator unless the
file sets them. Bodies are served as they are, so a test can hand the kiosk a malformed one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from cardreader.cid import is_valid_cid, mask_cid

AGENCIES = ("nhso", "sso", "welfare", "elderly", "disability", "cgd", "farmer")
DEFAULT_DATA = "citizens.json"


class DatasetError(Exception):
    """The data file cannot be used; the message says where (CIDs masked)."""


class Dataset:
    """Citizens by CID, each a mapping of agency id to the body that agency answers."""

    def __init__(self, citizens: Mapping[str, Mapping[str, Any]]) -> None:
        for cid, entry in citizens.items():
            if not is_valid_cid(cid):
                raise DatasetError(f"citizen {mask_cid(cid)}: not a valid CID (checksum)")
            if not isinstance(entry, Mapping):
                raise DatasetError(f"citizen {mask_cid(cid)}: must be an object")
            for key, body in entry.items():
                if key == "who":
                    continue
                if key not in AGENCIES:
                    raise DatasetError(f"citizen {mask_cid(cid)}: unknown agency '{key}'")
                if not isinstance(body, Mapping):
                    raise DatasetError(f"citizen {mask_cid(cid)}.{key}: must be an object")
        self._citizens = {cid: dict(entry) for cid, entry in citizens.items()}

    @classmethod
    def from_json(cls, text: str) -> Dataset:
        """Parse a data file's text."""
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"not valid JSON (line {exc.lineno})") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("citizens"), dict):
            raise DatasetError('expected an object with a "citizens" object')
        return cls(doc["citizens"])

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

    def cids(self) -> list[str]:
        """Every citizen in the data set."""
        return list(self._citizens)

    def who(self, cid: str) -> str:
        """The data set's description of a citizen (empty when none)."""
        return str(self._citizens.get(cid, {}).get("who", ""))

"""The menu's definitions: the built-in ones shipped in `adapters/services/builtin/`, then a
deployer's folder (`agencies.services_dir`), whose file for an id replaces the built-in one.

A file that cannot be used is left out and reported (`DefinitionProblem`: the file, the key and
what is wrong, never a value); every other definition still loads, so one bad file costs one
service, not the kiosk.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from adapters.services.definition import GROUPS, ServiceDefinition

Origin = Literal["built-in", "folder"]
MAX_FILE_BYTES = 256 * 1024
MAX_DEFINITIONS = 500
BUILTIN_PACKAGE = "adapters.services"
BUILTIN_FOLDER = "builtin"


class DefinitionError(Exception):
    """A definition cannot be used: `where` names the file, `key` the key (may be empty)."""

    def __init__(self, where: str, key: str, problem: str) -> None:
        super().__init__(f"{where}: {key}: {problem}" if key else f"{where}: {problem}")
        self.where = where
        self.key = key
        self.problem = problem


@dataclass(frozen=True, slots=True)
class DefinitionProblem:
    """A file left out of the catalogue, and why (as `kiosk doctor` and maintenance show it)."""

    file: str
    key: str
    problem: str

    def __str__(self) -> str:
        return (
            f"{self.file}: {self.key}: {self.problem}"
            if self.key
            else f"{self.file}: {self.problem}"
        )


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    """One definition and where it came from."""

    definition: ServiceDefinition
    origin: Origin
    file: str  # the file's name (built-in) or path (folder)

    @property
    def id(self) -> str:
        """The service id."""
        return self.definition.id


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Every usable definition, in menu order (group, then id), and the files left out."""

    entries: tuple[CatalogueEntry, ...] = ()
    problems: tuple[DefinitionProblem, ...] = field(default=())

    def get(self, service_id: str) -> CatalogueEntry | None:
        """The entry for `service_id`, or None."""
        return next((e for e in self.entries if e.id == service_id), None)

    def ids(self) -> list[str]:
        """Every service id, in menu order."""
        return [e.id for e in self.entries]

    def family(self, name: str) -> list[CatalogueEntry]:
        """The entries of one menu family (`hospital_appointments`: one per hospital)."""
        return [e for e in self.entries if e.definition.family == name]


def parse_definition(text: str, where: str) -> ServiceDefinition:
    """A definition from a file's text, or `DefinitionError` naming `where` and the key."""
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DefinitionError(where, "", f"not valid TOML ({exc})") from None
    try:
        return ServiceDefinition.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_input=False, include_url=False)[0]
        key = ".".join(str(part) for part in err["loc"] if not str(part).startswith("function-"))
        problem = {
            "missing": "is required",
            "extra_forbidden": "unknown key",
            "string_too_short": "must not be empty",
            "string_pattern_mismatch": "has the wrong form",
        }.get(err["type"], err["msg"])
        if err["type"] == "value_error":
            problem = problem.removeprefix("Value error, ")
        raise DefinitionError(where, key, problem) from None


def read_definition(path: Path) -> ServiceDefinition:
    """A definition file, or `DefinitionError` naming it."""
    where = str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise DefinitionError(where, "", f"larger than {MAX_FILE_BYTES // 1024} KiB")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError(where, "", f"cannot be read ({type(exc).__name__})") from None
    return parse_definition(text, where)


def builtin_definitions() -> list[CatalogueEntry]:
    """The definitions shipped with the kiosk (a broken one is a bug: it raises)."""
    folder = resources.files(BUILTIN_PACKAGE).joinpath(BUILTIN_FOLDER)
    entries = []
    for item in sorted(folder.iterdir(), key=lambda i: i.name):
        if item.name.endswith(".toml"):
            definition = parse_definition(item.read_text("utf-8"), f"built-in {item.name}")
            entries.append(CatalogueEntry(definition, "built-in", item.name))
    return entries


def folder_definitions(folder: Path) -> tuple[list[CatalogueEntry], list[DefinitionProblem]]:
    """The definitions in a deployer's folder (`*.toml`, not recursive), and the files left out."""
    entries: list[CatalogueEntry] = []
    problems: list[DefinitionProblem] = []
    try:
        files = sorted(p for p in folder.iterdir() if p.suffix == ".toml" and p.is_file())
    except OSError as exc:
        return [], [DefinitionProblem(str(folder), "", f"cannot be read ({type(exc).__name__})")]
    seen: dict[str, str] = {}
    for path in files[:MAX_DEFINITIONS]:
        try:
            definition = read_definition(path)
        except DefinitionError as exc:
            problems.append(DefinitionProblem(exc.where, exc.key, exc.problem))
            continue
        if definition.id in seen:
            problems.append(
                DefinitionProblem(
                    str(path), "id", f"'{definition.id}' is also in {seen[definition.id]}"
                )
            )
            continue
        seen[definition.id] = path.name
        entries.append(CatalogueEntry(definition, "folder", str(path)))
    if len(files) > MAX_DEFINITIONS:
        problems.append(
            DefinitionProblem(
                str(folder), "", f"more than {MAX_DEFINITIONS} files: the rest are left out"
            )
        )
    return entries, problems


def build_catalogue(folder: Path | None = None, *, reserved: Iterable[str] = ()) -> Catalogue:
    """Built-in definitions, replaced or joined by the folder's. `reserved`: ids taken by the
    entitlement agencies, which a definition may not reuse."""
    taken = set(reserved)
    by_id = {e.id: e for e in builtin_definitions()}
    problems: list[DefinitionProblem] = []
    if folder is not None:
        entries, problems = folder_definitions(folder)
        for entry in entries:
            if entry.id in taken or entry.definition.family in taken:
                problems.append(
                    DefinitionProblem(
                        entry.file, "id", f"'{entry.id}' is an entitlement agency's id"
                    )
                )
                continue
            by_id[entry.id] = entry
    ordered = sorted(by_id.values(), key=_menu_order)
    return Catalogue(tuple(ordered), tuple(problems))


def _menu_order(entry: CatalogueEntry) -> tuple[int, str]:
    return GROUPS.index(entry.definition.group), entry.id

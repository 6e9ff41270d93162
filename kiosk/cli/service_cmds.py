"""`kiosk services [--json]` and `kiosk lookup SERVICE CID [--json] [--config FILE]`.

`services` lists the catalogue: the entitlement agencies installed as adapters, then every
service definition (built-in, or from `agencies.services_dir`), with the files left out and why.
`lookup` asks one record service through the same `AgencyService` as the kiosk (cache fallback,
audit line) and prints its record; statuses and exit codes are those of `kiosk check`.
Neither command imports Qt.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import TYPE_CHECKING, Any

from cardreader.cid import mask_cid
from kiosk.cli.errors import EXIT_OK, EXIT_USAGE, CliError
from kiosk.config import load_config

if TYPE_CHECKING:
    from adapters.services.record import LookupResult, RecordItem
    from kiosk.config import KioskConfig
    from kiosk.records.catalogue import ListedService


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add this group's commands to `sub`."""
    services = sub.add_parser(
        "services",
        help="list the services this kiosk offers",
        description="List the entitlement agencies and the service definitions, with where "
        "each came from (built-in, definitions folder, plugin).",
    )
    services.add_argument("--json", action="store_true", help="print the JSON document")
    services.add_argument("--config", metavar="FILE", help="config file (default: KIOSK_CONFIG)")
    services.set_defaults(func=cmd_services)

    lookup = sub.add_parser(
        "lookup",
        help="ask one record service about one citizen",
        description="Ask one record service (see `kiosk services`) about one citizen and print "
        "the record.",
    )
    lookup.add_argument("service", metavar="SERVICE", help="a record service's id")
    lookup.add_argument("cid", metavar="CID", help="the citizen's 13-digit ID (dashes allowed)")
    lookup.add_argument("--json", action="store_true", help="print the JSON document")
    lookup.add_argument("--config", metavar="FILE", help="config file (default: KIOSK_CONFIG)")
    lookup.set_defaults(func=cmd_lookup)


# --- kiosk services ----------------------------------------------------------------------------


def cmd_services(args: argparse.Namespace) -> int:
    """Print the catalogue."""
    from kiosk.records.catalogue import load_catalogue

    config = load_config(args.config)
    catalogue = load_catalogue(config)
    listed = listed_services(config)
    problems = [str(p) for p in catalogue.problems]
    if args.json:
        doc = {"services": [s.to_json() for s in listed], "problems": problems}
        print(json.dumps(doc, ensure_ascii=False), flush=True)
    else:
        for s in listed:
            state = "" if s.enabled else " (not enabled)"
            print(f"{s.id:40} {s.kind:12} {s.origin:9} {s.name_en}{state}")
        for problem in problems:
            print(f"left out: {problem}")
    for problem in problems:
        print(f"kiosk: warning: a service definition was left out: {problem}", file=sys.stderr)
    return EXIT_OK


def listed_services(config: KioskConfig) -> list[ListedService]:
    """The entitlement agencies (enabled ones first, in order), then the definitions."""
    from kiosk.records.catalogue import ListedService, entitlement_origins, load_catalogue

    origins = entitlement_origins()
    names = _agency_names(config)
    enabled = list(config.agencies.enabled)
    out: list[ListedService] = []
    for agency_id in enabled + [a for a in sorted(origins) if a not in enabled]:
        name_th, name_en = names.get(agency_id, (agency_id, agency_id))
        out.append(
            ListedService(
                id=agency_id,
                kind="entitlements",
                name_th=name_th,
                name_en=name_en,
                agency_th=name_th,
                agency_en=name_en,
                origin=origins.get(agency_id, "plugin"),
                enabled=agency_id in enabled,
            )
        )
    for entry in load_catalogue(config).entries:
        d = entry.definition
        out.append(
            ListedService(
                id=d.id,
                kind=d.kind,
                name_th=d.name.th,
                name_en=d.name.en,
                agency_th=d.agency.th,
                agency_en=d.agency.en,
                group=d.group,
                origin=entry.origin,
            )
        )
    return out


def _agency_names(config: KioskConfig) -> dict[str, tuple[str, str]]:
    """Each agency's names: the built-ins' always, a plug-in's when its adapter can be built
    from this configuration (nothing is asked of any agency)."""
    from adapters.gdx_agencies import SERVICES
    from adapters.nhso import NhsoAdapter
    from kiosk.agencies.roster import build_agencies
    from kiosk.config import ConfigError

    names = {s.id: (s.name_th, s.name_en) for s in SERVICES.values()}
    names["nhso"] = (NhsoAdapter.name_th, NhsoAdapter.name_en)
    try:
        with build_agencies(config) as agencies:
            names.update({a.id: (a.name_th, a.name_en) for a in agencies})
    except ConfigError:
        pass  # credentials missing: the names above and the ids do
    return names


# --- kiosk lookup ------------------------------------------------------------------------------


def cmd_lookup(args: argparse.Namespace) -> int:
    """Validate the CID, ask the service (the cache answers if it fails and may), print."""
    from kiosk.agencies.service import AgencyService
    from kiosk.cli.agency_cmds import cid_and_config, cli_actor, warn
    from kiosk.records.desk import ServiceNotReadyError

    cid, config = cid_and_config(args)
    service = AgencyService.from_config(config)
    problem = service.cache_problem()
    try:
        entry = service.records.catalogue.get(args.service)
        if entry is not None and entry.definition.kind != "record":
            raise CliError(
                f"'{args.service}' is not a record service (a hand-off: it asks nothing)",
                EXIT_USAGE,
            )
        if entry is None:
            family = service.records.catalogue.family(args.service)
            hint = (
                " (one of: " + ", ".join(e.id for e in family) + ")"
                if family
                else " (see `kiosk services`)"
            )
            raise CliError(f"'{args.service}' is not a record service{hint}", EXIT_USAGE)
        service.start()
        if problem is not None and entry.definition.cache:
            warn(f"{problem}; answering live only, nothing is cached")
        try:
            result = service.lookup(args.service, cid, actor=cli_actor())
        except ServiceNotReadyError as exc:
            raise CliError(f"'{args.service}' cannot be asked here: {exc}", EXIT_USAGE) from None
        if args.json:
            text = json.dumps(result.to_json(), ensure_ascii=False)
        else:
            text = lookup_text(result, cid)
        print(text, flush=True)
    finally:
        service.close()
    return EXIT_OK


def lookup_text(result: LookupResult, cid: str) -> str:
    """A readable record: the status line, then one line per value, entries under headings."""
    words = f"{result.status.value} ({result.source.value})"
    if result.as_of is not None and result.source.value != "live":
        words += f" as of {result.as_of.isoformat()}"
    if result.message:
        words += f" - {result.message}"
    lines = [f"{result.service} for {mask_cid(cid)}: {words}"]
    record = result.record
    if record is None:
        return "\n".join(lines)
    lines.append(record.title_en)
    if record.empty:
        lines.append(f"    {record.empty_en}")
    lines.extend(f"    {_item_text(item)}" for item in record.own_items())
    for number, heading in enumerate(record.headings, start=1):
        lines.append(f"  {number}. {heading}".rstrip())
        lines.extend(f"      {_item_text(item)}" for item in record.entry_items(number))
    if record.payment is not None:
        lines.append(f"    Thai QR payment: {record.payment.amount_thb:,.2f} THB")
    if record.note_en:
        lines.append(f"    {record.note_en}")
    return "\n".join(lines)


def _item_text(item: RecordItem) -> str:
    value = item.value
    if item.type == "money" and isinstance(value, int | float):
        shown = f"{value:,.2f} THB"
    elif item.type == "status":
        shown = item.word_en or str(value)
    elif isinstance(value, date):
        shown = value.isoformat()
    else:
        shown = str(value)
    return f"{item.label_en}: {shown}"

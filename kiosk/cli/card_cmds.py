"""Card commands: `kiosk readers`, `kiosk card read|watch`, `kiosk virtual-card`.

docs/command-line.md fixes the JSON of `kiosk card read --json` and the exit codes: 3 for no
reader / no card / pcscd down, 4 for a card that is not a Thai ID card or cannot be read (bad
checksum, pulled mid-read). pyscard and the card reader are imported inside the commands, so the
other commands start without them; none of these commands imports Qt.
"""

from __future__ import annotations

import argparse
import json
import select
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.cli.errors import EXIT_BAD_CARD, EXIT_NO_READER, EXIT_OK, EXIT_USAGE, CliError

if TYPE_CHECKING:
    from cardreader.errors import CardError
    from cardreader.pcsc import PcscContext, ReaderState
    from cardreader.types import CardData

# A read takes about a second on a real reader; this only bounds a reader that hangs.
_READ_TIMEOUT_S = 60.0

# One plain sentence per card error kind, for stderr (the kiosk screen has its own, bilingual).
_SENTENCES = {
    "pcscd_down": "the PC/SC service (pcscd) is not running",
    "no_reader": "no card reader is connected",
    "no_card": "there is no card in the reader",
    "reader_busy": "the card reader is in use by another program",
    "not_thai_id": "the card is not a Thai national ID card",
    "card_removed": "the card was removed during reading",
    "unreadable": "the card's data cannot be read",
    "cancelled": "the card read was cancelled",
    "reader_fault": "the card reader failed",
}
_BAD_CARD_KINDS = {"not_thai_id", "card_removed", "unreadable"}


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `kiosk readers`, `kiosk card read|watch` and `kiosk virtual-card` to `sub`."""
    readers = sub.add_parser("readers", help="list card readers and whether a card is in each")
    readers.set_defaults(func=cmd_readers)

    card = sub.add_parser("card", help="read the Thai ID card, watch card events")
    commands = card.add_subparsers(dest="card_command", metavar="COMMAND")
    commands.required = True
    read = commands.add_parser("read", help="read the card in a reader")
    read.add_argument("--json", action="store_true", help="print one JSON document")
    read.add_argument("--reader", metavar="NAME", help="reader to use (default: first with a card)")
    read.add_argument("--no-photo", action="store_true", help="skip the photo (faster)")
    read.add_argument("--photo-out", metavar="FILE", type=Path, help="write the JPEG to FILE")
    read.set_defaults(func=cmd_read)
    watch = commands.add_parser("watch", help="print one line per reader or card event")
    watch.set_defaults(func=cmd_watch)

    virtual = sub.add_parser(
        "virtual-card",
        help="a virtual Thai ID card in vsmartcard's vpcd reader",
        description=(
            "Insert a virtual Thai ID card into pcscd's vpcd reader. Type 'insert', 'remove' "
            "or 'quit' on stdin (one per line); SIGINT/SIGTERM also quit."
        ),
    )
    virtual.add_argument(
        "--profile",
        default="demo",
        metavar="FILE",
        help="profile JSON file, or a shipped profile's name (default: demo)",
    )
    virtual.add_argument(
        "--vpcd", default="127.0.0.1:35963", metavar="HOST:PORT", help="vpcd's address"
    )
    virtual.add_argument(
        "--realistic", action="store_true", help="answer with a 115200-baud reader's latency"
    )
    virtual.add_argument(
        "--remove-after", type=int, metavar="N", help="fault: pull the card after N APDUs"
    )
    virtual.add_argument("--removed", action="store_true", help="start with the card out")
    virtual.set_defaults(func=cmd_virtual_card)


# -- kiosk readers ---------------------------------------------------------------------------


def cmd_readers(args: argparse.Namespace) -> int:
    """`kiosk readers`: one line per reader, saying whether a card is in it."""
    from cardreader.reader_thread import ReaderThread

    def look(context: PcscContext) -> list[ReaderState]:
        return context.states(context.readers())

    with ReaderThread() as thread:
        states = _result(thread.submit(look))
    if not states:
        raise CliError(_SENTENCES["no_reader"], EXIT_NO_READER)
    for state in states:
        if state.present:
            atr = " ".join(f"{b:02X}" for b in state.atr) if not state.mute else "mute"
            print(f"{state.reader}\tcard (ATR {atr})")
        else:
            print(f"{state.reader}\tempty")
    return EXIT_OK


# -- kiosk card read -------------------------------------------------------------------------


def cmd_read(args: argparse.Namespace) -> int:
    """`kiosk card read [--json] [--reader NAME] [--no-photo] [--photo-out FILE]`."""
    from cardreader.reader_thread import ReaderThread
    from cardreader.reading import ReadOptions, SilentProgress

    photo_out: Path | None = args.photo_out
    if photo_out is not None:
        if args.no_photo:
            raise CliError("--photo-out needs the photo; drop --no-photo", EXIT_USAGE)
        if not photo_out.parent.is_dir():
            raise CliError(f"no folder {photo_out.parent} to write the photo into", EXIT_USAGE)
    with ReaderThread() as thread:
        if args.reader is not None:
            names = _result(thread.submit(lambda context: context.readers()))
            if args.reader not in names:
                raise CliError(f"no reader named '{args.reader}'", EXIT_NO_READER)
        job = thread.start_read(args.reader, SilentProgress(), ReadOptions(photo=not args.no_photo))
        if not job.wait(_READ_TIMEOUT_S):
            job.cancel()
            job.wait(5.0)
            raise CliError("the card reader did not answer in time", EXIT_NO_READER)
    if job.error is not None:
        raise _cli_error(job.error)
    card = job.card
    assert card is not None
    if photo_out is not None and card.photo is not None:
        try:
            photo_out.write_bytes(card.photo)
        except OSError as exc:
            raise CliError(f"cannot write the photo to {photo_out}: {exc.strerror}", 2) from exc
    if args.json:
        print(json.dumps(card_json(card), ensure_ascii=False, indent=2))
    else:
        print(_describe(card, len(job.exchanges), job.card_busy_s))
    if photo_out is not None and card.photo is None:
        print("kiosk: the card holds no readable photo; nothing written", file=sys.stderr)
    return EXIT_OK


def card_json(card: CardData) -> dict[str, Any]:
    """The `kiosk card read --json` document (docs/command-line.md); `photo` null when not read."""
    nhso = card.nhso
    return {
        "cid": card.cid,
        "atr": " ".join(f"{b:02X}" for b in card.atr),
        "name_th": _name(card.name_th),
        "name_en": _name(card.name_en),
        "birth_date": _iso(card.birth_date),
        "birth_year": card.birth_year,
        "gender": card.gender.value,
        "issuer": card.issuer,
        "issue_date": _iso(card.issue_date),
        "expiry_date": _iso(card.expiry_date),
        "lifelong": card.lifelong,
        "address": {
            "house_no": card.address.house_no,
            "moo": card.address.moo,
            "soi": card.address.soi,
            "road": card.address.road,
            "subdistrict": card.address.subdistrict,
            "district": card.address.district,
            "province": card.address.province,
            "text": card.address.text,
        },
        "photo": (
            {"bytes": len(card.photo), "sha256": card.photo_sha256}
            if card.photo is not None
            else None
        ),
        "nhso": (
            {
                "main_inscl": nhso.main_inscl,
                "sub_inscl": nhso.sub_inscl,
                "main_hospital": nhso.main_hospital,
                "sub_hospital": nhso.sub_hospital,
                "paid_type": nhso.paid_type,
                "issue_date": _iso(nhso.issue_date),
                "expiry_date": _iso(nhso.expiry_date),
                "update_date": _iso(nhso.update_date),
                "change_count": nhso.change_count,
            }
            if nhso is not None
            else None
        ),
    }


def _name(name: Any) -> dict[str, str]:
    return {"prefix": name.prefix, "first": name.first, "middle": name.middle, "last": name.last}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _describe(card: CardData, exchanges: int, busy_s: float) -> str:
    """A human summary; the CID masked (the JSON form carries it whole, by contract)."""
    if card.birth_date is not None:
        born = card.birth_date.isoformat()
    else:
        born = f"{card.birth_year} (year only)" if card.birth_year else "unknown"
    expiry = "lifelong" if card.lifelong else (_iso(card.expiry_date) or "unknown")
    lines = [
        f"CID        {card.cid_masked}",
        f"Name (TH)  {card.name_th.full()}",
        f"Name (EN)  {card.name_en.full()}",
        f"Born       {born}",
        f"Gender     {card.gender.value}",
        f"Issuer     {card.issuer}",
        f"Issued     {_iso(card.issue_date) or 'unknown'}",
        f"Expires    {expiry}",
        f"Address    {card.address.text}",
        f"Photo      {f'{len(card.photo)} bytes JPEG' if card.photo is not None else 'not read'}",
        f"NHSO       {card.nhso.main_inscl if card.nhso is not None else 'no NHSO applet'}",
        f"Read       {exchanges} APDU exchanges, card busy {busy_s * 1000:.0f} ms",
    ]
    return "\n".join(lines)


def _cli_error(error: CardError) -> CliError:
    kind = error.kind.value
    sentence = _SENTENCES.get(kind, _SENTENCES["reader_fault"])
    if kind in ("unreadable", "reader_fault") and error.detail:
        sentence = f"{sentence} ({error.detail})"
    return CliError(sentence, EXIT_BAD_CARD if kind in _BAD_CARD_KINDS else EXIT_NO_READER)


def _result(future: Any) -> Any:
    """A reader-thread Future's result, with card errors turned into CLI errors."""
    from cardreader.errors import CardError

    try:
        return future.result(_READ_TIMEOUT_S)
    except CardError as exc:
        raise _cli_error(exc) from exc


# -- kiosk card watch ------------------------------------------------------------------------


class _EventPrinter:
    """Prints one line per card event. Reader names and ATRs only: nothing personal."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def _say(self, line: str) -> None:
        with self._lock:
            print(line, flush=True)

    def readers_changed(self, readers: list[str]) -> None:
        """Print the reader list."""
        self._say(f"readers: {', '.join(readers) if readers else '(none)'}")

    def card_inserted(self, reader: str, atr: bytes) -> None:
        """Print a card insertion."""
        shown = " ".join(f"{b:02X}" for b in atr) if atr else "none (mute card)"
        self._say(f"inserted: {reader} (ATR {shown})")

    def card_removed(self, reader: str) -> None:
        """Print a card removal."""
        self._say(f"removed: {reader}")

    def service_state(self, error: CardError | None) -> None:
        """Print the service state."""
        self._say("service: ok" if error is None else f"service: {error.kind.value}")


def cmd_watch(args: argparse.Namespace) -> int:
    """`kiosk card watch`: one line per event until SIGINT or SIGTERM."""
    from cardreader.reader_thread import ReaderThread

    with _until_signalled() as stop, ReaderThread(_EventPrinter()):
        while not stop.wait(0.2):
            pass
    return EXIT_OK


@contextmanager
def _until_signalled() -> Iterator[threading.Event]:
    """An Event set by SIGINT or SIGTERM while the block runs; handlers restored after."""
    stop = threading.Event()

    def handler(signum: int, frame: object) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


# -- kiosk virtual-card ----------------------------------------------------------------------


def cmd_virtual_card(args: argparse.Namespace) -> int:
    """`kiosk virtual-card [--profile FILE] [--vpcd HOST:PORT] ...`, controlled on stdin."""
    from cardreader.profile import ProfileError, resolve_profile
    from cardreader.virtual_card import REALISTIC_LATENCY, CardFaults, Latency, VirtualCard

    host, port = _host_port(args.vpcd)
    if args.remove_after is not None and args.remove_after < 0:
        raise CliError("--remove-after needs a count of 0 or more", EXIT_USAGE)
    try:
        image = resolve_profile(args.profile).image()
    except ProfileError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    card = VirtualCard(
        image,
        host,
        port,
        latency=REALISTIC_LATENCY if args.realistic else Latency(),
        faults=CardFaults(remove_after_apdus=args.remove_after),
    )
    with _until_signalled() as stop, card:
        if not args.removed:
            _insert(card, host, port)
        print(f"ready: vpcd {host}:{port}; stdin commands: insert, remove, quit", flush=True)
        _serve_stdin(card, stop, host, port)
    print("removed", flush=True)
    return EXIT_OK


def _insert(card: Any, host: str, port: int) -> None:
    try:
        card.insert(timeout=0.5)  # vpcd may be a moment from listening when pcscd just started
    except OSError as exc:
        raise CliError(
            f"cannot reach vpcd at {host}:{port} (is pcscd running with vsmartcard-vpcd?)",
            EXIT_NO_READER,
        ) from exc
    print("inserted", flush=True)


def _serve_stdin(card: Any, stop: threading.Event, host: str, port: int) -> None:
    """Follow stdin commands until `quit`, a signal, or forever after stdin closes."""
    stdin_open = True
    reported_pull = False
    while not stop.is_set():
        if card.pulled_by_fault and not reported_pull:
            reported_pull = True
            print(f"pulled: fault after {card.apdu_count} APDUs", flush=True)
        if not stdin_open:
            stop.wait(0.2)
            continue
        ready, _, _ = select.select([sys.stdin], [], [], 0.2)
        if not ready:
            continue
        line = sys.stdin.readline()
        if not line:
            stdin_open = False  # EOF: keep the card in until a signal
            continue
        command = line.strip().lower()
        if command == "insert":
            reported_pull = False
            _insert(card, host, port)
        elif command == "remove":
            card.remove()
            print("removed", flush=True)
        elif command in ("quit", "exit"):
            return
        elif command:
            print(f"unknown command {command!r}: insert, remove or quit", file=sys.stderr)


def _host_port(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise CliError(f"--vpcd wants HOST:PORT, not '{text}'", EXIT_USAGE)
    return host, int(port)

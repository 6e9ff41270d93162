"""Card read benchmark (`python -m bench.card_read`).

A virtual Thai ID card answers through the real pcscd + vpcd + pyscard stack with the latency of
a 115200-baud contact reader (5 ms per exchange plus 10 bit times per byte). Each card is read
`--reads` times (default 21) by the project's reader (`ReaderThread.start_read`: blocks of up to
0xFF bytes, CID first, photo up to its JPEG end marker) and, in the same run, alternating, by the
classic per-field sequence as published for these cards (SELECT; CID, Thai name, English name,
birth date, gender, issuer, issue date, expiry date, first 100 address bytes, each READ BINARY +
GET RESPONSE; then 20 photo chunks of 0xFF bytes) on the same reader thread and transport.

Measured per read: APDU exchanges, data bytes read, card-busy time (sum of exchange times), time
until the CID is known, until the names are known (the project: its `identity_read`), and the
whole read. Medians; ratios project / classic.
Goals (standard card): <= 0.85x the exchanges and <= 0.95x the card-busy time of the classic
sequence while reading the complete photo and address it skips; CID and names known within
0.15x the classic full-read time. Two more cards are reported: one whose JPEG fills the whole
5118-byte photo area (the worst case), and the demo card (NHSO applet and laser ID as well).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from cardreader import apdu, layout
from cardreader.card_image import CardImage
from cardreader.errors import CardError
from cardreader.pcsc import PcscCard, PcscContext
from cardreader.pcscd_process import VPCD_READERS, PcscdService, wait_for_card
from cardreader.profile import shipped_profile
from cardreader.reader_thread import ReaderThread
from cardreader.types import CardData
from cardreader.virtual_card import REALISTIC_LATENCY, VPCD_HOST, VPCD_PORTS, VirtualCard

SLOT = 0
CLASSIC_FIELDS = (  # offset, length: the published per-field sequence
    (0x0004, 13),
    (0x0011, 100),
    (0x0075, 100),
    (0x00D9, 8),
    (0x00E1, 1),
    (0x00F6, 100),
    (0x0167, 8),
    (0x016F, 8),
    (0x1579, 100),
)
CLASSIC_PHOTO = [(0x017B + i * 0xFF, 0xFF) for i in range(20)]

Figures = dict[str, float]


@dataclasses.dataclass
class Marks:
    """Times (perf_counter) a read reached its milestones."""

    cid: float = 0.0
    names: float = 0.0
    done: float = 0.0


class ProjectProgress:
    """`ReadProgress` noting when the CID and the names arrive."""

    def __init__(self) -> None:
        self.marks = Marks()

    def cid_read(self, cid: str) -> None:
        """Note the time."""
        self.marks.cid = time.perf_counter()

    def identity_read(self, card: CardData) -> None:
        """Note the time."""
        self.marks.names = time.perf_counter()

    def photo_read(self, jpeg: bytes) -> None:
        """Nothing to note."""

    def read_done(self, card: CardData) -> None:
        """Note the time."""
        self.marks.done = time.perf_counter()

    def read_failed(self, error: CardError) -> None:
        """Fail the benchmark."""
        raise SystemExit(f"read failed: {error}")


def full_size_photo(photo: bytes) -> bytes:
    """`photo` grown with a JPEG comment segment to fill the whole 5118-byte photo area."""
    payload = layout.PHOTO.length - len(photo) - 4
    comment = b"\xff\xfe" + (payload + 2).to_bytes(2, "big") + b"x" * payload
    return photo[:2] + comment + photo[2:]


def card_images() -> dict[str, tuple[CardImage, bytes]]:
    """The benchmark's cards: name -> (image, the JPEG the card holds)."""
    standard = shipped_profile("standard")
    demo = shipped_profile("demo")
    big = full_size_photo(standard.photo)
    main = bytearray(standard.image().main or b"")
    main[layout.PHOTO.offset : layout.PHOTO.end] = big
    return {
        "standard": (standard.image(), standard.photo),
        "full-size photo": (dataclasses.replace(standard.image(), main=bytes(main)), big),
        "demo (NHSO, laser ID)": (demo.image(), demo.photo),
    }


def project_read(thread: ReaderThread, reader: str, photo: bytes) -> Figures:
    """One read by the project's reader, with its milestones."""
    progress = ProjectProgress()
    job = thread.start_read(reader, progress)
    if not job.wait(30.0) or job.card is None:
        raise SystemExit(f"project read failed: {job.error}")
    if job.card.photo != photo:
        raise SystemExit("project read returned a wrong photo")
    marks, start = progress.marks, job.started_at
    return {
        "exchanges": len(job.exchanges),
        "bytes": sum(t.received - 2 for t in job.exchanges),
        "busy_ms": job.card_busy_s * 1000,
        "cid_ms": (marks.cid - start) * 1000,
        "names_ms": (marks.names - start) * 1000,
        "total_ms": (marks.done - start) * 1000,
    }


def classic_read(thread: ReaderThread, reader: str) -> Figures:
    """One read by the classic per-field sequence, on the reader thread and transport."""

    def sequence(context: PcscContext) -> Figures:
        start = time.perf_counter()
        card = context.connect(reader)
        try:
            card.begin_transaction()
            p2 = apdu.get_response_p2(card.atr)
            card.transmit(apdu.select(apdu.THAI_ID_AID))
            marks = Marks()
            for index, (offset, length) in enumerate(CLASSIC_FIELDS):
                _classic_field(card, offset, length, p2)
                if index == 0:
                    marks.cid = time.perf_counter()
                if index == 2:
                    marks.names = time.perf_counter()
            for offset, length in CLASSIC_PHOTO:
                _classic_field(card, offset, length, p2)
            marks.done = time.perf_counter()
            return {
                "exchanges": len(card.exchanges),
                "bytes": sum(t.received - 2 for t in card.exchanges),
                "busy_ms": sum(t.seconds for t in card.exchanges) * 1000,
                "cid_ms": (marks.cid - start) * 1000,
                "names_ms": (marks.names - start) * 1000,
                "total_ms": (marks.done - start) * 1000,
            }
        finally:
            card.disconnect()

    return thread.submit(sequence).result(30.0)


def _classic_field(card: PcscCard, offset: int, length: int, p2: int) -> bytes:
    card.transmit(apdu.read_binary(offset, length))
    return card.transmit(apdu.get_response(length, p2)).data


def measure(
    thread: ReaderThread, image: CardImage, photo: bytes, reads: int
) -> tuple[list[Figures], list[Figures]]:
    """Insert the card, alternate project and classic reads, pull the card."""
    reader = VPCD_READERS[SLOT]
    if not wait_for_card(reader, present=False, timeout=10.0):
        raise SystemExit(f"{reader} is not empty")
    card = VirtualCard(image, VPCD_HOST, VPCD_PORTS[SLOT], latency=REALISTIC_LATENCY)
    card.insert()
    try:
        if not wait_for_card(reader, present=True, timeout=10.0):
            raise SystemExit("pcscd did not see the virtual card")
        project, classic = [], []
        for _ in range(reads):
            project.append(project_read(thread, reader, photo))
            classic.append(classic_read(thread, reader))
        return project, classic
    finally:
        card.remove()


def medians(samples: list[Figures]) -> Figures:
    """The median of each measure."""
    return {key: statistics.median(s[key] for s in samples) for key in samples[0]}


def report(name: str, project: Figures, classic: Figures, reads: int) -> dict[str, object]:
    """Print one card's table and its goals; return the figures."""
    print(f"\n{name} card: medians of {reads} reads each")
    print(f"{'measure':24} {'project':>10} {'classic':>10} {'ratio':>7}")
    labels = {
        "exchanges": "APDU exchanges",
        "bytes": "data bytes read",
        "busy_ms": "card busy (ms)",
        "cid_ms": "CID known (ms)",
        "names_ms": "names known (ms)",
        "total_ms": "whole read (ms)",
    }
    for key, label in labels.items():
        ratio = project[key] / classic[key]
        print(f"{label:24} {project[key]:10.1f} {classic[key]:10.1f} {ratio:6.3f}x")
    goals = {
        "exchanges_le_0.85x": project["exchanges"] <= 0.85 * classic["exchanges"],
        "busy_le_0.95x": project["busy_ms"] <= 0.95 * classic["busy_ms"],
        "cid_le_0.15x_classic_total": project["cid_ms"] <= 0.15 * classic["total_ms"],
        "names_le_0.15x_classic_total": project["names_ms"] <= 0.15 * classic["total_ms"],
    }
    print(
        f"CID known at {project['cid_ms'] / classic['total_ms']:.3f}x and names at "
        f"{project['names_ms'] / classic['total_ms']:.3f}x the classic whole-read time"
    )
    for goal, met in goals.items():
        print(f"goal {goal}: {'met' if met else 'MISSED'}")
    return {"project": project, "classic": classic, "goals": goals}


def run(reads: int, cards: Sequence[str]) -> dict[str, object]:
    """The whole benchmark; prints a report and returns the figures."""
    latency = REALISTIC_LATENCY
    print(
        f"virtual card latency: {latency.per_apdu_s * 1000:.0f} ms per exchange + "
        f"10 bit times per byte at {latency.baud} baud"
    )
    results: dict[str, object] = {}
    with PcscdService.ensure() as pcscd, ReaderThread() as thread:
        print(f"pcscd: {'started for this run' if pcscd.owned else 'already running, reused'}")
        images = card_images()
        for name in cards:
            image, photo = images[name]
            print(f"photo on the {name} card: {len(photo)} bytes", flush=True)
            project, classic = measure(thread, image, photo, reads)
            results[name] = report(name, medians(project), medians(classic), reads)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; `--json FILE` also writes the figures."""
    choices = list(card_images())
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reads", type=int, default=21, help="reads per method and card")
    parser.add_argument("--cards", nargs="*", choices=choices, default=choices)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    figures = run(max(1, args.reads), args.cards)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

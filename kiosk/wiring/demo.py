"""The demo kiosk's surroundings (`kiosk run --demo`), no Qt: the whole real kiosk runs, on

- pcscd with vsmartcard's vpcd readers (one already up is reused, else started: as root);
- the agency simulator in this process on a free loopback port, with a little latency per
  agency so the tiles arrive one by one as they would over a network;
- a temporary folder holding the data folder, the key file, a maintenance PIN file
  (`DEMO_PIN`, printed in the README and on the control window) and a config that points every
  agency at the simulator (removed on exit);
- a virtual card in vpcd's first reader, from a shipped profile the visitor picks and
  "inserts" or "removes" (`insert`, `remove`, `use_profile`: blocking calls for a worker).

`DemoEnvironment.start()` sets it all up; `close()` stops everything it started, in reverse.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adapters.simulator import AgencySimulator, parse_fault
from cardreader.card_image import CardImage
from cardreader.profile import shipped_profile
from cardreader.virtual_card import REALISTIC_LATENCY, VPCD_HOST, VPCD_PORTS, VirtualCard
from kiosk.pin import write_pin

if TYPE_CHECKING:  # pyscard is loaded only when the demo starts
    from cardreader.pcscd_process import PcscdService

log = logging.getLogger(__name__)

DEMO_SLOT = 0
DEMO_PIN = "1234"  # the demo's maintenance PIN: a demo names nobody and guards nothing
# Enough to watch the tiles fill in, well inside the check's 3 s deadline.
DEMO_LATENCY_MS = {
    "nhso": 350,
    "sso": 600,
    "welfare": 450,
    "elderly": 800,
    "disability": 500,
    "cgd": 950,
    "farmer": 700,
}
UNKNOWN_CID = "1101400223340"  # in the simulator's data set: known to no agency


@dataclass(frozen=True, slots=True)
class DemoCard:
    """A card the visitor can insert: a shipped profile, or one made from it."""

    key: str
    label_th: str
    label_en: str
    profile: str
    cid: str | None = None  # another (invented) citizen on the same card

    def image(self) -> CardImage:
        """The card's bytes."""
        profile = shipped_profile(self.profile)
        if self.cid is not None:
            profile = profile.model_copy(update={"cid": self.cid})
        return profile.image()


DEMO_CARDS: tuple[DemoCard, ...] = (
    DemoCard("demo", "พรทิพย์ (บัตรทอง ประกันสังคม บัตรสวัสดิการ)",
             "Pornthip (gold card, social security, welfare card)", "demo"),
    DemoCard("elderly", "บุญมา ผู้สูงอายุ (เบี้ยยังชีพ)", "Boonma, elderly (old-age allowance)",
             "elderly_lifelong"),
    DemoCard("bangkok", "ธนากร กรุงเทพฯ (ข้าราชการ)", "Thanakorn, Bangkok (civil servant)",
             "bangkok"),
    DemoCard("nhso", "อนุชา (สิทธิบนบัตร)", "Anucha (health right on the card)", "nhso"),
    DemoCard("unknown", "ผู้ที่ไม่มีข้อมูลในหน่วยงานใด", "A citizen no agency knows",
             "empty_address", cid=UNKNOWN_CID),
    DemoCard("foreign", "บัตรธนาคารต่างประเทศ (ไม่ใช่บัตรประชาชน)",
             "A foreign bank card (not a Thai ID card)", "non_thai"),
)  # fmt: skip


class DemoError(RuntimeError):
    """The demo cannot run here (one plain sentence: what is missing)."""


class DemoEnvironment:
    """pcscd, the simulator, the temporary data and the demo card; see the module docstring."""

    def __init__(
        self,
        folder: Path,
        pcscd: PcscdService,
        simulator: AgencySimulator,
        *,
        vpcd_port: int = VPCD_PORTS[DEMO_SLOT],
    ) -> None:
        self.folder = folder
        self.pcscd = pcscd
        self.simulator = simulator
        from cardreader.pcscd_process import VPCD_READERS

        self.config_file = folder / "kiosk.toml"
        self.reader = VPCD_READERS[VPCD_PORTS.index(vpcd_port)]
        self._vpcd_port = vpcd_port
        self._lock = threading.Lock()
        self._card: VirtualCard | None = None
        self._current = DEMO_CARDS[0]

    @classmethod
    def start(cls, *, latency: bool = True) -> DemoEnvironment:
        """Set everything up (a few seconds when pcscd has to start). `DemoError` says what is
        missing; whatever was started by then is stopped again."""
        from cardreader.pcscd_process import PcscdError, PcscdService

        folder = Path(tempfile.mkdtemp(prefix="kiosk-demo-"))
        pcscd: PcscdService | None = None
        simulator: AgencySimulator | None = None
        try:
            try:
                pcscd = PcscdService.ensure()
            except PcscdError as exc:
                raise DemoError(f"the demo needs pcscd with vsmartcard's vpcd ({exc})") from None
            faults = (
                [parse_fault(f"{agency}=latency:{ms}") for agency, ms in DEMO_LATENCY_MS.items()]
                if latency
                else []
            )
            simulator = AgencySimulator(faults=faults).start()
            demo = cls(folder, pcscd, simulator)
            demo._write_config()
            log.info("demo: simulator on %s, data in %s", simulator.url, folder)
            return demo
        except BaseException:
            if simulator is not None:
                simulator.stop()
            if pcscd is not None:
                pcscd.close()
            shutil.rmtree(folder, ignore_errors=True)
            raise

    # --- the card ------------------------------------------------------------------------------

    @property
    def current(self) -> DemoCard:
        """The card the visitor picked."""
        return self._current

    @property
    def inserted(self) -> bool:
        """True while the card is in the reader."""
        card = self._card
        return card is not None and card.inserted

    def insert(self) -> None:
        """Put the picked card into the reader (nothing if it is in). Blocking."""
        with self._lock:
            if self._card is not None and self._card.inserted:
                return
            card = VirtualCard(
                self._current.image(), VPCD_HOST, self._vpcd_port, latency=REALISTIC_LATENCY
            )
            card.insert()
            self._card = card

    def remove(self) -> None:
        """Take the card out (nothing if it is out). Blocking."""
        with self._lock:
            card, self._card = self._card, None
        if card is not None:
            card.remove()

    def use_profile(self, key: str) -> None:
        """Pick another card; one in the reader is taken out first (the visitor inserts the new
        one). Blocking."""
        chosen = next((c for c in DEMO_CARDS if c.key == key), None)
        if chosen is None:
            raise ValueError(f"no demo card {key!r}")
        self.remove()
        self._current = chosen

    # --- the end -------------------------------------------------------------------------------

    def close(self) -> None:
        """Take the card out, stop the simulator and (if we started it) pcscd, delete the
        temporary folder."""
        self.remove()
        self.simulator.stop()
        self.pcscd.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _write_config(self) -> None:
        data = self.folder / "data"
        pin_file = self.folder / "maintenance.pin"
        write_pin(pin_file, DEMO_PIN)
        tables = self.simulator.agency_tables()
        lines = [
            "# Written by `kiosk run --demo`; removed when the demo ends.",
            "[kiosk]",
            'id = "demo-kiosk"',
            f"data_dir = {_toml(str(data))}",
            f"key_file = {_toml(str(self.folder / 'cache.key'))}",
            "",
            "[maintenance]",
            f"pin_file = {_toml(str(pin_file))}",
            # No "exit to the desktop": its exit code 10 tells systemd to stay closed, and `make`
            # would report it as a failure.
            "allow_exit = false",
            "",
        ]
        for name, table in tables.items():
            lines.append(f"[agencies.{name}]")
            lines += [f"{key} = {_toml(value)}" for key, value in table.items()]
            lines.append("")
        self.config_file.write_text("\n".join(lines), encoding="utf-8")


def _toml(value: Any) -> str:
    """A TOML basic string (JSON's string escapes are TOML's)."""
    return json.dumps(str(value), ensure_ascii=True)

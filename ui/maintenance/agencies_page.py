"""The agencies page: each enabled agency with its last known state and a "probe" button that
asks its endpoint now (no citizen's data is sent) and shows the latency and a verdict."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.doctor.findings import Finding
from kiosk.session.agency_info import AgencyInfo
from ui.controls import KioskButton, TextLabel
from ui.maintenance.page import MaintenancePage
from ui.maintenance.rows import VerdictRow
from ui.maintenance.status_page import agency_details


class _AgencyBlock(QWidget):
    """One agency: its name, the probe button, its last finding."""

    def __init__(self, info: AgencyInfo) -> None:
        super().__init__()
        self.info = info
        self.name = TextLabel("strong")
        self.probe = KioskButton("secondary")
        self.row = VerdictRow()
        self.row.hide()
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.name, 1)
        head.addWidget(self.probe)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.row)


class AgenciesPage(MaintenancePage):
    """Probe one agency at a time.

    Signals:
        probe_pressed(str): probe this agency id now.
    """

    probe_pressed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.intro = TextLabel("body")
        self.none = TextLabel("body")
        self._list = QVBoxLayout()
        layout = self.content_layout
        layout.addWidget(self.intro)
        layout.addWidget(self.none)
        layout.addLayout(self._list)
        layout.addStretch(1)
        self.blocks: dict[str, _AgencyBlock] = {}
        self._findings: dict[str, Finding] = {}
        self._probing: set[str] = set()

    def set_agencies(self, agencies: tuple[AgencyInfo, ...]) -> None:
        """The enabled agencies (once, when maintenance is built)."""
        for info in agencies:
            block = _AgencyBlock(info)
            block.probe.clicked.connect(lambda _=False, a=info.id: self.probe_pressed.emit(a))
            self._list.addWidget(block)
            self.blocks[info.id] = block
        self.redraw()

    def show_known(self, findings: dict[str, Finding]) -> None:
        """Each agency's item from the latest status report (what the monitor saw last)."""
        for agency, finding in findings.items():
            if agency not in self._probing:
                self._findings[agency] = finding
        self.redraw()

    def show_probing(self, agency: str) -> None:
        """A probe of `agency` has started."""
        self._probing.add(agency)
        self.redraw()

    def show_probe(self, agency: str, finding: Finding) -> None:
        """A probe of `agency` has ended."""
        self._probing.discard(agency)
        self._findings[agency] = finding
        self.redraw()

    def clear(self) -> None:
        """Forget the findings (maintenance mode was left)."""
        self._findings.clear()
        self._probing.clear()
        self.redraw()

    def redraw(self) -> None:
        """Draw each agency."""
        words, look = self.words, self.look
        self.intro.set_text(words("maint_agencies_intro"))
        self.none.set_text(words("maint_no_agencies"))
        self.none.setVisible(not self.blocks)
        language = words.language
        for agency, block in self.blocks.items():
            block.name.set_text(f"{block.info.name(language)} ({agency})")
            probing = agency in self._probing
            block.probe.setText(words("maint_probing" if probing else "maint_probe"))
            block.probe.setEnabled(not probing)
            finding = self._findings.get(agency)
            if finding is None or look is None:
                block.row.hide()
                continue
            block.row.show_finding(finding, words, look, agency_details(finding, words))
            block.row.show()

"""The menu of services under the results: big buttons grouped in words the citizen knows
(your records, health, money owed and paid, other help). A tap opens the service; nothing is
asked before it. Built once for the kiosk's menu (it names services, never a citizen)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from adapters.services.definition import GROUPS, ServiceDefinition
from ui.controls import KioskButton, TextLabel
from ui.screens.base import Look
from ui.words.strings import Words


class ServiceMenu(QWidget):
    """The services by group, one button each.

    Signals:
        tapped(str): a service's id.
    """

    tapped = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = TextLabel("title")
        self.hint = TextLabel("small")
        self.buttons: dict[str, KioskButton] = {}
        self.headings: dict[str, TextLabel] = {}
        self._menu: tuple[ServiceDefinition, ...] = ()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.title)
        self._layout.addWidget(self.hint)
        self._groups = QVBoxLayout()
        self._layout.addLayout(self._groups)
        self._grids: list[QGridLayout] = []
        self._look: Look | None = None
        self._language = ""
        self.hide()

    @property
    def menu(self) -> tuple[ServiceDefinition, ...]:
        """The services the buttons are built for."""
        return self._menu

    def apply_look(self, look: Look) -> None:
        """Sizes, and one button column (portrait) or two (landscape)."""
        self._look = look
        m = look.metrics
        self._layout.setSpacing(m.unit)
        self._groups.setSpacing(m.gap)
        for grid in self._grids:
            grid.setSpacing(m.gap)
        self._place()

    def show_menu(self, menu: tuple[ServiceDefinition, ...], words: Words) -> None:
        """Build the buttons when the menu changes; word them in `words`' language."""
        if menu != self._menu:
            self._build(menu)
        self.setVisible(bool(menu))
        if words.language == self._language:
            return
        self._language = words.language
        self.title.set_text(words("menu_title"))
        self.hint.set_text(words("menu_hint"))
        for group, heading in self.headings.items():
            heading.set_text(words(f"menu_group_{group}"))
        th = words.language == "th"
        for service in menu:
            self.buttons[service.id].setText(service.name.th if th else service.name.en)

    def _build(self, menu: tuple[ServiceDefinition, ...]) -> None:
        for widget in (*self.buttons.values(), *self.headings.values()):
            widget.hide()
            widget.deleteLater()
        self.buttons, self.headings, self._grids = {}, {}, []
        while self._groups.count():
            self._groups.takeAt(0)
        self._menu, self._language = menu, ""
        for group in GROUPS:
            members = [s for s in menu if s.group == group]
            if not members:
                continue
            heading = TextLabel("strong")
            self.headings[group] = heading
            self._groups.addWidget(heading)
            grid = QGridLayout()
            self._grids.append(grid)
            self._groups.addLayout(grid)
            for service in members:
                button = KioskButton("secondary")
                button.setObjectName(f"service-{service.id}")
                button.clicked.connect(lambda _=False, sid=service.id: self.tapped.emit(sid))
                self.buttons[service.id] = button
        self._place()

    def _place(self) -> None:
        columns = 2 if self._look is not None and self._look.landscape else 1
        grids = iter(self._grids)
        for group in GROUPS:
            members = [s for s in self._menu if s.group == group]
            if not members:
                continue
            grid = next(grids)
            for index, service in enumerate(members):
                button = self.buttons[service.id]
                grid.removeWidget(button)
                grid.addWidget(button, index // columns, index % columns)
            if self._look is not None:
                grid.setSpacing(self._look.metrics.gap)

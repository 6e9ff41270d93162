"""Records on the real stack: a definition the project has never seen, in the deployer's
folder, is on the running kiosk's menu, asked over HTTP through GDX when tapped, shown and
printed; a built-in record is asked the same way; nothing of either is left once the card is
out. The definition and the simulator's data are those of docs/services.md's worked example."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from adapters.simulator import AgencySimulator, Dataset
from kiosk.session.view import SessionState
from tests.fixtures import docs
from tests.gui.real_kiosk import RealKiosk, assert_kiosk_holds_nothing

pytestmark = pytest.mark.gui

RealKioskFactory = Callable[..., RealKiosk]
SERVICES_PAGE = docs.REPO_ROOT / "docs" / "services.md"


def worked_example() -> tuple[str, dict[str, object]]:
    """The page's library-card definition and its simulator data."""
    found = docs.blocks(SERVICES_PAGE)
    definition = next(b for b in found if b.tag == "toml" and b.first_line.startswith("id = "))
    data = next(b for b in found if b.tag == "json" and '"routes"' in b.text)
    return definition.text, json.loads(data.text)


def serve_the_library(sim: AgencySimulator, example: dict[str, object]) -> None:
    """The simulator's shipped citizens, plus the example's route and answer."""
    sim.dataset = sim.dataset.merged(Dataset.from_json(json.dumps(example)))


def texts(widget: object) -> list[str]:
    from ui.controls import TextLabel

    return [label.plain_text for label in widget.findChildren(TextLabel)]  # type: ignore[attr-defined]


def test_a_new_definition_is_listed_asked_shown_and_printed(
    real_kiosk: RealKioskFactory, agency_sim: AgencySimulator, tmp_path: Path
) -> None:
    definition, example = worked_example()
    folder = tmp_path / "services"
    folder.mkdir()
    (folder / "library_card.toml").write_text(definition, encoding="utf-8")
    serve_the_library(agency_sim, example)
    kiosk = real_kiosk(printing=True, agencies={"services_dir": str(folder)})
    window = kiosk.window
    kiosk.insert("demo")
    kiosk.wait_state(SessionState.CONSENT)
    kiosk.press(window.bar.primary)  # agree
    kiosk.wait_state(SessionState.RESULTS)
    menu = window.results.menu
    assert "library_card" in menu.buttons  # from the folder, no code
    assert agency_sim.stats().get("service.library_card") is None  # nothing asked yet
    button = menu.buttons["library_card"]
    window.results.page.area.ensureWidgetVisible(button)
    kiosk.press(button)
    kiosk.wait_until(lambda: bool(window.record.panels))
    assert agency_sim.stats()["service.library_card"] == 1
    shown = texts(window.record)
    assert "LIB-0042" in shown
    assert "31 มกราคม 2571" in shown  # the card's expiry, in the Buddhist era
    assert "ช้างน้อยผจญภัย" in shown
    with kiosk.qtbot.waitSignal(kiosk.app.controller.slip_printed, timeout=15_000) as printed:
        kiosk.press(window.bar.secondary)  # print a memo
    assert printed.args == [True]
    raw = "".join(page.extract_text() for page in PdfReader(tmp_path / "slip.pdf").pages)
    printed = " ".join(unicodedata.normalize("NFKC", raw).split())
    assert "LIB-0042" in printed
    kiosk.press(window.bar.primary)  # back

    built_in = menu.buttons["traffic_tickets"]
    window.results.page.area.ensureWidgetVisible(built_in)
    kiosk.press(built_in)
    kiosk.wait_until(lambda: bool(window.record.panels))
    assert "NB69-0019876" in texts(window.record)
    kiosk.remove()
    kiosk.wait_state(SessionState.IDLE)
    assert not window.record.panels
    assert_kiosk_holds_nothing(kiosk, "demo")

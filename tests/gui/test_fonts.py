"""The shipped fonts are the only ones the kiosk draws with: on this host, which has other Thai
fonts (looped TLWG faces), and with fontconfig pointed at an empty configuration, where the
host's fonts do not exist at all — widgets, rich-text labels, buttons and the printed slip."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.gui.font_walk import walk

SHIPPED = {"Noto Sans", "Noto Sans Thai"}
ROOT = Path(__file__).resolve().parents[2]


def test_every_text_is_drawn_with_the_shipped_fonts(qapp: object, kiosk_font: object) -> None:
    del qapp, kiosk_font
    use = walk()
    assert use.thai_texts > 100  # every screen in both languages, and the slips
    assert set(use.families) == SHIPPED, dict(use.families)
    assert use.missing == []


def test_thai_renders_with_no_host_fonts_at_all(tmp_path: Path) -> None:
    """fontconfig with no font folder: nothing but the fonts the app ships can draw Thai."""
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n"
    )
    environ = {**os.environ, "FONTCONFIG_FILE": str(config), "QT_QPA_PLATFORM": "offscreen"}
    environ.pop("FONTCONFIG_PATH", None)
    listed = subprocess.run(
        ["fc-list"], env=environ, capture_output=True, text=True, timeout=30, check=False
    )
    assert listed.stdout.strip() == ""  # the host's fonts are out of reach
    done = subprocess.run(
        [sys.executable, "-m", "tests.gui.font_walk"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    use = json.loads(done.stdout.strip().splitlines()[-1])
    assert use["thai_texts"] > 100
    assert set(use["families"]) == SHIPPED
    assert use["missing"] == []

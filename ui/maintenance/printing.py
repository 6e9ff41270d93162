"""The test print: a slip that names nobody — "TEST PRINT", the kiosk's id and the time —
printed through the configured printer like a citizen's slip (`ui.slip.print_slip`)."""

from __future__ import annotations

from datetime import datetime

from ui.slip import SlipContent
from ui.words.strings import Words
from ui.words.values import format_datetime


def check_slip(kiosk_id: str, now: datetime, words: Words) -> SlipContent:
    """The test slip's content: no name, no ID number, no agency."""
    return SlipContent(
        language=words.language,
        title=words("slip_test_title"),
        kiosk=words("slip_kiosk", kiosk=kiosk_id),
        printed=words("slip_printed", when=format_datetime(now, words.language)),
        name="",
        cid="",
        agencies=(),
        footer=words("slip_test_body"),
    )

"""Colours, sizes and the style sheet, from docs/ui-guide.md.

Sizes are given for the reference screen (1080 px on the short side) and scaled by the window's
short side. Text and touch targets never drop below the guide's floors (text 24 px, targets
60 px), whatever the screen: a smaller screen scrolls rather than shrinking print for people who
left their reading glasses at home. Large-text mode multiplies text by 1.3.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.session.view import Preferences, TileState
from ui.typeface import FAMILIES

REFERENCE_SHORT_SIDE = 1080
LARGE_TEXT_FACTOR = 1.3
MIN_TEXT_PX = 24
MIN_TARGET_PX = 60
THAI_LINE_HEIGHT = 1.5  # Thai stacks marks above and below the line


@dataclass(frozen=True, slots=True)
class Palette:
    """The colours of one mode (normal or high contrast)."""

    background: str
    surface: str
    text: str
    muted: str
    primary: str
    on_primary: str
    secondary_text: str
    border: str
    focus: str
    accent: str  # decoration only, never text on white
    active: str
    asking: str
    offline: str
    offline_bg: str
    unavailable: str
    error: str
    banner_bg: str
    banner_text: str
    backdrop: str  # behind the inactivity warning


NORMAL = Palette(
    background="#F7F8FA",
    surface="#FFFFFF",
    text="#1A1F2B",
    muted="#3D4555",
    primary="#1B3A6B",
    on_primary="#FFFFFF",
    secondary_text="#1B3A6B",
    border="#C5CBD6",
    focus="#1F5FAD",
    accent="#C9A227",
    active="#1E7B3A",
    asking="#1F5FAD",
    offline="#8A5A00",
    offline_bg="#FFF4D6",
    unavailable="#5A6270",
    error="#B3261E",
    banner_bg="#FFF4D6",
    banner_text="#5C3C00",
    backdrop="rgba(26, 31, 43, 180)",
)

# Black, white text, yellow for focus and the primary action: contrast >= 7:1 everywhere.
HIGH_CONTRAST = Palette(
    background="#000000",
    surface="#000000",
    text="#FFFFFF",
    muted="#FFFFFF",
    primary="#FFD400",
    on_primary="#000000",
    secondary_text="#FFD400",
    border="#FFFFFF",
    focus="#FFD400",
    accent="#FFD400",
    active="#7CFF9B",
    asking="#8EC5FF",
    offline="#FFD400",
    offline_bg="#000000",
    unavailable="#FFFFFF",
    error="#FF8A80",
    banner_bg="#FFD400",
    banner_text="#000000",
    backdrop="rgba(0, 0, 0, 230)",
)


def state_colour(palette: Palette, state: TileState) -> str:
    """The colour that goes with a tile state (always beside an icon and a word)."""
    return {
        TileState.ASKING: palette.asking,
        TileState.LIVE: palette.active,
        TileState.CACHED: palette.offline,
        TileState.CARD: palette.offline,
        TileState.NOT_REGISTERED: palette.unavailable,
        TileState.UNAVAILABLE: palette.unavailable,
    }[state]


@dataclass(frozen=True, slots=True)
class Metrics:
    """Pixel sizes for one window size and text mode."""

    scale: float
    text_factor: float

    def px(self, reference: float) -> int:
        """A layout size (margin, gap, image) scaled from the reference screen."""
        return max(1, round(reference * self.scale))

    def text(self, reference: float) -> int:
        """A text size scaled from the reference screen, never below the 24 px floor."""
        return max(
            round(MIN_TEXT_PX * self.text_factor), round(reference * self.scale * self.text_factor)
        )

    def target(self, reference: float) -> int:
        """A touch target's height: scaled, never below 60 px, and tall enough for its text."""
        return max(MIN_TARGET_PX, self.px(reference), round(self.body * THAI_LINE_HEIGHT + 16))

    @property
    def margin(self) -> int:
        """Outer margin (48 px at the reference)."""
        return self.px(48)

    @property
    def gap(self) -> int:
        """Space between touch targets (at least 16 px at the reference)."""
        return max(12, self.px(16))

    @property
    def unit(self) -> int:
        """The 8 px grid unit."""
        return max(4, self.px(8))

    @property
    def display(self) -> int:
        """Display type (64 px)."""
        return self.text(64)

    @property
    def title(self) -> int:
        """Title type (44 px)."""
        return self.text(44)

    @property
    def body(self) -> int:
        """Body type (30 px)."""
        return self.text(30)

    @property
    def small(self) -> int:
        """Small type (24 px; nothing smaller)."""
        return self.text(24)

    @property
    def primary_height(self) -> int:
        """Primary buttons: at least 96 px at the reference."""
        return self.target(96)

    @property
    def control_height(self) -> int:
        """Any other target: at least 64 px at the reference."""
        return self.target(64)

    @property
    def photo(self) -> int:
        """The holder's photo (160 px at the reference)."""
        return self.px(160)

    @property
    def tile_height(self) -> int:
        """Minimum agency tile height (160 px at the reference)."""
        return self.px(160)

    @property
    def icon(self) -> int:
        """A status icon beside body text."""
        return round(self.body * 1.2)


def metrics_for(width: int, height: int, preferences: Preferences) -> Metrics:
    """Metrics for a window of `width` x `height` with the citizen's text choice."""
    short = max(1, min(width, height))
    factor = LARGE_TEXT_FACTOR if preferences.large_text else 1.0
    return Metrics(scale=short / REFERENCE_SHORT_SIDE, text_factor=factor)


def palette_for(preferences: Preferences) -> Palette:
    """The palette for the citizen's contrast choice."""
    return HIGH_CONTRAST if preferences.high_contrast else NORMAL


def style_sheet(p: Palette, m: Metrics) -> str:
    """The one style sheet of the window; widgets pick rules by their `role` property."""
    radius = m.px(16)
    border = max(2, m.px(3))
    families = ", ".join(f'"{family}"' for family in FAMILIES)
    # Every widget names the shipped families itself: a style sheet rule that sets a font size
    # otherwise rebuilds the font from the application's default ("Sans Serif"), and Thai then
    # falls back to whatever the host's fontconfig offers (a looped TLWG face, or boxes).
    return f"""
    * {{ font-family: {families}; }}
    QWidget#KioskWindow, QStackedWidget, QScrollArea, QScrollArea > QWidget > QWidget {{
        background: {p.background}; color: {p.text};
    }}
    QLabel {{ color: {p.text}; font-size: {m.body}px; background: transparent; }}
    QLabel[role="display"] {{ font-size: {m.display}px; font-weight: bold; }}
    QLabel[role="title"] {{ font-size: {m.title}px; font-weight: bold; }}
    QLabel[role="body"] {{ font-size: {m.body}px; }}
    QLabel[role="strong"] {{ font-size: {m.body}px; font-weight: bold; }}
    QLabel[role="small"] {{ font-size: {m.small}px; color: {p.muted}; }}
    QLabel[role="countdown"] {{ font-size: {m.text(160)}px; font-weight: bold; }}
    QLabel[role="notice"] {{ font-size: {m.body}px; font-weight: bold; color: {p.text}; }}
    QFrame[role="panel"] {{
        background: {p.surface}; border: {border}px solid {p.border}; border-radius: {radius}px;
    }}
    QFrame[role="tile"] {{
        background: {p.surface}; border: {border}px solid {p.border}; border-radius: {radius}px;
    }}
    QFrame[role="tile"][state="cached"], QFrame[role="tile"][state="card"] {{
        background: {p.offline_bg}; border-color: {p.offline};
    }}
    QFrame[role="tile"]:focus {{ border-color: {p.focus}; }}
    QLabel[tone="active"] {{ color: {p.active}; }}
    QLabel[tone="asking"] {{ color: {p.asking}; }}
    QLabel[tone="offline"] {{ color: {p.offline}; }}
    QLabel[tone="neutral"] {{ color: {p.unavailable}; }}
    QLabel[tone="error"] {{ color: {p.error}; }}
    QWidget#scrollCue {{ background: {p.background}; border-top: 2px solid {p.border}; }}
    QFrame[role="bannerbar"] {{
        background: {p.banner_bg}; border-bottom: {border}px solid {p.offline};
    }}
    QLabel[role="banner"] {{ color: {p.banner_text}; font-size: {m.small}px; font-weight: bold; }}
    QFrame[role="bar"] {{ background: {p.surface}; border-top: {border}px solid {p.border}; }}
    QFrame[role="overlay"] {{ background: {p.backdrop}; }}
    QPushButton {{
        font-size: {m.body}px; min-height: {m.control_height}px; border-radius: {radius}px;
        padding: 0 {m.px(24)}px; color: {p.secondary_text}; background: {p.surface};
        border: {border}px solid {p.secondary_text};
    }}
    QPushButton:focus {{ border: {border + 2}px solid {p.focus}; }}
    QPushButton[role="primary"] {{
        font-size: {m.title}px; font-weight: bold; min-height: {m.primary_height}px;
        background: {p.primary}; color: {p.on_primary}; border-color: {p.primary};
        padding: 0 {m.px(40)}px;
    }}
    QPushButton[role="secondary"] {{
        font-size: {m.body}px; font-weight: bold; min-height: {m.primary_height}px;
    }}
    QPushButton[role="pinkey"] {{
        font-size: {m.display}px; font-weight: bold; min-height: {m.primary_height}px;
    }}
    QPushButton[role="toggle"] {{
        font-size: {m.small}px; min-height: {m.control_height}px; padding: 0 {m.px(16)}px;
    }}
    QPushButton[role="toggle"]:checked {{
        background: {p.primary}; color: {p.on_primary}; border-color: {p.primary};
    }}
    QPushButton:disabled {{
        color: {p.unavailable}; border-color: {p.unavailable}; background: {p.background};
    }}
    QPlainTextEdit[role="log"] {{
        font-family: "DejaVu Sans Mono", "Liberation Mono", monospace, {families};
        font-size: {m.small}px; background: {p.surface}; color: {p.text};
        border: {border}px solid {p.border}; border-radius: {radius}px;
    }}
    QScrollBar:vertical {{ width: {m.px(28)}px; background: {p.background}; }}
    QScrollBar::handle:vertical {{
        background: {p.muted}; min-height: {m.px(80)}px; border-radius: {m.px(12)}px;
    }}
    QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0; }}
    """

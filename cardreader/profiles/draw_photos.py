"""Draw the profiles' placeholder ID photos and store them in the JSON files (a maintainer tool).

    .venv/bin/python -m cardreader.profiles.draw_photos

Needs Pillow (in the `test` extra; the kiosk itself never imports this module). Each photo is a
friendly drawn face on the light background of a Thai ID photo, saved as a baseline JPEG small
enough for the card's 5118-byte photo area. Invented people, drawn: no real face anywhere.
"""

from __future__ import annotations

import base64
import io
import json
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from cardreader import layout

HERE = Path(__file__).parent
SIZE = (216, 260)  # the card's photo is portrait, about 3:3.6
BACKGROUND = (214, 228, 240)

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Look:
    """How one invented person is drawn."""

    skin: RGB
    hair: RGB
    shirt: RGB
    long_hair: bool = False
    glasses: bool = False
    wrinkles: bool = False
    quality: int = 80


LOOKS: dict[str, Look] = {
    "standard": Look((226, 187, 152), (35, 28, 24), (40, 60, 110), long_hair=True, quality=75),
    "atr_3b67": Look((205, 160, 120), (25, 22, 20), (240, 240, 240), quality=85),
    "elderly_lifelong": Look(
        (214, 172, 138), (205, 205, 205), (120, 80, 110), long_hair=True, wrinkles=True
    ),
    "bangkok": Look((222, 182, 145), (30, 26, 22), (30, 30, 40), glasses=True),
    "long_names": Look((232, 196, 165), (70, 45, 30), (200, 60, 70), long_hair=True),
    "empty_address": Look((198, 150, 112), (20, 18, 16), (60, 110, 70)),
    "nhso": Look((210, 168, 130), (28, 24, 20), (235, 200, 80), glasses=True),
    "demo": Look((228, 190, 156), (40, 30, 26), (70, 120, 170), long_hair=True, quality=75),
}


def draw(look: Look) -> bytes:
    """The JPEG bytes of one placeholder portrait."""
    img = Image.new("RGB", SIZE, BACKGROUND)
    d = ImageDraw.Draw(img)
    w, h = SIZE
    cx = w // 2
    # Shoulders and collar.
    d.ellipse((cx - 100, h - 70, cx + 100, h + 110), fill=look.shirt)
    d.polygon([(cx - 22, h - 66), (cx + 22, h - 66), (cx, h - 30)], fill=(245, 245, 245))
    if look.long_hair:
        d.rounded_rectangle((cx - 62, 52, cx + 62, 188), radius=36, fill=look.hair)
    d.rectangle((cx - 16, h - 100, cx + 16, h - 62), fill=look.skin)  # neck
    # Face, ears, hair on top.
    d.ellipse((cx - 66, 98, cx - 48, 132), fill=look.skin)
    d.ellipse((cx + 48, 98, cx + 66, 132), fill=look.skin)
    d.ellipse((cx - 52, 50, cx + 52, 178), fill=look.skin)
    d.chord((cx - 56, 40, cx + 56, 130), start=180, end=360, fill=look.hair)
    # Eyes, brows, nose, smile.
    for side in (-1, 1):
        ex = cx + side * 20
        d.ellipse((ex - 7, 103, ex + 7, 111), fill=(255, 255, 255))
        d.ellipse((ex - 4, 103, ex + 4, 111), fill=(45, 35, 30))
        d.line((ex - 10, 95, ex + 10, 94), fill=look.hair, width=3)
        if look.glasses:
            d.ellipse((ex - 14, 96, ex + 14, 118), outline=(50, 50, 60), width=2)
        if look.wrinkles:
            d.arc((ex - 12, 108, ex + 12, 122), start=20, end=160, fill=(170, 125, 100), width=1)
    if look.glasses:
        d.line((cx - 6, 106, cx + 6, 106), fill=(50, 50, 60), width=2)
    d.line((cx, 112, cx - 4, 134), fill=(190, 140, 110), width=2)
    d.line((cx - 4, 134, cx + 4, 135), fill=(190, 140, 110), width=2)
    d.arc((cx - 18, 132, cx + 18, 158), start=20, end=160, fill=(170, 70, 70), width=3)
    img = img.filter(ImageFilter.GaussianBlur(0.8))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=look.quality, optimize=True)
    return out.getvalue()


def main() -> int:
    """Draw every profile's photo and write it into its JSON file."""
    for name, look in LOOKS.items():
        path = HERE / f"{name}.json"
        profile = json.loads(path.read_text(encoding="utf-8"))
        jpeg = draw(look)
        if len(jpeg) > layout.PHOTO.length:
            raise SystemExit(f"{name}: photo of {len(jpeg)} bytes does not fit the card")
        profile["photo_jpeg_base64"] = base64.b64encode(jpeg).decode("ascii")
        path.write_text(json.dumps(profile, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"{name}: {len(jpeg)} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

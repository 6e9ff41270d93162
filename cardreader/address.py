"""The card's 160-byte address, parsed by its Thai labels. Pure, never raises.

The card writes the address as `#`-separated slots, in the order house number, หมู่ที่ (village
number), ตรอก (lane), ซอย (soi), ถนน (road), ตำบล/แขวง (subdistrict), อำเภอ/เขต (district),
จังหวัด (province), leaving slots it has no value for empty. Bangkok's province is written
`กรุงเทพมหานคร`, with no จังหวัด label. Slots are recognised by their labels; the position only
decides for a slot that carries no label (the house number, or an odd card).
"""

from __future__ import annotations

from cardreader.text import decode_text
from cardreader.types import Address

BANGKOK = "กรุงเทพมหานคร"

# Field name, then its labels. Abbreviations (ม. ต. อ. จ. ...) appear on some older cards; a bare
# `หมู่` is not a label, since `หมู่บ้าน...` (a housing estate's name) starts with it.
_LABELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("moo", ("หมู่ที่", "ม.")),
    ("trok", ("ตรอก",)),
    ("soi", ("ซอย", "ซ.")),
    ("road", ("ถนน", "ถ.")),
    ("subdistrict", ("ตำบล", "แขวง", "ต.")),
    ("district", ("อำเภอ", "เขต", "อ.")),
    ("province", ("จังหวัด", "จ.")),
)
_SLOT_ORDER = ("house_no", "moo", "trok", "soi", "road", "subdistrict", "district", "province")


def _labelled(slot: str) -> tuple[str, str] | None:
    """(field, value without its label) when `slot` starts with a known label."""
    for field, labels in _LABELS:
        for label in labels:
            if slot.startswith(label) and len(slot) > len(label):
                return field, slot[len(label) :].strip()
    if slot == BANGKOK or slot.startswith(BANGKOK):
        return "province", slot
    return None


def parse_address(raw: bytes) -> Address:
    """Parse the address field into its parts (values without labels) and a one-line text."""
    slots = [slot.strip() for slot in decode_text(raw).split("#")]
    parts: dict[str, str] = dict.fromkeys(_SLOT_ORDER, "")
    unlabelled: list[tuple[int, str]] = []
    for index, slot in enumerate(slots):
        if not slot:
            continue
        found = _labelled(slot)
        if found is not None and not parts[found[0]]:
            parts[found[0]] = found[1]
        else:
            unlabelled.append((index, slot))
    for index, slot in unlabelled:
        # A slot with no label: its position in the card's layout says what it is, if that
        # field is still free; otherwise it belongs to the house number line.
        field = _SLOT_ORDER[index] if index < len(_SLOT_ORDER) else "house_no"
        if parts[field]:
            field = "house_no"
        parts[field] = f"{parts[field]} {slot}".strip()
    soi = parts["soi"]
    if parts["trok"]:
        # The JSON contract has no lane field; a lane is a small soi, so it is kept there.
        soi = " ".join(p for p in (f"ตรอก{parts['trok']}", soi) if p)
    return Address(
        house_no=parts["house_no"],
        moo=parts["moo"],
        soi=soi,
        road=parts["road"],
        subdistrict=parts["subdistrict"],
        district=parts["district"],
        province=parts["province"],
        text=" ".join(slot for slot in slots if slot),
    )

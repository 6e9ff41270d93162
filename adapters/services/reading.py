"""Reading an agency's answer into a `Record`, as its definition's `[answer]` says.

Each value is picked with its JMESPath expression and checked against its type: `text` (a
string, or a number shown as written), `date` (`YYYY-MM-DD`, a time after it is ignored),
`money` (a number of baht), `count` (a whole number, not negative), `status` (a word, shown in
the definition's words for it). A required value that is missing or of the wrong type fails the
whole answer (`AgencyCallError(BAD_ANSWER)` naming the field's key, never its value), so no half
record reaches the screen. A missing list reads as an empty one. Text is kept as text: control
characters become spaces and a value is cut at `MAX_TEXT` characters.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from datetime import date
from typing import Any

from jmespath.exceptions import JMESPathError

from adapters.base import AgencyCallError, FailureReason
from adapters.services.definition import (
    AnswerSpec,
    FieldSpec,
    ListSpec,
    PaymentSpec,
    ServiceDefinition,
    compiled,
)
from adapters.services.record import Payment, Record, RecordItem, Value
from adapters.services.thai_qr import ThaiQrError, bill_payment

MAX_TEXT = 500
MAX_ENTRIES = 200  # a citizen with more tickets than this sees the newest 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def read_record(definition: ServiceDefinition, body: bytes) -> Record:
    """The record in `body` (a 200 answer), or `AgencyCallError(BAD_ANSWER)`."""
    spec = definition.answer
    if spec is None:  # a handoff has no answer; the caller never asks one
        raise ValueError(f"{definition.id} is not a record service")
    purpose = definition.id
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise _bad(purpose, "the answer is not JSON") from None
    return _record(definition, spec, doc)


def _record(definition: ServiceDefinition, spec: AnswerSpec, doc: Any) -> Record:
    purpose = definition.id
    base = Record(
        title_th=definition.name.th,
        title_en=definition.name.en,
        empty_th=spec.empty.th,
        empty_en=spec.empty.en,
        note_th=spec.note.th if spec.note else "",
        note_en=spec.note.en if spec.note else "",
    )
    if spec.found is not None and not _truthy(_search(spec.found, doc, purpose, "found")):
        return replace(base, empty=True)
    items = [item for f in spec.fields if (item := _item(f, doc, purpose, None)) is not None]
    headings: list[str] = []
    entries = spec.entries
    if entries is not None:
        elements = _elements(entries, doc, purpose)
        for number, element in enumerate(elements, start=1):
            headings.append(_heading(entries, element, purpose))
            for f in entries.fields:
                item = _item(f, element, purpose, number)
                if item is not None:
                    items.append(item)
        if not elements and entries.empty is not None:
            base = replace(base, none_th=entries.empty.th, none_en=entries.empty.en)
    payment = _payment(spec.payment, doc, purpose) if spec.payment else None
    return replace(
        base,
        items=tuple(items),
        headings=tuple(headings),
        entries=len(headings),
        empty=not items,
        payment=payment,
    )


def _elements(spec: ListSpec, doc: Any, purpose: str) -> list[Any]:
    found = _search(spec.query, doc, purpose, "entries")
    if found is None:
        return []
    if not isinstance(found, list):
        raise _bad(purpose, "entries: not a list")
    if spec.newest_first is not None:
        key = next(f for f in spec.fields if f.key == spec.newest_first)
        dated = [(_item(key, element, purpose, 0), element) for element in found]
        dated.sort(key=lambda pair: _sort_date(pair[0]), reverse=True)
        found = [element for _, element in dated]
    return found[:MAX_ENTRIES]


def _sort_date(item: RecordItem | None) -> date:
    return item.value if item is not None and isinstance(item.value, date) else date.min


def _heading(spec: ListSpec, element: Any, purpose: str) -> str:
    if spec.heading is None:
        return ""
    value = _search(spec.heading, element, purpose, "entries.heading")
    return "" if value is None else _text(value, purpose, "entries.heading")


def _item(spec: FieldSpec, doc: Any, purpose: str, entry: int | None) -> RecordItem | None:
    where = spec.key if entry is None else f"entries.{spec.key}"
    raw = _search(spec.query, doc, purpose, where)
    if raw is None:
        if spec.optional:
            return None
        raise _bad(purpose, f"{where}: missing")
    value = _typed(spec, raw, purpose, where)
    word = spec.statuses.get(str(value)) if spec.type == "status" else None
    return RecordItem(
        key=spec.key,
        label_th=spec.label.th,
        label_en=spec.label.en,
        type=spec.type,
        value=value,
        entry=entry,
        word_th=(word.th if word else str(value)) if spec.type == "status" else None,
        word_en=(word.en if word else str(value)) if spec.type == "status" else None,
        tone=word.tone if word else "neutral",
    )


def _typed(spec: FieldSpec, raw: Any, purpose: str, where: str) -> Value:
    kind = spec.type
    if kind in ("text", "status"):
        return _text(raw, purpose, where)
    if kind == "date":
        return _date(raw, purpose, where)
    if kind == "money":
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
            raise _bad(purpose, f"{where}: not an amount")
        return float(raw)
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:  # count
        raise _bad(purpose, f"{where}: not a count")
    return raw


def _text(raw: Any, purpose: str, where: str) -> str:
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise _bad(purpose, f"{where}: not text")
    text = _CONTROL.sub(" ", str(raw)).strip()
    return text[:MAX_TEXT]


def _date(raw: Any, purpose: str, where: str) -> date:
    if isinstance(raw, str) and len(raw) >= 10:
        try:
            return date.fromisoformat(raw[:10])
        except ValueError:
            pass
    raise _bad(purpose, f"{where}: not a date")


def _payment(spec: PaymentSpec, doc: Any, purpose: str) -> Payment | None:
    """The QR for what is due, or None when nothing is due (no amount, or zero)."""
    amount = _search(spec.amount, doc, purpose, "payment.amount")
    if amount is None or isinstance(amount, bool) or not isinstance(amount, int | float):
        return None
    if not math.isfinite(amount) or amount <= 0:
        return None
    values = {}
    for name in ("biller_id", "ref1", "ref2"):
        expression = getattr(spec, name)
        raw = None if expression is None else _search(expression, doc, purpose, f"payment.{name}")
        values[name] = None if raw is None else _text(raw, purpose, f"payment.{name}")
    if not values["biller_id"] or not values["ref1"]:
        raise _bad(purpose, "payment: an amount is due but the biller or reference is missing")
    try:
        payload = bill_payment(
            biller_id=values["biller_id"],
            ref1=values["ref1"],
            ref2=values["ref2"],
            amount_thb=float(amount),
        )
    except ThaiQrError as exc:
        raise _bad(purpose, f"payment: {exc}") from None
    return Payment(
        payload=payload,
        amount_thb=float(amount),
        caption_th=spec.caption.th,
        caption_en=spec.caption.en,
    )


def _search(expression: str, doc: Any, purpose: str, where: str) -> Any:
    try:
        return compiled(expression).search(doc)
    except JMESPathError:  # e.g. a function given the wrong type by an odd answer
        raise _bad(purpose, f"{where}: cannot be read") from None


def _truthy(value: Any) -> bool:
    """JMESPath's truth: false, null, empty string, list and object are false."""
    return value not in (None, False, "", [], {})


def _bad(purpose: str, problem: str) -> AgencyCallError:
    return AgencyCallError(FailureReason.BAD_ANSWER, f"{purpose}: {problem}")

"""What a record service answers: plain data, serialised to the JSON of `kiosk lookup --json`
(docs/command-line.md) and back (`from_json`), which is also how the offline cache keeps it.

Every value an agency sent is kept as data (text, a date, a number), never as markup: the
screens and the slip draw it as plain text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from adapters.base import AgencyStatus, FailureReason, ResultSource
from adapters.services.definition import Tone, ValueType

Value = str | int | float | date


@dataclass(frozen=True, slots=True)
class RecordItem:
    """One labelled value. `entry`: which entry of the record's list it belongs to (1-based),
    None for the record's own fields. A status carries its words (`word_th`, `word_en`)."""

    key: str
    label_th: str
    label_en: str
    type: ValueType
    value: Value = field(repr=False)
    entry: int | None = None
    word_th: str | None = field(default=None, repr=False)
    word_en: str | None = field(default=None, repr=False)
    tone: Tone = "neutral"

    def to_json(self) -> dict[str, Any]:
        """The item as in the `kiosk lookup --json` contract."""
        doc: dict[str, Any] = {
            "key": self.key,
            "label_th": self.label_th,
            "label_en": self.label_en,
            "type": self.type,
            "value": self.value.isoformat() if isinstance(self.value, date) else self.value,
            "entry": self.entry,
        }
        if self.type == "status":
            doc.update(word_th=self.word_th, word_en=self.word_en, tone=self.tone)
        return doc

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RecordItem:
        """Inverse of `to_json`."""
        kind = data["type"]
        raw = data["value"]
        value: Value = date.fromisoformat(raw) if kind == "date" else raw
        return cls(
            key=str(data["key"]),
            label_th=str(data["label_th"]),
            label_en=str(data["label_en"]),
            type=kind,
            value=value,
            entry=data.get("entry"),
            word_th=data.get("word_th"),
            word_en=data.get("word_en"),
            tone=data.get("tone", "neutral"),
        )


@dataclass(frozen=True, slots=True)
class Payment:
    """A Thai QR bill payment the citizen can scan with a banking app (the kiosk takes no money).
    `payload` is the QR's text."""

    payload: str = field(repr=False)
    amount_thb: float
    caption_th: str
    caption_en: str

    def to_json(self) -> dict[str, Any]:
        """As in the contract."""
        return {
            "payload": self.payload,
            "amount_thb": self.amount_thb,
            "caption_th": self.caption_th,
            "caption_en": self.caption_en,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Payment:
        """Inverse of `to_json`."""
        return cls(
            payload=str(data["payload"]),
            amount_thb=float(data["amount_thb"]),
            caption_th=str(data["caption_th"]),
            caption_en=str(data["caption_en"]),
        )


@dataclass(frozen=True, slots=True)
class Record:
    """One citizen's record from one service. `headings`: each list entry's heading, in order
    (entry n is `headings[n - 1]`); `empty`: the agency has nothing on record, and `empty_th`/
    `empty_en` say so in the service's words; `none_th`/`none_en`: what an empty list means
    (set only when the record's list came empty)."""

    title_th: str
    title_en: str
    items: tuple[RecordItem, ...] = ()
    headings: tuple[str, ...] = field(default=(), repr=False)
    entries: int = 0
    empty: bool = False
    empty_th: str = ""
    empty_en: str = ""
    none_th: str = ""
    none_en: str = ""
    note_th: str = ""
    note_en: str = ""
    payment: Payment | None = None

    def own_items(self) -> tuple[RecordItem, ...]:
        """The record's own fields (not in a list entry)."""
        return tuple(item for item in self.items if item.entry is None)

    def entry_items(self, entry: int) -> tuple[RecordItem, ...]:
        """The items of list entry `entry` (1-based)."""
        return tuple(item for item in self.items if item.entry == entry)

    def to_json(self) -> dict[str, Any]:
        """The record object of the `kiosk lookup --json` contract."""
        return {
            "title_th": self.title_th,
            "title_en": self.title_en,
            "items": [item.to_json() for item in self.items],
            "headings": list(self.headings),
            "entries": self.entries,
            "empty": self.empty,
            "empty_th": self.empty_th,
            "empty_en": self.empty_en,
            "none_th": self.none_th,
            "none_en": self.none_en,
            "note_th": self.note_th,
            "note_en": self.note_en,
            "payment": self.payment.to_json() if self.payment else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Record:
        """Inverse of `to_json`."""
        payment = data.get("payment")
        return cls(
            title_th=str(data["title_th"]),
            title_en=str(data["title_en"]),
            items=tuple(RecordItem.from_json(item) for item in data.get("items", ())),
            headings=tuple(str(h) for h in data.get("headings", ())),
            entries=int(data.get("entries", 0)),
            empty=bool(data.get("empty", False)),
            empty_th=str(data.get("empty_th", "")),
            empty_en=str(data.get("empty_en", "")),
            none_th=str(data.get("none_th", "")),
            none_en=str(data.get("none_en", "")),
            note_th=str(data.get("note_th", "")),
            note_en=str(data.get("note_en", "")),
            payment=Payment.from_json(payment) if payment else None,
        )


@dataclass(frozen=True, slots=True)
class LookupResult:
    """One record service's answer for one citizen, as the kiosk reports it (the statuses and
    sources of `kiosk check`)."""

    service: str
    status: AgencyStatus
    source: ResultSource
    as_of: datetime | None
    record: Record | None = None
    message: str = ""  # plain English, no personal data
    reason: FailureReason | None = None

    def with_source(
        self, source: ResultSource, *, reason: FailureReason | None, message: str
    ) -> LookupResult:
        """This answer served from elsewhere (the cache), saying why the live one failed."""
        return replace(self, source=source, reason=reason, message=message)

    def to_json(self) -> dict[str, Any]:
        """The document `kiosk lookup --json` prints."""
        return {
            "service": self.service,
            "status": self.status.value,
            "source": self.source.value,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "message": self.message,
            "record": self.record.to_json() if self.record else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LookupResult:
        """Inverse of `to_json`."""
        as_of = data.get("as_of")
        record = data.get("record")
        return cls(
            service=str(data["service"]),
            status=AgencyStatus(data["status"]),
            source=ResultSource(data["source"]),
            as_of=datetime.fromisoformat(as_of) if as_of else None,
            record=Record.from_json(record) if record else None,
            message=str(data.get("message", "")),
        )

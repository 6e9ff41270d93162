"""Reading an answer with a definition: types, optional and required values, lists, status
words, plain text, the payment QR; a bad answer fails whole and names the field, not a value."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from adapters.answer import bangkok_now
from adapters.base import AgencyCallError, AgencyStatus, FailureReason, ResultSource
from adapters.services.catalogue import builtin_definitions, parse_definition
from adapters.services.definition import ServiceDefinition
from adapters.services.reading import MAX_TEXT, read_record
from adapters.services.record import LookupResult, Record
from adapters.simulator import Dataset

pytestmark = pytest.mark.unit

DEFINITION = parse_definition(
    """
id = "test_bills"
kind = "record"
contract = "test/1"
modelled = true
group = "money"
name = { th = "บิล", en = "Bills" }
agency = { th = "หน่วยงาน", en = "Agency" }
ask = { via = "gdx", path = "/ws/test/v1/bills" }

[answer]
found = "customer"
empty = { th = "ไม่มี", en = "Not a customer" }
note = { th = "หมายเหตุ", en = "A note" }

[[answer.fields]]
key = "owner"
query = "owner"
label = { th = "เจ้าของ", en = "Owner" }

[[answer.fields]]
key = "since"
query = "since"
type = "date"
label = { th = "ตั้งแต่", en = "Since" }
optional = true

[[answer.fields]]
key = "meters"
query = "length(meters)"
type = "count"
label = { th = "มาตร", en = "Meters" }

[answer.entries]
query = "bills"
heading = "month"
newest_first = "due"
empty = { th = "ไม่มีบิล", en = "No bill" }

[[answer.entries.fields]]
key = "amount"
query = "amountThb"
type = "money"
label = { th = "ยอด", en = "Amount" }

[[answer.entries.fields]]
key = "due"
query = "due"
type = "date"
label = { th = "กำหนด", en = "Due" }

[[answer.entries.fields]]
key = "state"
query = "state"
type = "status"
label = { th = "สถานะ", en = "State" }
statuses.paid = { th = "ชำระแล้ว", en = "Paid", tone = "good" }

[answer.payment]
biller_id = "pay.biller"
ref1 = "pay.ref1"
amount = "sum(bills[?state=='unpaid'].amountThb)"
caption = { th = "สแกน", en = "Scan" }
""",
    "test_bills.toml",
)

MINIMAL_COUNT = """
id = "test_count"
kind = "record"
contract = "test/1"
modelled = true
group = "records"
name = { th = "นับ", en = "Count" }
agency = { th = "หน่วยงาน", en = "Agency" }
ask = { via = "gdx", path = "/ws/test/v1/count" }
answer.fields = [{ key = "n", query = "n", type = "count", label = { th = "นับ", en = "N" } }]
"""

ANSWER: dict[str, Any] = {
    "customer": True,
    "owner": "สมศรี <b>ใจ</b>\n\tดี",
    "meters": [1, 2],
    "bills": [
        {"month": "ก.ย.", "amountThb": 100.5, "due": "2026-09-30", "state": "paid"},
        {"month": "ต.ค.", "amountThb": 80, "due": "2026-10-31T00:00:00", "state": "unpaid"},
    ],
    "pay": {"biller": "099999999999990", "ref1": "ACC123"},
    "extra": {"ignored": True},
}


def read(answer: object, definition: ServiceDefinition = DEFINITION) -> Record:
    return read_record(definition, json.dumps(answer).encode())


def bad(answer: object, definition: ServiceDefinition = DEFINITION) -> str:
    with pytest.raises(AgencyCallError) as caught:
        read(answer, definition)
    assert caught.value.reason is FailureReason.BAD_ANSWER
    return caught.value.message


def test_a_full_answer_reads_into_typed_items_newest_entry_first() -> None:
    record = read(ANSWER)
    own = {item.key: item.value for item in record.own_items()}
    assert own == {"owner": "สมศรี <b>ใจ</b> ดี", "meters": 2}  # optional `since` absent
    assert record.headings == ("ต.ค.", "ก.ย.")  # newest due date first
    first = {item.key: item for item in record.entry_items(1)}
    assert first["amount"].value == 80.0
    assert first["due"].value == date(2026, 10, 31)
    assert (first["state"].word_en, first["state"].tone) == ("unpaid", "neutral")  # unknown word
    second = {item.key: item for item in record.entry_items(2)}
    assert (second["state"].word_th, second["state"].tone) == ("ชำระแล้ว", "good")
    assert record.entries == 2
    assert not record.empty
    assert record.note_en == "A note"
    assert record.payment is not None
    assert record.payment.amount_thb == 80.0
    assert record.payment.payload.startswith("000201010212")


def test_markup_stays_characters_and_control_characters_become_spaces() -> None:
    answer = {**ANSWER, "owner": '<img src="x">\u2028<a href="y">z</a>' + "x" * 1000}
    owner = read(answer).own_items()[0].value
    assert isinstance(owner, str)
    assert owner.startswith('<img src="x"> <a href="y">z</a>')
    assert len(owner) == MAX_TEXT


def test_found_false_is_an_empty_record_in_the_services_words() -> None:
    record = read({"customer": False})
    assert record.empty
    assert record.items == ()
    assert record.empty_en == "Not a customer"


def test_an_empty_list_says_so_and_draws_no_qr() -> None:
    record = read({**ANSWER, "bills": []})
    assert record.entries == 0
    assert record.none_en == "No bill"
    assert record.payment is None
    assert not record.empty  # the record's own fields are still there


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"owner": None}, "owner: missing"),
        ({"owner": ["a"]}, "owner: not text"),
        ({"meters": 5}, "meters: cannot be read"),  # length() of a number
        ({"since": "31/10/2569"}, "since: not a date"),
        ({"bills": {"a": 1}}, "entries: not a list"),
        (
            {"bills": [{"month": "x", "amountThb": "80", "due": "2026-10-31", "state": "p"}]},
            "entries.amount: not an amount",
        ),
        (
            {"bills": [{"month": "x", "amountThb": True, "due": "2026-10-31", "state": "p"}]},
            "entries.amount: not an amount",
        ),
        ({"pay": {"biller": "123", "ref1": "A"}}, "payment: the biller ID must be 15 digits"),
        ({"pay": {"ref1": "A"}}, "payment: an amount is due but the biller"),
    ],
)
def test_a_bad_value_fails_the_whole_answer_naming_the_field(
    change: dict[str, Any], where: str
) -> None:
    message = bad({**ANSWER, **change})
    assert message.startswith(f"test_bills: {where}")
    assert "สมศรี" not in message
    assert "31/10/2569" not in message


def test_not_json_fails() -> None:
    with pytest.raises(AgencyCallError, match="test_bills: the answer is not JSON"):
        read_record(DEFINITION, b"<html>")


@pytest.mark.parametrize("value", [-1, 2.5, True, "3"])
def test_a_count_is_a_whole_number_not_below_zero(value: object) -> None:
    counts = parse_definition(MINIMAL_COUNT, "count.toml")
    assert bad({"n": value}, counts) == "test_count: n: not a count"
    assert read({"n": 0}, counts).own_items()[0].value == 0


def test_a_result_survives_its_json_round_trip() -> None:
    result = LookupResult(
        service="test_bills",
        status=AgencyStatus.OK,
        source=ResultSource.LIVE,
        as_of=bangkok_now(),
        record=read(ANSWER),
    )
    assert LookupResult.from_json(json.loads(json.dumps(result.to_json()))) == result


def test_every_builtin_record_reads_its_documented_sample() -> None:
    demo = "1120100345899"
    data = Dataset.default()
    for entry in builtin_definitions():
        if entry.definition.kind != "record":
            continue
        body = data.service_answer(entry.id, demo)
        assert body is not None, f"the demo citizen has no {entry.id} answer"
        record = read(body, entry.definition)
        assert record.items, entry.id

"""`kiosk card read` and `kiosk readers` as processes, against pcscd + vpcd + the virtual card."""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from smartcard import scard

from cardreader.pcscd_process import VPCD_READERS
from cardreader.profile import shipped_profile, shipped_profile_names
from cardreader.virtual_card import CardFaults
from tests.fixtures.pcsc import (
    CLI_TIMEOUT_S,
    CardFactory,
    VpcdSlots,
    reader_of,
    run_kiosk,
    wait_empty,
)

Cli = Callable[..., subprocess.CompletedProcess[str]]
THAI_PROFILES = [name for name in shipped_profile_names() if name != "non_thai"]


def read_json(card_cli: Cli, *args: str) -> dict[str, object]:
    done = card_cli("card", "read", "--json", *args)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def assert_failed(done: subprocess.CompletedProcess[str], code: int, words: str) -> None:
    assert done.returncode == code, (done.stdout, done.stderr)
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert words in lines[0]
    assert "Traceback" not in done.stderr


def finish(process: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
    """Wait for a `run_kiosk` process; its exit code must be 0."""
    out, err = process.communicate(timeout=CLI_TIMEOUT_S)
    assert process.returncode == 0, err
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.fixture(scope="module")
def profile_reads(vpcd_slots: VpcdSlots) -> dict[str, subprocess.CompletedProcess[str]]:
    """`kiosk card read --json` of every Thai profile, two at a time (one per reader)."""
    results: dict[str, subprocess.CompletedProcess[str]] = {}
    for start in range(0, len(THAI_PROFILES), 2):
        batch = THAI_PROFILES[start : start + 2]
        cards = [vpcd_slots.insert(name, slot=slot) for slot, name in enumerate(batch)]
        try:
            runs = [run_kiosk("card", "read", "--json", "--reader", reader_of(c)) for c in cards]
            for name, process in zip(batch, runs, strict=True):
                out, err = process.communicate(timeout=CLI_TIMEOUT_S)
                results[name] = subprocess.CompletedProcess(
                    process.args, process.returncode, out, err
                )
        finally:
            for card in cards:
                card.remove()
    return results


@pytest.mark.parametrize("name", THAI_PROFILES)
def test_every_profile_reads_with_every_field(
    name: str, profile_reads: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    profile = shipped_profile(name)
    done = profile_reads[name]
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert profile.expect is not None
    expected = dict(profile.expect)
    expected["atr"] = " ".join(f"{b:02X}" for b in bytes.fromhex(profile.atr))
    expected["photo"] = {
        "bytes": len(profile.photo),
        "sha256": hashlib.sha256(profile.photo).hexdigest(),
    }
    expected.setdefault("nhso", None)
    assert got == expected


def test_no_photo(virtual_cards: CardFactory, card_cli: Cli) -> None:
    virtual_cards("standard")
    got = read_json(card_cli, "--no-photo")
    assert got["photo"] is None
    assert got["cid"] == shipped_profile("standard").cid


def test_photo_out_writes_the_jpeg_without_padding(
    virtual_cards: CardFactory, card_cli: Cli, tmp_path: Path
) -> None:
    profile = shipped_profile("long_names")
    virtual_cards("long_names")
    out = tmp_path / "photo.jpg"
    got = read_json(card_cli, "--photo-out", str(out))
    written = out.read_bytes()
    assert written == profile.photo
    assert written[:2] == b"\xff\xd8"
    assert written[-2:] == b"\xff\xd9"
    assert got["photo"] == {"bytes": len(written), "sha256": hashlib.sha256(written).hexdigest()}


def test_photo_out_into_a_missing_folder_is_a_usage_error(card_cli: Cli, tmp_path: Path) -> None:
    done = card_cli("card", "read", "--photo-out", str(tmp_path / "no" / "photo.jpg"))
    assert_failed(done, 2, "no folder")


def test_text_output_masks_the_cid(virtual_cards: CardFactory, card_cli: Cli) -> None:
    profile = shipped_profile("bangkok")
    virtual_cards("bangkok")
    done = card_cli("card", "read")
    assert done.returncode == 0, done.stderr
    assert profile.cid not in done.stdout.replace("-", "")
    assert "x-xxxx-xxxx9-01-2" in done.stdout
    assert "นายธนากร วงศ์สวัสดิ์" in done.stdout


def test_non_thai_card_exits_4_with_nothing_on_stdout(
    virtual_cards: CardFactory, card_cli: Cli
) -> None:
    virtual_cards("non_thai")
    assert_failed(card_cli("card", "read", "--json"), 4, "not a Thai national ID card")


def test_no_card_exits_3(empty_readers: None, card_cli: Cli) -> None:
    assert_failed(card_cli("card", "read", "--json"), 3, "no card")


def test_empty_named_reader_exits_3(virtual_cards: CardFactory, card_cli: Cli) -> None:
    card = virtual_cards("standard")
    other = next(name for name in VPCD_READERS if name != reader_of(card))
    wait_empty(VPCD_READERS.index(other))
    done = card_cli("card", "read", "--json", "--reader", other)
    assert_failed(done, 3, "no card")


def test_unknown_reader_exits_3(pcscd: object, card_cli: Cli) -> None:
    assert_failed(card_cli("card", "read", "--reader", "Nope 00 00"), 3, "no reader named")


def test_bad_checksum_on_the_card_exits_4(virtual_cards: CardFactory, card_cli: Cli) -> None:
    profile = shipped_profile("standard").model_copy(update={"cid": "1340100123453"})
    virtual_cards(profile.image())
    done = card_cli("card", "read", "--json")
    assert_failed(done, 4, "cannot be read")
    assert "1340100123453" not in done.stderr


def test_card_pulled_mid_read_exits_4(virtual_cards: CardFactory, card_cli: Cli) -> None:
    virtual_cards("standard", faults=CardFaults(remove_after_apdus=20))
    assert_failed(card_cli("card", "read", "--json"), 4, "removed during reading")


def test_wrong_status_word_exits_4(virtual_cards: CardFactory, card_cli: Cli) -> None:
    # The 2nd GET RESPONSE fails, and again after the reader re-selects and retries once.
    virtual_cards("standard", faults=CardFaults(wrong_sw={4: b"\x6f\x00", 6: b"\x6f\x00"}))
    done = card_cli("card", "read", "--json")
    assert_failed(done, 4, "cannot be read")
    assert "6F 00" in done.stderr


def test_card_with_a_small_buffer_is_read_through_6c(
    virtual_cards: CardFactory, card_cli: Cli
) -> None:
    profile = shipped_profile("demo")
    virtual_cards("demo", faults=CardFaults(max_read=64))
    got = read_json(card_cli)
    assert got["photo"] == {
        "bytes": len(profile.photo),
        "sha256": hashlib.sha256(profile.photo).hexdigest(),
    }
    assert got["address"] == (profile.expect or {})["address"]


def test_reader_held_exclusively_by_another_program_exits_3(
    virtual_cards: CardFactory, card_cli: Cli
) -> None:
    card = virtual_cards("standard")
    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    assert hresult == scard.SCARD_S_SUCCESS
    try:
        hresult, handle, _ = scard.SCardConnect(
            context, reader_of(card), scard.SCARD_SHARE_EXCLUSIVE, scard.SCARD_PROTOCOL_T0
        )
        assert hresult == scard.SCARD_S_SUCCESS
        try:
            assert_failed(card_cli("card", "read", "--json"), 3, "in use by another program")
        finally:
            scard.SCardDisconnect(handle, scard.SCARD_LEAVE_CARD)
    finally:
        scard.SCardReleaseContext(context)


def test_two_readers_at_once(virtual_cards: CardFactory) -> None:
    virtual_cards("standard", slot=0)
    virtual_cards("elderly_lifelong", slot=1)
    runs = [
        run_kiosk("card", "read", "--json", "--no-photo", "--reader", VPCD_READERS[0]),
        run_kiosk("card", "read", "--json", "--no-photo", "--reader", VPCD_READERS[1]),
        run_kiosk("readers"),
    ]
    first, second, readers = (finish(process) for process in runs)
    assert json.loads(first.stdout)["cid"] == shipped_profile("standard").cid
    assert json.loads(second.stdout)["cid"] == shipped_profile("elderly_lifelong").cid
    lines = readers.stdout.splitlines()
    assert f"{VPCD_READERS[0]}\tcard (ATR 3B 79 18 00 00 54 48 20 4E 49 44 20 31 30)" in lines
    assert any(line.startswith(f"{VPCD_READERS[1]}\tcard") for line in lines)


def test_readers_lists_empty_readers(empty_readers: None, card_cli: Cli) -> None:
    done = card_cli("readers")
    assert done.returncode == 0
    assert done.stdout.splitlines() == [f"{name}\tempty" for name in VPCD_READERS]

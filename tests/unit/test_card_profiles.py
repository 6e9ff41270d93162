"""The shipped virtual card profiles: valid people, valid photos, listed for the simulator."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from cardreader import layout
from cardreader.cid import is_valid_cid
from cardreader.photo import jpeg_end
from cardreader.profile import (
    ProfileError,
    load_profile,
    resolve_profile,
    shipped_profile,
    shipped_profile_names,
)

PROFILES_DIR = Path(__file__).resolve().parents[2] / "cardreader" / "profiles"
THAI = [n for n in shipped_profile_names() if n != "non_thai"]
REQUIRED = {
    "standard",
    "atr_3b67",
    "elderly_lifelong",
    "bangkok",
    "long_names",
    "empty_address",
    "nhso",
    "demo",
    "non_thai",
}


def test_every_required_profile_ships() -> None:
    assert set(shipped_profile_names()) >= REQUIRED


@pytest.mark.parametrize("name", THAI)
def test_thai_profile_has_a_valid_cid_and_a_real_small_jpeg(name: str) -> None:
    profile = shipped_profile(name)
    assert is_valid_cid(profile.cid)
    photo = profile.photo
    assert len(photo) < layout.PHOTO.length
    assert jpeg_end(photo) == len(photo)
    with Image.open(io.BytesIO(photo)) as img:
        assert img.format == "JPEG"
        assert img.height > img.width  # portrait, like the card's photo
        img.load()
    assert profile.expect is not None
    assert profile.expect["cid"] == profile.cid


def test_cids_are_distinct_and_listed_in_the_readme() -> None:
    cids = [shipped_profile(n).cid for n in THAI]
    assert len(set(cids)) == len(cids)
    readme = (PROFILES_DIR / "README.md").read_text(encoding="utf-8")
    for name, cid in zip(THAI, cids, strict=True):
        assert f"`{name}.json` | {cid} |" in readme


def test_profiles_cover_the_cases_they_claim() -> None:
    assert shipped_profile("atr_3b67").atr.startswith("3B 67")
    elderly = shipped_profile("elderly_lifelong")
    assert (elderly.expiry, elderly.birth[4:]) == ("99999999", "0000")
    assert "กรุงเทพมหานคร" in shipped_profile("bangkok").address
    assert shipped_profile("long_names").name_en.middle
    assert shipped_profile("empty_address").address[1:5] == ["", "", "", ""]
    assert shipped_profile("nhso").nhso is not None
    assert shipped_profile("non_thai").image().main is None


def test_load_profile_errors_name_the_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"atr": "not hex"}), encoding="utf-8")
    with pytest.raises(ProfileError, match=r"bad\.json.*'atr'"):
        load_profile(bad)
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(ProfileError, match="not valid JSON"):
        load_profile(bad)
    with pytest.raises(ProfileError, match="cannot read"):
        load_profile(tmp_path / "missing.json")
    bad.write_text(json.dumps({"unknown_key": 1}), encoding="utf-8")
    with pytest.raises(ProfileError, match="unknown_key"):
        load_profile(bad)


def test_values_that_do_not_fit_the_card_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.json"
    path.write_text(json.dumps({"issuer": "x" * 101}), encoding="utf-8")
    with pytest.raises(ProfileError, match="does not fit"):
        load_profile(path).image()


def test_resolve_by_name_or_path(tmp_path: Path) -> None:
    assert resolve_profile("demo").cid == shipped_profile("demo").cid
    copy = tmp_path / "copy.json"
    copy.write_text((PROFILES_DIR / "demo.json").read_text(encoding="utf-8"), encoding="utf-8")
    assert resolve_profile(str(copy)).cid == shipped_profile("demo").cid
    with pytest.raises(ProfileError, match="no shipped profile"):
        resolve_profile("nobody")

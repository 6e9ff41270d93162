"""Building adapters from config: entry points, defaults, and errors that name the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from adapters import registry
from adapters.base import AgencyAdapter
from adapters.factory import AdapterContext, AdapterSettings
from adapters.gdx import GdxAdapter
from adapters.nhso.adapter import NhsoAdapter
from kiosk.agencies.roster import adapter_settings, build_agencies
from kiosk.config import BUILTIN_AGENCIES, ConfigError, KioskConfig, validate_config

SECRETS = {
    "nhso": {"refresh_token": "nhso-secret-value"},
    "gdx": {
        "consumer_key": "gdx-key-value",
        "consumer_secret": "gdx-secret-value",
        "agent_id": "agent-value",
    },
}


def config(**agencies: Any) -> KioskConfig:
    return validate_config({"agencies": {**SECRETS, **agencies}})


def build_error(cfg: KioskConfig) -> str:
    with pytest.raises(ConfigError) as info:
        build_agencies(cfg).close()
    text = str(info.value)
    for table in SECRETS.values():
        for value in table.values():
            assert value not in text
    return text


def test_built_ins_are_registered_as_entry_points_like_any_plugin() -> None:
    assert set(BUILTIN_AGENCIES) <= set(registry.available())
    assert {"adapters.nhso", "adapters.gdx_agencies"} <= set(registry.adapter_modules())


def test_enabled_order_is_kept_and_defaults_fill_in() -> None:
    with build_agencies(config(enabled=["farmer", "nhso", "sso"])) as agencies:
        assert agencies.ids == ("farmer", "nhso", "sso")
        farmer, nhso, sso = agencies.adapters
        assert isinstance(nhso, NhsoAdapter)
        assert nhso.base_url == "https://srm.nhso.go.th"
        assert (nhso.hotline, nhso.web) == ("1330", "https://www.nhso.go.th")
        assert isinstance(sso, GdxAdapter)
        assert isinstance(farmer, GdxAdapter)
        assert sso.base_url == "https://api.egov.go.th"
        assert (sso.hotline, sso.web) == ("1506", "https://www.sso.go.th")
        assert farmer.web == "https://www.doae.go.th"


def test_every_builtin_has_names_and_a_public_web_page() -> None:
    expected_hotlines = {"nhso": "1330", "sso": "1506", "disability": "1479"}
    with build_agencies(config()) as agencies:
        assert agencies.ids == BUILTIN_AGENCIES
        for adapter in agencies:
            assert adapter.name_th
            assert adapter.name_en
            assert adapter.web.startswith("https://")
            assert adapter.hotline == expected_hotlines.get(adapter.id, "")


def test_hotline_web_and_base_url_overrides() -> None:
    cfg = config(
        sso={"hotline": "02-000-0000", "web": "https://example.org/sso"},
        gdx={**SECRETS["gdx"], "base_url": "https://gdx.example.org/"},
        nhso={**SECRETS["nhso"], "base_url": "https://nhso.example.org"},
        enabled=["nhso", "sso", "cgd"],
    )
    with build_agencies(cfg) as agencies:
        nhso, sso, cgd = agencies.adapters
        assert (sso.hotline, sso.web) == ("02-000-0000", "https://example.org/sso")
        assert isinstance(nhso, NhsoAdapter)
        assert nhso.base_url == "https://nhso.example.org"
        assert isinstance(cgd, GdxAdapter)
        assert cgd.base_url == "https://gdx.example.org"


def test_gdx_agencies_share_one_gateway() -> None:
    with build_agencies(config(enabled=["sso", "welfare"])) as agencies:
        sso, welfare = agencies.adapters
        assert isinstance(sso, GdxAdapter)
        assert isinstance(welfare, GdxAdapter)
        assert sso._gateway is welfare._gateway


@pytest.mark.parametrize(
    ("tables", "key"),
    [
        ({"nhso": {}}, "agencies.nhso.refresh_token: is required"),
        ({"nhso": {"refresh_token": ""}}, "agencies.nhso.refresh_token: must not be empty"),
        ({"gdx": {"consumer_key": "k", "agent_id": "a"}}, "agencies.gdx.consumer_secret"),
        ({"gdx": {**SECRETS["gdx"], "agent_id": 7}}, "agencies.gdx.agent_id"),
        ({"nhso": {**SECRETS["nhso"], "refresh_tokn": "x"}}, "agencies.nhso.refresh_tokn"),
        ({"sso": {"consumer_key": "x"}}, "agencies.sso.consumer_key: unknown key"),
    ],
)
def test_missing_or_bad_credentials_name_the_key(tables: dict[str, Any], key: str) -> None:
    assert key in build_error(config(**tables))


def test_an_unknown_agency_is_a_config_error() -> None:
    assert "agencies.enabled: no adapter is installed for 'moon'" in build_error(
        config(enabled=["nhso", "moon"])
    )


def test_an_agency_listed_twice_is_a_config_error() -> None:
    assert "'sso' is listed twice" in build_error(config(enabled=["sso", "sso"]))


def test_a_missing_ca_bundle_is_a_config_error(tmp_path: Path) -> None:
    cfg = config(ca_bundle=str(tmp_path / "none.pem"))
    assert "agencies.ca_bundle: file not found" in build_error(cfg)


def test_credentials_are_only_needed_for_enabled_agencies() -> None:
    cfg = validate_config({"agencies": {"enabled": ["nhso"], "nhso": SECRETS["nhso"]}})
    with build_agencies(cfg) as agencies:
        assert agencies.ids == ("nhso",)


def test_a_factory_that_crashes_is_a_config_error_naming_the_agency() -> None:
    def broken(settings: AdapterSettings, context: AdapterContext) -> AgencyAdapter:
        raise RuntimeError("nhso-secret-value")  # a plug-in's bug, quoting a secret

    cfg = config(enabled=["nhso"])
    with pytest.raises(ConfigError) as info:
        build_agencies(cfg, load=lambda _id: broken)
    assert str(info.value) == "agencies.nhso: the adapter could not be set up (RuntimeError)"


def test_an_adapter_reporting_another_id_is_refused() -> None:
    real = registry.load("sso")
    cfg = config(enabled=["welfare"])
    with pytest.raises(ConfigError, match=r"agencies\.welfare: .* reports id 'sso'"):
        build_agencies(cfg, load=lambda _id: real)


def test_settings_repr_hides_credentials_and_proxy() -> None:
    cfg = config(proxy="http://user:proxy-pass@proxy.example:3128")
    text = repr(adapter_settings(cfg, "nhso"))
    assert "nhso-secret-value" not in text
    assert "proxy-pass" not in text

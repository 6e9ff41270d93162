from __future__ import annotations

import logging
from pathlib import Path

import pytest

from kiosk.config import ConfigError, KioskConfig, fallback_config, load_config

MINIMAL = """
[kiosk]
id = "ubon-bigc-01"
data_dir = "{data}"
[agencies]
enabled = ["nhso", "sso"]
timeout_s = 2.5
[agencies.nhso]
base_url = "https://nhso.example"
refresh_token = "s3cret-refresh"
[agencies.gdx]
base_url = "http://127.0.0.1:8080"
consumer_key = "k"
consumer_secret = "s3cret-consumer"
agent_id = "a"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_file_is_complete_and_defaults_fill_the_rest(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, MINIMAL.format(data=tmp_path / "d")), environ={})
    assert cfg.kiosk.id == "ubon-bigc-01"
    assert cfg.agencies.enabled == ("nhso", "sso")
    assert cfg.agencies.timeout_s == 2.5
    assert cfg.cache.retention_days == 30
    assert cfg.ui.idle_s == 60
    assert cfg.printer.name is None
    nhso = cfg.agencies.section("nhso")
    assert nhso.base_url == "https://nhso.example"
    assert nhso.extra_keys() == {"refresh_token": "s3cret-refresh"}


def test_environment_overrides_file_with_double_underscore_nesting(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.format(data=tmp_path / "d"))
    env = {
        "KIOSK_AGENCIES__TIMEOUT_S": "1.5",
        "KIOSK_AGENCIES__NHSO__BASE_URL": "http://localhost:9000/",
        "KIOSK_AGENCIES__ENABLED": "nhso,welfare",
        "KIOSK_CONFIG": str(path),
    }
    cfg = load_config(None, environ=env)
    assert cfg.agencies.timeout_s == 1.5
    assert cfg.agencies.section("nhso").base_url == "http://localhost:9000"
    assert cfg.agencies.enabled == ("nhso", "welfare")
    assert cfg.source == path


def test_unknown_environment_variable_is_ignored_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path, MINIMAL.format(data=tmp_path / "d"))
    with caplog.at_level(logging.WARNING):
        cfg = load_config(path, environ={"KIOSK_UI__NO_SUCH_KEY": "1", "KIOSK_NOPE": "x"})
    assert cfg.ui.idle_s == 60
    assert "KIOSK_UI__NO_SUCH_KEY" in caplog.text
    assert "KIOSK_NOPE" in caplog.text


@pytest.mark.parametrize(
    ("patch", "key"),
    [
        ("[ui]\nidle_s = 'soon'\n", "ui.idle_s"),
        ("[ui]\nwarning_s = 5\n", "ui.warning_s"),
        ("[cache]\nretention = 3\n", "cache.retention"),
        ("[agencies.sso]\nbase_url = 'http://agency.example'\n", "agencies.sso.base_url"),
    ],
)
def test_bad_keys_are_named_and_values_never_echoed(tmp_path: Path, patch: str, key: str) -> None:
    path = write(tmp_path, MINIMAL.format(data=tmp_path / "d") + patch)
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")) as info:
        load_config(path, environ={})
    assert "s3cret" not in str(info.value)


def test_broken_toml_and_missing_named_file_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[kiosk\n"), environ={})
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "absent.toml", environ={})


def test_no_file_at_the_default_location_means_all_defaults(tmp_path: Path) -> None:
    cfg = load_config(None, environ={"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)})
    assert cfg.agencies.timeout_s == 3.0


def test_a_broken_config_still_keeps_its_valid_kiosk_logging_and_maintenance_tables(
    tmp_path: Path,
) -> None:
    """A kiosk out of service for a bad agency key logs where the deployer put its data (not
    in the built-in default folder) and keeps its PIN file for the technician."""
    text = MINIMAL.format(data=tmp_path / "data") + (
        '[logging]\nlevel = "DEBUG"\n'
        f'[maintenance]\npin_file = "{tmp_path / "pin"}"\n'
        '[ui]\nidle_s = "soon"\n'
    )
    path = write(tmp_path, text.replace('base_url = "https://nhso.example"', 'base_url = "x"'))
    with pytest.raises(ConfigError):
        load_config(path, environ={})
    kept = fallback_config(path, environ={"KIOSK_KIOSK__ID": "from-env"})
    assert kept.kiosk.data_dir == tmp_path / "data"
    assert kept.kiosk.id == "from-env"
    assert kept.logging.level == "DEBUG"
    assert kept.maintenance.pin_file == tmp_path / "pin"
    assert kept.ui.idle_s == KioskConfig().ui.idle_s  # the broken table: defaults


def test_a_config_broken_beyond_reading_falls_back_to_the_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, "[kiosk\nid =")
    assert fallback_config(path, environ={}) == KioskConfig()
    bad_kiosk = write(tmp_path, '[kiosk]\nid = "x"\ndata_dir = 7\n')
    assert fallback_config(bad_kiosk, environ={}).kiosk == KioskConfig().kiosk

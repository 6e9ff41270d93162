"""Request building is pure: each call is checked field by field, with nothing sent."""

from __future__ import annotations

from adapters import gdx
from adapters.gdx_agencies import SERVICES
from adapters.nhso import srm

CID = "1101700203450"


def test_nhso_token_call_posts_the_refresh_token_as_a_form() -> None:
    call = srm.token_call("https://nhso.example", "r-token")
    assert call.method == "POST"
    assert call.url == "https://nhso.example/api/scard/access-token"
    assert call.form == {"refresh_token": "r-token"}
    assert call.params == {}


def test_nhso_right_search_call_carries_pid_and_bearer_token() -> None:
    call = srm.right_search_call("https://nhso.example", CID, "a-token")
    assert call.method == "GET"
    assert call.url == "https://nhso.example/api/ucws/v1/right-search"
    assert call.params == {"pid": CID}
    assert call.headers["Authorization"] == "Bearer a-token"
    assert call.form is None


def test_nhso_probe_call_has_no_citizen_and_no_token() -> None:
    call = srm.probe_call("https://nhso.example")
    assert call.url == "https://nhso.example/api/ucws/v1/right-search"
    assert call.params == {}
    assert "Authorization" not in call.headers


def test_gdx_validate_call_sends_secret_agent_and_consumer_key() -> None:
    call = gdx.validate_call("https://gdx.example", "key", "secret", "agent-7")
    assert call.method == "GET"
    assert call.url == "https://gdx.example/ws/auth/validate"
    assert call.params == {"ConsumerSecret": "secret", "AgentID": "agent-7"}
    assert call.headers["Consumer-Key"] == "key"


def test_gdx_data_call_carries_citizen_id_key_and_token() -> None:
    call = gdx.data_call(
        "https://gdx.example", "/ws/sso/v1/insured", CID, consumer_key="k", token="t", purpose="p"
    )
    assert call.url == "https://gdx.example/ws/sso/v1/insured"
    assert call.params == {"CitizenID": CID}
    assert call.headers["Consumer-Key"] == "k"
    assert call.headers["Token"] == "t"


def test_gdx_paths_are_those_of_the_contract() -> None:
    assert {s.id: s.path for s in SERVICES.values()} == {
        "sso": "/ws/sso/v1/insured",
        "welfare": "/ws/mof/welfare/v1/card",
        "elderly": "/ws/dla/v1/elderly-allowance",
        "disability": "/ws/dep/v1/disability",
        "cgd": "/ws/cgd/v1/benefits",
        "farmer": "/ws/doae/v1/farmer",
    }


def test_a_calls_repr_shows_no_cid_secret_or_token() -> None:
    calls = [
        srm.right_search_call("https://nhso.example", CID, "a-token-value"),
        srm.token_call("https://nhso.example", "refresh-value"),
        gdx.validate_call("https://gdx.example", "key-value", "secret-value", "agent-value"),
        gdx.data_call(
            "https://gdx.example",
            "/p",
            CID,
            consumer_key="key-value",
            token="tok-value",
            purpose="p",
        ),
    ]
    for call in calls:
        text = repr(call)
        for secret in (
            CID,
            "a-token-value",
            "refresh-value",
            "secret-value",
            "key-value",
            "tok-value",
        ):
            assert secret not in text


def test_gdx_token_call_sends_dgas_documented_content_type() -> None:
    call = gdx.validate_call("https://gdx.example", "key", "secret", "agent")
    assert call.headers["Content-Type"] == "application/x-www-form-urlencoded; charset=utf-8"
    assert call.headers["Consumer-Key"] == "key"


def test_gdx_data_call_adds_linkage_ids_and_keeps_the_citizen_last() -> None:
    call = gdx.data_call(
        "https://gdx.example", "/ws/x", CID, consumer_key="k", token="t", purpose="p",
        query={"OfficeID": "1", "CitizenID": "spoofed"},
    )  # fmt: skip
    assert call.params == {"OfficeID": "1", "CitizenID": CID}


def test_a_gdx_error_body_gives_its_code_and_only_a_safe_one() -> None:
    assert gdx.gdx_error_code(b'{"Message": "x", "Code": "E-401"}') == "E-401"
    assert gdx.gdx_error_code(b'{"Message": "x", "Code": 500}') == "500"
    assert gdx.gdx_error_code(b'{"Message": "x", "Code": "1101700203450 <b>"}') == "?"
    assert gdx.gdx_error_code(b'{"error": "not_found"}') is None
    assert gdx.gdx_error_code(b"not json") is None

"""Request building is pure: each call is checked field by field, with nothing sent."""

from __future__ import annotations

from adapters import gdx, nhso
from adapters.gdx_agencies import SERVICES

CID = "1101700203450"


def test_nhso_token_call_posts_the_refresh_token_as_a_form() -> None:
    call = nhso.token_call("https://nhso.example", "r-token")
    assert call.method == "POST"
    assert call.url == "https://nhso.example/api/scard/access-token"
    assert call.form == {"refresh_token": "r-token"}
    assert call.params == {}


def test_nhso_right_search_call_carries_pid_and_bearer_token() -> None:
    call = nhso.right_search_call("https://nhso.example", CID, "a-token")
    assert call.method == "GET"
    assert call.url == "https://nhso.example/api/ucws/v1/right-search"
    assert call.params == {"pid": CID}
    assert call.headers["Authorization"] == "Bearer a-token"
    assert call.form is None


def test_nhso_probe_call_has_no_citizen_and_no_token() -> None:
    call = nhso.probe_call("https://nhso.example")
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
        nhso.right_search_call("https://nhso.example", CID, "a-token-value"),
        nhso.token_call("https://nhso.example", "refresh-value"),
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

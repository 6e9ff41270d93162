"""NHSO's v2 right search with a hospital's token (`agencies.nhso.api = "v2"`).

`GET {base_url}/api/v2/right-search?pid=CID&checkDate=YYYY-MM-DDT00:00:00` with a static
`Authorization: Bearer <token>` (`agencies.nhso.bearer_token`, issued by NHSO to a registered
unit); production base `https://nhsoapi.nhso.go.th/nhsoendpoint`, as public clients call it. The
answer has the SRM shape (`adapters.nhso.rights.RightSearch`); "not found" is an answer with no
`pid` and no funds. There is no refresh: a 401 means the token is refused.
"""

from __future__ import annotations

from datetime import date

from adapters.transport import HttpCall

RIGHT_SEARCH_PATH = "/api/v2/right-search"


def right_search_call(base_url: str, cid: str, bearer_token: str, check_date: date) -> HttpCall:
    """The request for one citizen's health-care rights on `check_date`."""
    return HttpCall(
        method="GET",
        url=base_url + RIGHT_SEARCH_PATH,
        purpose="NHSO v2 right search",
        params={"pid": cid, "checkDate": f"{check_date.isoformat()}T00:00:00"},
        headers={"Authorization": f"Bearer {bearer_token}", "Accept": "application/json"},
    )


def probe_call(base_url: str) -> HttpCall:
    """A request with no citizen and no token: any answer below 500 shows the service is up."""
    return HttpCall(method="GET", url=base_url + RIGHT_SEARCH_PATH, purpose="NHSO v2 probe")

"""NHSO (สปสช.): the health-care right, through NHSO's right-search service.

`POST {base}/api/scard/access-token` trades the configured refresh token for an access token;
`GET {base}/api/ucws/v1/right-search?pid=CID` with `Authorization: Bearer ...` answers. A 401
means the access token expired: refresh once, retry once. Request building is pure (the `*_call`
functions); `NhsoAdapter` sends and interprets.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date

from pydantic import Field

from adapters.answer import (
    AgencyAnswer,
    bangkok_now,
    from_call_error,
    is_not_found,
    live_result,
    parse_answer,
)
from adapters.base import (
    AgencyAdapter,
    AgencyCallError,
    AgencyResult,
    AgencyStatus,
    CitizenIdentity,
    FailureReason,
    HealthProbe,
)
from adapters.deadline import Deadline
from adapters.factory import AdapterContext, AdapterOptions, AdapterSettings
from adapters.nhso_rights import RightSearch, answer_info, rights_of
from adapters.transport import AgencyTransport, HttpCall, HttpReply, probe_endpoint

# Verify with the agency before deployment: the production host NHSO gives a registered client.
DEFAULT_BASE_URL = "https://srm.nhso.go.th"
HOTLINE = "1330"
WEB = "https://www.nhso.go.th"  # NHSO's public home page
TOKEN_PATH = "/api/scard/access-token"  # noqa: S105 - a path, not a secret
RIGHT_SEARCH_PATH = "/api/ucws/v1/right-search"
TOKEN_MARGIN_S = 60.0  # renew this long before NHSO says the token ends, so it never dies mid-call


def token_call(base_url: str, refresh_token: str) -> HttpCall:
    """The request that trades a refresh token for an access token."""
    return HttpCall(
        method="POST",
        url=base_url + TOKEN_PATH,
        purpose="NHSO token",
        form={"refresh_token": refresh_token},
        headers={"Accept": "application/json"},
    )


def right_search_call(base_url: str, cid: str, access_token: str) -> HttpCall:
    """The request for one citizen's health-care rights."""
    return HttpCall(
        method="GET",
        url=base_url + RIGHT_SEARCH_PATH,
        purpose="NHSO right search",
        params={"pid": cid},
        headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
    )


def probe_call(base_url: str) -> HttpCall:
    """A request with no citizen and no token: any answer below 500 shows the service is up."""
    return HttpCall(method="GET", url=base_url + RIGHT_SEARCH_PATH, purpose="NHSO probe")


class TokenAnswer(AgencyAnswer):
    """The access-token answer."""

    access_token: str = Field(min_length=1)
    refresh_token: str
    expires_in: int = Field(gt=0)


class NhsoTokens:
    """The current access token; a refresh happens under a lock, within the caller's deadline.

    NHSO may hand back a new refresh token with each access token: the newest one is used next.
    """

    def __init__(
        self,
        base_url: str,
        refresh_token: str,
        transport: AgencyTransport,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._base_url = base_url
        self._refresh_token = refresh_token
        self._transport = transport
        self._clock = clock
        self._lock = threading.Lock()
        self._access: str | None = None
        self._expires_at = 0.0

    def get(self, deadline: Deadline) -> str:
        """A valid access token, refreshed if needed; raises `AgencyCallError`."""
        if not self._lock.acquire(timeout=deadline.remaining()):
            raise AgencyCallError(FailureReason.TIMEOUT, "NHSO token: no answer in time")
        try:
            if self._access is not None and self._clock() < self._expires_at:
                return self._access
            return self._refresh(deadline)
        finally:
            self._lock.release()

    def invalidate(self, token: str) -> None:
        """Drop `token` after a 401 (unless another thread already replaced it)."""
        with self._lock:
            if self._access == token:
                self._access = None

    def _refresh(self, deadline: Deadline) -> str:
        reply = self._transport.send(token_call(self._base_url, self._refresh_token), deadline)
        if reply.status in (400, 401, 403):
            raise AgencyCallError(FailureReason.AUTH, "NHSO token: refresh token refused")
        if reply.status != 200:
            raise AgencyCallError(
                FailureReason.BAD_ANSWER, f"NHSO token: unexpected status {reply.status}"
            )
        answer = parse_answer(TokenAnswer, reply.body, "NHSO token")
        self._access = answer.access_token
        if answer.refresh_token:
            self._refresh_token = answer.refresh_token
        self._expires_at = self._clock() + max(0.0, answer.expires_in - TOKEN_MARGIN_S)
        return answer.access_token


class NhsoAdapter(AgencyAdapter):
    """The health-care right from NHSO."""

    id = "nhso"
    name_th = "สำนักงานหลักประกันสุขภาพแห่งชาติ (สปสช.)"
    name_en = "National Health Security Office (NHSO)"

    def __init__(
        self,
        *,
        base_url: str,
        refresh_token: str,
        transport: AgencyTransport,
        hotline: str = HOTLINE,
        web: str = WEB,
        today: Callable[[], date] = lambda: bangkok_now().date(),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = base_url
        self.hotline = hotline
        self.web = web
        self._transport = transport
        self._probe_transport = transport.twin()  # probes never wait on a citizen's session
        self._tokens = NhsoTokens(base_url, refresh_token, transport, clock)
        self._today = today

    def check(self, identity: CitizenIdentity, deadline: Deadline) -> AgencyResult:
        """Ask NHSO for the citizen's rights; every failure is a result, never an exception."""
        try:
            return self._interpret(self._search(identity.cid, deadline), identity.cid)
        except AgencyCallError as exc:
            return from_call_error(self.id, exc)

    def _search(self, cid: str, deadline: Deadline) -> HttpReply:
        token = self._tokens.get(deadline)
        reply = self._transport.send(right_search_call(self.base_url, cid, token), deadline)
        if reply.status != 401:
            return reply
        self._tokens.invalidate(token)
        token = self._tokens.get(deadline)
        reply = self._transport.send(right_search_call(self.base_url, cid, token), deadline)
        if reply.status == 401:
            raise AgencyCallError(FailureReason.AUTH, "NHSO right search: token refused twice")
        return reply

    def _interpret(self, reply: HttpReply, cid: str) -> AgencyResult:
        if is_not_found(reply.status, reply.body):
            return live_result(self.id, AgencyStatus.NOT_FOUND, message="no NHSO record")
        if reply.status == 403:
            raise AgencyCallError(FailureReason.AUTH, "NHSO right search: access refused")
        if reply.status != 200:
            raise AgencyCallError(
                FailureReason.BAD_ANSWER, f"NHSO right search: unexpected status {reply.status}"
            )
        answer = parse_answer(RightSearch, reply.body, "NHSO right search")
        if answer.pid != cid:
            # Never show one citizen another's rights, whatever went wrong upstream.
            raise AgencyCallError(
                FailureReason.BAD_ANSWER, "NHSO right search: answer is for another citizen"
            )
        return live_result(
            self.id, AgencyStatus.OK, rights_of(answer, self._today()), info=answer_info(answer)
        )

    def probe(self, deadline: Deadline) -> HealthProbe:
        """Whether NHSO's service answers (no citizen, no token)."""
        return probe_endpoint(self._probe_transport, probe_call(self.base_url), deadline)

    def close(self) -> None:
        """Close the HTTP sessions."""
        self._transport.close()
        self._probe_transport.close()


class NhsoOptions(AdapterOptions):
    """`[agencies.nhso]` keys of NHSO's own."""

    refresh_token: str = Field(min_length=1)


def create(settings: AdapterSettings, context: AdapterContext) -> NhsoAdapter:
    """Entry point `nhso`: the adapter from `[agencies.nhso]`."""
    del context  # NHSO shares nothing with other adapters
    options = settings.options(NhsoOptions)
    table = settings.table()
    return NhsoAdapter(
        base_url=table.base_url or DEFAULT_BASE_URL,
        refresh_token=options.refresh_token,
        transport=AgencyTransport(ca_bundle=settings.ca_bundle, proxy=settings.proxy),
        hotline=table.hotline or HOTLINE,
        web=table.web or WEB,
    )

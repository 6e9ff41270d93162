"""NHSO (สปสช.): the health-care right, through one of NHSO's three right-search APIs.

`agencies.nhso.api` chooses: `srm` (the default; `adapters.nhso.srm`), `v2` with a hospital's
token (`adapters.nhso.v2`), or the legacy UCWS SOAP service (`adapters.nhso.ucws`). Each needs
its own credential (`refresh_token`, `bearer_token`, or `user_person_id` + `smctoken`), named
when missing. Request building is pure (the `*_call` functions); `NhsoAdapter` sends and
interprets, and every API's answer becomes the same `adapters.nhso.rights.RightSearch`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import Literal, Protocol

from adapters.answer import bangkok_now, from_call_error, is_not_found, live_result, parse_answer
from adapters.base import (
    AgencyAdapter,
    AgencyCallError,
    AgencyResult,
    AgencyStatus,
    CitizenIdentity,
    CredentialReport,
    FailureReason,
    HealthProbe,
)
from adapters.deadline import Deadline
from adapters.factory import (
    AdapterConfigError,
    AdapterContext,
    AdapterOptions,
    AdapterSettings,
    https_or_loopback,
)
from adapters.nhso import srm, ucws, v2
from adapters.nhso.rights import RightSearch, answer_info, rights_of
from adapters.transport import AgencyTransport, HttpCall, HttpReply, probe_endpoint

Api = Literal["srm", "v2", "ucws"]
# Production hosts, as public clients of each API use them (docs/agencies.md has the test ones).
DEFAULT_BASE_URL: dict[str, str] = {
    "srm": "https://srm.nhso.go.th",
    "v2": "https://nhsoapi.nhso.go.th/nhsoendpoint",
    "ucws": "http://ucws.nhso.go.th/ucwstokenp1/UCWSTokenP1",
}
DEFAULT_TOKEN_URL = "https://srmportal.nhso.go.th"  # noqa: S105 - SRM's token host, not a secret
HOTLINE = "1330"
WEB = "https://www.nhso.go.th"  # NHSO's public home page


class RightSource(Protocol):
    """One of NHSO's APIs: ask for a citizen's rights, or probe the service."""

    api: str
    base_url: str

    def search(self, cid: str, deadline: Deadline) -> RightSearch | None:
        """The citizen's rights (None: NHSO has no record of them); raises `AgencyCallError`."""

    def probe_call(self) -> HttpCall:
        """A request with no citizen and no credential."""

    def credentials(self) -> CredentialReport:
        """The credential this API uses, as `kiosk doctor` reports it."""


def read_json_answer(reply: HttpReply, purpose: str) -> RightSearch | None:
    """A JSON API's answer: None for the contract's "not found", else the parsed right search."""
    if is_not_found(reply.status, reply.body):
        return None
    if reply.status in (401, 403):
        raise AgencyCallError(FailureReason.AUTH, f"{purpose}: access refused")
    if reply.status != 200:
        raise AgencyCallError(
            FailureReason.BAD_ANSWER, f"{purpose}: unexpected status {reply.status}"
        )
    answer = parse_answer(RightSearch, reply.body, purpose)
    if answer.pid is None:
        if not answer.funds:  # v2 answers "not found" so: no pid, no funds
            return None
        raise AgencyCallError(FailureReason.BAD_ANSWER, f"{purpose}: answer has no pid")
    return answer


class SrmSource:
    """The SRM right search, with its rotating refresh token."""

    api = "srm"

    def __init__(self, base_url: str, tokens: srm.SrmTokens, transport: AgencyTransport) -> None:
        self.base_url = base_url
        self.tokens = tokens
        self._transport = transport

    def search(self, cid: str, deadline: Deadline) -> RightSearch | None:
        """Ask with the current access token; a 401 renews it once and asks once more."""
        token = self.tokens.get(deadline)
        reply = self._transport.send(srm.right_search_call(self.base_url, cid, token), deadline)
        if reply.status == 401:
            self.tokens.invalidate(token)
            token = self.tokens.get(deadline)
            call = srm.right_search_call(self.base_url, cid, token)
            reply = self._transport.send(call, deadline)
            if reply.status == 401:
                raise AgencyCallError(FailureReason.AUTH, "NHSO right search: token refused twice")
        return read_json_answer(reply, "NHSO right search")

    def probe_call(self) -> HttpCall:
        """The right-search path, with no citizen and no token."""
        return srm.probe_call(self.base_url)

    def credentials(self) -> CredentialReport:
        """The refresh token: the configured one or the newest NHSO handed back; refused?"""
        refresh = self.tokens.refresh
        which = (
            "the one NHSO handed back last"
            if refresh.rotated_since_configured
            else ("agencies.nhso.refresh_token")
        )
        if refresh.refused:
            return CredentialReport(
                "srm", f"NHSO refused the refresh token ({which}) at the last refresh", True
            )
        return CredentialReport("srm", f"refresh token: {which}")


class V2Source:
    """The v2 right search with a hospital's static token."""

    api = "v2"

    def __init__(
        self,
        base_url: str,
        bearer_token: str,
        transport: AgencyTransport,
        today: Callable[[], date],
    ) -> None:
        self.base_url = base_url
        self._bearer = bearer_token
        self._transport = transport
        self._today = today

    def search(self, cid: str, deadline: Deadline) -> RightSearch | None:
        """Ask for today's rights; a 401 means the token is refused (nothing to renew)."""
        call = v2.right_search_call(self.base_url, cid, self._bearer, self._today())
        return read_json_answer(self._transport.send(call, deadline), "NHSO v2 right search")

    def probe_call(self) -> HttpCall:
        """The right-search path, with no citizen and no token."""
        return v2.probe_call(self.base_url)

    def credentials(self) -> CredentialReport:
        """The hospital's static token."""
        return CredentialReport("v2", "bearer token: agencies.nhso.bearer_token")


class UcwsSource:
    """The legacy SOAP service."""

    api = "ucws"

    def __init__(
        self, url: str, user_person_id: str, smctoken: str, transport: AgencyTransport
    ) -> None:
        self.base_url = url
        self._user = user_person_id
        self._token = smctoken
        self._transport = transport

    def search(self, cid: str, deadline: Deadline) -> RightSearch | None:
        """One SOAP call; its `ws_status` says whether the token was accepted."""
        call = ucws.search_call(self.base_url, self._user, self._token, cid)
        reply = self._transport.send(call, deadline)
        if reply.status in (401, 403):
            raise AgencyCallError(FailureReason.AUTH, "NHSO UCWS: access refused")
        if reply.status != 200:
            raise AgencyCallError(
                FailureReason.BAD_ANSWER, f"NHSO UCWS: unexpected status {reply.status}"
            )
        return ucws.read_answer(reply.body, cid)

    def probe_call(self) -> HttpCall:
        """The service's WSDL."""
        return ucws.probe_call(self.base_url)

    def credentials(self) -> CredentialReport:
        """The officer's smart-card token, over plain HTTP where the default host is used."""
        plain = (
            ' (sent over plain HTTP: prefer api = "srm")'
            if self.base_url.startswith("http://")
            else ""
        )
        return CredentialReport(
            "ucws", f"agencies.nhso.user_person_id and agencies.nhso.smctoken{plain}"
        )


class NhsoAdapter(AgencyAdapter):
    """The health-care right from NHSO, through whichever API `source` speaks."""

    id = "nhso"
    name_th = "สำนักงานหลักประกันสุขภาพแห่งชาติ (สปสช.)"
    name_en = "National Health Security Office (NHSO)"

    def __init__(
        self,
        source: RightSource,
        *,
        transport: AgencyTransport,
        hotline: str = HOTLINE,
        web: str = WEB,
        today: Callable[[], date] = lambda: bangkok_now().date(),
    ) -> None:
        self.source = source
        self.hotline = hotline
        self.web = web
        self._transport = transport
        self._probe_transport = transport.twin()  # probes never wait on a citizen's session
        self._today = today

    @property
    def api(self) -> str:
        """Which NHSO API this adapter speaks (`srm`, `v2`, `ucws`)."""
        return self.source.api

    @property
    def base_url(self) -> str:
        """Where the right search is asked."""
        return self.source.base_url

    def check(self, identity: CitizenIdentity, deadline: Deadline) -> AgencyResult:
        """Ask NHSO for the citizen's rights; every failure is a result, never an exception."""
        try:
            answer = self.source.search(identity.cid, deadline)
            if answer is None:
                return live_result(self.id, AgencyStatus.NOT_FOUND, message="no NHSO record")
            if answer.pid != identity.cid:
                # Never show one citizen another's rights, whatever went wrong upstream.
                raise AgencyCallError(
                    FailureReason.BAD_ANSWER, "NHSO right search: answer is for another citizen"
                )
            rights = rights_of(answer, self._today())
            return live_result(self.id, AgencyStatus.OK, rights, info=answer_info(answer))
        except AgencyCallError as exc:
            return from_call_error(self.id, exc)

    def credentials(self) -> CredentialReport:
        """Which API and credential, and (SRM) whether NHSO refused the refresh token last."""
        return self.source.credentials()

    def probe(self, deadline: Deadline) -> HealthProbe:
        """Whether NHSO's service answers (no citizen, no credential)."""
        return probe_endpoint(self._probe_transport, self.source.probe_call(), deadline)

    def close(self) -> None:
        """Close the HTTP sessions."""
        self._transport.close()
        self._probe_transport.close()


class NhsoOptions(AdapterOptions):
    """`[agencies.nhso]` keys of NHSO's own: the API, and the credential that API needs."""

    api: Api = "srm"
    token_url: str | None = None
    refresh_token: str | None = None
    bearer_token: str | None = None
    user_person_id: str | None = None
    smctoken: str | None = None


_NEEDS: dict[str, tuple[str, ...]] = {
    "srm": ("refresh_token",),
    "v2": ("bearer_token",),
    "ucws": ("user_person_id", "smctoken"),
}


def required(options: NhsoOptions) -> dict[str, str]:
    """The credentials the chosen API needs, or `AdapterConfigError` naming the first missing."""
    values = {}
    for key in _NEEDS[options.api]:
        value = getattr(options, key)
        if not value:
            problem = "is required" if value is None else "must not be empty"
            if options.api != "srm":  # the default API's key needs no explaining
                problem += f' when api = "{options.api}"'
            raise AdapterConfigError(f"agencies.nhso.{key}", problem)
        values[key] = value
    return values


def create(
    settings: AdapterSettings,
    context: AdapterContext,
    *,
    clock: Callable[[], float] = time.monotonic,
) -> NhsoAdapter:
    """Entry point `nhso`: the adapter from `[agencies.nhso]`.

    `base_url` alone (no `token_url`) sends SRM's token call to the same host, as a gateway or
    the simulator serves both: configs written before `token_url` existed keep working."""
    options = settings.options(NhsoOptions)
    credentials = required(options)
    table = settings.table()
    transport = AgencyTransport(ca_bundle=settings.ca_bundle, proxy=settings.proxy)
    base_url = table.base_url or DEFAULT_BASE_URL[options.api]
    source: RightSource
    if options.api == "srm":
        token_url = DEFAULT_TOKEN_URL if table.base_url is None else base_url
        if options.token_url is not None:
            token_url = https_or_loopback("agencies.nhso.token_url", options.token_url)
        refresh = srm.RefreshToken(credentials["refresh_token"], context.credentials)
        source = SrmSource(base_url, srm.SrmTokens(token_url, refresh, transport, clock), transport)
    elif options.api == "v2":
        source = V2Source(
            base_url, credentials["bearer_token"], transport, lambda: bangkok_now().date()
        )
    else:
        source = UcwsSource(
            base_url, credentials["user_person_id"], credentials["smctoken"], transport
        )
    return NhsoAdapter(
        source,
        transport=transport,
        hotline=table.hotline or HOTLINE,
        web=table.web or WEB,
    )

"""The GDX gateway (DGA's Government Data Exchange) and the adapter shape its agencies share.

Token: `GET {gdx}/ws/auth/validate?ConsumerSecret=..&AgentID=..` with header `Consumer-Key`
(and `Content-Type: application/x-www-form-urlencoded; charset=utf-8`, as DGA's guide sends it)
answers `{"Result": "<token>"}`; the token lives 60 minutes idle. `AgentID` is the kiosk's
registered system name, never a citizen's. Data calls carry `Consumer-Key` and `Token`; a 401
means the token expired: revalidate once, retry once. GDX reports its own errors as
`{"Message": ..., "Code": ...}`, often with HTTP 500: the code goes into the result's message
(for the technician's log), the message text nowhere. One `GdxGateway` (one token) serves all
six GDX agencies built together; each agency has its own HTTP session.

A GDX service is identified by its path (`/ws/<agency>/<dataset>[/v<n>]/<op>`) or, through
DOPA's linkage, by `OfficeID` + `ServiceID` + `Version`: an agency's table may set its `path`
and `query` (extra query parameters, e.g. those ids) when a deployment's differ from the
built-in ones, which are modelled (docs/agency-api.md).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
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
    Entitlement,
    FailureReason,
    HealthProbe,
)
from adapters.deadline import Deadline
from adapters.factory import AdapterContext, AdapterFactory, AdapterOptions, AdapterSettings
from adapters.transport import AgencyTransport, HttpCall, HttpReply, probe_endpoint

# Verify with the agency (DGA) before deployment: the production host of the GDX gateway.
DEFAULT_BASE_URL = "https://api.egov.go.th"
VALIDATE_PATH = "/ws/auth/validate"
TOKEN_IDLE_S = 60 * 60.0  # GDX drops a token after 60 minutes without use
TOKEN_MARGIN_S = 60.0  # revalidate a little early rather than have a call refused

# Reads an agency's 200 body into entitlements (raises AgencyCallError(BAD_ANSWER)).
AnswerReader = Callable[[bytes, date], tuple[Entitlement, ...]]


def validate_call(
    base_url: str, consumer_key: str, consumer_secret: str, agent_id: str
) -> HttpCall:
    """The token request."""
    return HttpCall(
        method="GET",
        url=base_url + VALIDATE_PATH,
        purpose="GDX token",
        params={"ConsumerSecret": consumer_secret, "AgentID": agent_id},
        headers={
            "Consumer-Key": consumer_key,
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "Accept": "application/json",
        },
    )


def data_call(
    base_url: str,
    path: str,
    cid: str,
    *,
    consumer_key: str,
    token: str,
    purpose: str,
    query: Mapping[str, str] | None = None,
) -> HttpCall:
    """One agency's request for one citizen (`query`: extra parameters, e.g. linkage ids)."""
    return HttpCall(
        method="GET",
        url=base_url + path,
        purpose=purpose,
        params={**(query or {}), "CitizenID": cid},
        headers={"Consumer-Key": consumer_key, "Token": token, "Accept": "application/json"},
    )


def probe_call(base_url: str, path: str, purpose: str) -> HttpCall:
    """A request with no citizen and no token: any answer below 500 shows the service is up."""
    return HttpCall(method="GET", url=base_url + path, purpose=purpose)


class GdxError(AgencyAnswer):
    """How GDX reports an error of its own."""

    message: str | None = Field(default=None, alias="Message")
    code: str | int = Field(alias="Code")


def gdx_error_code(body: bytes) -> str | None:
    """The `Code` of a GDX error body (a short safe token), or None when `body` is not one."""
    try:
        code = str(GdxError.model_validate_json(body).code)
    except ValueError:
        return None
    return code if code.replace("-", "").replace("_", "").isalnum() and len(code) <= 32 else "?"


class ValidateAnswer(AgencyAnswer):
    """The token answer."""

    result: str = Field(alias="Result", min_length=1)


class GdxGateway:
    """The GDX token, shared by the agencies behind the gateway; thread-safe."""

    def __init__(
        self,
        *,
        base_url: str,
        consumer_key: str,
        consumer_secret: str,
        agent_id: str,
        transport: AgencyTransport,
        clock: Callable[[], float] = time.monotonic,
        idle_s: float = TOKEN_IDLE_S,
    ) -> None:
        self.base_url = base_url
        self.consumer_key = consumer_key
        self._consumer_secret = consumer_secret
        self._agent_id = agent_id
        self._transport = transport
        self._clock = clock
        self._idle_s = idle_s
        self._lock = threading.Lock()
        self._token: str | None = None
        self._last_used = 0.0

    def token(self, deadline: Deadline) -> str:
        """A token that GDX should still accept, validated anew if idle too long."""
        if not self._lock.acquire(timeout=deadline.remaining()):
            raise AgencyCallError(FailureReason.TIMEOUT, "GDX token: no answer in time")
        try:
            fresh_until = self._last_used + self._idle_s - TOKEN_MARGIN_S
            if self._token is not None and self._clock() < fresh_until:
                return self._token
            self._token = None
            return self._validate(deadline)
        finally:
            self._lock.release()

    def touch(self, token: str) -> None:
        """GDX accepted `token`: its idle time starts again."""
        with self._lock:
            if self._token == token:
                self._last_used = self._clock()

    def invalidate(self, token: str) -> None:
        """Drop `token` after a 401, unless another agency already replaced it."""
        with self._lock:
            if self._token == token:
                self._token = None

    def _validate(self, deadline: Deadline) -> str:
        call = validate_call(
            self.base_url, self.consumer_key, self._consumer_secret, self._agent_id
        )
        reply = self._transport.send(call, deadline)
        if reply.status in (400, 401, 403):
            code = gdx_error_code(reply.body)
            why = f" (GDX code {code})" if code else ""
            raise AgencyCallError(
                FailureReason.AUTH, f"GDX token: consumer key or secret refused{why}"
            )
        if reply.status != 200:
            raise AgencyCallError(
                FailureReason.BAD_ANSWER, f"GDX token: unexpected status {reply.status}"
            )
        self._token = parse_answer(ValidateAnswer, reply.body, "GDX token").result
        self._last_used = self._clock()
        return self._token

    def ask(
        self,
        transport: AgencyTransport,
        path: str,
        cid: str,
        *,
        query: Mapping[str, str],
        purpose: str,
        deadline: Deadline,
    ) -> HttpReply:
        """One service's answer for one citizen, sent on the service's own `transport`: with a
        token, validated anew once if GDX answers 401."""
        token = self.token(deadline)
        reply = self._send(
            transport,
            path=path,
            cid=cid,
            token=token,
            query=query,
            purpose=purpose,
            deadline=deadline,
        )
        if reply.status != 401:
            return reply
        self.invalidate(token)
        token = self.token(deadline)
        reply = self._send(
            transport,
            path=path,
            cid=cid,
            token=token,
            query=query,
            purpose=purpose,
            deadline=deadline,
        )
        if reply.status == 401:
            raise AgencyCallError(FailureReason.AUTH, f"{purpose}: token refused twice")
        return reply

    def _send(
        self,
        transport: AgencyTransport,
        *,
        path: str,
        cid: str,
        token: str,
        query: Mapping[str, str],
        purpose: str,
        deadline: Deadline,
    ) -> HttpReply:
        call = data_call(
            self.base_url,
            path,
            cid,
            consumer_key=self.consumer_key,
            token=token,
            purpose=purpose,
            query=query,
        )
        reply = transport.send(call, deadline)
        if reply.status != 401:
            self.touch(token)
        return reply

    def close(self) -> None:
        """Close the token session."""
        self._transport.close()


def answer_body(reply: HttpReply, purpose: str) -> bytes | None:
    """The body of a 200 answer; None when the agency does not know the citizen (404
    `not_found`); else `AgencyCallError` with GDX's error code when it sent one."""
    if is_not_found(reply.status, reply.body):
        return None
    if reply.status == 200:
        return reply.body
    code = gdx_error_code(reply.body)
    why = f" (GDX code {code})" if code else ""
    if reply.status == 403:
        raise AgencyCallError(FailureReason.AUTH, f"{purpose}: access refused{why}")
    raise AgencyCallError(
        FailureReason.BAD_ANSWER, f"{purpose}: unexpected status {reply.status}{why}"
    )


def with_gdx_code(exc: AgencyCallError) -> AgencyCallError:
    """`exc` with GDX's error code added to its message when a 5xx body carried one."""
    code = gdx_error_code(exc.body) if exc.body else None
    if code is None:
        return exc
    return AgencyCallError(exc.reason, f"{exc.message} (GDX code {code})")


@dataclass(frozen=True, slots=True)
class GdxService:
    """One agency behind GDX: who it is, its path, and how its answer reads."""

    id: str
    name_th: str
    name_en: str
    path: str  # the built-in, modelled path; a deployment's table may set its own
    read: AnswerReader
    web: str  # the agency's public home page
    hotline: str = ""


class GdxAdapter(AgencyAdapter):
    """An agency reached through the GDX gateway."""

    def __init__(
        self,
        service: GdxService,
        *,
        gateway: GdxGateway,
        transport: AgencyTransport,
        hotline: str | None = None,
        web: str | None = None,
        path: str | None = None,
        query: Mapping[str, str] | None = None,
        today: Callable[[], date] = lambda: bangkok_now().date(),
    ) -> None:
        self.service = service
        self.path = path or service.path
        self.query = dict(query or {})
        self.id = service.id
        self.name_th = service.name_th
        self.name_en = service.name_en
        self.hotline = service.hotline if hotline is None else hotline
        self.web = service.web if web is None else web
        self.base_url = gateway.base_url
        self._gateway = gateway
        self._transport = transport
        self._probe_transport = transport.twin()  # probes never wait on a citizen's session
        self._today = today
        self._purpose = f"GDX {service.id}"

    def check(self, identity: CitizenIdentity, deadline: Deadline) -> AgencyResult:
        """Ask the agency about one citizen; every failure is a result, never an exception."""
        try:
            reply = self._gateway.ask(
                self._transport,
                self.path,
                identity.cid,
                query=self.query,
                purpose=self._purpose,
                deadline=deadline,
            )
            body = answer_body(reply, self._purpose)
            if body is None:
                return live_result(self.id, AgencyStatus.NOT_FOUND, message="no record")
            entitlements = self.service.read(body, self._today())
        except AgencyCallError as exc:
            return from_call_error(self.id, with_gdx_code(exc))
        message = "" if entitlements else "no entitlement on record"
        return live_result(self.id, AgencyStatus.OK, entitlements, message=message)

    def probe(self, deadline: Deadline) -> HealthProbe:
        """Whether the agency's path answers at all (no citizen, no token)."""
        call = probe_call(self.base_url, self.path, f"{self._purpose} probe")
        return probe_endpoint(self._probe_transport, call, deadline)

    def close(self) -> None:
        """Close this agency's HTTP sessions (the shared gateway closes with its context)."""
        self._transport.close()
        self._probe_transport.close()


class GdxOptions(AdapterOptions):
    """`[agencies.gdx]` credentials, shared by every GDX agency."""

    consumer_key: str = Field(min_length=1)
    consumer_secret: str = Field(min_length=1)
    agent_id: str = Field(min_length=1)


class GdxAgencyOptions(AdapterOptions):
    """A GDX agency's own table: the common keys, and where the service is when a deployment's
    differs from the built-in (modelled) one."""

    path: str | None = Field(default=None, pattern=r"^/[A-Za-z0-9/_.-]*$")
    query: dict[str, str] = Field(default_factory=dict)


def gdx_gateway(settings: AdapterSettings, context: AdapterContext) -> GdxGateway:
    """The gateway for `settings.agency_id`: its own `base_url`, else `[agencies.gdx]`'s, else
    DGA's; one gateway (one token) for every service of the context at that address."""
    credentials = settings.options(GdxOptions, table="gdx")
    base_url = settings.table().base_url or settings.table("gdx").base_url or DEFAULT_BASE_URL

    def make_gateway() -> GdxGateway:
        return GdxGateway(
            base_url=base_url,
            consumer_key=credentials.consumer_key,
            consumer_secret=credentials.consumer_secret,
            agent_id=credentials.agent_id,
            transport=AgencyTransport(ca_bundle=settings.ca_bundle, proxy=settings.proxy),
        )

    return context.shared(("gdx", base_url, credentials), make_gateway)


def gdx_factory(service: GdxService) -> AdapterFactory:
    """The entry-point factory for `service`."""

    def create(settings: AdapterSettings, context: AdapterContext) -> GdxAdapter:
        where = settings.options(GdxAgencyOptions)
        own = settings.table()
        return GdxAdapter(
            service,
            gateway=gdx_gateway(settings, context),
            transport=AgencyTransport(ca_bundle=settings.ca_bundle, proxy=settings.proxy),
            hotline=own.hotline,
            web=own.web,
            path=where.path,
            query=where.query,
        )

    create.__doc__ = f"Entry point `{service.id}`: the adapter from `[agencies.gdx]`."
    return create

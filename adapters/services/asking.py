"""Asking a record service about one citizen: the engine behind every `kind = "record"`
definition.

Through GDX, the service shares the gateway (one token) with the entitlement agencies built in
the same context; a plain HTTPS service sends `GET {base_url}{path}?{cid_param}=CID` with its own
credential from `[agencies.<credentials>]`. Either way the answer is read by
`adapters.services.reading`, and every failure is a `LookupResult` with a reason, never an
exception: the same statuses, reasons and messages as an agency's check.
"""

from __future__ import annotations

from adapters.answer import bangkok_now, failed_result
from adapters.base import (
    AgencyCallError,
    AgencyStatus,
    FailureReason,
    HealthProbe,
    ResultSource,
)
from adapters.deadline import Deadline
from adapters.factory import (
    AdapterConfigError,
    AdapterContext,
    AdapterSettings,
    https_or_loopback,
)
from adapters.gdx import GdxGateway, answer_body, gdx_gateway, probe_call, with_gdx_code
from adapters.services.definition import AskGdx, AskHttps, ServiceDefinition
from adapters.services.reading import read_record
from adapters.services.record import LookupResult, Record
from adapters.transport import AgencyTransport, HttpCall, HttpReply, probe_endpoint


class RecordService:
    """One record service, ready to ask. `lookup` never raises."""

    def __init__(
        self,
        definition: ServiceDefinition,
        *,
        transport: AgencyTransport,
        gateway: GdxGateway | None = None,
        base_url: str | None = None,
        secret: str | None = None,
    ) -> None:
        self.definition = definition
        self.id = definition.id
        self._transport = transport
        self._probe_transport = transport.twin()
        self._gateway = gateway
        self._base_url = base_url
        self._secret = secret
        self._purpose = f"service {definition.id}"

    def lookup(self, cid: str, deadline: Deadline) -> LookupResult:
        """The citizen's record, or a failed result saying why."""
        try:
            body = answer_body(self._ask(cid, deadline), self._purpose)
            if body is None:
                return self._live(AgencyStatus.NOT_FOUND, None, message="no record")
            record = read_record(self.definition, body)
        except AgencyCallError as exc:
            exc = with_gdx_code(exc)
            return failed_lookup(self.id, exc.reason, exc.message)
        return self._live(AgencyStatus.OK, record)

    def _live(self, status: AgencyStatus, record: Record | None, message: str = "") -> LookupResult:
        return LookupResult(
            service=self.id,
            status=status,
            source=ResultSource.LIVE,
            as_of=bangkok_now(),
            record=record,
            message=message,
        )

    def _ask(self, cid: str, deadline: Deadline) -> HttpReply:
        ask = self.definition.ask
        if isinstance(ask, AskGdx) and self._gateway is not None:
            query = {**ask.query, **(ask.linkage.params() if ask.linkage else {})}
            return self._gateway.ask(
                self._transport,
                ask.path,
                cid,
                query=query,
                purpose=self._purpose,
                deadline=deadline,
            )
        if isinstance(ask, AskHttps) and self._base_url is not None:
            reply = self._transport.send(self._https_call(ask, cid), deadline)
            if reply.status == 401:
                raise AgencyCallError(FailureReason.AUTH, f"{self._purpose}: credential refused")
            return reply
        raise AgencyCallError(FailureReason.INTERNAL, f"{self._purpose}: not set up to ask")

    def _https_call(self, ask: AskHttps, cid: str) -> HttpCall:
        headers = {"Accept": "application/json"}
        if ask.auth == "bearer" and self._secret:
            headers["Authorization"] = f"Bearer {self._secret}"
        elif ask.auth == "header" and self._secret:
            headers[ask.header] = self._secret
        return HttpCall(
            method="GET",
            url=f"{self._base_url}{ask.path}",
            purpose=self._purpose,
            params={ask.cid_param: cid},
            headers=headers,
        )

    def probe(self, deadline: Deadline) -> HealthProbe:
        """Whether the service's endpoint answers at all (no citizen, no credential)."""
        ask = self.definition.ask
        base = self._gateway.base_url if self._gateway is not None else self._base_url
        if ask is None or base is None:
            return HealthProbe(ok=False, latency_s=None, detail="not set up to ask")
        call = probe_call(base, ask.path, f"{self._purpose} probe")
        return probe_endpoint(self._probe_transport, call, deadline)

    def close(self) -> None:
        """Close this service's HTTP sessions (the shared gateway closes with its context)."""
        self._transport.close()
        self._probe_transport.close()


def failed_lookup(service_id: str, reason: FailureReason, message: str) -> LookupResult:
    """No usable live answer: `unavailable` when the agency did not answer, else `error` (the
    rule of `adapters.answer.failed_result`)."""
    failed = failed_result(service_id, reason, message)
    return LookupResult(
        service=service_id,
        status=failed.status,
        source=ResultSource.NONE,
        as_of=None,
        message=failed.message,
        reason=failed.reason,
    )


def build_service(
    definition: ServiceDefinition, settings: AdapterSettings, context: AdapterContext
) -> RecordService:
    """The service for a record definition, or `AdapterConfigError` naming the missing key
    (`agencies.gdx.consumer_key`, `agencies.nhso_records.bearer_token`)."""
    transport = AgencyTransport(ca_bundle=settings.ca_bundle, proxy=settings.proxy)
    ask = definition.ask
    try:
        if isinstance(ask, AskGdx):
            return RecordService(
                definition, transport=transport, gateway=gdx_gateway(settings, context)
            )
        if isinstance(ask, AskHttps):
            base_url, secret = _https_settings(ask, settings)
            return RecordService(definition, transport=transport, base_url=base_url, secret=secret)
    except BaseException:
        transport.close()
        raise
    transport.close()
    raise ValueError(f"{definition.id} asks nothing: it is not a record service")


def _https_settings(ask: AskHttps, settings: AdapterSettings) -> tuple[str, str | None]:
    table = settings.table(ask.credentials)
    if not table.base_url:
        raise AdapterConfigError(f"agencies.{ask.credentials}.base_url", "is required")
    base_url = https_or_loopback(f"agencies.{ask.credentials}.base_url", table.base_url)
    if ask.auth == "none":
        return base_url, None
    secret = table.options.get(ask.secret_key)
    if not isinstance(secret, str) or not secret:
        raise AdapterConfigError(f"agencies.{ask.credentials}.{ask.secret_key}", "is required")
    return base_url, secret

"""An example third-party adapter: the shape any outside agency's adapter takes.

It uses only the kiosk's public adapter API (`adapters.base`, `adapters.factory`,
`adapters.transport`): a factory registered in the `gov_smart_kiosk.adapters` entry-point group
validates its own keys from `[agencies.thirdparty]` and builds the adapter. Its "agency" is the
simulator's `/healthz`: when that answers, the citizen holds one demonstration entitlement.
"""

from __future__ import annotations

from pydantic import Field

from adapters.answer import from_call_error, live_result
from adapters.base import (
    AgencyAdapter,
    AgencyCallError,
    AgencyResult,
    AgencyStatus,
    CitizenIdentity,
    Entitlement,
    EntitlementStatus,
    FailureReason,
    HealthProbe,
)
from adapters.deadline import Deadline
from adapters.factory import AdapterConfigError, AdapterContext, AdapterOptions, AdapterSettings
from adapters.transport import AgencyTransport, HttpCall, probe_endpoint


class Options(AdapterOptions):
    """`[agencies.thirdparty]` keys of this adapter's own."""

    api_key: str = Field(min_length=1)


class ThirdPartyAdapter(AgencyAdapter):
    """A demonstration agency."""

    id = "thirdparty"
    name_th = "หน่วยงานตัวอย่าง (ส่วนเสริม)"
    name_en = "Example agency (plug-in)"

    def __init__(self, base_url: str, api_key: str, transport: AgencyTransport) -> None:
        self.base_url = base_url
        self._api_key = api_key
        self._transport = transport

    def _call(self) -> HttpCall:
        return HttpCall(
            "GET", self.base_url + "/healthz", "plug-in", headers={"X-Api-Key": self._api_key}
        )

    def check(self, identity: CitizenIdentity, deadline: Deadline) -> AgencyResult:
        """One entitlement when the service answers."""
        try:
            reply = self._transport.send(self._call(), deadline)
        except AgencyCallError as exc:
            return from_call_error(self.id, exc)
        if reply.status != 200:
            return from_call_error(
                self.id, AgencyCallError(FailureReason.BAD_ANSWER, "plug-in: unexpected status")
            )
        plugin = Entitlement(
            "PLUGIN_DEMO", "สิทธิตัวอย่าง", "Example benefit", EntitlementStatus.ACTIVE
        )
        return live_result(self.id, AgencyStatus.OK, (plugin,))

    def probe(self, deadline: Deadline) -> HealthProbe:
        """Whether the service answers."""
        return probe_endpoint(self._transport, self._call(), deadline)

    def close(self) -> None:
        """Close the HTTP session."""
        self._transport.close()


def create(settings: AdapterSettings, context: AdapterContext) -> ThirdPartyAdapter:
    """Entry point `thirdparty`."""
    options = settings.options(Options)
    base_url = settings.table().base_url
    if not base_url:
        raise AdapterConfigError("agencies.thirdparty.base_url", "is required")
    return ThirdPartyAdapter(
        base_url,
        options.api_key,
        AgencyTransport(ca_bundle=settings.ca_bundle, proxy=settings.proxy),
    )

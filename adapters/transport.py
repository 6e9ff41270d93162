"""Sending one prepared HTTP call to an agency, within a deadline.

Adapters build `HttpCall`s with pure functions (tested apart from sending); `AgencyTransport`
sends them: one `requests.Session` per transport, TLS verified (the configured CA bundle, else
certifi's), an optional proxy, connect and read timeouts of at most the deadline's time left, at
most one retry on a connection error or a 5xx (only while time is left), and a cap on the size of
an answer.

Failures become `AgencyCallError(reason, message)`. requests' own exceptions carry the URL, and
ours have the CID (`pid=`, `CitizenID=`) and secrets in the query string, so their text is never
kept: messages name the call's `purpose` and the exception's type only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import requests
import requests.adapters
from requests.structures import CaseInsensitiveDict

# AgencyCallError lives in adapters.base (no I/O); adapters written against this module import it
# from here too.
from adapters.base import AgencyCallError, FailureReason, HealthProbe
from adapters.deadline import Deadline

__all__ = ["AgencyCallError", "AgencyTransport", "HttpCall", "HttpReply", "probe_endpoint"]

MAX_ANSWER_BYTES = 1 << 20  # an agency answer is a few KiB; anything near 1 MiB is not one
RETRY_FLOOR_S = 0.05  # no retry with less time left than this: it could not finish anyway
USER_AGENT = "gov-smart-kiosk"
_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class HttpCall:
    """One request, fully built and not yet sent. Its repr shows no parameter or header value."""

    method: str
    url: str  # without the query string: that lives in `params`
    purpose: str  # what the call is for, in words safe to log ("NHSO right search")
    params: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    form: Mapping[str, str] | None = None
    content: bytes | None = None  # a raw body (a SOAP envelope); `form` and `content` exclude

    def __repr__(self) -> str:
        return (
            f"HttpCall({self.method} {self.url}, purpose={self.purpose!r}, "
            f"params={sorted(self.params)}, headers={sorted(self.headers)})"
        )


@dataclass(frozen=True, slots=True)
class HttpReply:
    """An HTTP answer whose body was read in full (within the size cap)."""

    status: int
    body: bytes
    headers: Mapping[str, str]
    elapsed_s: float

    @property
    def server_date(self) -> datetime | None:
        """The `Date` header, if the server sent a readable one."""
        raw = self.headers.get("Date")
        if not raw:
            return None
        try:
            return parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            return None


class AgencyTransport:
    """Sends `HttpCall`s on one `requests.Session`, one call at a time.

    requests does not promise a Session is safe across threads, and a straggler from a check that
    ran out of time may still hold it: a new call waits for the lock no longer than its deadline.
    """

    def __init__(
        self,
        *,
        ca_bundle: Path | None = None,
        proxy: str | None = None,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
    ) -> None:
        self.max_answer_bytes = max_answer_bytes
        self._settings = (ca_bundle, proxy)
        self._lock = threading.Lock()
        session = requests.Session()
        # The kiosk's config is the one source of proxies and CAs: environment variables and
        # ~/.netrc must not redirect or authenticate a citizen's query behind our back.
        session.trust_env = False
        session.verify = str(ca_bundle) if ca_bundle else True
        if proxy:
            session.proxies = {"http": proxy, "https": proxy}
        # We retry ourselves, at most once and only while the deadline allows.
        no_retry = requests.adapters.HTTPAdapter(max_retries=0)
        session.mount("https://", no_retry)
        session.mount("http://", no_retry)
        session.headers["User-Agent"] = USER_AGENT
        self._session = session

    def twin(self) -> AgencyTransport:
        """A transport with the same settings and its own session and lock.

        Adapters probe on a twin, so a background probe never holds the session a citizen's
        check is waiting for.
        """
        ca_bundle, proxy = self._settings
        return AgencyTransport(
            ca_bundle=ca_bundle, proxy=proxy, max_answer_bytes=self.max_answer_bytes
        )

    def send(self, call: HttpCall, deadline: Deadline, *, retry: bool = True) -> HttpReply:
        """Send `call`, retrying once on a connection error or 5xx; raise `AgencyCallError`.

        A non-5xx answer of any status is returned for the adapter to interpret.
        """
        if not self._lock.acquire(timeout=deadline.remaining()):
            raise AgencyCallError(FailureReason.TIMEOUT, f"{call.purpose}: no answer in time")
        try:
            first = self._attempt(call, deadline)
            if isinstance(first, HttpReply):
                return first
            if retry and deadline.remaining() >= RETRY_FLOOR_S:
                second = self._attempt(call, deadline)
                if isinstance(second, HttpReply):
                    return second
                raise second
            raise first
        finally:
            self._lock.release()

    def _attempt(self, call: HttpCall, deadline: Deadline) -> HttpReply | AgencyCallError:
        """One try: a reply worth returning, or the error (retryable unless it is TIMEOUT).

        A TIMEOUT is raised at once: with no time left a retry could not finish.
        """
        left = deadline.remaining()
        if left <= 0:
            raise AgencyCallError(FailureReason.TIMEOUT, f"{call.purpose}: no answer in time")
        started = time.monotonic()
        try:
            response = self._session.request(
                call.method,
                call.url,
                params=dict(call.params),
                headers=dict(call.headers),
                data=call.content if call.content is not None else _form(call),
                timeout=(left, left),
                stream=True,
                allow_redirects=False,
            )
        except requests.Timeout:
            raise AgencyCallError(
                FailureReason.TIMEOUT, f"{call.purpose}: no answer in time"
            ) from None
        except requests.exceptions.SSLError:
            # A certificate that fails verification will fail again: no retry.
            raise AgencyCallError(
                FailureReason.UNREACHABLE, f"{call.purpose}: TLS verification failed"
            ) from None
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            if deadline.expired:
                raise AgencyCallError(
                    FailureReason.TIMEOUT, f"{call.purpose}: no answer in time"
                ) from None
            return AgencyCallError(
                FailureReason.UNREACHABLE,
                f"{call.purpose}: connection failed ({type(exc).__name__})",
            )
        except requests.RequestException as exc:
            # Bad proxy URL, TLS setup, invalid header: not going to improve on a retry.
            raise AgencyCallError(
                FailureReason.UNREACHABLE, f"{call.purpose}: request failed ({type(exc).__name__})"
            ) from None
        with response:
            try:
                body = self._read_capped(response, call, deadline)
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
                if deadline.expired:
                    raise AgencyCallError(
                        FailureReason.TIMEOUT, f"{call.purpose}: no answer in time"
                    ) from None
                return AgencyCallError(
                    FailureReason.UNREACHABLE,
                    f"{call.purpose}: connection dropped ({type(exc).__name__})",
                )
            reply = HttpReply(
                status=response.status_code,
                body=body,
                headers=CaseInsensitiveDict(response.headers),
                elapsed_s=time.monotonic() - started,
            )
        if reply.status >= 500:
            return AgencyCallError(
                FailureReason.SERVER_ERROR,
                f"{call.purpose}: server error {reply.status}",
                body=reply.body,
            )
        return reply

    def _read_capped(
        self, response: requests.Response, call: HttpCall, deadline: Deadline
    ) -> bytes:
        # Read timeouts bound each socket read, not the whole body: check the deadline between
        # chunks so a server that drips bytes cannot hold us past it.
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_content(_CHUNK):
            size += len(chunk)
            if size > self.max_answer_bytes:
                raise AgencyCallError(
                    FailureReason.BAD_ANSWER,
                    f"{call.purpose}: answer larger than {self.max_answer_bytes} bytes",
                )
            chunks.append(chunk)
            if deadline.expired:
                raise AgencyCallError(FailureReason.TIMEOUT, f"{call.purpose}: no answer in time")
        return b"".join(chunks)

    def close(self) -> None:
        """Close the session's pooled connections."""
        self._session.close()


def _form(call: HttpCall) -> dict[str, str] | None:
    return dict(call.form) if call.form is not None else None


def probe_endpoint(transport: AgencyTransport, call: HttpCall, deadline: Deadline) -> HealthProbe:
    """Whether an agency's endpoint answers at all: any status below 500 counts as up.

    One attempt only, no CID in the call: probes run in the background and report, not retry.
    """
    try:
        reply = transport.send(call, deadline, retry=False)
    except AgencyCallError as exc:
        return HealthProbe(ok=False, latency_s=None, detail=exc.message)
    return HealthProbe(ok=True, latency_s=reply.elapsed_s, server_date=reply.server_date)

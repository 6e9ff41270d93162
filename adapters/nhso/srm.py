"""NHSO's SRM right search (`agencies.nhso.api = "srm"`, the default): a refresh token traded for
an access token at NHSO's token service, then the right search with `Authorization: Bearer`.

What public clients of the service show, and this module follows:
- the token service has its own host (`https://srmportal.nhso.go.th`; the right search is on
  `https://srm.nhso.go.th`): `POST {token_url}/api/scard/access-token` with the form
  `refresh_token=...`; `GET {base_url}/api/ucws/v1/right-search?pid=CID`;
- the token answer spells its keys `access-token` / `refresh-token` in some deployments and
  `access_token` / `refresh_token` in others, and may carry no `expires_in`: the access token
  is then a JWT whose `exp` claim says when it ends;
- NHSO rotates the refresh token on every refresh: the old one is refused from then on. The
  newest one is kept in the kiosk's `CredentialStore` and used after a restart, in preference to
  the configured one, until the configured one changes (a deployer who provisions a new token
  means it).

A token call is never retried by the transport: a retry after a lost answer would present a
refresh token NHSO has already rotated away.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import threading
import time
from collections.abc import Callable

from pydantic import AliasChoices, Field

from adapters.answer import AgencyAnswer, parse_answer
from adapters.base import AgencyCallError, FailureReason
from adapters.deadline import Deadline
from adapters.factory import CredentialStore
from adapters.transport import AgencyTransport, HttpCall

TOKEN_PATH = "/api/scard/access-token"  # noqa: S105 - a path, not a secret
RIGHT_SEARCH_PATH = "/api/ucws/v1/right-search"
TOKEN_MARGIN_S = 60.0  # renew this long before the token ends, so it never dies mid-call
DEFAULT_TOKEN_LIFE_S = 300.0  # neither `expires_in` nor a readable JWT `exp`: renew soon
STORE_NAME = "nhso.refresh_token"


def token_call(token_url: str, refresh_token: str) -> HttpCall:
    """The request that trades a refresh token for an access token."""
    return HttpCall(
        method="POST",
        url=token_url + TOKEN_PATH,
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
    """The access-token answer, in any spelling of its keys public clients read."""

    access: str = Field(
        min_length=1,
        validation_alias=AliasChoices("access-token", "access_token", "accessToken"),
    )
    refresh: str | None = Field(
        default=None,
        validation_alias=AliasChoices("refresh-token", "refresh_token", "refreshToken"),
    )
    expires_in: int | None = Field(default=None, gt=0)


def read_token_answer(body: bytes) -> TokenAnswer:
    """The token answer: JSON, or the `access-token=...` lines some deployments answer with
    (public clients read both); `AgencyCallError` when it is neither."""
    if body.lstrip()[:1] != b"{":
        lines = body.decode("utf-8", "replace").splitlines()
        pairs = dict(line.strip().split("=", 1) for line in lines if "=" in line)
        tokens = {key: pairs[key] for key in ("access-token", "refresh-token") if key in pairs}
        if tokens:
            body = json.dumps(tokens).encode("utf-8")
    return parse_answer(TokenAnswer, body, "NHSO token")


def jwt_expiry(token: str) -> float | None:
    """The `exp` claim (seconds since the epoch) of a JWT, read without checking its signature
    (the kiosk only needs to know when to renew), or None when `token` is not a readable JWT."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (binascii.Error, ValueError):
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    return float(exp) if isinstance(exp, int | float) and not isinstance(exp, bool) else None


def token_life_s(answer: TokenAnswer, wall_clock: Callable[[], float] = time.time) -> float:
    """How long the access token lives: `expires_in`, else the JWT's `exp`, else a short
    default."""
    if answer.expires_in is not None:
        return float(answer.expires_in)
    exp = jwt_expiry(answer.access)
    if exp is not None:
        return max(0.0, exp - wall_clock())
    return DEFAULT_TOKEN_LIFE_S


def _fingerprint(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class RefreshToken:
    """The refresh token to present next: the newest NHSO handed back, kept in the store, or
    the configured one when the store has none for it (first start, or a new one configured).

    The store is read again before every refresh: another process of the same kiosk (a
    technician's `kiosk check`) may have refreshed meanwhile, and NHSO then accepts only the
    token it handed that process."""

    def __init__(self, configured: str, store: CredentialStore) -> None:
        self._origin = _fingerprint(configured)
        self._store = store
        self._current = configured
        self.refused = False
        self.reload()

    def reload(self) -> str:
        """The token to present now: the newest kept for this configured token, if any."""
        kept = self._store.load(STORE_NAME)
        try:
            record = json.loads(kept) if kept else {}
        except ValueError:
            record = {}
        if isinstance(record, dict) and record.get("configured") == self._origin:
            token = record.get("token")
            if isinstance(token, str) and token:
                self._current = token
            self.refused = bool(record.get("refused"))
        return self._current

    @property
    def value(self) -> str:
        """The token last presented (or to present)."""
        return self._current

    @property
    def rotated_since_configured(self) -> bool:
        """True when the token presented is one NHSO handed back, not the configured one."""
        return _fingerprint(self._current) != self._origin

    def rotated(self, new: str) -> None:
        """NHSO handed back `new`: present it next time, in this process and the next."""
        self._current, self.refused = new, False
        self._keep()

    def refuse(self, presented: str) -> bool:
        """NHSO refused `presented`. True when a newer token was kept meanwhile (another
        process refreshed: try that one); else the refusal is kept for `kiosk doctor`."""
        if self.reload() != presented:
            return True
        self.refused = True
        self._keep()
        return False

    def _keep(self) -> None:
        record = {"configured": self._origin, "token": self._current, "refused": self.refused}
        self._store.save(STORE_NAME, json.dumps(record))


class SrmTokens:
    """The current access token; a refresh happens under a lock, within the caller's deadline."""

    def __init__(
        self,
        token_url: str,
        refresh: RefreshToken,
        transport: AgencyTransport,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._token_url = token_url
        self._refresh = refresh
        self._transport = transport
        self._clock = clock
        self._wall_clock = wall_clock
        self._lock = threading.Lock()
        self._access: str | None = None
        self._expires_at = 0.0

    @property
    def refresh(self) -> RefreshToken:
        """The refresh token in use (its state, for `kiosk doctor`)."""
        return self._refresh

    def get(self, deadline: Deadline) -> str:
        """A valid access token, refreshed if needed; raises `AgencyCallError`."""
        if not self._lock.acquire(timeout=deadline.remaining()):
            raise AgencyCallError(FailureReason.TIMEOUT, "NHSO token: no answer in time")
        try:
            if self._access is not None and self._clock() < self._expires_at:
                return self._access
            return self._renew(deadline)
        finally:
            self._lock.release()

    def invalidate(self, token: str) -> None:
        """Drop `token` after a 401 (unless another thread already replaced it)."""
        with self._lock:
            if self._access == token:
                self._access = None

    def _renew(self, deadline: Deadline) -> str:
        for _attempt in range(2):  # once more only if another process rotated it meanwhile
            presented = self._refresh.reload()
            reply = self._transport.send(
                token_call(self._token_url, presented), deadline, retry=False
            )
            if reply.status not in (400, 401, 403) or not self._refresh.refuse(presented):
                break
        if reply.status in (400, 401, 403):
            raise AgencyCallError(FailureReason.AUTH, "NHSO token: refresh token refused")
        if reply.status != 200:
            raise AgencyCallError(
                FailureReason.BAD_ANSWER, f"NHSO token: unexpected status {reply.status}"
            )
        answer = read_token_answer(reply.body)
        if answer.refresh and answer.refresh != self._refresh.value:
            self._refresh.rotated(answer.refresh)
        life = token_life_s(answer, self._wall_clock)
        self._access = answer.access
        self._expires_at = self._clock() + max(0.0, life - min(TOKEN_MARGIN_S, life / 2))
        return answer.access

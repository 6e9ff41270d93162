"""The simulator's NHSO: each of NHSO's APIs as public clients see it (`NhsoVariant`).

- `srm` (default): `POST /api/scard/access-token` (form `refresh_token`) and
  `GET /api/ucws/v1/right-search?pid=` with a Bearer token. The token answer's keys are spelled
  `access_token` / `refresh_token` or `access-token` / `refresh-token` (`token_keys`); with
  `jwt_only` it has no `expires_in` and the access token is a JWT whose `exp` says when it ends;
  with `rotate` each refresh hands back a new refresh token and retires the one presented.
- `v2`: `GET /api/v2/right-search?pid=&checkDate=` with the static `NHSO_BEARER_TOKEN`.
- `ucws`: `POST /ucwstokenp1/UCWSTokenP1`, the SOAP call `searchCurrentByPID`, checked against
  `UCWS_USER` and `UCWS_TOKEN`; `GET` with `?wsdl` answers a stub WSDL.
- `sparse`: answers carry only what public clients show is always there (`pid`, each fund's
  `mainInscl`, `subInscl`, `hospMain`; a `deathDate` only when there is one), plus a field the
  kiosk does not know.

Every value here is invented and opens nothing real.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeXml

NHSO_REFRESH_TOKEN = "sim-nhso-refresh-token"  # noqa: S105 - a fixed test credential
NHSO_BEARER_TOKEN = "sim-nhso-hospital-token"  # noqa: S105 - a fixed test credential
UCWS_USER = "3100600812342"  # an invented officer's CID (the checksum holds; nobody's)
UCWS_TOKEN = "sim-smctoken"  # noqa: S105 - a fixed test credential
TOKEN_LIFETIME_S = 3600.0
UCWS_NS = "http://tokenws.ucws.nhso.go.th/"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
UCWS_PATH = "/ucwstokenp1/UCWSTokenP1"
Api = Literal["srm", "v2", "ucws"]
APIS: tuple[Api, ...] = ("srm", "v2", "ucws")


@dataclass(frozen=True, slots=True)
class NhsoVariant:
    """Which of NHSO's APIs the simulator serves, and how its answers look."""

    api: Api = "srm"
    token_keys: Literal["underscore", "dash"] = "underscore"  # noqa: S105 - key spelling
    rotate: bool = False
    jwt_only: bool = False
    sparse: bool = False

    def tables(self, url: str, token_url: str | None = None) -> dict[str, str]:
        """The `[agencies.nhso]` table that points the kiosk at this variant."""
        table = {"api": self.api, "base_url": url}
        if self.api == "srm":
            table["refresh_token"] = NHSO_REFRESH_TOKEN
            if token_url is not None:
                table["token_url"] = token_url
        elif self.api == "v2":
            table["bearer_token"] = NHSO_BEARER_TOKEN
        else:
            table["base_url"] = url + UCWS_PATH
            table.update(user_person_id=UCWS_USER, smctoken=UCWS_TOKEN)
        return table


class NhsoTokens:
    """The refresh and access tokens this simulator has issued."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.refresh = {NHSO_REFRESH_TOKEN}
        self.access: dict[str, float] = {}  # token -> issued at (monotonic)

    def valid(self, token: str) -> bool:
        """True for an access token issued within its lifetime."""
        with self.lock:
            issued = self.access.get(token)
            return issued is not None and time.monotonic() - issued < TOKEN_LIFETIME_S

    def expire(self, token: str) -> None:
        """The token dies now (the `expired_token` fault)."""
        with self.lock:
            self.access.pop(token, None)

    def issue(self, presented: str, variant: NhsoVariant) -> dict[str, Any] | None:
        """The token answer for `presented`, or None when it is not a live refresh token."""
        with self.lock:
            if presented not in self.refresh:
                return None
            access = _jwt(time.time() + TOKEN_LIFETIME_S) if variant.jwt_only else _random()
            refresh = _random()
            self.access[access] = time.monotonic()
            if variant.rotate:
                self.refresh.discard(presented)
            self.refresh.add(refresh)
        sep = "-" if variant.token_keys == "dash" else "_"  # noqa: S105 - key spelling
        answer: dict[str, Any] = {f"access{sep}token": access, f"refresh{sep}token": refresh}
        if not variant.jwt_only:
            answer["expires_in"] = int(TOKEN_LIFETIME_S)
        return answer


def _random() -> str:
    return secrets.token_urlsafe(24)


def _b64(doc: object) -> str:
    raw = json.dumps(doc, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _jwt(exp: float) -> str:
    """An unsigned-looking JWT (the kiosk reads `exp`, never checks signatures)."""
    claims = {"sub": "sim-kiosk", "exp": int(exp), "jti": _random()}
    return f"{_b64({'alg': 'HS256', 'typ': 'JWT'})}.{_b64(claims)}.{_random()}"


def sparse(body: dict[str, Any]) -> dict[str, Any]:
    """A right-search body cut to what public clients show is always there."""
    funds = [
        {
            key: fund[key]
            for key in ("mainInscl", "subInscl", "hospMain")
            if fund.get(key) is not None
        }
        for fund in body.get("funds", [])
    ]
    cut: dict[str, Any] = {"funds": funds, "fundCount": len(funds)}  # a field the kiosk ignores
    if body.get("deathDate"):
        cut["deathDate"] = body["deathDate"]
    return cut


# --- UCWS (SOAP) ---------------------------------------------------------------------------


def ucws_request(body: bytes) -> dict[str, str] | None:
    """The parameters of a `searchCurrentByPID` request, or None when it is not one."""
    try:
        root = SafeXml.fromstring(body)
    except (DefusedXmlException, SyntaxError):
        return None
    op = next((el for el in root.iter() if el.tag == f"{{{UCWS_NS}}}searchCurrentByPID"), None)
    if op is None:
        return None
    return {child.tag.rsplit("}", 1)[-1]: (child.text or "") for child in op}


def _be(text: str | None) -> str:
    """An ISO date as UCWS writes it: Buddhist-era YYYYMMDD."""
    if not text:
        return ""
    day = date.fromisoformat(text[:10])
    return f"{day.year + 543:04d}{day.month:02d}{day.day:02d}"


def ucws_answer(status: str, cid: str, body: dict[str, Any] | None) -> bytes:
    """The SOAP answer: `status` (`NHSO-000001` success), and the first fund of `body`, if any."""
    envelope = Element(f"{{{SOAP_ENV}}}Envelope")
    answer = SubElement(
        SubElement(envelope, f"{{{SOAP_ENV}}}Body"), f"{{{UCWS_NS}}}searchCurrentByPIDResponse"
    )
    ret = SubElement(answer, "return")
    fields: dict[str, str] = {"ws_status": status, "person_id": cid}
    fund = (body or {}).get("funds", [None])[0] if body and body.get("funds") else None
    if fund is not None:
        sub = fund.get("subInscl") or {}
        main_hosp = fund.get("hospMain") or {}
        sub_hosp = fund.get("hospSub") or {}
        expire = fund.get("expireDateTime")
        fields.update(
            maininscl=fund["mainInscl"]["id"],
            maininscl_name=fund["mainInscl"].get("name") or "",
            subinscl=sub.get("id") or "",
            subinscl_name=sub.get("name") or "",
            hmain=main_hosp.get("hcode") or "",
            hmain_name=main_hosp.get("hname") or "",
            hsub=sub_hosp.get("hcode") or "",
            hsub_name=sub_hosp.get("hname") or "",
            startdate=_be(fund.get("startDateTime")),
            expdate=_be(expire) if expire else "NoExp",
            status=str((body or {}).get("status") or ""),
        )
    for name, value in fields.items():
        SubElement(ret, name).text = value
    xml: bytes = tostring(envelope, encoding="utf-8", xml_declaration=True)
    return xml


WSDL = (
    b'<?xml version="1.0" encoding="UTF-8"?><definitions xmlns="http://schemas.xmlsoap.org/wsdl/"'
    b' targetNamespace="http://tokenws.ucws.nhso.go.th/" name="UCWSTokenP1"/>'
)

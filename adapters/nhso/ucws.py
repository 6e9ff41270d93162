"""NHSO's legacy UCWS SOAP service (`agencies.nhso.api = "ucws"`).

One operation, `searchCurrentByPID(user_person_id, smctoken, person_id)` in the namespace
`http://tokenws.ucws.nhso.go.th/`, at `http://ucws.nhso.go.th/ucwstokenp1/UCWSTokenP1` (plain
HTTP, as public clients call it: `kiosk doctor` warns). `user_person_id` is the CID of the
officer who signed in to NHSO's smart-card client and `smctoken` the token it issued
(`agencies.nhso.user_person_id`, `agencies.nhso.smctoken`); both come from NHSO, not from the
citizen. The answer's `ws_status` says how it went: `NHSO-000001` success, `NHSO-00003` an
expired token. Its right is flat: `maininscl`, `maininscl_name`, `subinscl`, `subinscl_name`,
`hmain`, `hmain_name`, `hsub`, `hsub_name`, `startdate`, `expdate` (Buddhist-era `YYYYMMDD`;
`expdate` may be `NoExp`), `status`, `status_desc`; it is read into the same
`adapters.nhso.rights.RightSearch` as the JSON APIs. A success with no `maininscl` means NHSO
has no right on record for the citizen.

XML from the network is parsed with defusedxml, which refuses entity declarations and DTDs (the
expat bundled with some Pythons still expands "billion laughs" documents).
"""

from __future__ import annotations

from datetime import date
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeXml

from adapters.base import AgencyCallError, FailureReason
from adapters.nhso.rights import Coded, Fund, Hospital, RightSearch
from adapters.transport import HttpCall

NAMESPACE = "http://tokenws.ucws.nhso.go.th/"
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SUCCESS = "NHSO-000001"
EXPIRED_TOKEN = "NHSO-00003"  # noqa: S105 - a status code, not a secret
NO_EXPIRY = "NoExp"
BUDDHIST_ERA_OFFSET = 543


def search_call(url: str, user_person_id: str, smctoken: str, cid: str) -> HttpCall:
    """The SOAP request for one citizen's current right."""
    envelope = Element(f"{{{SOAP_ENV}}}Envelope")
    SubElement(envelope, f"{{{SOAP_ENV}}}Header")
    body = SubElement(envelope, f"{{{SOAP_ENV}}}Body")
    operation = SubElement(body, f"{{{NAMESPACE}}}searchCurrentByPID")
    for name, value in (("user_person_id", user_person_id), ("smctoken", smctoken)):
        SubElement(operation, name).text = value
    SubElement(operation, "person_id").text = cid
    return HttpCall(
        method="POST",
        url=url,
        purpose="NHSO UCWS right search",
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
        content=tostring(envelope, encoding="utf-8", xml_declaration=True),
    )


def probe_call(url: str) -> HttpCall:
    """The service's WSDL: any answer below 500 shows the service is up (no citizen)."""
    return HttpCall(method="GET", url=url, purpose="NHSO UCWS probe", params={"wsdl": ""})


def buddhist_date(text: str) -> date | None:
    """A Buddhist-era `YYYYMMDD` (or `NoExp`, or empty) as a date; None when there is none."""
    text = text.strip()
    if not text or text == NO_EXPIRY:
        return None
    if len(text) != 8 or not text.isdigit():
        raise ValueError("not a Buddhist-era YYYYMMDD date")
    return date(int(text[:4]) - BUDDHIST_ERA_OFFSET, int(text[4:6]), int(text[6:]))


def _fields(body: bytes) -> dict[str, str]:
    """The answer's `return` element as {local name: text}."""
    try:
        root = SafeXml.fromstring(body)
    except (DefusedXmlException, SyntaxError) as exc:  # ParseError is a SyntaxError
        raise AgencyCallError(
            FailureReason.BAD_ANSWER, f"NHSO UCWS: answer is not usable XML ({type(exc).__name__})"
        ) from None
    found = next((el for el in root.iter() if _local(el.tag) == "return"), None)
    if found is None:
        raise AgencyCallError(FailureReason.BAD_ANSWER, "NHSO UCWS: answer has no return element")
    return {_local(child.tag): (child.text or "").strip() for child in found}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def read_answer(body: bytes, cid: str) -> RightSearch | None:
    """The right in a UCWS answer, None when NHSO has none on record; `AgencyCallError` for an
    expired or refused token, an answer for another citizen, or one that cannot be read."""
    fields = _fields(body)
    status = fields.get("ws_status", "")
    if status == EXPIRED_TOKEN:
        raise AgencyCallError(FailureReason.AUTH, "NHSO UCWS: the smart-card token expired")
    if status != SUCCESS:
        code = status if status.startswith("NHSO-") and len(status) <= 16 else "unknown"
        raise AgencyCallError(FailureReason.AUTH, f"NHSO UCWS: refused ({code})")
    pid = fields.get("person_id") or fields.get("pid") or cid
    if pid != cid:
        raise AgencyCallError(FailureReason.BAD_ANSWER, "NHSO UCWS: answer is for another citizen")
    main = fields.get("maininscl", "")
    if not main:
        return None
    try:
        start, expire = (
            buddhist_date(fields.get("startdate", "")),
            buddhist_date(fields.get("expdate", "")),
        )
    except ValueError:
        raise AgencyCallError(
            FailureReason.BAD_ANSWER, "NHSO UCWS: startdate or expdate is not a date"
        ) from None
    fund = Fund(
        mainInscl=Coded(id=main, name=fields.get("maininscl_name") or None),
        subInscl=_coded(fields.get("subinscl", ""), fields.get("subinscl_name", "")),
        hospMain=_hospital(fields.get("hmain", ""), fields.get("hmain_name", "")),
        hospSub=_hospital(fields.get("hsub", ""), fields.get("hsub_name", "")),
        startDateTime=start,
        expireDateTime=expire,
    )
    return RightSearch(pid=pid, status=fields.get("status") or None, funds=[fund])


def _coded(code: str, name: str) -> Coded | None:
    return Coded(id=code, name=name or None) if code else None


def _hospital(code: str, name: str) -> Hospital | None:
    return Hospital(hcode=code or None, hname=name or None) if code or name else None

"""A service definition: one TOML file that says how to ask an agency and how to read its answer.

The kiosk's menu is made of these. A definition names the service (Thai and English), its agency
with hotline and public page, the group it sits in on screen, how to ask (a path behind DGA's GDX
gateway, optionally with DOPA linkage ids, or a plain HTTPS endpoint with its own credential) and
how to read the answer: JMESPath expressions (https://jmespath.org) that pick each value, its
labels in both languages and its type. Kinds:

- `record`: one citizen's record, asked when they tap its button; shown and printable.
- `handoff`: nothing is asked; the kiosk explains where the citizen can do this and shows a QR.

Definitions carry no secret: a plain HTTPS service names the `[agencies.<table>]` of the kiosk's
config that holds its address and credential. Validation is strict (an unknown key is a typo);
`DefinitionError` names the file and the key, never a value.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Annotated, Literal, Self

import jmespath
from jmespath.exceptions import JMESPathError
from jmespath.parser import ParsedResult
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

Kind = Literal["record", "handoff"]
ValueType = Literal["text", "date", "money", "count", "status"]
# The groups of the menu, in the words the screen uses for them: your records, health, money
# owed, other help.
Group = Literal["records", "health", "money", "help"]
GROUPS: tuple[Group, ...] = ("records", "health", "money", "help")
Tone = Literal["good", "warn", "bad", "neutral"]

SERVICE_ID = r"^[a-z][a-z0-9_]{1,47}(\.[a-z][a-z0-9_]{1,31})?$"
KEY = r"^[a-z][a-z0-9_]{0,47}$"
TABLE = r"^[a-z][a-z0-9_]{1,47}$"
PATH = r"^/[A-Za-z0-9/_.-]*$"


@lru_cache(maxsize=1024)
def compiled(expression: str) -> ParsedResult:
    """The parsed JMESPath expression (parsed once per process)."""
    return jmespath.compile(expression)


def _query(value: str) -> str:
    try:
        compiled(value)
    except JMESPathError as exc:
        raise ValueError(f"not a JMESPath expression ({type(exc).__name__})") from None
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


# A JMESPath expression, parsed when the definition is read.
Query = Annotated[str, Field(min_length=1), AfterValidator(_query)]


class Words(_Strict):
    """A text in Thai and in English."""

    th: str = Field(min_length=1)
    en: str = Field(min_length=1)


class AgencyWords(_Strict):
    """Who answers: names, hotline and public page."""

    th: str = Field(min_length=1)
    en: str = Field(min_length=1)
    hotline: str = Field(default="", pattern=r"^[0-9 +-]*$")
    web: str = Field(default="", pattern=r"^(https://[^\s]+)?$")


class StatusWord(_Strict):
    """How one status word of the agency reads, and its colour."""

    th: str = Field(min_length=1)
    en: str = Field(min_length=1)
    tone: Tone = "neutral"


class FieldSpec(_Strict):
    """One value of the record."""

    key: str = Field(pattern=KEY)
    query: Query
    type: ValueType = "text"
    label: Words
    optional: bool = False  # absent or null: the line is left out instead of failing the answer
    statuses: dict[str, StatusWord] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _statuses_only_for_status(self) -> Self:
        if self.statuses and self.type != "status":
            raise ValueError("statuses: only for a field of type status")
        return self


class ListSpec(_Strict):
    """A list in the answer (tickets, appointments, payments): one entry per element."""

    query: Query
    heading: Query | None = None  # each entry's heading, relative to the element
    fields: list[FieldSpec] = Field(min_length=1)  # relative to the element
    empty: Words | None = None  # what an empty list means ("no outstanding ticket")
    newest_first: str | None = Field(default=None, pattern=KEY)  # a date field to sort by

    @model_validator(mode="after")
    def _sort_key_is_a_date(self) -> Self:
        if self.newest_first is not None:
            match = [f for f in self.fields if f.key == self.newest_first]
            if not match or match[0].type != "date":
                raise ValueError("newest_first: must name a field of type date")
        return self


class PaymentSpec(_Strict):
    """A Thai QR bill payment made from the answer, for the citizen's banking app: the kiosk
    takes no money. Each value is a JMESPath expression."""

    biller_id: Query
    ref1: Query
    ref2: Query | None = None
    amount: Query
    caption: Words


class AnswerSpec(_Strict):
    """How the answer reads."""

    found: Query | None = None  # false or absent: the agency has nothing on record for them
    empty: Words = Words(th="ไม่มีข้อมูลของท่านในระบบ", en="Nothing on record for you")
    fields: list[FieldSpec] = Field(default_factory=list)
    entries: ListSpec | None = None
    payment: PaymentSpec | None = None
    note: Words | None = None  # a fixed text under the record (how to pay, where to ask)

    @model_validator(mode="after")
    def _something_to_show(self) -> Self:
        if not self.fields and self.entries is None:
            raise ValueError("fields: a record needs fields, entries, or both")
        keys = [f.key for f in self.fields]
        if len(keys) != len(set(keys)):
            raise ValueError("fields: two fields have the same key")
        return self


class Linkage(_Strict):
    """DOPA linkage identifiers of a service, sent as query parameters."""

    office_id: str = Field(pattern=r"^[0-9A-Za-z]{1,16}$")
    service_id: str = Field(pattern=r"^[0-9A-Za-z]{1,16}$")
    version: str = Field(pattern=r"^[0-9A-Za-z.]{1,8}$")

    def params(self) -> dict[str, str]:
        """As GDX query parameters."""
        return {"OfficeID": self.office_id, "ServiceID": self.service_id, "Version": self.version}


class AskGdx(_Strict):
    """Through DGA's GDX gateway, with the kiosk's `[agencies.gdx]` credentials."""

    via: Literal["gdx"]
    path: str = Field(pattern=PATH)
    query: dict[str, str] = Field(default_factory=dict)
    linkage: Linkage | None = None


class AskHttps(_Strict):
    """A plain HTTPS endpoint: `GET {base_url}{path}?{cid_param}=CID`, where `base_url` and the
    secret are keys of the config's `[agencies.<credentials>]` table."""

    via: Literal["https"]
    credentials: str = Field(pattern=TABLE)
    path: str = Field(pattern=PATH)
    cid_param: str = Field(default="pid", pattern=r"^[A-Za-z][A-Za-z0-9_]{0,31}$")
    auth: Literal["bearer", "header", "none"] = "bearer"
    header: str = Field(default="Authorization", pattern=r"^[A-Za-z][A-Za-z0-9-]{0,63}$")
    secret_key: str = Field(default="bearer_token", pattern=KEY)

    @model_validator(mode="after")
    def _header_only_for_header_auth(self) -> Self:
        if self.auth == "bearer" and self.header != "Authorization":
            raise ValueError("header: bearer auth always uses Authorization")
        return self


Ask = Annotated[AskGdx | AskHttps, Field(discriminator="via")]


class Handoff(_Strict):
    """What the kiosk cannot do here, and where the citizen can."""

    text: Words
    steps: list[Words] = Field(default_factory=list)
    link: str = Field(pattern=r"^https://[^\s]+$")  # shown as a QR code
    link_label: Words


class ServiceDefinition(_Strict):
    """One service of the menu. See the module docstring."""

    id: str = Field(pattern=SERVICE_ID)
    kind: Kind
    contract: str = Field(min_length=1)  # the agency contract it was written for
    modelled: bool  # true: the contract is our model, not the agency's published one
    name: Words
    agency: AgencyWords
    group: Group
    sensitive: bool = False  # a second tap shows it; printed only when the citizen asks
    cache: bool = False  # may be kept in the encrypted offline cache
    deadline_s: float = Field(default=5.0, gt=0, le=30)
    ask: Ask | None = None
    answer: AnswerSpec | None = None
    handoff: Handoff | None = None
    sources: list[str] = Field(default_factory=list)  # where its facts were checked

    @model_validator(mode="after")
    def _kind_has_its_tables(self) -> Self:
        if self.kind == "record":
            if self.ask is None or self.answer is None:
                raise ValueError("a record needs [ask] and [answer]")
            if self.handoff is not None:
                raise ValueError("handoff: only for kind handoff")
        else:
            if self.handoff is None:
                raise ValueError("a handoff needs [handoff]")
            if self.ask is not None or self.answer is not None:
                raise ValueError("a handoff asks nothing: no [ask] or [answer]")
            if self.cache:
                raise ValueError("cache: a handoff has nothing to keep")
        return self

    @property
    def family(self) -> str:
        """The menu entry it belongs to: `hospital_appointments` for
        `hospital_appointments.ramathibodi` (one definition per hospital)."""
        return self.id.partition(".")[0]


def is_service_id(text: str) -> bool:
    """Whether `text` has the shape of a service id."""
    return re.fullmatch(SERVICE_ID, text) is not None

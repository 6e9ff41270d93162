"""The record services the simulator serves (docs/agency-api.md, "Record services (all
modelled)"): their paths, written here from the docs and not taken from the definitions, so a
definition's wrong path shows against the simulator; and how one request is answered."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.simulator.dataset import Dataset

NHSO_RECORDS_TOKEN = "sim-nhso-records-token"  # noqa: S105 - a fixed test credential

# Record services (docs/agency-api.md, "Record services"): path -> (service id, how it is asked).
SERVICE_ROUTES: dict[str, tuple[str, str]] = {
    "/ws/dopa/linkage/v1/personal": ("dopa_civil_record", "gdx"),
    "/ws/sso/v1/old-age-savings": ("sso_old_age_savings", "gdx"),
    "/nhso/records/v1/disability": ("nhso_disability", "https"),
    "/nhso/records/v1/disability-equipment": ("nhso_disability_equipment", "https"),
    "/nhso/records/v1/rehabilitation": ("nhso_rehabilitation", "https"),
    "/ws/dla/v1/disability-allowance": ("dla_disability_allowance", "gdx"),
    "/ws/moph/v1/health-checkup": ("moph_health_checkup", "gdx"),
    "/ws/rama/v1/appointments": ("hospital_appointments.ramathibodi", "gdx"),
    "/ws/rajavithi/v1/appointments": ("hospital_appointments.rajavithi", "gdx"),
    "/ws/rtp/v1/traffic-tickets": ("traffic_tickets", "gdx"),
    "/ws/oag/v1/complaints": ("oag_complaints", "gdx"),
    "/ws/mwa/v1/water-account": ("water_account.mwa", "gdx"),
    "/ws/pwa/v1/water-account": ("water_account.pwa", "gdx"),
    "/ws/ksp/v1/teacher-license": ("teachers_license", "gdx"),
    "/ws/slf/v1/loan": ("student_loan", "gdx"),
}
# Services reached through DOPA's linkage: OfficeID, ServiceID and Version must come along.
LINKAGE_PATHS = frozenset({"/ws/dopa/linkage/v1/personal"})


def record_answer(
    dataset: Dataset,
    service: str,
    via: str,
    path: str,
    query: Mapping[str, str],
    *,
    allowed: bool,
) -> tuple[int, Any]:
    """(status, body) of record service `service`'s answer (asked through `via`: "gdx" or
    "https"); `allowed`: the request's credential
    (GDX token, or NHSO's bearer token) was accepted."""
    if not allowed:
        return 401, {"error": "unauthorized"}
    linkage = ("OfficeID", "ServiceID", "Version")
    if path in LINKAGE_PATHS and not all(query.get(name) for name in linkage):
        return 500, {"Message": "Linkage identifiers are missing", "Code": "90001"}
    cid = query.get("pid" if via == "https" else "CitizenID", "")
    if not cid:
        return 400, {"error": "citizen_id_required"}
    body = dataset.service_answer(service, cid)
    if body is None:
        return 404, {"error": "not_found"}
    return 200, body

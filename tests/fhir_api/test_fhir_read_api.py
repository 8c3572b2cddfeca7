"""The FHIR read API through its endpoints with real tokens: every answer parses as FHIR R4
(fhir.resources' R4B models), each person returned is logged as read, the JSON API's roles
and read rule apply, and bad searches and unknown ids answer with an OperationOutcome."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from access import services as access
from accounts import roles
from cap.models import RecordAccess
from careplans.models import CarePlan
from core.fhir import NHS_NUMBER_SYSTEM
from fhir_api import resources
from scheduling import services as scheduling
from tests.factories import PractitionerFactory, ServiceUserFactory, TeamFactory, UserFactory

from .conftest import parsed, patient_search_url

pytestmark = pytest.mark.django_db


def outcome_of(response, status: int, code: str) -> str:
    """The OperationOutcome's one issue, checked: its diagnostics."""
    assert response.status_code == status, response.content
    body = response.json()
    parsed(body)
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"][0]["code"] == code
    return body["issue"][0]["diagnostics"]


def reads(view: str) -> list[tuple]:
    return list(RecordAccess.objects.filter(context=view).order_by("pk")
                .values_list("user__username", "service_user_id", "referral_id", "break_glass_reason"))


# --- metadata ----------------------------------------------------------------------------

def test_metadata_is_a_capability_statement_of_the_reads_searches_and_process_message(api, call_handler):
    response = api(call_handler).get(reverse("fhir_api:metadata"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    statement = parsed(response.json())
    assert (statement.status, statement.kind, statement.fhirVersion) == ("active", "instance", "4.0.1")
    assert statement.format == ["application/fhir+json", "json"]
    rest = statement.rest[0]
    assert rest.mode == "server"
    searches = {r.type: [p.name for p in r.searchParam] for r in rest.resource}
    assert searches == {"Patient": ["identifier"], "ServiceRequest": ["patient"],
                        "Appointment": ["patient"], "CarePlan": ["patient"]}
    reads_by_id = {r.type for r in rest.resource if "read" in [i.code for i in r.interaction]}
    assert reads_by_id == {"Patient", "ServiceRequest"}
    assert [(o.name, o.definition) for o in rest.operation] == [
        ("process-message", "http://hl7.org/fhir/OperationDefinition/MessageHeader-process-message")]


def test_without_a_token_every_endpoint_answers_401_with_an_operation_outcome(api, referral):
    client = api(None)
    for url in (reverse("fhir_api:metadata"), patient_search_url(referral.service_user.nhs_number),
                reverse("fhir_api:patient", args=[referral.service_user_id]),
                reverse("fhir_api:service_request", args=[referral.pk])):
        outcome_of(client.get(url), 401, "login")
    assert not RecordAccess.objects.filter(context__startswith="fhir:").exists()


# --- Patient -----------------------------------------------------------------------------

def test_a_patient_found_by_nhs_number_is_uk_core_and_its_read_is_logged(api, triage_clinician, referral):
    person = referral.service_user
    response = api(triage_clinician).get(patient_search_url(person.nhs_number))
    assert response.status_code == 200
    bundle = parsed(response.json())
    assert (bundle.type, bundle.total) == ("searchset", 1)
    patient = response.json()["entry"][0]["resource"]
    identifier = patient["identifier"][0]
    assert (identifier["system"], identifier["value"]) == (NHS_NUMBER_SYSTEM, person.nhs_number)
    assert identifier["extension"][0]["url"] == resources.NHS_NUMBER_VERIFICATION
    assert identifier["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == "01"
    assert patient["name"][0] == {"use": "official", "text": "Asha Patel", "family": "Patel",
                                       "given": ["Asha"]}
    assert patient["birthDate"] == "1984-03-15"
    assert patient["address"][0]["postalCode"] == "LE2 7LX"
    gp = patient["generalPractitioner"][0]
    assert gp["identifier"] == {"system": "https://fhir.nhs.uk/Id/ods-organization-code",
                                "value": person.gp_practice.ods_code}
    assert response.json()["entry"][0]["fullUrl"].endswith(f"/fhir/R4/Patient/{person.pk}")
    assert reads("fhir:Patient") == [("triage.clinician", person.pk, None, "")]


def test_a_patient_whose_identity_is_not_confirmed_has_no_verification_status(api, triage_clinician):
    person = ServiceUserFactory(identity_confirmed=False, date_of_birth=None, postcode="",
                                address_line_1="", town="", gp_practice=None)
    response = api(triage_clinician).get(reverse("fhir_api:patient", args=[person.pk]))
    patient = parsed(response.json())
    assert patient.identifier[0].extension is None
    assert patient.birthDate is None and patient.address is None and patient.generalPractitioner is None


def test_no_one_with_the_nhs_number_is_an_empty_searchset_and_nothing_is_logged(api, triage_clinician):
    response = api(triage_clinician).get(patient_search_url("9434765919"))
    bundle = parsed(response.json())
    assert (bundle.total, bundle.entry) == (0, None)
    assert "entry" not in response.json()
    assert not RecordAccess.objects.exists()


@pytest.mark.parametrize("query, problem", [
    ("", "Search Patient by one identifier"),
    ("?identifier=https://example.org/Id/mrn|123", "Search by NHS number"),
    ("?identifier=https://fhir.nhs.uk/Id/nhs-number|9434765918", "not a valid NHS number"),
    ("?identifier=9434765919&identifier=9434765919", "Search Patient by one identifier"),
    ("?name=Patel", "Patient cannot be searched by name"),
])
def test_a_bad_patient_search_is_refused_with_400(api, triage_clinician, query, problem):
    response = api(triage_clinician).get(reverse("fhir_api:patient_search") + query)
    assert problem in outcome_of(response, 400, "invalid")


def test_an_unknown_id_is_404_with_an_operation_outcome(api, triage_clinician):
    client = api(triage_clinician)
    assert "No Patient has the id 999999" in outcome_of(
        client.get(reverse("fhir_api:patient", args=[999999])), 404, "not-found")
    assert "No ServiceRequest" in outcome_of(
        client.get(reverse("fhir_api:service_request", args=[999999])), 404, "not-found")


def test_a_record_found_to_be_someone_known_points_to_their_record(api, triage_clinician):
    known = ServiceUserFactory()
    duplicate = ServiceUserFactory(nhs_number=None, superseded_by=known)
    patient = parsed(api(triage_clinician).get(reverse("fhir_api:patient", args=[duplicate.pk])).json())
    assert patient.active is False
    assert (patient.link[0].type, patient.link[0].other.reference) == ("replaced-by", f"Patient/{known.pk}")


# --- ServiceRequest ----------------------------------------------------------------------

def test_a_referral_is_a_service_request_with_its_reference_priority_and_reason(api, admin_team, referral):
    response = api(admin_team).get(reverse("fhir_api:service_request", args=[referral.pk]))
    assert response.status_code == 200
    parsed(response.json())
    request = response.json()
    assert request["identifier"][0]["value"] == referral.reference
    assert (request["status"], request["intent"], request["priority"]) == ("active", "order", "routine")
    assert request["subject"] == {"reference": f"Patient/{referral.service_user_id}", "display": "Asha Patel"}
    assert request["authoredOn"] == referral.received_at.isoformat()
    assert request["requester"] == {"display": "Dr Helen Shaw, GP, Highfields Surgery"}
    assert request["reasonCode"] == [{"text": "Low mood for several months"}]
    assert reads("fhir:ServiceRequest") == [("admin.team", referral.service_user_id, referral.pk, "")]


def test_a_patients_service_requests_are_searched_by_patient_and_each_is_logged(api, manager, triaged):
    first = triaged()
    response = api(manager).get(reverse("fhir_api:service_request_search"),
                                {"patient": f"Patient/{first.service_user_id}"})
    bundle = parsed(response.json())
    assert bundle.total == 1
    assert bundle.entry[0].resource.id == str(first.pk)
    assert reads("fhir:ServiceRequest") == [("manager", first.service_user_id, first.pk, "")]


@pytest.mark.parametrize("status, fhir_status", [("closed", "revoked"), ("assessed", "completed"),
                                                 ("routed", "completed"), ("awaiting_booking", "active")])
def test_a_referrals_status_is_the_requests_status(status, fhir_status):
    assert resources.SERVICE_REQUEST_STATUS[status] == fhir_status


@pytest.mark.parametrize("query", [{}, {"patient": "Asha"}, {"patient": "Practitioner/1"},
                                   {"patient": "1", "status": "active"}])
def test_a_bad_patient_reference_is_refused_with_400(api, triage_clinician, query):
    for name in ("fhir_api:service_request_search", "fhir_api:appointment_search"):
        outcome_of(api(triage_clinician).get(reverse(name), query), 400, "invalid")


# --- Appointment -------------------------------------------------------------------------

def test_a_booking_is_an_appointment_with_the_person_and_each_practitioner(api, admin_team, booking):
    person = booking.referral.service_user
    response = api(admin_team).get(reverse("fhir_api:appointment_search"), {"patient": person.pk})
    bundle = parsed(response.json())
    assert bundle.total == 1
    appointment = response.json()["entry"][0]["resource"]
    assert appointment["status"] == "booked"
    assert appointment["start"] == booking.starts_at.isoformat()
    assert appointment["end"] == booking.ends_at.isoformat()
    assert appointment["basedOn"] == [{"reference": f"ServiceRequest/{booking.referral_id}"}]
    participants = [(p["actor"]["display"], p["status"]) for p in appointment["participant"]]
    names = {e.practitioner.name for e in booking.entries.filter(practitioner__isnull=False)}
    assert participants[0] == ("Asha Patel", "accepted")
    assert appointment["participant"][0]["actor"]["reference"] == f"Patient/{person.pk}"
    assert {n for n, _ in participants[1:]} == names and len(participants) == 1 + len(names)
    assert reads("fhir:Appointment") == [("admin.team", person.pk, booking.referral_id, "")]


def test_a_cancelled_booking_is_a_cancelled_appointment_with_the_reason(api, admin_team, booking):
    scheduling.booking_cancel(actor=admin_team, booking=booking, by="person", reason="On holiday")
    response = api(admin_team).get(reverse("fhir_api:appointment_search"),
                                   {"patient": booking.referral.service_user_id})
    appointment = parsed(response.json()).entry[0].resource
    assert (appointment.status, appointment.cancelationReason.text) == ("cancelled", "On holiday")


# --- CarePlan ----------------------------------------------------------------------------

def test_a_care_plan_is_read_by_a_practitioner_in_the_persons_care(api, clinician, in_care):
    response = api(clinician).get(reverse("fhir_api:care_plan_search"), {"patient": in_care.pk})
    assert response.status_code == 200, response.content
    plan = parsed(response.json()).entry[0].resource
    assert (plan.status, plan.intent, plan.title) == ("active", "plan", "Care plan")
    assert plan.description == "Weekly visits from the CPN"
    assert plan.subject.reference == f"Patient/{in_care.pk}"
    assert [a.detail.description for a in plan.activity] == ["Housing (Needing help)"]
    assert [n.text for n in plan.note] == ["Safety and crisis plan: Ring my sister Amira"]
    assert plan.meta.versionId == str(CarePlan.objects.get(service_user=in_care).version)
    assert reads("fhir:CarePlan") == [("practitioner", in_care.pk, None, "")]


def test_a_care_plan_ends_when_the_persons_last_episode_closes(api, clinician, in_care):
    in_care.episodes.update(closed_on=timezone.localdate())
    access.break_glass_grant(actor=clinician, service_user=in_care, reason="Reviewing the discharge")
    response = api(clinician).get(reverse("fhir_api:care_plan_search"), {"patient": in_care.pk})
    plan = parsed(response.json()).entry[0].resource
    assert plan.status == "completed"
    assert plan.period.end.isoformat() == timezone.localdate().isoformat()


# --- Who may read ------------------------------------------------------------------------

@pytest.mark.parametrize("role", [roles.CALL_HANDLER, roles.COMMUNITY_KNOWLEDGE_OFFICER,
                                  roles.CALDICOTT_GUARDIAN, roles.REFERRING_SYSTEM])
def test_a_role_that_does_not_read_records_is_refused_403(api, reference_data, referral, role):
    client = api(UserFactory(role=role))
    person = referral.service_user
    for url, query in ((patient_search_url(person.nhs_number), None),
                       (reverse("fhir_api:patient", args=[person.pk]), None),
                       (reverse("fhir_api:service_request", args=[referral.pk]), None),
                       (reverse("fhir_api:service_request_search"), {"patient": person.pk}),
                       (reverse("fhir_api:appointment_search"), {"patient": person.pk}),
                       (reverse("fhir_api:care_plan_search"), {"patient": person.pk})):
        outcome_of(client.get(url, query), 403, "forbidden")
    assert client.get(reverse("fhir_api:metadata")).status_code == 200
    assert not RecordAccess.objects.exists()


def test_a_practitioner_reads_only_the_people_in_their_care(api, in_care, booking, reference_data):
    outsider = UserFactory(username="other.practitioner", role=roles.PRACTITIONER)
    PractitionerFactory(name="Tom Reid", teams=[TeamFactory(name="County West CTR Team")], user=outsider)
    client = api(outsider)
    for url, query in ((patient_search_url(in_care.nhs_number), None),
                       (reverse("fhir_api:service_request", args=[booking.referral_id]), None),
                       (reverse("fhir_api:appointment_search"), {"patient": in_care.pk}),
                       (reverse("fhir_api:care_plan_search"), {"patient": in_care.pk})):
        assert "break-glass page" in outcome_of(client.get(url, query), 403, "forbidden")
    assert not RecordAccess.objects.filter(user=outsider).exists()


def test_a_practitioner_who_broke_the_glass_reads_and_the_reason_is_logged(api, in_care, reference_data):
    outsider = UserFactory(username="other.practitioner", role=roles.PRACTITIONER)
    PractitionerFactory(name="Tom Reid", teams=[TeamFactory(name="County West CTR Team")], user=outsider)
    access.break_glass_grant(actor=outsider, service_user=in_care, reason="Out of hours crisis call")
    response = api(outsider).get(reverse("fhir_api:care_plan_search"), {"patient": in_care.pk})
    assert parsed(response.json()).total == 1
    assert reads("fhir:CarePlan") == [("other.practitioner", in_care.pk, None, "Out of hours crisis call")]


def test_a_practitioner_in_the_persons_care_reads_their_referrals_and_bookings(
        api, clinician, in_care, booking):
    client = api(clinician)
    assert parsed(client.get(patient_search_url(in_care.nhs_number)).json()).total == 1
    assert parsed(client.get(reverse("fhir_api:service_request_search"),
                             {"patient": in_care.pk}).json()).total == 1
    assert parsed(client.get(reverse("fhir_api:appointment_search"),
                             {"patient": in_care.pk}).json()).total == 1


def test_the_schema_documents_each_fhir_operation(api, manager):
    schema = api(manager).get(reverse("schema"), HTTP_ACCEPT="application/json").json()
    operation_ids = {op["operationId"] for path in schema["paths"].values() for op in path.values()
                     if isinstance(op, dict) and "operationId" in op}
    assert {"fhir_metadata", "fhir_patient_search", "fhir_patient_read", "fhir_service_request_search",
            "fhir_service_request_read", "fhir_appointment_search", "fhir_care_plan_search"} <= operation_ids


def test_a_lapsed_hold_is_no_appointment(api, admin_team, booking):
    booking.status, booking.held_until = "held", timezone.now() - timedelta(minutes=1)
    booking.save()
    response = api(admin_team).get(reverse("fhir_api:appointment_search"),
                                   {"patient": booking.referral.service_user_id})
    assert parsed(response.json()).total == 0

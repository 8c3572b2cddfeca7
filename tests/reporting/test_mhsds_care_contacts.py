"""MHS201CareContact: the month's assessments, booked and recorded through the
scheduling services."""

import csv
from io import StringIO

import pytest
from django.core.management import call_command

from reporting import mhsds
from scheduling import services
from tests.scheduling.conftest import MONDAY_8, at

pytestmark = pytest.mark.django_db


def book(admin_team, referral):
    option = services.options_for(referral=referral, now=MONDAY_8).options[0]
    return services.booking_create(actor=admin_team, referral=referral, option_id=option.id, now=MONDAY_8)


def test_an_attended_assessment_is_a_face_to_face_care_contact_on_its_day_for_its_length(
        admin_team, manager, triaged, staff, room, tmp_path):
    referral = triaged()
    booking = services.booking_attended(actor=admin_team, booking=book(admin_team, referral),
                                        now=at(0, 12, 30))

    call_command("mhsds_export", month="2026-11", out=str(tmp_path), by=manager.username, stdout=StringIO())

    with (tmp_path / f"{mhsds.CARE_CONTACTS}.csv").open(newline="") as f:
        [row] = list(csv.DictReader(f))
    assert row == {
        "CareContactId": str(booking.pk), "ServiceRequestId": referral.reference,
        "LocalPatientId": str(referral.service_user_id), "CareProfTeamLocalId": str(booking.team_id),
        "CareContDate": "2026-11-23", "CareContTime": "10:15:00", "ClinContDurOfCareCont": "120",
        "ConsMechanismMH": "01", "AttendOrDNACode": "5", "CareContCancelDate": ""}

"""Written referrals logged by the admin team: the letter, bad input, children, information."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from cap.models import Referral, ServiceUser
from tests.factories import GPPracticeFactory


def _one_page_pdf() -> bytes:
    """A real PDF: letters are checked by parsing them (core.uploads.pdf_problem)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = _one_page_pdf()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


def letter(**overrides):
    GPPracticeFactory(ods_code="C82001")
    form = {
        "nhs_number": "943 476 5919", "given_name": "Asha", "family_name": "Patel",
        "date_of_birth": "1984-03-15", "postcode": "LE2 7LX", "gp_practice_code": "C82001",
        "referrer_name": "Dr Helen Shaw", "reason": "Low mood",
        "received_at": timezone.localtime(timezone.now() - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
    }
    form.update(overrides)
    return form


@pytest.mark.django_db
def test_letter_is_stored_outside_the_web_root_and_served_only_to_staff(client, admin_team,
                                                                        call_handler, private_media):
    client.force_login(admin_team)
    client.post("/referrals/new/", letter(attachment=SimpleUploadedFile("letter.pdf", PDF)))
    referral = Referral.objects.get()
    stored = private_media / referral.attachment.name
    assert stored.read_bytes() == PDF
    served = client.get(f"/referrals/{referral.pk}/letter/")
    assert served["Content-Type"] == "application/pdf"
    assert b"".join(served.streaming_content) == PDF
    assert list(referral.service_user.accesses.values_list("user", "referral", "context")) == [
        (admin_team.pk, referral.pk, "letter of referral")]
    client.force_login(call_handler)
    assert client.get(f"/referrals/{referral.pk}/letter/").status_code == 403
    client.logout()
    assert client.get(f"/referrals/{referral.pk}/letter/").status_code == 302


@pytest.mark.django_db
def test_back_entered_letter_keeps_its_received_time_and_its_due_time_follows(client_for, admin_team):
    form = letter(received_at="2026-11-20T18:30")  # a Friday evening
    client_for(admin_team).post("/referrals/new/", form)
    target = Referral.objects.get().targets.get()
    assert timezone.localtime(target.due_at).strftime("%a %d %b %H:%M") == "Mon 23 Nov 17:00"


@pytest.mark.django_db
@pytest.mark.parametrize("overrides, field, message", [
    ({"nhs_number": "9434765918"}, "nhs_number", "check digit"),
    ({"date_of_birth": (date.today() + timedelta(days=2)).isoformat()}, "date_of_birth",
     "must be in the past"),
    ({"postcode": "LE1"}, "postcode", "full UK postcode"),
    ({"received_at": timezone.localtime(timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")},
     "received_at", "cannot be in the future"),
    ({"reason": ""}, "reason", "Enter reason for referral"),
    ({"family_name": ""}, "family_name", "Enter last name"),
    ({"reason": "x" * 4001}, "reason", "must be 4000 characters or fewer"),
    ({"gp_practice_code": "ZZ999"}, "gp_practice_code", "No GP practice"),
    ({"attachment": SimpleUploadedFile("letter.pdf", b"<html>not a pdf</html>")}, "attachment",
     "must be a PDF"),
    ({"attachment": SimpleUploadedFile("letter.docx", PDF)}, "attachment", "must be a PDF"),
])
def test_bad_input_names_the_field_and_saves_nothing(client_for, admin_team, overrides, field, message):
    response = client_for(admin_team).post("/referrals/new/", letter(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert f'href="#id_{field}' in response.content.decode()  # the error summary links it (a date: its day)
    assert not Referral.objects.exists()
    assert not ServiceUser.objects.exists()


@pytest.mark.django_db
def test_attachment_over_the_size_limit_is_refused(client_for, admin_team, settings):
    settings.REFERRAL_ATTACHMENT_MAX_BYTES = 1024
    big = SimpleUploadedFile("letter.pdf", PDF + b"0" * 2048)
    response = client_for(admin_team).post("/referrals/new/", letter(attachment=big))
    assert "smaller than" in " ".join(response.context["form"].errors["attachment"])
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_markup_typed_into_a_field_is_shown_as_text(client_for, admin_team):
    client = client_for(admin_team)
    client.post("/referrals/new/", letter(reason="<script>alert('x')</script>"))
    page = client.get(f"/referrals/{Referral.objects.get().pk}/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


@pytest.mark.django_db
def test_admin_team_adds_information_gathered_before_triage(client_for, admin_team):
    client = client_for(admin_team)
    client.post("/referrals/new/", letter())
    referral = Referral.objects.get()
    client.post(f"/referrals/{referral.pk}/information/", {"text": "GP confirms no previous contact"})
    referral.refresh_from_db()
    assert "GP confirms no previous contact" in referral.additional_information
    assert referral.history.first().history_user == admin_team


@pytest.mark.django_db
def test_under_eighteen_is_redirected_to_the_childrens_hub_when_the_trust_has_one(
        client_for, admin_team, settings):
    settings.CHILDREN_HUB_ENABLED = True
    sixteen = date.today().replace(year=date.today().year - 16).isoformat()
    client_for(admin_team).post("/referrals/new/", letter(date_of_birth=sixteen))
    referral = Referral.objects.get()
    assert referral.status == "redirected_children_hub"
    assert referral.redirected_at is not None
    # On the handoff queue with its clock until the hub answers (tests/cap/test_children_hub.py).
    assert [t.definition.code for t in referral.targets.all()] == ["children_hub_handoff"]


@pytest.mark.django_db
def test_under_eighteen_goes_to_triage_when_there_is_no_childrens_hub(client_for, admin_team, settings):
    settings.CHILDREN_HUB_ENABLED = False
    sixteen = date.today().replace(year=date.today().year - 16).isoformat()
    client_for(admin_team).post("/referrals/new/", letter(date_of_birth=sixteen))
    assert Referral.objects.get().status == "awaiting_triage"


@pytest.mark.django_db
def test_viewing_a_referral_records_who_looked_at_the_persons_record(client_for, admin_team,
                                                                     triage_clinician):
    client_for(admin_team).post("/referrals/new/", letter())
    referral = Referral.objects.get()
    client_for(triage_clinician).get(f"/referrals/{referral.pk}/")
    access = referral.service_user.accesses.get(user=triage_clinician)
    assert (access.referral, access.context) == (referral, "referral page")



@pytest.mark.django_db
def test_a_valid_letter_survives_an_error_elsewhere_on_the_form_and_is_saved_with_the_referral(
        client_for, admin_team, private_media):
    client, form = client_for(admin_team), letter()
    refused = client.post("/referrals/new/", {**form, "reason": "",
                                              "attachment": SimpleUploadedFile("gp-letter.pdf", PDF)})
    assert refused.status_code == 200 and not Referral.objects.exists()
    page = refused.content.decode()
    assert "Attached: <strong>gp-letter.pdf</strong>" in page
    token = refused.context["held"].token
    assert f'name="held_attachment" value="{token}"' in page

    client.post("/referrals/new/", {**form, "held_attachment": token})
    referral = Referral.objects.get()
    assert (private_media / referral.attachment.name).read_bytes() == PDF
    assert not list((private_media / "held").iterdir())  # the held copy is gone


@pytest.mark.django_db
def test_a_held_letter_can_be_removed(client_for, admin_team, private_media):
    client, form = client_for(admin_team), letter()
    refused = client.post("/referrals/new/", {**form, "reason": "",
                                              "attachment": SimpleUploadedFile("gp-letter.pdf", PDF)})
    token = refused.context["held"].token
    client.post("/referrals/new/", {**form, "held_attachment": token, "remove_held_attachment": "1"})
    assert not Referral.objects.get().attachment
    assert not list((private_media / "held").iterdir())


@pytest.mark.django_db
def test_a_held_letter_serves_only_the_user_who_uploaded_it(client_for, admin_team, private_media):
    from accounts import roles
    from tests.factories import UserFactory

    form = letter()
    refused = client_for(admin_team).post("/referrals/new/", {
        **form, "reason": "", "attachment": SimpleUploadedFile("gp-letter.pdf", PDF)})
    token = refused.context["held"].token
    colleague = UserFactory(username="another.admin", role=roles.ADMIN_TEAM)
    client_for(colleague).post("/referrals/new/", {**form, "held_attachment": token})
    assert not Referral.objects.get().attachment
    client_for(admin_team).post("/referrals/new/", {**form, "held_attachment": "forged:token"})
    assert Referral.objects.count() == 2
    assert not Referral.objects.order_by("id").last().attachment


@pytest.mark.django_db
def test_held_letters_older_than_a_day_are_removed_by_the_hourly_task(client_for, admin_team, private_media):
    import os

    from django.conf import settings

    from cap import held_uploads
    from cap.tasks import remove_old_held_uploads_task

    refused = client_for(admin_team).post("/referrals/new/", {
        **letter(), "reason": "", "attachment": SimpleUploadedFile("gp-letter.pdf", PDF)})
    held = private_media / refused.context["held"].path
    assert remove_old_held_uploads_task.apply().get() == 0
    day_old = (timezone.now() - held_uploads.KEPT_FOR - timedelta(minutes=1)).timestamp()
    os.utime(held, (day_old, day_old))
    assert remove_old_held_uploads_task.apply().get() == 1
    assert not held.exists()
    entry = settings.CELERY_BEAT_SCHEDULE["remove-old-held-uploads"]
    assert entry["task"] == remove_old_held_uploads_task.name


@pytest.mark.django_db
def test_a_letter_typed_in_the_date_inputs_boxes_is_logged_with_that_birth_date_and_uk_time(
        client, admin_team):
    from datetime import UTC, datetime

    client.force_login(admin_team)
    boxes = {"date_of_birth_day": "15", "date_of_birth_month": "3", "date_of_birth_year": "1984",
             "received_at_day": "2", "received_at_month": "7", "received_at_year": "2025",
             "received_at_hour": "9", "received_at_minute": "05"}
    form = {**letter(date_of_birth="", received_at=""), **boxes}
    assert client.post("/referrals/new/", form).status_code == 302
    referral = Referral.objects.get()
    assert referral.service_user.date_of_birth == date(1984, 3, 15)
    assert referral.received_at == datetime(2025, 7, 2, 8, 5, tzinfo=UTC)  # 09:05 BST


@pytest.mark.django_db
def test_a_letter_with_the_received_hour_left_out_says_so_and_keeps_the_boxes(client, admin_team):
    client.force_login(admin_team)
    form = {**letter(received_at=""), "received_at_day": "2", "received_at_month": "7",
            "received_at_year": "2025", "received_at_hour": "", "received_at_minute": "05"}
    response = client.post("/referrals/new/", form)
    page = response.content.decode()
    assert response.status_code == 200 and not Referral.objects.exists()
    assert "Date and time received must include an hour" in page
    assert 'name="received_at_minute" type="text" inputmode="numeric" value="05"' in page

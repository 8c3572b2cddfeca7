"""The call's outcome reveals only its own fields, and the postal address asked for in the
NHS.UK address pattern, through the UI in headless Chromium: each test signs in as the
role, does the action on its page, and checks what the user sees and the rows (and
history) in the database.

- call handler: choose the call's outcome and see only its fields, then pass the call to
  urgent triage with the person's postal address (cap:log_call)
  -> test_the_call_handler_sees_who_the_call_is_about_only_under_triage
- call handler: log a resolved call with nothing about the person asked (cap:log_call)
  -> test_a_resolved_call_asks_nothing_about_the_person
- admin team: enter the postal address when completing an identity (cap:referral_identity)
  -> test_the_admin_team_enters_the_postal_address_on_identity_completion
"""

from datetime import date

import pytest
from django.utils import timezone

from cap.models import CallOutcome, Enquiry, Referral
from cap.services import Call, PersonDetails, call_log
from tests.browser.pages import assert_accessible, fill_date, latest_history, sign_in

pytestmark = [pytest.mark.browser]


def who(page):
    return page.get_by_role("group", name="Who the call is about")


def test_the_call_handler_sees_who_the_call_is_about_only_under_triage(
        live_server, page, call_handler, password):
    sign_in(page, live_server.url, call_handler.username, password)
    page.get_by_label("Carer", exact=True).check()
    page.get_by_label("Clinical", exact=True).check()
    page.get_by_label("What the caller said").fill("Her son has not slept for days")
    assert who(page).count() == 0  # no outcome chosen: nothing about the person is asked yet
    page.get_by_label("Routed to the person's existing team", exact=True).check()
    assert who(page).count() == 0
    page.get_by_label("Passed to urgent clinical triage", exact=True).check()
    who(page).get_by_label("First name").wait_for()
    assert_accessible(page)
    who(page).get_by_label("First name").fill("Daniel")
    who(page).get_by_label("Last name").fill("Okonjo")
    fill_date(who(page), "Date of birth (optional)", date(2001, 6, 9))
    who(page).get_by_label("Address line 1").fill("Flat 2")
    who(page).get_by_label("Town or city").fill("Leicester")
    who(page).get_by_label("Postcode").fill("LE3 0QP")
    page.get_by_label("What was given or done").fill("Transferred to the urgent triage line")
    page.get_by_role("button", name="Save call").click()

    page.get_by_text("passed to triage as REF-").wait_for()
    person = Referral.objects.get().service_user
    assert (person.family_name, person.address_line_1, person.town, person.postcode) == (
        "Okonjo", "Flat 2", "Leicester", "LE3 0QP")
    assert latest_history(person).history_user == call_handler


def test_a_resolved_call_asks_nothing_about_the_person(live_server, page, call_handler, password):
    sign_in(page, live_server.url, call_handler.username, password)
    page.get_by_label("Service user", exact=True).check()
    page.get_by_label("General information", exact=True).check()
    page.get_by_label("Resolved by the call handler", exact=True).check()
    assert who(page).count() == 0
    page.get_by_label("What was given or done").fill("Gave the opening times")
    assert_accessible(page)
    page.get_by_role("button", name="Save call").click()

    page.get_by_text("logged.").first.wait_for()
    call = Enquiry.objects.get()
    assert (call.outcome_kind, call.service_user, call.referral) == (CallOutcome.RESOLVED, None, None)


def test_the_admin_team_enters_the_postal_address_on_identity_completion(
        live_server, page, call_handler, admin_team, password):
    call_log(actor=call_handler, call=Call(
        started_at=timezone.now(), caller_type="carer", nature="clinical",
        outcome_kind=CallOutcome.PASSED_TO_TRIAGE, outcome="Transferred"),
        person=PersonDetails(nhs_number="", given_name="Dan", family_name="Unknown", date_of_birth=None,
                             postcode="", gp_practice=None, identity_confirmed=False))
    referral = Referral.objects.get()
    sign_in(page, live_server.url, admin_team.username, password)
    page.goto(f"{live_server.url}/referrals/{referral.pk}/identity/")
    page.get_by_label("Last name").fill("Hale")
    fill_date(page, "Date of birth", date(1990, 2, 3))
    address = page.get_by_role("group", name="Postal address")
    address.get_by_label("Address line 1").fill("Flat 2")
    address.get_by_label("Town or city").fill("Leicester")  # no postcode yet: refused, kept
    page.get_by_role("button", name="Confirm the identity").click()

    page.locator(".nhsuk-error-summary").wait_for()
    address = page.get_by_role("group", name="Postal address")
    assert address.get_by_label("Address line 1").input_value() == "Flat 2"
    assert address.get_by_label("Address line 1").get_attribute("autocomplete") == "address-line1"
    assert_accessible(page)
    address.get_by_label("Postcode").fill("LE1 6TP")
    page.get_by_role("button", name="Confirm the identity").click()

    page.get_by_text(f"Identity confirmed for {referral.reference}: Dan Hale.").wait_for()
    person = Referral.objects.get().service_user
    assert person.postal_address == ["Dan Hale", "Flat 2", "Leicester", "LE1 6TP"]
    assert latest_history(person).history_user == admin_team

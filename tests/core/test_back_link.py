"""The NHS.UK back link of a step goes back to the page of the service the person came
from, or to the page the step belongs to; never to another site, the sign-in pages or
the step itself (a refused form's Referer)."""

import pytest
from django.test import RequestFactory

from core.templatetags.navigation import came_from

FALLBACK = "/referrals/1/"


@pytest.mark.parametrize(("referer", "back"), [
    ("http://testserver/triage/", "/triage/"),
    ("http://testserver/triage/urgent/?page=2", "/triage/urgent/?page=2"),
    ("", FALLBACK),
    ("https://elsewhere.example/triage/", FALLBACK),
    ("http://testserver/login/", FALLBACK),
    ("http://testserver/account/two-factor/", FALLBACK),
    ("http://testserver/triage/referrals/7/decide/", FALLBACK),
    ("http://testserver/no-such-page/", FALLBACK),
])
def test_the_back_link_goes_to_the_page_the_person_came_from_or_the_steps_own_page(referer, back):
    request = RequestFactory().get("/triage/referrals/7/decide/", HTTP_REFERER=referer)
    assert came_from(request, FALLBACK) == back


@pytest.mark.django_db
def test_the_decide_page_goes_back_to_the_queue_it_was_opened_from_or_else_the_worklist(
        client_for, triage_clinician, admin_team, person, gp_referrer):
    from cap.services import referral_log_written

    referral = referral_log_written(actor=admin_team, person=person(), referrer=gp_referrer,
                                    reason="Low mood")
    client = client_for(triage_clinician)
    decide = f"/triage/referrals/{referral.pk}/decide/"
    page = client.get(decide, HTTP_REFERER="http://testserver/triage/urgent/").content.decode()
    assert '<a class="nhsuk-back-link" href="/triage/urgent/">Back</a>' in page
    assert '<a class="nhsuk-back-link" href="/triage/">Back</a>' in client.get(decide).content.decode()

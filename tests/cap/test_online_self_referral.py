"""The public online enquiry and self-referral under /get-help/: no login, one
referral per submission, nothing kept from bad or abusive input."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import signing
from django.core.cache import cache
from django.utils import timezone

from cap import public
from cap.models import Referral, ServiceUser
from tests.factories import GPPracticeFactory
from triage.selectors import triage_worklist, urgent_queue

STEPS = ["who", "about-you", "gp-practice", "details", "help-needed", "risk", "contact"]
CHECK = "/get-help/check-your-answers/"


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate limit counters and one-time token claims live in the cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def practice(reference_data):
    return GPPracticeFactory(ods_code="C82001", name="Highfields Surgery", postcode="LE2 0TA")


def answers(practice, **overrides):
    """A self-referral's answers, page by page; overrides are {page: {field: value}}."""
    pages = {
        "who": {"filled_in_by": "service_user"},
        "gp-practice": {"gp_practice": practice.ods_code},
        "details": {"given_name": "Asha", "family_name": "Patel", "date_of_birth": "1984-03-15",
                    "postcode": "le2 7lx", "nhs_number": "943 476 5919"},
        "help-needed": {"reason": "Low mood for several months, not sleeping."},
        "risk": {"thoughts": "no", "safe_now": "yes"},
        "contact": {"contact_preference": "phone", "phone": "07700 900982",
                    "safe_to_leave_message": "on"},
    }
    for page, values in overrides.items():
        pages[page] = {**pages.get(page, {}), **values}
    return pages


def answer(client, pages, until=None):
    for page in STEPS:
        if page == until:
            return
        if page in pages:
            response = client.post(f"/get-help/{page}/", pages[page])
            assert response.status_code == 302, response.context["form"].errors


def token(client):
    client.get(CHECK)
    return client.session[public.FLOW]["token"]


def send(client, practice, **overrides):
    answer(client, answers(practice, **overrides))
    return client.post(CHECK, {"consent": "on", "token": token(client)})


def nothing_saved():
    return not Referral.objects.exists() and not ServiceUser.objects.exists()


@pytest.mark.django_db
def test_complete_submission_without_login_creates_one_online_referral_on_the_triage_worklist(client,
                                                                                            practice):
    response = send(client, practice)
    assert response.status_code == 302 and response.url.startswith("/get-help/sent/")
    referral = Referral.objects.get()
    assert referral.channel == "online"
    assert referral.status == "awaiting_triage"
    assert referral.logged_by is None
    assert referral.targets.get().definition.code == "triage_review"
    assert list(triage_worklist()) == [referral]
    assert referral.service_user.nhs_number == "9434765919"
    assert referral.service_user.gp_practice == practice
    assert referral.service_user.postcode == "LE2 7LX"
    assert referral.reason == "Low mood for several months, not sleeping."
    assert referral.referrer_role == "Self-referral"


@pytest.mark.django_db
def test_submission_stores_the_contact_preferences_and_consent(client, practice):
    send(client, practice, contact={"contact_preference": "email", "email": "asha@example.com",
                                    "phone": "", "safe_to_leave_message": ""})
    referral = Referral.objects.get()
    assert (referral.contact_preference, referral.contact_email, referral.contact_phone) == (
        "email", "asha@example.com", "")
    assert referral.safe_to_leave_message is False
    assert referral.consent_to_share is True


@pytest.mark.django_db
def test_carer_is_asked_about_themselves_and_recorded_as_the_referrer(client, practice):
    pages = answers(practice, **{
        "who": {"filled_in_by": "carer"},
        "about-you": {"referrer_name": "Sam Patel", "relationship": "Brother",
                      "referrer_phone": "0116 496 0000"},
    })
    response = client.post("/get-help/who/", pages["who"])
    assert response.url == "/get-help/about-you/"
    answer(client, pages)
    check = client.get(CHECK).content.decode()
    assert "Sam Patel" in check and "What the person needs help with" in check
    client.post(CHECK, {"consent": "on", "token": client.session[public.FLOW]["token"]})
    referral = Referral.objects.get()
    assert referral.referrer_name == "Sam Patel"
    assert referral.referrer_role == "Brother (carer)"
    assert referral.referrer_phone == "0116 496 0000"
    assert referral.service_user.given_name == "Asha"


@pytest.mark.django_db
def test_a_later_page_cannot_be_reached_before_the_questions_before_it(client, practice):
    assert client.get("/get-help/details/").url == "/get-help/who/"
    assert client.get(CHECK).url == "/get-help/who/"
    client.post("/get-help/who/", {"filled_in_by": "service_user"})
    assert client.get("/get-help/about-you/").url == "/get-help/gp-practice/"  # only for others


@pytest.mark.django_db
def test_confirmation_page_shows_the_reference_and_no_personal_details(client, practice):
    response = send(client, practice)
    page = client.get(response.url).content.decode()
    reference = Referral.objects.get().reference
    assert reference.startswith("REF-") and reference in page
    for detail in ["Asha", "Patel", "943 476 5919", "9434765919", "LE2 7LX", "Low mood", "07700",
                   "Highfields", "1984"]:
        assert detail not in page
    assert "within one working day" in page
    assert "call 999" in page and "NHS 111" in page


@pytest.mark.django_db
def test_confirmation_address_cannot_be_forged_or_used_to_look_up_a_referral(client, practice):
    send(client, practice)
    referral = Referral.objects.get()
    assert client.get(f"/get-help/sent/{referral.pk}/").status_code == 404
    assert client.get(f"/get-help/sent/{signing.dumps(referral.reference)}/").status_code == 404
    assert client.get(f"/get-help/sent/?id={referral.pk}").status_code == 404


FUTURE = (date.today() + timedelta(days=2)).isoformat()


@pytest.mark.django_db
@pytest.mark.parametrize("page, typed, field, message", [
    ("details", {"nhs_number": "9434765918"}, "nhs_number", "check digit"),
    ("details", {"date_of_birth": FUTURE}, "date_of_birth", "must be in the past"),
    ("details", {"postcode": "LE1"}, "postcode", "full UK postcode"),
    ("details", {"family_name": ""}, "family_name", "Enter last name"),
    ("help-needed", {"reason": "x" * 4001}, "reason", "must be 4000 characters or fewer"),
    ("help-needed", {"reason": ""}, "reason", "Enter what you need help with"),
    ("contact", {"contact_preference": "text", "phone": ""}, "phone", "Enter a phone number"),
    ("contact", {"contact_preference": "phone", "phone": "12345"}, "phone", "UK phone number"),
    ("contact", {"contact_preference": "email", "email": "asha@"}, "email", "valid email"),
    ("who", {"filled_in_by": ""}, "filled_in_by", "Select who is filling in this form"),
    ("gp-practice", {"gp_practice": "ZZ999"}, "gp_practice", "Select a valid choice"),
    ("risk", {"thoughts": "yes", "plan": "", "intent": "no"}, "plan", "Select whether you have a plan"),
    ("risk", {"thoughts": "yes", "plan": "no", "intent": ""}, "intent",
     "Select whether you intend to act on these thoughts"),
    ("risk", {"thoughts": "", "safe_now": "yes"}, "thoughts", "Select whether you have had thoughts"),
    ("risk", {"safe_now": "maybe"}, "safe_now", "Select a valid choice"),
])
def test_bad_input_names_the_field_keeps_what_was_typed_and_saves_nothing(client, practice, page, typed,
                                                                          field, message):
    pages = answers(practice, **{page: typed})
    answer(client, pages, until=page)
    response = client.post(f"/get-help/{page}/", pages[page])
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    html = response.content.decode()
    assert f'href="#id_{field}' in html  # linked from the error summary (a date: its day box)
    assert "nhsuk-error-summary" in html and "Error: " in html
    for name, value in pages[page].items():
        assert form.data[name] == value
    assert nothing_saved()


@pytest.mark.django_db
def test_missing_consent_is_a_field_error_and_saves_nothing(client, practice):
    answer(client, answers(practice))
    response = client.post(CHECK, {"token": token(client)})
    assert response.status_code == 200
    assert "Confirm that you agree" in " ".join(response.context["form"].errors["consent"])
    assert 'href="#id_consent"' in response.content.decode()
    assert nothing_saved()


@pytest.mark.django_db
@pytest.mark.parametrize("choice", ["not_listed", "no_gp"])
def test_gp_practice_not_listed_or_no_gp_signposts_and_keeps_nothing(client, practice, choice):
    answer(client, answers(practice))  # even after every other question was answered
    response = client.post("/get-help/gp-practice/", {"gp_practice": choice})
    assert response.url == "/get-help/register-with-a-gp/"
    page = client.get(response.url).content.decode()
    assert "register with a GP" in page and "NHS 111" in page and "call 999" in page
    assert public.FLOW not in client.session
    assert client.get(CHECK).url == "/get-help/who/"
    assert nothing_saved()


@pytest.mark.django_db
def test_gp_practices_are_offered_by_name_with_the_not_listed_options_last(client, practice):
    GPPracticeFactory(name="Aylestone Health Centre")
    client.post("/get-help/who/", {"filled_in_by": "service_user"})
    choices = client.get("/get-help/gp-practice/").context["form"].fields["gp_practice"].choices
    assert [label for _, label in choices] == [
        "Select a GP practice", "Aylestone Health Centre, LE1 6TP", "Highfields Surgery, LE2 0TA",
        "My GP practice is not listed", "I do not have a GP"]


@pytest.mark.django_db
def test_honeypot_filled_looks_sent_but_saves_nothing(client, practice):
    answer(client, answers(practice))
    response = client.post(CHECK, {"consent": "on", "token": token(client), "website": "http://spam"})
    assert response.status_code == 302 and response.url.startswith("/get-help/sent/")
    page = client.get(response.url).content.decode()
    assert "Referral sent" in page and "REF-" in page
    assert nothing_saved()


def sent_reference(response) -> str:
    """The reference a redirect to the sent page carries (its signature holds the second
    it was made, so two redirects a second apart differ only there)."""
    signed = response.url.rstrip("/").rsplit("/", 1)[-1]
    return signing.loads(signed, salt=public.SENT_SALT)


@pytest.mark.django_db
def test_resubmitting_a_consumed_form_token_creates_no_second_referral(client, practice):
    answer(client, answers(practice))
    form = {"consent": "on", "token": token(client)}
    first = client.post(CHECK, form)
    again = client.post(CHECK, form)  # browser back, then send again
    assert again.status_code == 302 and sent_reference(again) == sent_reference(first)
    assert Referral.objects.count() == 1


@pytest.mark.django_db
def test_racing_resubmission_whose_session_missed_the_first_send_still_saves_once(client, practice):
    answer(client, answers(practice))
    form = {"consent": "on", "token": token(client)}
    stale = dict(client.session[public.FLOW])
    first = client.post(CHECK, form)
    # A racing request saved its stale copy of the session last: the answers are back
    # and the sent token is forgotten there, but the claim on the token is not.
    session = client.session
    session[public.FLOW] = stale
    del session[public.SENT]
    session.save()
    again = client.post(CHECK, form)
    assert sent_reference(again) == sent_reference(first)
    assert Referral.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_resubmission_racing_past_the_session_check_finds_the_first_referral(
        client, practice, monkeypatch, reference_data):
    answer(client, answers(practice))
    form = {"consent": "on", "token": token(client)}
    first = client.post(CHECK, form)
    # As if a second click's request had read the session before the first one saved it.
    monkeypatch.setattr(public, "_sent_reference", lambda request, token: None)
    session = client.session
    flow = session.get(public.FLOW, {})
    session[public.FLOW] = {**flow, "answers": answers(practice), "token": form["token"]}
    session.save()
    second = client.post(CHECK, form)
    assert Referral.objects.count() == 1
    assert second.status_code == 302
    assert sent_reference(second) == sent_reference(first)


@pytest.mark.django_db
def test_markup_typed_into_a_field_is_shown_as_text_on_every_page_that_echoes_it(client, practice):
    markup = "<script>alert(1)</script>"
    pages = answers(practice, details={"given_name": markup}, **{"help-needed": {"reason": markup}})
    answer(client, pages)
    for url in [CHECK, "/get-help/details/", "/get-help/help-needed/"]:
        html = client.get(url).content.decode()
        assert markup not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    error = client.post("/get-help/details/", {**pages["details"], "postcode": "nowhere"})
    assert error.status_code == 200
    assert markup not in error.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/get-help/", "/get-help/who/", "/get-help/register-with-a-gp/"])
def test_public_pages_need_no_login_and_show_the_crisis_numbers_first(client, url, reference_data):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "call 999" in html and "call NHS 111 and select option 2, the mental health option" in html
    assert html.index('id="crisis"') < html.index("<h1")


@pytest.mark.django_db
def test_a_self_referral_with_the_longest_names_the_form_allows_is_received_whole(client, practice):
    given, family = "A" * 100, "B" * 100
    response = send(client, practice, details={"given_name": given, "family_name": family})
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.referrer_name == f"{given} {family}"
    assert (referral.service_user.given_name, referral.service_user.family_name) == (given, family)



# --- The safety questions -----------------------------------------------------------------

PLAN = {"thoughts": "yes", "plan": "yes", "intent": "no", "safe_now": "yes"}


def urgent_help(html: str) -> str:
    return html.split('id="urgent-help"')[1].split("</div>\n</div>")[0] if 'id="urgent-help"' in html else ""


@pytest.mark.django_db
def test_a_plan_shows_999_and_111_option_2_at_once_and_the_referral_goes_urgent_with_its_clock_running(
        client, practice):
    pages = answers(practice, risk=PLAN)
    answer(client, pages, until="risk")
    response = client.post("/get-help/risk/", pages["risk"])
    assert response.url == "/get-help/contact/"
    card = urgent_help(client.get(response.url).content.decode())
    assert "call 999" in card and "call NHS 111 and select option 2" in card
    assert "You can still send this form" in card
    answer(client, pages)
    check = client.get(CHECK).content.decode()
    assert urgent_help(check)
    assert "Thoughts of ending your life" in check and "A plan" in check
    sent_at = timezone.now().replace(microsecond=0)
    with time_machine.travel(sent_at, tick=False):
        client.post(CHECK, {"consent": "on", "token": token(client)})
    referral = Referral.objects.get()
    assert list(urgent_queue()) == [referral]
    assert (referral.risk_indicators, referral.suggested_urgency) == (["intent_with_plan"], "very_urgent")
    four = referral.targets.get(definition__code="assessment_4h")
    assert (four.started_at, four.due_at, four.provisional) == (sent_at, sent_at + timedelta(hours=4), True)
    assert referral.referrer_risk == ("Answered online:\nThoughts of ending their life: Yes\nA plan: Yes\n"
                                      "Intends to act on the thoughts: No\nSafe right now: Yes")


@pytest.mark.django_db
def test_not_safe_right_now_shows_the_urgent_card_and_puts_the_referral_on_the_urgent_queue(client, practice):
    send(client, practice, risk={"thoughts": "no", "safe_now": "no"})
    referral = Referral.objects.get()
    assert referral.risk_indicators == ["referrer_flagged_crisis"]
    assert list(urgent_queue()) == [referral]
    assert referral.targets.get(definition__code="assessment_24h").provisional


@pytest.mark.django_db
def test_answers_that_signal_no_risk_show_no_urgent_card_and_start_no_urgent_clock(client, practice):
    pages = answers(practice, risk={"thoughts": "yes", "plan": "no", "intent": "no", "safe_now": "yes"})
    answer(client, pages)
    check = client.get(CHECK).content.decode()
    assert not urgent_help(check) and 'id="crisis"' in check
    client.post(CHECK, {"consent": "on", "token": token(client)})
    referral = Referral.objects.get()
    assert referral.risk_indicators == [] and not list(urgent_queue())
    assert {t.definition.code for t in referral.targets.all()} == {"triage_review"}
    assert "Thoughts of ending their life: Yes" in referral.referrer_risk


@pytest.mark.django_db
def test_a_plan_answered_before_changing_thoughts_to_no_is_not_kept(client, practice):
    send(client, practice, risk={"thoughts": "no", "plan": "yes", "intent": "yes", "safe_now": "yes"})
    referral = Referral.objects.get()
    assert referral.risk_indicators == []
    assert referral.referrer_risk == (
        "Answered online:\nThoughts of ending their life: No\nSafe right now: Yes")


@pytest.mark.django_db
def test_someone_filling_it_in_for_another_is_asked_about_the_persons_safety(client, practice):
    client.post("/get-help/who/", {"filled_in_by": "carer"})
    client.post("/get-help/about-you/", {"referrer_name": "Sam Patel", "relationship": "Brother",
                                         "referrer_phone": "0116 496 0000"})
    pages = answers(practice, risk={"thoughts": "yes", "plan": "no", "intent": "yes", "safe_now": "yes"})
    answer(client, {name: pages[name] for name in ("gp-practice", "details", "help-needed")})
    html = client.get("/get-help/risk/").content.decode()
    assert "Has the person had thoughts of ending their life?" in html
    assert "Is the person safe right now?" in html
    client.post("/get-help/risk/", pages["risk"])
    assert "the person may need help now" in urgent_help(client.get("/get-help/contact/").content.decode())


@pytest.mark.django_db
def test_staff_see_the_answers_on_the_referral_and_the_decide_page(client, practice, triage_clinician,
                                                                   client_for):
    send(client, practice, risk=PLAN)
    referral = Referral.objects.get()
    staff = client_for(triage_clinician)
    for url in [f"/referrals/{referral.pk}/", f"/triage/referrals/{referral.pk}/decide/"]:
        html = staff.get(url).content.decode()
        assert "Answered online:<br>Thoughts of ending their life: Yes<br>A plan: Yes" in html
    decide = staff.get(f"/triage/referrals/{referral.pk}/decide/").content.decode()
    assert "Current intent to end life, with a plan" in decide.split('id="risk-indicators"')[1]

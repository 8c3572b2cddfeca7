"""The public online enquiry and self-referral, for service users, carers,
professionals and the public, with no login.

A short flow, one group of questions per page, whose answers live only in the
session until the last page sends them: then one referral is received through the
same intake action as every other channel, and lands on the triage worklist."""

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import DomainError
from core.forms import typed_values

from . import public_limits, services
from .models import CallerType, Channel, ContactPreference, Referral
from .public_forms import (
    AboutYouForm,
    ContactForm,
    GPPracticeForm,
    HelpNeededForm,
    PersonDetailsForm,
    PublicForm,
    RiskForm,
    SubmitForm,
    WhoForm,
)
from .services import Referrer

FLOW = "public_referral"  # the answers so far, and the last page's one-time token
SENT = "public_referral_sent"  # token -> signed reference, for the referrals this browser sent
SENT_SALT = "cap.public.sent"
SENT_MAX_AGE = 7 * 24 * 60 * 60


@dataclass(frozen=True)
class Step:
    name: str
    form_class: type[PublicForm]
    heading: tuple[str, str]  # for the person needing help, for someone filling it in for them
    applies: Callable[[dict], bool] = lambda answers: True


def _about_self(answers: dict) -> bool:
    return answers.get("who", {}).get("filled_in_by", CallerType.SERVICE_USER) == CallerType.SERVICE_USER


STEPS = [
    Step("who", WhoForm, ("Get help from mental health services",) * 2),
    Step("about-you", AboutYouForm, ("About you",) * 2, applies=lambda a: "who" in a and not _about_self(a)),
    Step("gp-practice", GPPracticeForm, ("Which GP practice are you registered with?",
                                         "Which GP practice is the person registered with?")),
    Step("details", PersonDetailsForm, ("Your details", "Details of the person who needs help")),
    Step("help-needed", HelpNeededForm, ("What you need help with", "What the person needs help with")),
    Step("risk", RiskForm, ("Your safety", "The person's safety")),
    Step("contact", ContactForm, ("How we should contact you", "How we should contact the person")),
]
STEP_BY_NAME = {step.name: step for step in STEPS}


# --- The answers kept in the session ----------------------------------------------

def _flow(request) -> dict:
    return request.session.get(FLOW) or {"answers": {}}


def _save(request, flow: dict) -> None:
    request.session[FLOW] = flow


def _steps_for(answers: dict) -> list[Step]:
    return [step for step in STEPS if step.applies(answers)]


def _first_missing(answers: dict) -> Step | None:
    return next((step for step in _steps_for(answers) if step.name not in answers), None)


def _next_url(answers: dict) -> str:
    missing = _first_missing(answers)
    return reverse("public:step", args=[missing.name]) if missing else reverse("public:check")


def _posted_names(form) -> list[str]:
    """The names a step's fields were posted under: a date's three boxes as well as its own."""
    return [key for name, field in form.fields.items()
            for key in (name, *(f"{name}_{part}" for part in getattr(field.widget, "parts", ())))]


def _back_url(answers: dict, step: Step | None) -> str:
    steps = _steps_for(answers)
    index = steps.index(step) if step else len(steps)
    return reverse("public:step", args=[steps[index - 1].name]) if index else reverse("public:start")


def _risk_signalled(answers: dict) -> bool:
    """Whether the safety answers so far signal risk: every later page then says how to
    get help now, before anything else."""
    if "risk" not in answers:
        return False
    form = RiskForm(answers["risk"], about_self=_about_self(answers))
    return form.is_valid() and form.signals_risk()


def _bound(answers: dict) -> dict[str, PublicForm]:
    """Every applicable step's form bound to its stored answers, so the last page checks
    everything again (a practice may have gone, a date of birth is checked against today)."""
    about_self = _about_self(answers)
    return {step.name: step.form_class(answers.get(step.name, {}), about_self=about_self)
            for step in _steps_for(answers)}


# --- Pages -----------------------------------------------------------------------

@login_not_required
@require_GET
def start(request):
    return render(request, "public/start.html", {"first_step": reverse("public:step", args=["who"])})


@login_not_required
@require_http_methods(["GET", "POST"])
def step(request, name):
    step = STEP_BY_NAME.get(name)
    if step is None:
        raise Http404("No such question.")
    flow = _flow(request)
    answers = flow["answers"]
    missing = _first_missing(answers)
    if not step.applies(answers) or (missing and STEPS.index(missing) < STEPS.index(step)):
        return redirect(_next_url(answers))
    about_self = _about_self(answers)
    if request.method == "POST":
        form = step.form_class(request.POST, about_self=about_self)
        if form.is_valid():
            if isinstance(form, GPPracticeForm) and form.signpost():
                request.session.pop(FLOW, None)  # not eligible: keep nothing about the person
                return redirect("public:no_gp")
            answers[step.name] = {key: form.data.get(key, "") for key in _posted_names(form)}
            _save(request, flow)
            return redirect(_next_url(answers))
    else:
        form = step.form_class(initial=typed_values(step.form_class, answers.get(step.name, {})),
                               about_self=about_self)
    return render(request, "public/step.html", {
        "form": form, "heading": step.heading[0 if about_self else 1], "step": step,
        "back_url": _back_url(answers, step), "risk_signalled": _risk_signalled(answers),
        "about_self": about_self,
    })


@login_not_required
@require_http_methods(["GET", "POST"])
def check(request):
    """Check the answers, consent and send. Sending is guarded by a one-time token,
    answered with a redirect, and paced per client address (cap.public_limits): a
    referral beyond the address's count waits its turn, with everything kept."""
    if request.method == "POST" and (sent := _sent_reference(request, request.POST.get("token", ""))):
        return redirect("public:sent", signed=sent)
    flow = _flow(request)
    answers = flow["answers"]
    if _first_missing(answers):
        return redirect(_next_url(answers))
    forms = _bound(answers)
    invalid = next((name for name, form in forms.items() if not form.is_valid()), None)
    if invalid:
        return redirect("public:step", name=invalid)
    flow.setdefault("token", uuid.uuid4().hex)
    _save(request, flow)
    form = SubmitForm(request.POST if request.method == "POST" else None,
                      initial={"token": flow["token"]})
    if request.method == "POST":
        if request.POST.get("website", "").strip():
            return _pretend_sent(request, flow["token"])  # a bot: say nothing, keep nothing
        if form.is_valid() and form.cleaned_data["token"] != flow["token"]:
            return redirect("public:check")  # a page from an earlier visit: show the current answers
        if form.is_valid() and (wait := public_limits.wait_before_sending(request, now=timezone.now())):
            return _check_page(request, form, forms, answers, wait=wait)
        if form.is_valid():
            try:
                signed = _send(request, flow["token"], forms)
            except DomainError as error:
                form.add_domain_error(error)
            else:
                return redirect("public:sent", signed=signed)
    return _check_page(request, form, forms, answers)


def _check_page(request, form: SubmitForm, forms: dict[str, PublicForm], answers: dict, *, wait: int = 0):
    """The answers to check and the send button; with `wait`, the send was held back
    (429, Retry-After) and the page says how long to wait, the answers and consent kept."""
    about_self = _about_self(answers)
    response = render(request, "public/check.html", {
        "form": form, "rows": _summary(forms, about_self), "about_self": about_self,
        "back_url": _back_url(answers, None), "risk_signalled": _risk_signalled(answers),
        "wait_seconds": wait,
    }, status=429 if wait else 200)
    if wait:
        response["Retry-After"] = str(wait)
    return response


@login_not_required
@require_GET
def sent(request, signed):
    """Shows only the reference, carried signed in the address: nothing here looks up a
    referral, so no address can show anyone else's details."""
    try:
        reference = signing.loads(signed, salt=SENT_SALT, max_age=SENT_MAX_AGE)
    except signing.BadSignature as error:
        raise Http404("This confirmation page is not valid or has expired.") from error
    return render(request, "public/sent.html", {"reference": reference})


@login_not_required
@require_GET
def no_gp(request):
    return render(request, "public/no_gp.html", {"back_url": reverse("public:step", args=["gp-practice"])})


# --- Sending -------------------------------------------------------------------------

def _send(request, token: str, forms: dict[str, PublicForm]) -> str:
    """Receive the referral once per token. The token is stored on the referral under a
    unique constraint, so a double click or a resubmission that races past the session
    check finds the first referral instead of making a second."""
    person = forms["details"].person(forms["gp-practice"].practice())
    risk = forms["risk"]
    try:
        with transaction.atomic():
            receipt = services.referral_receive(
                actor=None, channel=Channel.ONLINE, person=person,
                reason=forms["help-needed"].cleaned_data["reason"], referrer=_referrer(forms),
                contact=forms["contact"].contact(), submission_token=token,
                referrer_risk=risk.as_staff_read_it(), risk_indicators=risk.risk_indicators(),
            )
    except IntegrityError:
        first = _reference_for(token)
        if first is None:
            raise
        return _remember_sent(request, token, first)
    public_limits.referral_sent_from(request, now=timezone.now())
    return _remember_sent(request, token, receipt.referral.reference)


def _reference_for(token: str) -> str | None:
    return Referral.objects.filter(submission_token=token).values_list("reference", flat=True).first()


def _referrer(forms: dict[str, PublicForm]) -> Referrer:
    filled_in_by = forms["who"].cleaned_data["filled_in_by"]
    if filled_in_by == CallerType.SERVICE_USER:
        person = forms["details"].cleaned_data
        return Referrer(name=f"{person['given_name']} {person['family_name']}", role="Self-referral")
    return forms["about-you"].referrer(filled_in_by)


def _remember_sent(request, token: str, reference: str) -> str:
    signed = signing.dumps(reference, salt=SENT_SALT)
    recent = dict(list(request.session.get(SENT, {}).items())[-4:])
    recent[token] = signed
    request.session[SENT] = recent
    request.session.pop(FLOW, None)
    return signed


def _sent_reference(request, token: str) -> str | None:
    """The signed reference for a token already used: from this session, or from the
    database when a racing request's session save has overwritten ours."""
    if not token:
        return None
    if signed := request.session.get(SENT, {}).get(token):
        return signed
    reference = _reference_for(token)
    return _remember_sent(request, token, reference) if reference else None


def _pretend_sent(request, token: str):
    fake = f"REF-{secrets.randbelow(10**7):07d}"
    return redirect("public:sent", signed=_remember_sent(request, token, fake))


# --- Presenting the answers -----------------------------------------------------------

def _summary(forms: dict[str, PublicForm], about_self: bool) -> list[dict]:
    """Rows of the check-your-answers list: (question, answer, step to change it)."""
    d = {name: form.cleaned_data for name, form in forms.items()}
    who_field = forms["who"].fields["filled_in_by"]
    rows = [("Who is filling in this form", dict(who_field.choices)[d["who"]["filled_in_by"]], "who")]
    if "about-you" in d:
        you = d["about-you"]
        rows += [("Your name", you["referrer_name"], "about-you"),
                 ("Your relationship to the person", you["relationship"], "about-you"),
                 ("Your phone number", you["referrer_phone"], "about-you")]
    person, contact = d["details"], d["contact"]
    practices = dict(forms["gp-practice"].fields["gp_practice"].choices)
    rows += [
        ("GP practice", practices[d["gp-practice"]["gp_practice"]], "gp-practice"),
        ("Name", f"{person['given_name']} {person['family_name']}", "details"),
        ("Date of birth", person["date_of_birth"].strftime("%-d %B %Y"), "details"),
        ("Address", "\n".join(filter(None, [person.get("address_line_1"), person.get("address_line_2"),
                                             person.get("town")])) or "Not given", "details"),
        ("Postcode", person["postcode"].upper(), "details"),
        ("NHS number", person["nhs_number"] or "Not given", "details"),
        ("What you need help with" if about_self else "What the person needs help with",
         d["help-needed"]["reason"], "help-needed"),
        *[(question, answer, "risk") for question, answer in forms["risk"].answers(about_self=about_self)],
        ("How to contact", "\n".join(filter(None, [
            ContactPreference(contact["contact_preference"]).label, contact["phone"], contact["email"],
            _message_line(contact),
        ])), "contact"),
    ]
    return [{"key": key, "value": value, "url": reverse("public:step", args=[name])}
            for key, value, name in rows]


def _message_line(contact: dict) -> str:
    if contact["contact_preference"] not in (ContactPreference.PHONE, ContactPreference.TEXT):
        return ""
    return "Safe to leave a message" if contact["safe_to_leave_message"] else "Do not leave a message"

"""The people of a trust using the CAP at once, for `make bench-load` (benchmarks/load.py
starts the servers and runs this file with locust, headless). Each staff user signs in as a
person does, both steps (the password, then a code from their own authenticator app), and
then works: call handlers log calls, triage clinicians load their queues and decide, the
admin team opens the booking queue and finds times, managers read the dashboard and the
performance page; referring systems post referrals to the API and people send the public
form. LOAD_ACCOUNTS names the JSON file of accounts, referrals and the API token that
load.py writes; LOAD_RUN which slice of the accounts this run signs in with (a code is
good once, so each run has its own).

Not a test: pytest collects only tests/.
"""

import itertools
import json
import os
import re
import secrets
import uuid
from datetime import date, datetime, timedelta

from django_otp.oath import TOTP
from locust import HttpUser, between, task

PREPARED = json.loads(open(os.environ["LOAD_ACCOUNTS"]).read())  # noqa: SIM115 - read once, at import
RUN = int(os.environ.get("LOAD_RUN", "0"))
HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"')
SIGN_IN = "sign in"


def _pool(role: str):
    accounts = PREPARED["accounts"][role]
    per_run = len(accounts) // PREPARED["runs"]
    return iter(accounts[RUN * per_run:(RUN + 1) * per_run])


ACCOUNTS = {role: _pool(role) for role in PREPARED["accounts"]}
# Each decision takes a referral off the queue: every clinician takes the next one not yet taken.
TO_DECIDE = iter(PREPARED["awaiting_triage"][RUN::PREPARED["runs"]])
# Finding times reads any of them; each booking books the next one not yet booked.
TO_FIND = itertools.cycle(PREPARED["awaiting_booking"])
TO_BOOK = iter(PREPARED["awaiting_booking"][RUN::PREPARED["runs"]])


def hidden_fields(html: str) -> dict[str, str]:
    return dict(HIDDEN.findall(html))


class Staff(HttpUser):
    abstract = True
    role = ""
    wait_time = between(1, 5)  # a person reads a page before the next

    def on_start(self) -> None:
        account = next(ACCOUNTS[self.role])
        if account["session"]:  # signed in earlier in the day
            self.client.cookies.set(PREPARED["session_cookie"], account["session"])
            return
        page = self.client.get("/login/", name=SIGN_IN)
        form = {"username": account["username"], "password": PREPARED["password"], **hidden_fields(page.text)}
        asked = self.client.post("/login/", form, name=SIGN_IN)
        code = TOTP(bytes.fromhex(account["key"]), step=30, t0=0, digits=6).token()
        with self.client.post(asked.url, {"code": f"{code:06d}", **hidden_fields(asked.text)},
                              name=SIGN_IN, catch_response=True) as signed_in:
            if "/account/two-factor/" in signed_in.url:
                signed_in.failure("the second step of sign-in did not pass")

    def post_form(self, url: str, data: dict, *, name: str, refused: int | None = None) -> None:
        """Post a page's form as a browser does: with its hidden fields (the CSRF token, a
        version), counted as a failure unless it leads on (a redirect) to a page. An answer
        of `refused` is a right answer counted apart (a time another booker took meanwhile:
        409, with fresh times). When the page itself failed (counted already), nothing is
        posted: a browser would have no form, and no CSRF token to send with it."""
        page = self.client.get(url, name=name)
        if page.status_code != 200:
            return
        with self.client.post(url, {**hidden_fields(page.text), **data}, name=f"{name} (send)",
                              catch_response=True) as sent:
            if sent.status_code == refused:
                sent.request_meta["name"] = f"{name} (send, refused {refused})"
                sent.success()
            elif not sent.history:
                sent.failure(f"the form was not accepted ({sent.status_code})")


class CallHandler(Staff):
    role = "Call handler"
    weight = 3

    @task(3)
    def find_a_caller(self) -> None:
        born = date(1950, 1, 1) + timedelta(days=secrets.randbelow(20000))
        self.client.get("/calls/new/", params={"search": 1, "find-family_name": secrets.choice(
            ["Smith", "Patel", "Jones", "Khan"]), "find-date_of_birth": born.isoformat()},
            name="/calls/new/ (find the caller)")

    @task(1)
    def log_a_call(self) -> None:
        started = datetime.now() - timedelta(minutes=6)
        self.post_form("/calls/new/", {
            "started_at": started.strftime("%Y-%m-%dT%H:%M"),
            "ended_at": (started + timedelta(minutes=4)).strftime("%Y-%m-%dT%H:%M"),
            "caller_type": "service_user", "nature": "general_information", "outcome_kind": "resolved",
            "outcome": "Gave the opening times"}, name="/calls/new/")


class TriageClinician(Staff):
    role = "Triage clinician"
    weight = 4

    @task(4)
    def urgent_queue(self) -> None:
        self.client.get("/triage/urgent/")

    @task(2)
    def non_urgent_queue(self) -> None:
        self.client.get("/triage/non-urgent/")

    @task(2)
    def worklist(self) -> None:
        self.client.get("/triage/")

    @task(1)
    def decide(self) -> None:
        referral = next(TO_DECIDE, None)
        if referral is None:
            return  # every prepared referral is decided: the queues are still read
        self.client.get(f"/referrals/{referral}/", name="/referrals/[id]/")
        self.post_form(f"/triage/referrals/{referral}/decide/", {
            "urgency": "routine", "outcome": "assessment", "stream": "AMH",
            "rationale": "Low mood, no risk reported: routine adult assessment."},
            name="/triage/referrals/[id]/decide/")


class AdminTeam(Staff):
    role = "Admin team"
    weight = 2

    @task(2)
    def booking_queue(self) -> None:
        self.client.get("/scheduling/booking-queue/")

    @task(2)
    def find_times(self) -> None:
        self.client.get(f"/scheduling/referrals/{next(TO_FIND)}/book/",
                        name="/scheduling/referrals/[id]/book/")

    @task(1)
    def book(self) -> None:
        referral = next(TO_BOOK, None)
        if referral is None:
            return  # every prepared referral is booked: times are still found
        # The page's last option (each option is a form of its own; the last one read wins).
        self.post_form(f"/scheduling/referrals/{referral}/book/", {"action": "book"},
                       name="/scheduling/referrals/[id]/book/ (book)", refused=409)


class Manager(Staff):
    role = "Manager"
    weight = 1

    @task(2)
    def dashboard(self) -> None:
        self.client.get("/dashboard/")

    @task(1)
    def performance(self) -> None:
        self.client.get("/dashboard/performance/")


class ReferringSystem(HttpUser):
    weight = 1
    wait_time = between(2, 10)

    @task
    def send_a_referral(self) -> None:
        n = secrets.randbelow(100)
        born = date(1950, 1, 1) + timedelta(days=secrets.randbelow(20000))
        self.client.post("/api/v1/referrals/", json={
            "service_user": {"nhs_number": "", "given_name": "Sam",
                             "family_name": f"Load{uuid.uuid4().hex[:12]}", "date_of_birth": born.isoformat(),
                             "postcode": "LE1 6TP",
                             "gp_practice_code": f"B{1 + n:05d}"},
            "referrer": {"name": "Dr Helen Shaw", "role": "GP", "organisation": "Bench Surgery",
                         "ods_code": "B00001"},
            "reason": "Low mood for months; not sleeping; finding work hard.", "channel": "written",
            "referrer_risk": "No thoughts of self-harm reported.", "referrer_urgency": "routine",
        }, headers={"Authorization": f"Token {PREPARED['api_token']}", "Idempotency-Key": str(uuid.uuid4())})


PUBLIC_STEPS = [
    ("who", {"filled_in_by": "service_user"}),
    ("gp-practice", {"gp_practice": "B00001"}),
    ("details", {"given_name": "Asha", "family_name": "Public", "date_of_birth": "1984-03-15",
                 "postcode": "le2 7lx"}),
    ("help-needed", {"reason": "Low mood for several months, not sleeping."}),
    ("risk", {"thoughts": "no", "safe_now": "yes"}),
    ("contact", {"contact_preference": "phone", "phone": "07700 900982", "safe_to_leave_message": "on"}),
]


class Public(HttpUser):
    """A person referring themselves on the public form, page by page."""

    weight = 1
    wait_time = between(5, 20)

    @task
    def refer_myself(self) -> None:
        self.client.get("/get-help/")
        for step, answers in PUBLIC_STEPS:
            page = self.client.get(f"/get-help/{step}/", name="/get-help/[step]/")
            self.client.post(f"/get-help/{step}/", {**hidden_fields(page.text), **answers},
                             name="/get-help/[step]/ (send)")
        check = self.client.get("/get-help/check-your-answers/")
        with self.client.post("/get-help/check-your-answers/", {**hidden_fields(check.text), "consent": "on"},
                              name="/get-help/check-your-answers/ (send)", catch_response=True) as sent:
            if "/get-help/sent/" not in sent.url:
                sent.failure(f"the referral was not sent ({sent.status_code})")
        self.client.cookies.clear()  # the next person

"""Who may reach what: every URL of the CAP × every role (and anonymous) × the object asked
for → the status the policy expects. tests/security/test_authorization_matrix.py runs it.

This is the policy of issue 17 as written, not a record of what the code happened to do:
- a practitioner reads a person's referral, its letter, care plan pages (versions, copies),
  episode, transitions, step up, expertise requests and booking letters only while involved
  in their care ("own"); for anyone else ("other") the page answers 403, its body the
  break-glass page, and so does GET /api/v1/service-users/{id}/care-plan/;
- the triage worklist and queues (pages and GET /api/v1/triage/worklist/) are for triage
  clinicians, the clinicians of the specific queues, and managers, who oversee them;
  practitioners, the admin team and the hub's staff get 403;
- the admin team reaches booking and letters, not triage;
- anonymous users are sent to sign in (302) from staff pages, get 401 from the API and 200
  from the public pages (self-referral, the public directory, a diary's calendar feed).

How to read a row: `default` is the status for every role not named in `roles`; `other`
overrides those for an object the user is not involved with; `anonymous` is the status for
no one signed in. The objects: "own" is one the user is legitimately involved with (for the
practitioner, a person open to their team), "other" one they are not; a URL whose refusal
does not depend on involvement is asked for with one object, or none, and shown as "-". A
POST-only URL is sent an empty POST: it may answer 200, 302 or 4xx to a role that may act,
never 2xx to one that may not.

The admin site is Django's own (its views check is_staff and the model permissions the
roles grant): it is one row group, "admin:*", checked at its front page."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from accounts import roles

ANONYMOUS = "anonymous"
ADMIN_GROUP = "admin:*"

CH = roles.CALL_HANDLER
TC = roles.TRIAGE_CLINICIAN
# The two specific triage groups, each held with the triage clinician role.
ED = roles.EATING_DISORDERS_TRIAGE
NH = roles.NURSING_HOME_IN_REACH_TRIAGE
AT = roles.ADMIN_TEAM
MG = roles.MANAGER
PR = roles.PRACTITIONER
KO = roles.COMMUNITY_KNOWLEDGE_OFFICER
HUB = roles.URGENT_CARE_HUB_STAFF
CG = roles.CALDICOTT_GUARDIAN
IDENTITIES = (CH, TC, ED, NH, AT, MG, PR, KO, HUB, CG)

TRIAGE = (TC, ED, NH)
# Everyone who works referrals reads them: not the call handler (who logs calls, not
# referrals) or the knowledge officer (who keeps the directory).
REFERRAL_READERS = (*TRIAGE, AT, MG, PR, HUB)
SIGNPOSTERS = (CH, *TRIAGE, MG, PR, KO, HUB)
CALL_READERS = (CH, *TRIAGE, MG)


@dataclass(frozen=True)
class Row:
    default: int
    roles: Mapping[str, int] = field(default_factory=dict)
    other: Mapping[str, int] = field(default_factory=dict)
    anonymous: int = 302
    method: str = "GET"

    def expected(self, identity: str, obj: str) -> int:
        if identity == ANONYMOUS:
            return self.anonymous
        if obj == "other" and identity in self.other:
            return self.other[identity]
        return self.roles.get(identity, self.default)


def only(*who: str, status: int = 200) -> dict[str, int]:
    """The roles named answer `status`."""
    return dict.fromkeys(who, status)


def page(*who: str, status: int = 200, other: Mapping[str, int] | None = None, method: str = "GET") -> Row:
    """A staff page: the roles named get `status`, every other role 403, anonymous 302."""
    return Row(403, only(*who, status=status), other=other or {}, method=method)


def post(*who: str, status: int, other: Mapping[str, int] | None = None) -> Row:
    """A POST-only staff action sent an empty form."""
    return page(*who, status=status, other=other, method="POST")


def api(*who: str, status: int = 200, other: Mapping[str, int] | None = None, method: str = "GET") -> Row:
    """An API endpoint: the roles named get `status`, every other role 403, anonymous 401."""
    return Row(403, only(*who, status=status), other=other or {}, anonymous=401, method=method)


def everyone(status: int = 200, *, anonymous: int = 302, method: str = "GET") -> Row:
    return Row(status, anonymous=anonymous, method=method)


PUBLIC = everyone(200, anonymous=200)
# A person's record read by a practitioner not involved in their care: the break-glass page.
NOT_INVOLVED = {PR: 403}

MATRIX: dict[str, Row] = {
    # Signing in and out, the home page (which sends each role to its own), the session.
    "login": PUBLIC,
    "logout": everyone(302, method="POST"),
    "home": everyone(302),
    "session_keep_alive": everyone(200, method="POST"),
    # One's own second step of sign-in and password (the session here has passed it).
    "accounts:two_factor_verify": everyone(302),
    "accounts:two_factor_setup": everyone(200),
    "accounts:recovery_codes": everyone(200),
    "accounts:password_change": everyone(200),
    "accounts:password_change_done": everyone(200),

    # Who read a record: breaking the glass (a practitioner, for anyone, in their care or
    # not), its report (managers, the Caldicott guardian), the access log (managers).
    "access:break_glass": page(PR),
    "access:break_glass_report": page(MG, CG),
    "cap:record_access": page(MG),
    "cap:record_access_log": page(MG),
    "cap:user_access_log": page(MG),
    "api:access_log": api(MG),

    # Calls and referrals (cap).
    "cap:log_call": page(CH),
    "cap:calls": page(*CALL_READERS),
    "cap:call": page(*CALL_READERS),
    "cap:written_referral": page(AT),
    "cap:referral": page(*REFERRAL_READERS, other=NOT_INVOLVED),
    "cap:referral_attachment": page(*REFERRAL_READERS, other=NOT_INVOLVED),
    "cap:referral_add_information": post(AT, status=302),
    "cap:referral_identity": page(*TRIAGE, AT),
    "cap:person_vulnerable": page(*TRIAGE, AT),
    # What a person's Reasonable Adjustment flag says: the roles whose work acts on it.
    "adjustments:referral_flag": page(*TRIAGE, AT, MG, PR, HUB, other=NOT_INVOLVED),
    "cap:children_hub_response": page(*TRIAGE, MG),
    # The header's search box: the roles that read every referral (access.rules), not
    # practitioners (their care of a person) or call handlers (their own screen's search).
    "cap:find": page(*TRIAGE, AT, MG, HUB),
    "cap:match_reviews": page(AT),
    "cap:match_review": page(AT),
    "cap:admin_tasks": page(AT),
    "cap:admin_task_done": post(AT, status=302),

    # The public self-referral.
    "public:start": PUBLIC,
    "public:step": PUBLIC,
    "public:check": everyone(302, anonymous=302),  # nothing answered yet: back to the first question
    "public:no_gp": PUBLIC,
    "public:sent": PUBLIC,

    # Triage: the worklist, decisions, the queues and their follow-up work.
    "triage:worklist": page(*TRIAGE, MG),
    "triage:decide": page(*TRIAGE),
    "queues:urgent": page(*TRIAGE, MG),
    "queues:non_urgent": page(*TRIAGE, MG),
    "queues:eating_disorders": page(ED),
    "queues:nursing_home_in_reach": page(NH),
    "queues:children_hub": page(*TRIAGE, MG),
    "queues:claim": post(*TRIAGE, status=302),
    "queues:release": post(*TRIAGE, status=302),
    "followup:information_requests": page(*TRIAGE),
    "followup:information_chase": post(*TRIAGE, status=302),
    "followup:information_receive": page(*TRIAGE),
    "followup:huddle": page(*TRIAGE),
    "followup:huddle_day": page(*TRIAGE),
    "followup:huddle_item_discuss": post(*TRIAGE, status=400),
    "followup:physical_health_check": page(*TRIAGE),
    "followup:physical_health_letter": page(*TRIAGE),
    "followup:urgent_action": page(*TRIAGE),
    # Tasks a call left for a person's team: every role that works referrals sees them.
    "followup:team_tasks": page(*REFERRAL_READERS),
    "followup:team_task_done": post(*REFERRAL_READERS, status=302),

    # Managers: the wait dashboard, performance and wait targets.
    "triage:dashboard": page(MG),
    "triage:figure": page(MG),
    "triage:performance": page(MG),
    "triage:performance_figure": page(MG),
    "triage:wait_targets": page(MG),
    "triage:wait_target_change": page(MG),
    # The duty rota, whom breaches are told to.
    "triage:duty_rota": page(MG),
    "triage:duty_shift": page(MG),

    # Alerts: everyone's notification centre; a notification only to whom it was told (the
    # dataset's is the duty manager's); an alert acknowledged by whom it was told to.
    "alerts:index": everyone(200),
    "alerts:notification": Row(404, only(MG)),
    "alerts:read": Row(404, only(MG, status=302), method="POST"),
    "alerts:acknowledge": post(MG, status=302),

    # Booking (the admin team), the diaries, what is under the CAP and slot issues.
    "scheduling:booking_queue": page(AT),
    "scheduling:book": page(AT),
    "scheduling:unavailable_time_add": post(AT, status=302),
    "scheduling:unavailable_time_change": page(AT),
    "scheduling:unavailable_time_remove": post(AT, status=302),
    "scheduling:booking": page(AT),
    "scheduling:rebook": page(AT),
    "scheduling:letter": page(*REFERRAL_READERS, other=NOT_INVOLVED),
    "scheduling:gp_letter": page(*REFERRAL_READERS, other=NOT_INVOLVED),
    # The letters as PDFs: whoever reads the letter; marking a copy posted, the admin team.
    "letters:appointment_letter_pdf": page(*REFERRAL_READERS, other=NOT_INVOLVED),
    "letters:gp_letter_pdf": page(*REFERRAL_READERS, other=NOT_INVOLVED),
    "letters:copy_posted": post(AT, status=302),
    # The person's appointment page: the signed link in their messages is the credential.
    "messaging:appointment": PUBLIC,
    "messaging:reply_read": post(AT, status=302),
    # GOV.UK Notify's delivery receipts: its bearer token is the credential, no session is.
    "api:notify_delivery_receipts": everyone(401, anonymous=401, method="POST"),
    "scheduling:clinical_review": page(*TRIAGE),
    "scheduling:under_cap": page(*TRIAGE, AT, MG),
    "scheduling:slot_issues": page(*TRIAGE, AT, MG),
    "scheduling:slot_issue": page(MG),
    "scheduling:diaries": page(*TRIAGE, AT, MG),
    # A diary, its absences and its working pattern: every one for those who read diaries
    # role-wide, a practitioner's own ("own") and never another's ("other"). Absences are
    # kept by the admin team and managers; working patterns changed by them too.
    "scheduling:diary": page(*TRIAGE, AT, MG, PR, other={PR: 403}),
    "scheduling:my_diary": page(PR),
    "scheduling:absence_add": page(AT, MG, PR, other={PR: 403}),
    "scheduling:absence": page(AT, MG, PR, other={PR: 403}),
    "scheduling:working_pattern": page(*TRIAGE, AT, MG, PR, other={PR: 403}),
    "scheduling:working_session_remove": post(AT, MG, status=302),
    # A practitioner's own calendar feed: the secret address is the credential.
    "scheduling:feed": PUBLIC,

    # Care plans, caseloads, step up, expertise and transitions (practitioners; managers for
    # every team's caseload).
    "careplans:index": page(PR),
    "careplans:caseload": page(MG, PR),
    "careplans:step_ups": page(MG, PR),
    "careplans:support_slots": page(PR),
    "careplans:person": page(PR, other=NOT_INVOLVED),
    "careplans:contribute": page(PR, other=NOT_INVOLVED),
    "careplans:other_need_add": post(PR, status=200, other=NOT_INVOLVED),  # the form again, with its errors
    "careplans:versions": page(PR, other=NOT_INVOLVED),
    "careplans:copy": page(PR, other=NOT_INVOLVED),
    "careplans:copy_pdf": page(PR, other=NOT_INVOLVED),
    "careplans:share": post(PR, status=200, other=NOT_INVOLVED),
    "careplans:team": page(PR, other=NOT_INVOLVED),
    "careplans:team_around_end": post(PR, status=302, other=NOT_INVOLVED),
    "careplans:step_up_start": page(PR, other=NOT_INVOLVED),
    "careplans:step_up_end": page(PR, other=NOT_INVOLVED),
    "careplans:expertise_request_new": page(PR, other=NOT_INVOLVED),
    "careplans:expertise_request": page(PR, other=NOT_INVOLVED),
    # Only the expert asked answers a request: not the practitioner who asked.
    "careplans:expertise_request_move": post(status=403),
    "careplans:support_slot_take": post(PR, status=302, other=NOT_INVOLVED),
    "careplans:transition_new": page(PR, other=NOT_INVOLVED),
    "careplans:episode": page(MG, PR, other=NOT_INVOLVED),
    "careplans:episode_coordinator": post(MG, PR, status=400, other=NOT_INVOLVED),
    "careplans:episode_close": post(MG, PR, status=400, other=NOT_INVOLVED),
    "careplans:transition": page(MG, PR, other=NOT_INVOLVED),
    "careplans:transition_cancel": post(MG, PR, status=400, other=NOT_INVOLVED),
    # A transition is agreed by the team it goes to, or by a manager where a team cannot.
    "careplans:transition_step": post(MG, status=302),

    # The directory of community services, helpline queries, unmet needs and expertise.
    "directory:index": page(*SIGNPOSTERS),
    "directory:service": page(*SIGNPOSTERS),
    "directory:service_new": page(KO),
    "directory:service_edit": page(KO),
    "directory:service_retire": post(KO, status=302),
    "directory:service_reinstate": post(KO, status=302),
    "directory:service_verify": post(KO, status=302),
    "directory:to_check": page(KO),
    "directory:to_categorise": page(KO),
    "directory:service_categorise": page(KO),
    "directory:import": page(KO),
    "directory:export": page(KO),
    "directory:helpline": page(KO),
    "directory:unmet_need_new": page(KO),
    "directory:unmet_needs": page(MG, KO),
    "directory:expertise": page(*TRIAGE, MG, PR, KO),
    "directory:expertise_new": page(MG, KO),
    "directory:expertise_edit": page(MG, KO),
    "directory:expertise_remove": post(MG, KO, status=302),
    "directory:public_search": PUBLIC,
    "directory:public_service": PUBLIC,

    # The Urgent Care Hub.
    "hub:board": page(MG, HUB),
    "hub:arrival": page(MG, HUB),
    "hub:arrival_new": page(HUB),
    "hub:assessment_start": post(HUB, status=302),
    "hub:assessment_complete": page(HUB),

    # The API. Session-signed-in staff reach what their role grants; referrals are sent by
    # client systems with a token, so a session gets 401 there. An empty POST is not JSON (415).
    "api:referrals": Row(401, anonymous=401, method="POST"),
    # Token only (a referring system's): a signed-in member of staff is no sender.
    "bars:process_message": Row(401, anonymous=401, method="POST"),
    "api:referral": api(*REFERRAL_READERS, other=NOT_INVOLVED),
    "api:triage": api(*TRIAGE, status=415, method="POST"),
    "api:worklist": api(*TRIAGE, MG),
    "api:options": api(AT),
    "api:bookings": api(AT, status=415, method="POST"),
    "api:breaches": api(MG),
    "api:dashboard": api(MG),
    "api:performance": api(MG),
    "api:care_plan": api(PR, other=NOT_INVOLVED),
    "schema": PUBLIC,
    # The FHIR read API: the JSON API's readers and read rule (a practitioner reads the
    # people in their care); what the server can do is for anyone signed in.
    "fhir_api:metadata": Row(200, anonymous=401),
    "fhir_api:patient_search": api(*REFERRAL_READERS, other=NOT_INVOLVED),
    "fhir_api:patient": api(*REFERRAL_READERS, other=NOT_INVOLVED),
    "fhir_api:service_request_search": api(*REFERRAL_READERS, other=NOT_INVOLVED),
    "fhir_api:service_request": api(*REFERRAL_READERS, other=NOT_INVOLVED),
    "fhir_api:appointment_search": api(*REFERRAL_READERS, other=NOT_INVOLVED),
    "fhir_api:care_plan_search": api(PR, other=NOT_INVOLVED),

    # Django's admin site: managers (staff) maintain reference data; others are sent to its
    # own sign-in page.
    ADMIN_GROUP: Row(302, only(MG)),
}

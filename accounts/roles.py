"""Who may do what in the Central Access Point, declared once.

Each role is a Django group; the table below is the whole of what each group may do,
where each role starts and what its navigation shows. `roles_sync()` makes the groups in
the database equal the table: migration accounts/0002 runs it, and so does every
`migrate` afterwards (post_migrate, accounts.apps), so a change here reaches the
database with the next deployment. No other module grants a group a permission
(tests/accounts/test_permission_checks.py looks); see docs/adr/0009.

A role's permissions are what its work needs and nothing more. Permissions are
"app_label.codename", as `user.has_perm` takes them.
"""

from dataclasses import dataclass

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import transaction


@dataclass(frozen=True)
class Role:
    group: str
    home: str  # URL name of the page the role lands on
    nav: tuple[tuple[str, str], ...]  # (label, URL name)
    permissions: frozenset[str]


@dataclass(frozen=True)
class SystemRole:
    """The role of a service account another system acts as (accounts.ApiClient): it
    calls the API with a token and never signs in to pages, so it has no home or
    navigation."""

    group: str
    permissions: frozenset[str]


@dataclass(frozen=True)
class QueueGroup:
    """A group a triage clinician may hold as well as their role, to work a specific
    triage queue; it has no home or navigation of its own."""

    group: str
    permissions: frozenset[str]


CALL_HANDLER = "Call handler"
TRIAGE_CLINICIAN = "Triage clinician"
ADMIN_TEAM = "Admin team"
MANAGER = "Manager"
PRACTITIONER = "Practitioner"
COMMUNITY_KNOWLEDGE_OFFICER = "Community knowledge officer"
URGENT_CARE_HUB_STAFF = "Urgent Care Hub staff"
CALDICOTT_GUARDIAN = "Caldicott guardian"
EATING_DISORDERS_TRIAGE = "Eating disorders triage"
NURSING_HOME_IN_REACH_TRIAGE = "Nursing home in-reach triage"
REFERRING_SYSTEM = "Referring system"


def _maintain(app_label: str, *models: str) -> tuple[str, ...]:
    """Adding, changing and seeing these models (in the admin site)."""
    return tuple(f"{app_label}.{action}_{model}" for model in models for action in ("add", "change", "view"))


def _perms(*groups: str | tuple[str, ...]) -> frozenset[str]:
    return frozenset(p for g in groups for p in ((g,) if isinstance(g, str) else g))


# Reading every referral and the person it is about: the roles whose work comes to them
# before anyone is in the person's care (triage, the admin team, the hub, managers). Others
# read a person's record through their care of them, or by breaking the glass (access.rules).
_REFERRALS = ("cap.view_referral", "cap.view_serviceuser")
# Reading the records of the people in one's care (a care relationship, access.rules), and
# breaking the glass to read another's with a reason.
_IN_CARE = "access.read_in_care"
# Who broke the glass to read a record, and why: managers and the Caldicott guardian.
_BREAK_GLASS_REPORT = "access.view_break_glass_report"
# What a person's Reasonable Adjustment flag says, and recording and confirming it: the
# roles whose work acts on it (triage, the admin team who book and write, the hub, the
# practitioners in the person's care, managers). Everyone else who sees the person sees
# only that a flag exists (adjustments.selectors).
_ADJUSTMENTS = ("adjustments.view_adjustmentflag", "adjustments.record_adjustment_flag")
# The logged calls (cap:calls): who called, the callback number, what was done.
_CALLS = "cap.view_enquiry"
# Completing a person's identity passed to triage without it (cap:referral_identity).
_IDENTITY = "cap.change_serviceuser"
# Signposting: searching the directory of community services.
_SIGNPOST = "directory.view_communityservice"
# Deciding a referral's urgency and outcome, and acknowledging the wait alerts of the
# queues one works (alerts are told to the queue's workers).
_TRIAGE = ("triage.record_triage_decision", "triage.acknowledge_alert")
# Under-18s redirected to the children's hub wait on the CAP's handoff queue until the hub
# answers: triage clinicians work it (its alerts are told to them) and record the answer.
_CHILDREN_HUB = "cap.work_children_hub_handoff"

ROLES = (
    Role(MANAGER, "triage:dashboard",
         (("Wait dashboard", "triage:dashboard"), ("Performance", "triage:performance"),
          ("Wait targets", "triage:wait_targets"), ("Duty rota", "triage:duty_rota"),
          ("Triage worklist", "triage:worklist"), ("Calls", "cap:calls"),
          ("Under the CAP", "scheduling:under_cap"), ("Slot issues", "scheduling:slot_issues"),
          ("Diaries", "scheduling:diaries"), ("Urgent Care Hub", "hub:board"),
          ("Caseloads", "careplans:caseload"),
          ("Targets and rules", "admin:index"), ("Unmet needs", "directory:unmet_needs"),
          ("Expertise", "directory:expertise"), ("Record access", "cap:record_access"),
          ("Break-glass reads", "access:break_glass_report")),
         _perms(_REFERRALS, _CALLS, _BREAK_GLASS_REPORT, "adjustments.view_adjustmentflag",
                # Who has looked at a record (subject access requests, Caldicott
                # investigations): the pages, their CSV and the API.
                "cap.view_recordaccess",
                # The Urgent Care Hub's board, to read (its figures are on the dashboard).
                "hub.view_hubarrival",
                # The wait dashboard, the alerts told to the duty manager, and their rota.
                "triage.view_wait_dashboard", "triage.view_breachalert", "triage.acknowledge_alert",
                "triage.view_dutyshift", "triage.add_dutyshift", "triage.change_dutyshift",
                "triage.delete_dutyshift",
                # Wait targets (their own page, and the admin site), closure days and urgency
                # rules (the admin site).
                "triage.change_targetdefinition", "triage.add_closureday", _maintain("triage", "urgencyrule"),
                # The children's hub handoff queue, which managers may work too.
                _CHILDREN_HUB,
                # Assessment templates, teams, rooms, practitioners and their diaries (admin site).
                _maintain("scheduling", "assessmenttemplate", "templaterole", "templatestep", "discipline",
                          "clinicroom", "practitioner", "workingpattern", "diaryexception", "team"),
                # Removing a working session from a practitioner's pattern (the diary pages).
                "scheduling.delete_workingpattern",
                "scheduling.view_booking", "scheduling.view_slotissue",
                # Giving a slot issue an owner, an action and a note.
                "scheduling.change_slotissue",
                "careplans.view_stepupepisode",
                # Every team's caseload: naming a care coordinator, closing an episode and
                # agreeing a transition where a team cannot (careplans.services.may_act_for_team).
                "careplans.view_episode", "careplans.change_episode", "careplans.change_transition",
                _SIGNPOST, "directory.view_unmet_need_report", "directory.view_expertise",
                "directory.manage_expertise")),
    Role(TRIAGE_CLINICIAN, "triage:worklist",
         (("Triage worklist", "triage:worklist"),
          ("Urgent queue", "queues:urgent"),
          ("Non-urgent queue", "queues:non_urgent"),
          ("Children's hub handoff", "queues:children_hub"),
          ("Calls", "cap:calls"),
          ("Information requests", "followup:information_requests"),
          ("MDT huddle", "followup:huddle"),
          ("Community support", "directory:index"),
          ("Expertise", "directory:expertise")),
         _perms(_REFERRALS, _TRIAGE, _CHILDREN_HUB, _SIGNPOST, _CALLS, _IDENTITY, _ADJUSTMENTS,
                "directory.view_expertise",
                # Urgent triage books the crisis assessment into a practitioner's diary,
                # so it reads the diaries (and the booking it made).
                "scheduling.view_practitioner", "scheduling.view_booking",
                # A third missed appointment, or a vulnerable person's, is reviewed by a
                # clinician before anyone books the person again.
                "scheduling.record_clinical_review")),
    Role(ADMIN_TEAM, "scheduling:booking_queue",
         (("Booking queue", "scheduling:booking_queue"),
          ("Under the CAP", "scheduling:under_cap"),
          ("Diaries", "scheduling:diaries"),
          ("Log a written referral", "cap:written_referral"),
          ("Identity checks", "cap:match_reviews"),
          ("Tasks", "cap:admin_tasks")),
         _perms(_REFERRALS, "cap.log_written_referral", _IDENTITY, _ADJUSTMENTS,
                "scheduling.book_assessment", "scheduling.view_booking", "scheduling.view_slotissue",
                # The diaries and rooms it books into, and practitioners' leave and commitments.
                "scheduling.view_practitioner", "scheduling.view_clinicroom",
                "scheduling.add_diaryexception", "scheduling.change_diaryexception",
                "scheduling.view_diaryexception",
                # Practitioners' working patterns, which say when they may be booked.
                "scheduling.view_workingpattern", "scheduling.add_workingpattern",
                "scheduling.change_workingpattern", "scheduling.delete_workingpattern",
                # The booking queue's alerts are told to the admin team.
                "triage.acknowledge_alert")),
    Role(CALL_HANDLER, "cap:log_call", (("Log a call", "cap:log_call"), ("Calls", "cap:calls"),
                                        ("Community support", "directory:index")),
         _perms("cap.log_call", "cap.view_serviceuser", _CALLS, _SIGNPOST)),
    Role(PRACTITIONER, "careplans:index", (("Care plans", "careplans:index"),
                                           ("Our caseload", "careplans:caseload"),
                                           ("My diary", "scheduling:my_diary"),
                                           ("Step up support", "careplans:step_ups"),
                                           ("Community support", "directory:index"),
                                           ("Expertise", "directory:expertise")),
         # No referral role-wide: a practitioner reads the referrals, bookings and care plans
         # of the people in their care (access.rules), and breaks the glass for anyone else.
         # Their own diary, calendar feed and working pattern, and their own leave, training
         # and sickness (scheduling.selectors.may_keep_diary): never another's.
         _perms(_IN_CARE, _ADJUSTMENTS, "scheduling.keep_own_diary",
                "careplans.view_careplan", "careplans.contribute_care_plan",
                "careplans.view_stepupepisode", "careplans.view_expertiserequest",
                _SIGNPOST, "directory.view_expertise")),
    Role(COMMUNITY_KNOWLEDGE_OFFICER, "directory:index",
         (("Directory", "directory:index"), ("To check", "directory:to_check"),
          ("Helpline", "directory:helpline"), ("Unmet needs", "directory:unmet_needs"),
          ("Expertise", "directory:expertise")),
         _perms(_SIGNPOST, "directory.manage_directory", "directory.log_helpline_query",
                "directory.view_unmet_need_report", "directory.view_expertise",
                "directory.manage_expertise")),
    # The 24/7 hub where people in crisis are brought (police, ambulance), walk in or are
    # referred, as an alternative to A&E: arrivals, their assessment within 2 hours, and the
    # alerts of that target (told to the hub).
    Role(URGENT_CARE_HUB_STAFF, "hub:board",
         (("Urgent Care Hub", "hub:board"), ("Record an arrival", "hub:arrival_new"),
          ("Community support", "directory:index")),
         _perms(_REFERRALS, _ADJUSTMENTS, "hub.view_hubarrival", "hub.record_hub_arrival",
                "triage.acknowledge_alert", _SIGNPOST)),
    # The trust's guardian of the confidentiality of people's information: reviews who
    # read a record without a care relationship, and why.
    Role(CALDICOTT_GUARDIAN, "access:break_glass_report",
         (("Break-glass reads", "access:break_glass_report"),),
         _perms(_BREAK_GLASS_REPORT)),
)

# The specific triage queues are worked by clinicians who hold the queue's group; the
# group alone lets them decide the referrals of that queue (triage.views.queues).
QUEUE_GROUPS = (
    QueueGroup(EATING_DISORDERS_TRIAGE,
               _perms("cap.view_referral", _TRIAGE, "triage.work_eating_disorders_queue")),
    QueueGroup(NURSING_HOME_IN_REACH_TRIAGE,
               _perms("cap.view_referral", _TRIAGE, "triage.work_nursing_home_in_reach_queue")),
)

# Systems that send referrals (a GP practice system, another trust): sending a referral
# and reading back the referrals it sent, its status and wait, and nothing else; not the
# worklist, not another sender's referrals (triage.api.ReferralDetailApi).
SYSTEM_ROLES = (
    SystemRole(REFERRING_SYSTEM, _perms("accounts.send_referrals", "accounts.view_sent_referrals")),
)


def group_permissions() -> dict[str, frozenset[str]]:
    """Every group of the table with exactly what it may do."""
    return {entry.group: entry.permissions for entry in (*ROLES, *QUEUE_GROUPS, *SYSTEM_ROLES)}


def group_names(user) -> frozenset[str]:
    """The names of the groups a person is in, read once for the user object (one request),
    as Django keeps their permissions: the navigation and the notification count both ask."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_group_names"):
        user._group_names = frozenset(user.groups.values_list("name", flat=True))
    return user._group_names


def roles_of(user) -> list[Role]:
    names = group_names(user)
    return [role for role in ROLES if role.group in names]


def roles_sync(apps=global_apps) -> None:
    """Make every group of the table exist with exactly the table's permissions: what the
    table does not grant is taken away. Idempotent; groups not in the table are left alone.

    `apps` is the registry of the Group and Permission models, a migration's own when a
    migration calls this."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = group_permissions()
    names = set().union(*wanted.values())
    with transaction.atomic():
        found = _permissions_named(Permission, names)
        if len(found) < len(names):
            _create_all_permissions()
            found = _permissions_named(Permission, names)
        if missing := names - found.keys():
            raise LookupError(f"accounts.roles names permissions that no model has: {sorted(missing)}")
        for name, perms in wanted.items():
            group, _ = Group.objects.get_or_create(name=name)
            group.permissions.set([found[p] for p in perms])


def _permissions_named(Permission, names: set[str]) -> dict:
    app_labels = {n.split(".", 1)[0] for n in names}
    codenames = {n.split(".", 1)[1] for n in names}
    rows = Permission.objects.filter(content_type__app_label__in=app_labels, codename__in=codenames)
    by_name = {f"{p.content_type.app_label}.{p.codename}": p for p in rows.select_related("content_type")}
    return {n: p for n, p in by_name.items() if n in names}


def _create_all_permissions() -> None:
    # Django creates permissions after all migrations have run (post_migrate), so inside a
    # migration they may not exist yet. They come from the code's models, which are the
    # ones the table names, even when a migration's frozen registry is older.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0)

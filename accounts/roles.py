"""The roles of the Central Access Point: what each may do and where each starts.

Roles are Django groups (created by migration accounts/0001); a role's
permissions are what its work needs and nothing more.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    group: str
    home: str  # URL name of the page the role lands on
    nav: tuple[tuple[str, str], ...]  # (label, URL name)


CALL_HANDLER = "Call handler"
TRIAGE_CLINICIAN = "Triage clinician"
ADMIN_TEAM = "Admin team"
MANAGER = "Manager"
PRACTITIONER = "Practitioner"
COMMUNITY_KNOWLEDGE_OFFICER = "Community knowledge officer"

ROLES = (
    Role(MANAGER, "triage:dashboard",
         (("Wait dashboard", "triage:dashboard"), ("Performance", "triage:performance"),
          ("Triage worklist", "triage:worklist"),
          ("Under the CAP", "scheduling:under_cap"), ("Slot issues", "scheduling:slot_issues"),
          ("Targets and rules", "admin:index"), ("Unmet needs", "directory:unmet_needs"),
          ("Expertise", "directory:expertise"))),
    Role(TRIAGE_CLINICIAN, "triage:worklist",
         (("Triage worklist", "triage:worklist"),
          ("Urgent queue", "queues:urgent"),
          ("Non-urgent queue", "queues:non_urgent"),
          ("Information requests", "followup:information_requests"),
          ("MDT huddle", "followup:huddle"),
          ("Community support", "directory:index"),
          ("Expertise", "directory:expertise"))),
    Role(ADMIN_TEAM, "scheduling:booking_queue",
         (("Booking queue", "scheduling:booking_queue"),
          ("Under the CAP", "scheduling:under_cap"),
          ("Diaries", "scheduling:diaries"),
          ("Log a written referral", "cap:written_referral"),
          ("Identity checks", "cap:match_reviews"),
          ("Tasks", "cap:admin_tasks"))),
    Role(CALL_HANDLER, "cap:log_call", (("Log a call", "cap:log_call"),
                                        ("Community support", "directory:index"))),
    Role(PRACTITIONER, "careplans:index", (("Care plans", "careplans:index"),
                                           ("Step up support", "careplans:step_ups"),
                                           ("Community support", "directory:index"),
                                           ("Expertise", "directory:expertise"))),
    Role(COMMUNITY_KNOWLEDGE_OFFICER, "directory:index",
         (("Directory", "directory:index"), ("To check", "directory:to_check"),
          ("Helpline", "directory:helpline"), ("Unmet needs", "directory:unmet_needs"),
          ("Expertise", "directory:expertise"))),
)


def roles_of(user) -> list[Role]:
    if not user.is_authenticated:
        return []
    names = {group.name for group in user.groups.all()}
    return [role for role in ROLES if role.group in names]

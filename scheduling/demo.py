"""Demo clinic rooms: two a team, at a plausible LLR site (made-up addresses); the first of
each team's is step-free with a quiet place to wait."""

from .models import ClinicRoom, Team

# Team name prefix -> the site its clinic rooms are at.
SITES = {
    "City East": "Neville Centre, Leicester LE5 4QG",
    "City West": "Westcotes Clinic, Leicester LE3 0QP",
    "City Central": "Bridge Park Plaza, Leicester LE4 8PQ",
    "Charnwood": "Loughborough Hospital, Loughborough LE11 5JY",
    "Hinckley and Bosworth": "Hinckley Health Centre, Hinckley LE10 1DS",
    "North West Leicestershire": "Coalville Community Hospital, Coalville LE67 4DE",
    "West Leicestershire": "Coalville Community Hospital, Coalville LE67 4DE",
    "South Leicestershire": "Oadby Clinic, Oadby LE2 4AA",
    "Melton and Rutland": "Melton Mowbray Hospital, Melton Mowbray LE13 1SJ",
    "LLR": "Evington Centre, Leicester LE5 4QF",
}


def load_clinic_rooms() -> None:
    """Idempotent: a room is found by its name and site."""
    for team in Team.objects.all():
        prefix = next((p for p in SITES if team.name.startswith(p)), "LLR")
        for number in (1, 2):
            # Room 1 is on the ground floor, with a quiet place to wait beside it.
            access = {"step_free": number == 1, "quiet_waiting": number == 1}
            room, created = ClinicRoom.objects.get_or_create(
                name=f"{team.name} clinic room {number}", defaults={"site": SITES[prefix], **access})
            if not created and number == 1 and not room.step_free:  # a demo loaded before rooms had access
                room.step_free = room.quiet_waiting = True
                room.save(update_fields=["step_free", "quiet_waiting"])
            room.teams.add(team)


def triage_demo_referrals_for_booking(*, clinician, count: int = 2) -> None:
    """Triage the first routine demo referrals for a clinic assessment, so the admin team
    has someone to book. Only on a fresh demo: once any decision exists, nothing."""
    from cap.models import Referral, ReferralStatus
    from triage.models import TriageDecision
    from triage.services import triage_decision_record

    if TriageDecision.objects.exists():
        return
    waiting = (Referral.objects.filter(status=ReferralStatus.AWAITING_TRIAGE, referrer_urgency="routine")
               .order_by("received_at", "pk")[:count])
    for referral in waiting:
        triage_decision_record(actor=clinician, referral=referral, urgency="routine", outcome="assessment",
                               stream="AMH", setting="clinic",
                               rationale="Routine adult mental health assessment in clinic.")

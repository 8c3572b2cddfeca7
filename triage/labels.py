"""What a person reads in place of a stored code: one lookup for every code that reaches
a page (urgency, stream, status, outcomes, queues), so no page shows "very_urgent" or
"AMH". Models' get_FOO_display covers a field with choices; these cover values that reach
a template without their model field (annotations, summaries, other models' copies)."""

from django.db.models import TextChoices

from cap.models import CallOutcome, Channel, ReferralStatus, SpecificQueue, TriageQueue
from triage.models import CrisisOutcome, DecisionOutcome, OutcomeDay, Stream, Urgency


def _choices(*enums: type[TextChoices]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for enum in enums:
        labels.update({str(value): str(label) for value, label in enum.choices})
    return labels


URGENCY = _choices(Urgency)
STREAM = _choices(Stream)
STATUS = _choices(ReferralStatus)
OUTCOME = _choices(OutcomeDay.Outcome, CallOutcome, CrisisOutcome, DecisionOutcome)
QUEUE = _choices(TriageQueue, SpecificQueue)
CHANNEL = _choices(Channel)


def label(labels: dict[str, str], code: str | None) -> str:
    """The label of `code`; a code with none is shown as it is (better than nothing), and
    no code as ""."""
    if not code:
        return ""
    return labels.get(code, code)

"""Triage's models, by what they record (one module each): decisions, targets, alerts
and summaries. Everything is importable from `triage.models` as before."""

from .alerts import (
                     AlertQuerySet,
                     AlertRepeat,
                     AlertSchedule,
                     BreachAlert,
                     DutyShift,
                     Notification,
                     ScanHeartbeat,
                     UnaccountedAlert,
)
from .decisions import (
                     CONCLUDING_OUTCOMES,
                     AssessmentSetting,
                     CrisisOutcome,
                     DecisionOutcome,
                     Huddle,
                     HuddleItem,
                     InformationRequest,
                     PhysicalHealthCheck,
                     Stream,
                     TriageClaim,
                     TriageDecision,
                     Urgency,
                     UrgencyRule,
                     UrgentAction,
)
from .summaries import WAIT_BUCKET_EDGES, OutcomeDay, SummaryWatermark, TargetDay
from .targets import ClosureDay, TargetDefinition, WaitTarget, WaitTargetQuerySet

__all__ = [
    "AlertQuerySet", "AlertRepeat", "AlertSchedule", "AssessmentSetting", "BreachAlert",
    "CONCLUDING_OUTCOMES", "ClosureDay", "CrisisOutcome", "DecisionOutcome", "DutyShift", "Huddle",
    "HuddleItem",
    "InformationRequest", "Notification", "OutcomeDay", "PhysicalHealthCheck", "ScanHeartbeat",
    "Stream", "SummaryWatermark", "TargetDay", "TargetDefinition", "TriageClaim", "TriageDecision",
    "UnaccountedAlert", "Urgency", "UrgencyRule", "UrgentAction", "WAIT_BUCKET_EDGES", "WaitTarget",
    "WaitTargetQuerySet",
]

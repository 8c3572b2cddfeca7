"""The triage API: the worklist, a referral, and recording a decision.

Object-level rules live in the services; the views check the role's permission,
so a call handler is refused here exactly as in the UI."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from access.rules import ROLE, ReadAccess, Record
from access.views import person_read_or_403
from adjustments import selectors as adjustment_selectors
from adjustments.models import Adjustment, FlagStatus, Impairment, ShareConsent
from cap.models import Referral, RiskIndicator
from core.api import page_size_from, requires
from core.audit import record_access_log, record_access_log_many
from directory.models import CommunityService
from scheduling.models import Discipline, Practitioner, Team

from . import selectors, services
from .models import AssessmentSetting, DecisionOutcome, InformationRequest, Stream, Urgency
from .views.queues import TRIAGE_QUEUES


class TargetOutput(serializers.Serializer):
    code = serializers.CharField(source="definition.code")
    started_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    met_at = serializers.DateTimeField(allow_null=True)
    state = serializers.SerializerMethodField()
    provisional = serializers.BooleanField(
        help_text="Started at intake from a signal of urgency and not yet confirmed by triage.")
    cancelled_at = serializers.DateTimeField(allow_null=True)
    cancel_reason = serializers.CharField(help_text="Why the target was stopped, when it was.")

    def get_state(self, target) -> str:
        return target.state(self.context["now"])


class ServiceUserOutput(serializers.Serializer):
    nhs_number = serializers.CharField(allow_null=True)
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True,
                                          help_text="Null while the identity is not confirmed.")
    # The postal address, for letters (added after the first release: new fields only).
    address_line_1 = serializers.CharField(help_text="Empty when no postal address is recorded.")
    address_line_2 = serializers.CharField()
    town = serializers.CharField()
    postcode = serializers.CharField(help_text="Empty while the identity is not confirmed, "
                                               "when the caller could not give it.")


class DecisionOutput(serializers.Serializer):
    urgency = serializers.CharField()
    suggested_urgency = serializers.CharField(allow_null=True)
    urgency_overridden = serializers.BooleanField()
    outcome = serializers.CharField()
    stream = serializers.CharField(allow_null=True)
    decided_by = serializers.CharField(source="decided_by.username")
    decided_at = serializers.DateTimeField()
    # The timescale triage chose for the assessment, whether it set the target's due
    # instant, and why a longer one was allowed (null: none chosen, or no reason needed).
    target_timescale = serializers.CharField(allow_null=True)
    timescale_sets_due = serializers.BooleanField()
    timescale_reason = serializers.CharField(allow_null=True)

    def to_representation(self, decision):
        data = super().to_representation(decision)
        # Blank means "none": the API says null, as it does for the referral's stream.
        for name in ("suggested_urgency", "stream", "target_timescale", "timescale_reason"):
            data[name] = data[name] or None
        return data


class AdjustmentFlagOutput(serializers.Serializer):
    """The person's Reasonable Adjustment flag (adjustments.models). To a caller whose role
    does not read what it says, only `status`: that a flag exists and whether it asks for
    adjustments."""

    status = serializers.ChoiceField(choices=FlagStatus.choices)
    impairments = serializers.ListField(child=serializers.ChoiceField(choices=Impairment.choices))
    adjustments = serializers.ListField(child=serializers.ChoiceField(choices=Adjustment.choices))
    interpreter_language = serializers.CharField()
    details = serializers.CharField()
    consent_to_share = serializers.ChoiceField(choices=ShareConsent.choices)
    recorded_at = serializers.DateTimeField()
    confirmed_at = serializers.DateTimeField()
    review_on = serializers.DateField()


class ReferralOutput(serializers.ModelSerializer):
    """A referral as other systems read it; urgency and stream come from its latest
    triage decision (null until triaged)."""

    service_user = ServiceUserOutput()
    urgency = serializers.SerializerMethodField()
    stream = serializers.SerializerMethodField()
    risk_indicators = serializers.ListField(
        child=serializers.ChoiceField(choices=RiskIndicator.choices),
        help_text="The structured risk indicators captured at intake.")
    specific_queue = serializers.SerializerMethodField(
        help_text="The specific triage queue it was sent to; null for the general queues.")
    targets = TargetOutput(many=True)
    decisions = DecisionOutput(many=True, help_text="Every triage decision, newest first.")
    reasonable_adjustments = serializers.SerializerMethodField(
        help_text="The person's Reasonable Adjustment flag; null when none is recorded. Only its "
                  "status for a caller whose role does not read what it says.")

    class Meta:
        model = Referral
        fields = ["id", "reference", "channel", "received_at", "first_contact_at", "status",
                  "service_user", "reason", "urgency", "stream", "risk_indicators", "specific_queue",
                  "targets", "decisions", "reasonable_adjustments"]

    @extend_schema_field(AdjustmentFlagOutput(allow_null=True))
    def get_reasonable_adjustments(self, referral) -> dict | None:
        flag = getattr(referral.service_user, "adjustment_flag", None)
        if flag is None:
            return None
        if not self.context.get("flag_readable"):
            return {"status": flag.status}
        return AdjustmentFlagOutput(flag).data

    def _latest(self, referral):
        decisions = list(referral.decisions.all())  # prefetched, newest first
        return decisions[0] if decisions else None

    def get_specific_queue(self, referral) -> str | None:
        return referral.specific_queue or None  # blank means none: null, as for the stream

    def get_urgency(self, referral) -> str | None:
        decision = self._latest(referral)
        return decision.urgency if decision else None

    def get_stream(self, referral) -> str | None:
        decision = self._latest(referral)
        return (decision.stream or None) if decision else None


def referral_output(referrals, *, user, many=False):
    return ReferralOutput(referrals, many=many, context={
        "now": timezone.now(), "flag_readable": adjustment_selectors.may_read_flag(user)}).data


WORKLIST_MAX = 500


def _reads_as_sender(user) -> bool:
    """A referring system (accounts.roles.SYSTEM_ROLES): it reads back what it sent, and
    nothing else, so the care relationship rule does not apply to it."""
    return not user.has_perm("cap.view_referral") and not user.has_perm("access.read_in_care")


# A sender reading back its own referral: allowed, no break-glass reason.
_SENDER = ReadAccess(allowed=True, because=ROLE)


def _readable_by(user):
    """The referrals `user` may read here. A referring system reads back only those it
    sent: another sender's answers 404, as one that does not exist, so a system learns
    nothing of referrals that are not its own. Everyone else is checked by access.rules."""
    if _reads_as_sender(user):
        return Referral.objects.filter(logged_by=user)
    return Referral.objects.all()


class WorklistApi(APIView):
    """The most at risk of breaching first, as one list (not paginated: its contract is a
    list): up to `page_size` of them, at most WORKLIST_MAX."""

    # Everyone waiting for triage: for those who triage and the managers who oversee them.
    permission_classes = [requires(*TRIAGE_QUEUES)]

    @extend_schema(responses=ReferralOutput(many=True), parameters=[OpenApiParameter(
        "page_size", int, description=f"How many of the most at risk to return, 1 to {WORKLIST_MAX}; "
                                      f"default {WORKLIST_MAX}.")])
    def get(self, request):
        size = page_size_from(request, default=WORKLIST_MAX, maximum=WORKLIST_MAX)
        referrals = list(selectors.with_api_detail(selectors.triage_worklist())[:size])
        record_access_log_many(actor=request.user, view="worklist API",
                               service_users=[(r.service_user, r) for r in referrals])
        return Response(referral_output(referrals, user=request.user, many=True))


class ReferralDetailApi(APIView):
    # Role-wide readers of referrals, practitioners for the people in their care, and a
    # referring system for the referrals it sent.
    permission_classes = [requires("cap.view_referral", "access.read_in_care",
                                   "accounts.view_sent_referrals")]

    @extend_schema(responses=ReferralOutput)
    def get(self, request, pk):
        referral = get_object_or_404(selectors.with_api_detail(_readable_by(request.user)), pk=pk)
        access = (_SENDER if _reads_as_sender(request.user)
                  else person_read_or_403(request, referral.service_user, record=Record.REFERRAL))
        record_access_log(actor=request.user, service_user=referral.service_user, view="referral API",
                          referral=referral, break_glass_reason=access.break_glass_reason)
        return Response(referral_output(referral, user=request.user))


class TriageDecisionApi(APIView):
    permission_classes = [requires("triage.record_triage_decision")]

    class Input(serializers.Serializer):
        urgency = serializers.ChoiceField(choices=Urgency.choices)
        outcome = serializers.ChoiceField(choices=DecisionOutcome.choices)
        stream = serializers.ChoiceField(choices=Stream.choices, required=False, allow_blank=True)
        rationale = serializers.CharField(max_length=4000)
        # For an assessment.
        target_timescale = serializers.CharField(
            max_length=40, required=False, allow_blank=True,
            help_text="A whole number and hours, days or weeks (\"14 days\"); it sets the assessment "
                      "target's due instant. Empty: the urgency's default. Longer than the default: "
                      "routine only, with timescale_reason.")
        timescale_reason = serializers.CharField(
            max_length=2000, required=False, allow_blank=True,
            help_text="Why the assessment may wait longer than the default: needed then.")
        disciplines = serializers.SlugRelatedField(
            many=True, slug_field="code", queryset=Discipline.objects.all(), required=False,
            help_text="Discipline codes, e.g. nurse, consultant_psychiatrist.")
        named_practitioners = serializers.PrimaryKeyRelatedField(
            many=True, queryset=Practitioner.objects.all(), required=False)
        setting = serializers.ChoiceField(choices=AssessmentSetting.choices, required=False,
                                          allow_blank=True)
        requirements = serializers.CharField(max_length=2000, required=False, allow_blank=True)
        # Routing.
        external_service = serializers.PrimaryKeyRelatedField(
            queryset=CommunityService.objects.filter(retired_at__isnull=True), required=False,
            allow_null=True, help_text="A directory entry's id.")
        external_agency = serializers.CharField(max_length=160, required=False, allow_blank=True)
        existing_team = serializers.PrimaryKeyRelatedField(
            queryset=Team.objects.all(), required=False, allow_null=True,
            help_text="Empty for the team of the person's open episode of care.")
        # Missing information, and the huddle.
        information_from = serializers.ChoiceField(choices=InformationRequest.From.choices,
                                                   required=False, allow_blank=True)
        information_needed = serializers.CharField(max_length=2000, required=False,
                                                   allow_blank=True)
        huddle_question = serializers.CharField(max_length=2000, required=False, allow_blank=True)
        confirm_age_stream = serializers.BooleanField(
            required=False, default=False,
            help_text="Confirms streaming someone under 18 to an adult or older people's stream "
                      "(AMH, MHSOP, MHSOP_MEMORY): without it such a decision is refused.")

        def decision(self) -> services.Decision:
            data = dict(self.validated_data)
            for name in ("disciplines", "named_practitioners"):
                data[name] = tuple(data.get(name, ()))
            return services.Decision(**data)

    @extend_schema(request=Input, responses={201: ReferralOutput})
    def post(self, request, pk):
        """Record a triage decision; answers with the referral as it now stands."""
        referral = get_object_or_404(Referral, pk=pk)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        services.triage_decision_record(actor=request.user, referral=referral,
                                        decision=data.decision())
        referral = selectors.with_api_detail(Referral.objects.all()).get(pk=pk)
        # The answer shows the referral with its person, as GET does.
        record_access_log(actor=request.user, service_user=referral.service_user, view="referral API",
                          referral=referral)
        return Response(referral_output(referral, user=request.user), status=status.HTTP_201_CREATED)

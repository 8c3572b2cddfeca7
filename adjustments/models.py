"""The Reasonable Adjustment flag: per person, the impairments or conditions that need an
adjustment and the adjustments themselves, structured as the NHS England Reasonable
Adjustment Digital Flag information standard asks, so the booking, the letters and the
messages can act on them (a free-text "specific requirements" on a triage decision is
read by nobody). The codes are part of the API."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cap.models import ServiceUser


class InformationFormat(models.TextChoices):
    """The formats the person's letters and messages come in: the one set for both
    (letters.formats and messaging.models name it for their own use)."""

    STANDARD = "standard", "Standard print"
    LARGE_PRINT = "large_print", "Large print"
    EASY_READ = "easy_read", "Easy read"


class Impairment(models.TextChoices):
    """The impairment or condition an adjustment is for (the standard's categories)."""

    LEARNING_DISABILITY = "learning_disability", "Learning disability"
    AUTISM = "autism", "Autism"
    NEURODIVERGENCE = "neurodivergence", "Other neurodivergence (for example ADHD)"
    MENTAL_HEALTH = "mental_health", "Mental health condition"
    COGNITIVE = "cognitive", "Memory or cognitive impairment (for example dementia)"
    HEARING = "hearing", "Deaf or hard of hearing"
    SIGHT = "sight", "Blind or partially sighted"
    DEAFBLIND = "deafblind", "Deafblind"
    MOBILITY = "mobility", "Physical or mobility impairment"
    SPEECH = "speech", "Speech, language or communication difficulty"
    LONG_TERM = "long_term", "Long-term condition"
    OTHER = "other", "Another impairment or condition"


class Adjustment(models.TextChoices):
    """What the person needs done differently, grouped as the standard groups them."""

    # Communication and information
    EASY_READ = "easy_read", "Easy read information"
    LARGE_PRINT = "large_print", "Large print"
    BRAILLE = "braille", "Braille"
    BSL_INTERPRETER = "bsl_interpreter", "British Sign Language interpreter"
    LANGUAGE_INTERPRETER = "language_interpreter", "Spoken language interpreter"
    CARER_PRESENT = "carer_present", "A carer or family member present"
    ADVOCATE_PRESENT = "advocate_present", "An advocate present"
    # The place and the appointment
    STEP_FREE = "step_free", "Step-free access"
    QUIET_ROOM = "quiet_room", "A quiet place to wait"
    FIRST_APPOINTMENT = "first_appointment", "First appointment of the day"
    LAST_APPOINTMENT = "last_appointment", "Last appointment of the day"
    LONGER_APPOINTMENT = "longer_appointment", "A longer appointment"
    HOME_VISIT = "home_visit", "A home visit"
    SAME_PRACTITIONER = "same_practitioner", "The same practitioner as last time"
    OTHER = "other", "Another adjustment (described below)"


COMMUNICATION = (Adjustment.EASY_READ, Adjustment.LARGE_PRINT, Adjustment.BRAILLE, Adjustment.BSL_INTERPRETER,
                 Adjustment.LANGUAGE_INTERPRETER, Adjustment.CARER_PRESENT, Adjustment.ADVOCATE_PRESENT)
INTERPRETERS = (Adjustment.BSL_INTERPRETER, Adjustment.LANGUAGE_INTERPRETER)


class FlagStatus(models.TextChoices):
    NEEDED = "needed", "Adjustments needed"
    NONE_NEEDED = "none_needed", "No adjustments needed"


class ShareConsent(models.TextChoices):
    """Whether the person agreed to share the flag with other services (the standard
    records it; a best-interests decision where they cannot consent)."""

    YES = "yes", "Yes, the person agreed to share it"
    NO = "no", "No, the person did not agree to share it"
    BEST_INTERESTS = "best_interests", "Shared in the person's best interests (they cannot consent)"
    NOT_ASKED = "not_asked", "Not asked yet"


class AdjustmentFlag(models.Model):
    """A person's Reasonable Adjustment flag: one per person, kept up to date (its history
    keeps every earlier version, who changed it and when)."""

    service_user = models.OneToOneField(ServiceUser, on_delete=models.PROTECT, related_name="adjustment_flag")
    status = models.CharField(max_length=12, choices=FlagStatus.choices)
    impairments = ArrayField(models.CharField(max_length=24, choices=Impairment.choices), default=list,
                             blank=True)
    adjustments = ArrayField(models.CharField(max_length=24, choices=Adjustment.choices), default=list,
                             blank=True)
    interpreter_language = models.CharField(max_length=60, blank=True,
                                            help_text="The language, where a spoken language "
                                                      "interpreter is needed.")
    details = models.TextField(max_length=2000, blank=True,
                               help_text="Anything the choices do not say, in the person's words.")
    consent_to_share = models.CharField(max_length=16, choices=ShareConsent.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    # Confirmed: someone checked with the person (or their carer) that it is still right.
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(default=timezone.now)
    review_on = models.DateField(help_text="When to check it with the person again.")
    history = HistoricalRecords()

    class Meta:
        permissions = [("record_adjustment_flag", "Can record and confirm a Reasonable Adjustment flag")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="none_needed", adjustments=[]) | models.Q(status="needed"),
                name="no_adjustments_when_none_needed"),
        ]

    def __str__(self):
        return f"Reasonable Adjustment flag of {self.service_user}"

    @property
    def needs_interpreter(self) -> bool:
        return any(a in self.adjustments for a in INTERPRETERS)

    def adjustment_labels(self) -> list[str]:
        """Each adjustment's label, the interpreter's with its language."""
        return [f"{Adjustment(a).label} ({self.interpreter_language})"
                if a == Adjustment.LANGUAGE_INTERPRETER and self.interpreter_language else Adjustment(a).label
                for a in self.adjustments]

    def impairment_labels(self) -> list[str]:
        return [Impairment(i).label for i in self.impairments]

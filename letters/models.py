from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from .formats import LetterFormat, LetterKind

FILE_NAMES = {LetterKind.APPOINTMENT: "appointment-letter", LetterKind.GP: "gp-letter",
              LetterKind.CARE_PLAN: "care-plan", LetterKind.CARE_PLAN_GP: "care-plan-for-the-gp"}


class LetterCopy(models.Model):
    """A PDF of a letter as it was produced, kept against its booking (a care plan copy:
    against the plan's version it prints): what was sent is
    what was produced, byte for byte (its SHA-256 proves it), whatever the booking or the
    templates say later. Produced again for an unchanged letter, the stored copy is
    returned (`source_sha256`, the letter's HTML, makes it the same letter)."""

    booking = models.ForeignKey("scheduling.Booking", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="letter_copies")
    care_plan_version = models.ForeignKey("careplans.CarePlanVersion", on_delete=models.PROTECT, null=True,
                                          blank=True, related_name="letter_copies")
    kind = models.CharField(max_length=20, choices=LetterKind.choices)
    format = models.CharField(max_length=20, choices=LetterFormat.choices)
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the PDF's bytes")
    source_sha256 = models.CharField(max_length=64, help_text="SHA-256 of the HTML the PDF was made from")
    produced_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    produced_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True, help_text="When it was posted or sent")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    # The PDF never changes: history rows without it keep the table small.
    history = HistoricalRecords(excluded_fields=["pdf"])

    class Meta:
        verbose_name_plural = "letter copies"
        constraints = [
            # Two people pressing "Download as PDF" at once store one copy.
            models.UniqueConstraint(fields=["booking", "kind", "format", "source_sha256"],
                                    name="one_copy_of_each_letter"),
            models.UniqueConstraint(fields=["care_plan_version", "kind", "format", "source_sha256"],
                                    name="one_copy_of_each_care_plan_copy"),
            models.CheckConstraint(
                condition=models.Q(booking__isnull=False, care_plan_version__isnull=True)
                | models.Q(booking__isnull=True, care_plan_version__isnull=False),
                name="letter_copy_of_a_booking_or_a_care_plan_version"),
        ]
        indexes = [models.Index(fields=["booking", "-produced_at"]),
                   models.Index(fields=["care_plan_version", "-produced_at"])]

    def __str__(self) -> str:
        about = (f"booking {self.booking_id}" if self.booking_id
                 else f"care plan version {self.care_plan_version_id}")
        return f"{self.get_kind_display()} ({self.get_format_display()}) for {about}"

    @property
    def filename(self) -> str:
        if self.booking_id:
            about = self.booking.referral.reference
        else:
            about = f"version-{self.care_plan_version.number}"
        kind = FILE_NAMES[LetterKind(self.kind)]
        suffix = "" if self.format == LetterFormat.STANDARD else "-" + self.format.replace("_", "-")
        return f"{about}-{kind}{suffix}.pdf" if self.booking_id else f"{kind}-{about}{suffix}.pdf"

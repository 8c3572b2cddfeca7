from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class ApiClient(models.Model):
    """A system that calls the API (a GP practice system, another trust's record), with
    the one credential it holds: a knox token of its own service account, so what it
    may do is that account's role and every change it makes is recorded as it.

    The token itself is never stored, only its hash (knox.AuthToken). Issuing,
    rotating and revoking are accounts.services.api_client_*."""

    name = models.CharField(max_length=120, unique=True,
                            help_text='The system, as people know it: "GP practice system: EMIS".')
    contact = models.CharField(max_length=250,
                               help_text="Who to tell when its credential is rotated, revoked or "
                                         "misused: a team, an email address, a phone number.")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client",
                                help_text="The service account the system acts as.")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    token_issued_at = models.DateTimeField(null=True, blank=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        permissions = [
            ("send_referrals", "Send referrals through the API as a referring system"),
            ("view_sent_referrals", "Read back the referrals its own system sent"),
        ]

    def __str__(self) -> str:
        return self.name

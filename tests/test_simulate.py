"""The simulated days through the real services (simulation/, `manage.py simulate`): the
three safety counts are 0 at every simulated hour, on a database of the run's own."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from cap.models import Referral


@pytest.mark.django_db(transaction=True)
def test_three_simulated_days_leave_nobody_unaccounted_for_unalerted_or_double_booked():
    out = StringIO()
    database = connection.settings_dict["NAME"]
    # A third of the trust's volumes keeps the run to about a minute; the month runs at full size.
    call_command("simulate", days=3, seed=1, scale=0.35, stdout=out)

    printed = out.getvalue()
    assert "not accounted for: 0" in printed
    assert "targets due without exactly one breach alert: 0" in printed
    assert "double bookings: 0" in printed
    assert "All three safety counts were 0 at every hour." in printed
    assert "structured assessments: attended" in printed
    assert connection.settings_dict["NAME"] == database
    assert not Referral.objects.exists()  # the test's own database was not touched

"""The referrer's call-back target: a BaRS sender (NHS 111, a GP or ED system) may ask to
hear back by a deadline (ServiceRequest.occurrencePeriod.end). The deadline is the
sender's, so the target is due at it (amount 0: the due instant comes with the message);
it runs 24/7 and is met when triage concludes or gives telephone advice."""

from django.db import migrations

CODE = "referrer_callback"


def add(apps, schema_editor):
    apps.get_model("triage", "TargetDefinition").objects.get_or_create(code=CODE, defaults={
        "name": "Referrer called back by the sender's deadline",
        "clock": "24_7", "amount": 0, "at_risk_share": 75, "at_risk_minutes_left": 60})


def remove(apps, schema_editor):
    apps.get_model("triage", "TargetDefinition").objects.filter(code=CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("triage", "0029_one_duty_manager_at_a_time")]

    operations = [migrations.RunPython(add, remove)]

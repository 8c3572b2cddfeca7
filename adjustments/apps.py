from django.apps import AppConfig


class AdjustmentsConfig(AppConfig):
    name = "adjustments"
    verbose_name = "Reasonable adjustments"

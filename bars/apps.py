from django.apps import AppConfig


class BarsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bars"
    verbose_name = "BaRS messages"

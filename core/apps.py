from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Shared by every app"

    def ready(self) -> None:
        from django.urls import register_converter

        from .converters import RecordIdConverter

        # Before any URL module is imported: they name it as <id:pk>.
        register_converter(RecordIdConverter, "id")

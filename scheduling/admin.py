"""What a manager maintains in scheduling: assessment templates per stream, disciplines,
clinic rooms, practitioners with their working patterns, leave and other commitments."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AssessmentTemplate,
    ClinicRoom,
    DiaryException,
    Discipline,
    Practitioner,
    Team,
    TemplateRole,
    TemplateStep,
    WorkingPattern,
)


class TemplateRoleInline(admin.TabularInline):
    model = TemplateRole
    extra = 0
    filter_horizontal = ["disciplines"]


class TemplateStepInline(admin.TabularInline):
    model = TemplateStep
    extra = 0
    filter_horizontal = ["roles"]
    ordering = ["order"]


@admin.register(AssessmentTemplate)
class AssessmentTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["name", "stream", "setting"]
    inlines = [TemplateRoleInline, TemplateStepInline]


@admin.register(Discipline)
class DisciplineAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]


@admin.register(ClinicRoom)
class ClinicRoomAdmin(SimpleHistoryAdmin):
    list_display = ["name", "site", "step_free", "quiet_waiting"]
    list_filter = ["step_free", "quiet_waiting"]
    filter_horizontal = ["teams"]


class WorkingPatternInline(admin.TabularInline):
    model = WorkingPattern
    extra = 0


class DiaryExceptionInline(admin.TabularInline):
    model = DiaryException
    extra = 0
    ordering = ["-starts_at"]


@admin.register(Practitioner)
class PractitionerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "discipline"]
    list_filter = ["discipline", "teams"]
    search_fields = ["name"]
    filter_horizontal = ["teams"]
    inlines = [WorkingPatternInline, DiaryExceptionInline]


@admin.register(DiaryException)
class DiaryExceptionAdmin(SimpleHistoryAdmin):
    list_display = ["practitioner", "kind", "starts_at", "ends_at"]
    list_filter = ["kind"]
    date_hierarchy = "starts_at"


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "specialty"]
    filter_horizontal = ["pcns"]

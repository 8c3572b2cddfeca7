"""What a manager maintains: wait target durations, extra closure days and urgency rules."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ClosureDay, TargetDefinition, UrgencyRule


@admin.register(TargetDefinition)
class TargetDefinitionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "clock", "amount"]
    readonly_fields = ["code", "clock"]  # other systems and the clock depend on these


@admin.register(ClosureDay)
class ClosureDayAdmin(SimpleHistoryAdmin):
    list_display = ["day", "reason"]
    ordering = ["-day"]


@admin.register(UrgencyRule)
class UrgencyRuleAdmin(SimpleHistoryAdmin):
    list_display = ["name", "indicator", "urgency", "active"]
    list_filter = ["active", "urgency"]

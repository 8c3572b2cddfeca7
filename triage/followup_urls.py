from django.urls import path, re_path

from .views import followup

app_name = "followup"
urlpatterns = [
    path("triage/information-requests/", followup.information_requests, name="information_requests"),
    path("triage/information-requests/<id:pk>/chase/", followup.information_chase,
         name="information_chase"),
    path("triage/information-requests/<id:pk>/received/", followup.information_receive,
         name="information_receive"),
    path("triage/huddle/", followup.huddle, name="huddle"),
    re_path(r"^triage/huddle/(?P<day>\d{4}-\d{2}-\d{2})/$", followup.huddle_day, name="huddle_day"),
    path("triage/huddle/items/<id:pk>/discussed/", followup.huddle_item_discuss,
         name="huddle_item_discuss"),
    path("triage/referrals/<id:pk>/physical-health/", followup.physical_health_check,
         name="physical_health_check"),
    path("triage/physical-health/<id:pk>/letter/", followup.physical_health_letter,
         name="physical_health_letter"),
    path("triage/referrals/<id:pk>/urgent-action/", followup.urgent_action, name="urgent_action"),
    path("triage/team-tasks/", followup.team_tasks, name="team_tasks"),
    path("triage/team-tasks/<id:pk>/done/", followup.team_task_done, name="team_task_done"),
]

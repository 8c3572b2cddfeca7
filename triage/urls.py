from django.urls import path

from .views import decisions, performance, rota, targets

app_name = "triage"
urlpatterns = [
    path("triage/", decisions.worklist, name="worklist"),
    path("triage/referrals/<id:pk>/decide/", decisions.decide, name="decide"),
    path("dashboard/", performance.dashboard, name="dashboard"),
    path("dashboard/figures/<slug:name>/", performance.figure, name="figure"),
    path("dashboard/performance/", performance.performance_page, name="performance"),
    path("dashboard/performance/referrals/", performance.performance_figure, name="performance_figure"),
    path("dashboard/targets/", targets.wait_targets, name="wait_targets"),
    path("dashboard/targets/<id:pk>/", targets.wait_target_change, name="wait_target_change"),
    path("dashboard/duty-rota/", rota.duty_rota, name="duty_rota"),
    path("dashboard/duty-rota/<id:pk>/", rota.duty_shift, name="duty_shift"),
]

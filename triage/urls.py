from django.urls import path

from .views import decisions, performance

app_name = "triage"
urlpatterns = [
    path("triage/", decisions.worklist, name="worklist"),
    path("triage/referrals/<id:pk>/decide/", decisions.decide, name="decide"),
    path("dashboard/", performance.dashboard, name="dashboard"),
    path("dashboard/figures/<slug:name>/", performance.figure, name="figure"),
    path("dashboard/performance/", performance.performance_page, name="performance"),
    path("dashboard/performance/referrals/", performance.performance_figure, name="performance_figure"),
]

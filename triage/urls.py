from django.urls import path

from . import performance_views, views

app_name = "triage"
urlpatterns = [
    path("triage/", views.worklist, name="worklist"),
    path("triage/referrals/<int:pk>/decide/", views.decide, name="decide"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/figures/<slug:name>/", views.figure, name="figure"),
    path("dashboard/performance/", performance_views.performance_page, name="performance"),
    path("dashboard/performance/referrals/", performance_views.performance_figure, name="performance_figure"),
]

from django.urls import path

from .views import alerts as alert_views

app_name = "alerts"
urlpatterns = [
    path("alerts/", alert_views.index, name="index"),
    path("alerts/notifications/<id:pk>/", alert_views.notification, name="notification"),
    path("alerts/notifications/<id:pk>/read/", alert_views.read, name="read"),
    path("alerts/<id:pk>/acknowledge/", alert_views.acknowledge, name="acknowledge"),
]

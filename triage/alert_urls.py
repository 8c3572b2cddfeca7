from django.urls import path

from .views import alerts as alert_views

app_name = "alerts"
urlpatterns = [
    path("alerts/", alert_views.index, name="index"),
    path("alerts/notifications/<int:pk>/", alert_views.notification, name="notification"),
    path("alerts/notifications/<int:pk>/read/", alert_views.read, name="read"),
    path("alerts/<int:pk>/acknowledge/", alert_views.acknowledge, name="acknowledge"),
]

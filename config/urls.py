from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from cap import api as cap_api
from careplans import api as careplans_api
from messaging import views as messaging_views
from scheduling import api as scheduling_api
from triage import api as triage_api
from triage import monitoring_api


def api(view):
    """API views authenticate themselves (token or session) and answer 401/403,
    never a redirect to the login page."""
    return login_not_required(view)


api_v1 = [
    path("referrals/", api(cap_api.ReferralCreateApi.as_view()), name="referrals"),
    path("referrals/<id:pk>/", api(triage_api.ReferralDetailApi.as_view()), name="referral"),
    path("referrals/<id:pk>/triage/", api(triage_api.TriageDecisionApi.as_view()), name="triage"),
    path("triage/worklist/", api(triage_api.WorklistApi.as_view()), name="worklist"),
    path("referrals/<id:pk>/options/", api(scheduling_api.OptionsApi.as_view()), name="options"),
    path("referrals/<id:pk>/bookings/", api(scheduling_api.BookingsApi.as_view()), name="bookings"),
    path("breaches/", api(monitoring_api.BreachListApi.as_view()), name="breaches"),
    path("dashboard/", api(monitoring_api.DashboardApi.as_view()), name="dashboard"),
    path("dashboard/performance/", api(monitoring_api.PerformanceApi.as_view()), name="performance"),
    path("service-users/<id:pk>/care-plan/", api(careplans_api.CarePlanApi.as_view()), name="care_plan"),
    path("notify/delivery-receipts/", messaging_views.delivery_receipt, name="notify_delivery_receipts"),
    path("service-users/<id:pk>/access-log/", api(cap_api.RecordAccessLogApi.as_view()), name="access_log"),
]

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("accounts.account_urls")),
    path("", include("cap.urls")),
    path("", include("cap.public_urls")),
    path("", include("triage.urls")),
    path("", include("triage.followup_urls")),
    path("", include("triage.queue_urls")),
    path("", include("triage.alert_urls")),
    path("", include("scheduling.urls")),
    path("", include("careplans.urls")),
    path("", include("directory.urls")),
    path("", include("hub.urls")),
    path("", include("access.urls")),
    path("", include("adjustments.urls")),
    path("", include("letters.urls")),
    path("", include("messaging.urls")),
    path("api/v1/", include((api_v1, "api"))),
    path("fhir/R4/", include("bars.urls")),
    path("fhir/R4/", include("fhir_api.urls")),
    path("api/schema/", api(SpectacularAPIView.as_view()), name="schema"),
    path("admin/", admin.site.urls),
]

handler400 = "core.views.bad_request"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"

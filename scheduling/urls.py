from django.urls import path

from . import views

app_name = "scheduling"
urlpatterns = [
    path("scheduling/booking-queue/", views.booking_queue, name="booking_queue"),
    path("scheduling/referrals/<id:pk>/book/", views.book, name="book"),
    path("scheduling/referrals/<id:pk>/unavailable-times/", views.unavailable_time_add,
         name="unavailable_time_add"),
    path("scheduling/unavailable-times/<id:pk>/", views.unavailable_time_change,
         name="unavailable_time_change"),
    path("scheduling/unavailable-times/<id:pk>/remove/", views.unavailable_time_remove,
         name="unavailable_time_remove"),
    path("scheduling/bookings/<id:pk>/", views.booking, name="booking"),
    path("scheduling/bookings/<id:pk>/rebook/", views.rebook, name="rebook"),
    path("scheduling/bookings/<id:pk>/letter/", views.letter, name="letter"),
    path("scheduling/bookings/<id:pk>/gp-letter/", views.gp_letter, name="gp_letter"),
    path("scheduling/clinical-reviews/<id:pk>/", views.clinical_review, name="clinical_review"),
    path("scheduling/under-cap/", views.under_cap, name="under_cap"),
    path("scheduling/slot-issues/", views.slot_issues, name="slot_issues"),
    path("scheduling/slot-issues/<id:pk>/", views.slot_issue, name="slot_issue"),
    path("diaries/", views.diaries, name="diaries"),
    path("diaries/mine/", views.my_diary, name="my_diary"),
    path("diaries/<id:pk>/", views.diary, name="diary"),
    path("diaries/<id:pk>/absences/new/", views.absence_add, name="absence_add"),
    path("diaries/absences/<id:pk>/", views.absence, name="absence"),
    path("diaries/<id:pk>/working-pattern/", views.working_pattern, name="working_pattern"),
    path("diaries/working-sessions/<id:pk>/remove/", views.working_session_remove,
         name="working_session_remove"),
    path("diaries/feed/<str:token>.ics", views.feed, name="feed"),
]

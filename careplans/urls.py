from django.urls import path

from . import views

app_name = "careplans"
urlpatterns = [
    path("care-plans/", views.index, name="index"),
    path("care-plans/step-ups/", views.step_ups, name="step_ups"),
    path("care-plans/support-slots/", views.support_slots, name="support_slots"),
    path("care-plans/people/<id:pk>/", views.person, name="person"),
    path("care-plans/people/<id:pk>/contribute/", views.contribute, name="contribute"),
    path("care-plans/people/<id:pk>/other-needs/", views.other_need_add, name="other_need_add"),
    path("care-plans/people/<id:pk>/versions/", views.versions, name="versions"),
    path("care-plans/people/<id:pk>/copy/<str:audience>/", views.copy, name="copy"),
    path("care-plans/people/<id:pk>/copy/<str:audience>/pdf/", views.copy_pdf, name="copy_pdf"),
    path("care-plans/people/<id:pk>/share/", views.share, name="share"),
    path("care-plans/people/<id:pk>/team/", views.team, name="team"),
    path("care-plans/team-around/<id:pk>/end/", views.team_around_end, name="team_around_end"),
    path("care-plans/people/<id:pk>/step-up/", views.step_up_start, name="step_up_start"),
    path("care-plans/step-ups/<id:pk>/end/", views.step_up_end, name="step_up_end"),
    path("care-plans/people/<id:pk>/expertise/", views.expertise_request_new, name="expertise_request_new"),
    path("care-plans/expertise-requests/<id:pk>/", views.expertise_request, name="expertise_request"),
    path("care-plans/expertise-requests/<id:pk>/<str:to_status>/", views.expertise_request_move,
         name="expertise_request_move"),
    path("care-plans/expertise-requests/<id:pk>/slots/<id:slot_pk>/", views.support_slot_take,
         name="support_slot_take"),
    path("care-plans/people/<id:pk>/transition/", views.transition_new, name="transition_new"),
    path("care-plans/caseload/", views.caseload, name="caseload"),
    path("care-plans/episodes/<id:pk>/", views.episode, name="episode"),
    path("care-plans/episodes/<id:pk>/care-coordinator/", views.episode_coordinator,
         name="episode_coordinator"),
    path("care-plans/episodes/<id:pk>/close/", views.episode_close, name="episode_close"),
    path("care-plans/transitions/<id:pk>/", views.transition, name="transition"),
    path("care-plans/transitions/<id:pk>/cancel/", views.transition_cancel, name="transition_cancel"),
    path("care-plans/transitions/<id:pk>/<str:step>/", views.transition_step, name="transition_step"),
]

from django.urls import path

from . import views

app_name = "families"
urlpatterns = [
    path("family/add-path/", views.add_path, name="add_path"),
    path("family/intake/", views.intake_start, name="intake_start"),
    path("family/intake/yours/", views.intake_summary, name="intake_summary"),
    path("family/intake/step/<slug:slug>/", views.intake_step, name="intake_step"),
    path("family/intakes/review/<int:pk>/", views.review_detail, name="review_detail"),
    path("family/intakes/review/<int:pk>/approve/", views.review_approve, name="review_approve"),
    path("family/intakes/review/<int:pk>/ask-for-more/", views.review_ask_for_more, name="review_ask_for_more"),
    path("family/intakes/review/<int:pk>/decline/", views.review_decline, name="review_decline"),
    path("family/intakes/coach/", views.coach_families, name="coach_families"),
    path("family/intakes/<int:pk>/", views.intake_detail, name="intake_detail"),
    path("family/invitations/", views.invitation_list, name="invitations"),
    path("family/invitations/<int:pk>/withdraw/", views.invitation_withdraw, name="invitation_withdraw"),
    path("family/links/", views.links, name="links"),
    path("family/links/offers/<int:pk>/", views.offer_answer, name="offer_answer"),
    path("family/links/<int:pk>/agree/", views.link_agree, name="link_agree"),
    path("family/links/<int:pk>/end/", views.link_end, name="link_end"),
    path("family/progress/", views.progress_overview, name="progress"),
    path("family/progress/check-in/", views.progress_check_in, name="progress_check_in"),
    path("family/progress/goals/", views.progress_goals, name="progress_goals"),
    path("family/progress/goals/<int:pk>/put-aside/", views.progress_stop_goal, name="progress_stop_goal"),
    path("welcome/<int:pk>/<str:token>/", views.welcome, name="welcome"),
    path("welcome/accept/", views.welcome_accept, name="welcome_accept"),
]

from django.urls import path

from . import progress_views, views

app_name = "clients"
urlpatterns = [
    path("intake/", views.intake_start, name="intake_start"),
    path("intake/yours/", views.intake_summary, name="intake_summary"),
    path("intake/step/<slug:slug>/", views.intake_step, name="intake_step"),
    path("intake/consents/<int:pk>/revoke/", views.consent_revoke, name="consent_revoke"),
    path("intake/consents/share/", views.share_consent_sign, name="share_consent_sign"),
    path("intakes/review/", views.review_queue, name="review_queue"),
    path("intakes/review/<int:pk>/", views.review_detail, name="review_detail"),
    path("intakes/review/<int:pk>/approve/", views.review_approve, name="review_approve"),
    path("intakes/review/<int:pk>/ask-for-more/", views.review_ask_for_more, name="review_ask_for_more"),
    path("intakes/review/<int:pk>/decline/", views.review_decline, name="review_decline"),
    path("intakes/review/<int:pk>/follow-up/", views.review_follow_up, name="review_follow_up"),
    path("intakes/coach/", views.coach_clients, name="coach_clients"),
    path("intakes/<int:pk>/", views.intake_detail, name="intake_detail"),
]

# Progress log
urlpatterns += [
    path("progress/", progress_views.overview, name="progress"),
    path("progress/check-in/", progress_views.check_in, name="progress_check_in"),
    path("progress/goals/", progress_views.goals, name="progress_goals"),
    path("progress/goals/<int:pk>/put-aside/", progress_views.stop_goal, name="progress_stop_goal"),
    path("progress/settings/", progress_views.settings, name="progress_settings"),
    path("progress/shared/<int:client_id>/", progress_views.shared, name="progress_shared"),
]

# Client data: download and deletion
from . import data_views  # noqa: E402

urlpatterns += [
    path("my-data/", data_views.my_data, name="my_data"),
    path("my-data/download.json", data_views.my_data_json, name="my_data_json"),
    path("my-data/<slug:section>/", data_views.my_data_section, name="my_data_section"),
    path("delete-my-account/", data_views.delete_my_account, name="delete_account"),
]

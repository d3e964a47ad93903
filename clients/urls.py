from django.urls import path

from . import progress_views

app_name = "clients"
urlpatterns = []

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
    path("delete-my-account/", data_views.delete_my_account, name="delete_account"),
]

# Shared session summaries (the notes live in coaching)
from coaching import note_views  # noqa: E402

urlpatterns += [
    path("summaries/", note_views.shared_summaries, name="summaries"),
    path("summaries/<int:pk>/", note_views.shared_summary, name="summary"),
]

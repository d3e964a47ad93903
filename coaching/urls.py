from django.urls import path  # noqa: F401

app_name = "coaching"
urlpatterns = []

# Sessions, notes and the client record (h7)
from . import note_views  # noqa: E402

urlpatterns += [
    path("sessions/", note_views.calendar, name="calendar"),
    path("sessions/<int:pk>/note/", note_views.session_note, name="session_note"),
    path("sessions/<int:pk>/completed/", note_views.mark_completed, name="mark_completed"),
    path("sessions/<int:pk>/missed/", note_views.mark_missed, name="mark_missed"),
    path("clients/<int:client_id>/", note_views.client_record, name="client_record"),
    path("notes/", note_views.admin_notes, name="admin_notes"),
    path("notes/<int:pk>/", note_views.admin_note, name="admin_note"),
]

from django.urls import path

from . import views

app_name = "coaching"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("<int:pk>/", views.coach_page, name="coach"),
    path("time-zone/", views.choose_zone, name="zone"),
    path("calendar/", views.calendar, name="calendar"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("settings/", views.profile_settings, name="settings"),
    path("settings/booking-rules/", views.booking_rules, name="booking_rules"),
    path("settings/feed/", views.reset_feed, name="reset_feed"),
    path("settings/feed/details/", views.feed_settings, name="feed_settings"),
    path("settings/session-types/", views.session_types, name="session_types"),
    path("settings/session-types/<int:pk>/", views.session_type_edit, name="session_type_edit"),
    path("settings/session-types/<int:pk>/remove/", views.session_type_remove, name="session_type_remove"),
    path("settings/hours/", views.hours, name="hours"),
    path("settings/hours/<int:pk>/", views.hours_edit, name="hours_edit"),
    path("settings/hours/<int:pk>/remove/", views.hours_remove, name="hours_remove"),
    path("settings/time-off/", views.time_off, name="time_off"),
    path("settings/time-off/<int:pk>/remove/", views.time_off_remove, name="time_off_remove"),
]

# Sessions, notes and the client record: the notes live in bookings (a note is about a booking).
from bookings.web import note_views  # noqa: E402

urlpatterns += [
    path("sessions/", note_views.sessions, name="sessions"),
    path("sessions/<int:pk>/note/", note_views.session_note, name="session_note"),
    path("sessions/<int:pk>/completed/", note_views.mark_completed, name="mark_completed"),
    path("sessions/<int:pk>/missed/", note_views.mark_missed, name="mark_missed"),
    path("clients/<int:client_id>/", note_views.client_record, name="client_record"),
    path("notes/", note_views.admin_notes, name="admin_notes"),
    path("notes/<int:pk>/", note_views.admin_note, name="admin_note"),
    # A client's shared summaries: the notes live here in coaching, so their pages do too.
    path("summaries/", note_views.shared_summaries, name="summaries"),
    path("summaries/<int:pk>/", note_views.shared_summary, name="summary"),
]

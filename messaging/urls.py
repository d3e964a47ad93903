from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("settings/", views.messaging_settings, name="settings"),
    path("with/<int:other_id>/", views.conversation, name="conversation"),
    path("with/<int:other_id>/new/", views.new_messages, name="new_messages"),
    path("with/<int:other_id>/<int:message_id>/edit/", views.edit_message, name="edit"),
    path("with/<int:other_id>/<int:message_id>/delete/", views.delete_message, name="delete"),
    path("all/", views.overview, name="overview"),
    path("all/<int:pk>/", views.record, name="record"),
]

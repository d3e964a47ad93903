from django.urls import path

from . import views, zone_picker

app_name = "accounts"
urlpatterns = [
    path("account/", views.account, name="account"),
    path("accounts/send-the-link-again/", views.resend_verification, name="resend_verification"),
    path("team/", views.team_page, name="team"),
    path("team/people/<int:pk>/role/", views.team_role, name="team_role"),
    path("team/people/<int:pk>/access/", views.team_access, name="team_access"),
    path("team/invitations/<int:pk>/withdraw/", views.team_withdraw, name="team_withdraw"),
    path("team/join/<int:pk>/<str:token>/", views.join, name="join"),
    path("audit/", views.audit_trail, name="audit"),
    path("zones/names/", zone_picker.names, name="zone_names"),
]

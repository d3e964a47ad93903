from django.urls import path

from . import views

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
    path("intakes/coach/", views.coach_clients, name="coach_clients"),
    path("intakes/<int:pk>/", views.intake_detail, name="intake_detail"),
]

from django.urls import path

from . import views

app_name = "families"
urlpatterns = [
    path("family/add-path/", views.add_path, name="add_path"),
    path("family/intake/", views.intake_start, name="intake_start"),
    path("family/intake/yours/", views.intake_summary, name="intake_summary"),
    path("family/intake/step/<slug:slug>/", views.intake_step, name="intake_step"),
]

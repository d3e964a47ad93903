from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("help-now/", views.crisis, name="crisis"),
    path("healthz", views.healthz, name="healthz"),
    path("me/", views.dashboard, name="dashboard"),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("client/", include("clients.urls")),
    path("coaches/", include("coaching.urls")),
    path("bookings/", include("bookings.urls")),
    path("admin/", admin.site.urls),
]

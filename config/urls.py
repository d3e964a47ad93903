from django.contrib import admin
from django.urls import include, path

from . import deliveries, views

urlpatterns = [
    path("", views.home, name="home"),
    path("help-now/", views.crisis, name="crisis"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("me/", views.dashboard, name="dashboard"),
    path("deliveries/", deliveries.failed, name="deliveries"),
    path("deliveries/<int:pk>/again/", deliveries.try_again, name="deliveries_try_again"),
    path("accounts/still-here/", views.still_here, name="still_here"),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("client/", include("clients.urls")),
    path("", include("families.urls")),
    path("coaches/", include("coaching.urls")),
    path("bookings/", include("bookings.web.urls")),
    path("messages/", include("messaging.urls")),
    path("admin/", admin.site.urls),
]

# 403 and 404 are Django's own views drawing templates/403.html and 404.html in the site's
# layout; the 500 page is drawn without the database or context processors.
handler500 = "config.views.server_error"

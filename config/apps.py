from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class WaypointAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "accounts.admin_site.WaypointAdminSite"


class WaypointConfig(AppConfig):
    """The project itself: the top floor, which may use every app (the demo seed)."""

    default = True
    name = "config"
    label = "waypoint"

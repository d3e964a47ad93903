from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class WaypointAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "accounts.admin_site.WaypointAdminSite"

    def ready(self):
        super().ready()
        # This app config is the one of ours that always loads first; the project's
        # configuration checks register here.
        from . import checks  # noqa: F401


class WaypointConfig(AppConfig):
    """The project itself: the top floor, which may use every app (the demo seed)."""

    default = True
    name = "config"
    label = "waypoint"

from django.contrib.admin.apps import AdminConfig


class WaypointAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.WaypointAdminSite"

    def ready(self):
        super().ready()
        # This app config is the one of ours that always loads first; the project's
        # configuration checks register here.
        from . import checks  # noqa: F401

from allauth.account.decorators import secure_admin_login
from django.contrib import admin

from .access import role_required
from .models import Role


class WaypointAdminSite(admin.AdminSite):
    site_header = "Waypoint administration"
    site_title = "Waypoint admin"

    def has_permission(self, request):
        return request.user.is_active and request.user.is_authenticated and request.user.role == Role.ADMIN

    def admin_view(self, view, cacheable=False):
        # The same guard as every admin page of ours: MFA first, then Django's own checks.
        return super().admin_view(role_required(Role.ADMIN)(view), cacheable)

    def login(self, request, extra_context=None):
        # Log-in goes through allauth, so MFA and its rate limits apply to /admin/ too.
        return secure_admin_login(super().login)(request, extra_context)

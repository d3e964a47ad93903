from django.conf import settings

from .models import Role
from .shared_screen import idle_seconds


def navigation(request):
    """The header's menu, by role; Quick exit for everyone but staff, and the client's idle limit."""
    user = getattr(request, "user", None)
    safety = {
        "quick_exit_url": settings.QUICK_EXIT_URL,
        "shows_quick_exit": user is None or not user.is_authenticated or user.role == Role.CLIENT,
        "idle_seconds": idle_seconds(user),
    }
    if user is None or not user.is_authenticated:
        return {"nav_role": None, **safety}
    return {"nav_role": user.role, "Role": Role, **safety}

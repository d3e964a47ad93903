from .models import Role


def navigation(request):
    """The header's menu, by role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_role": None}
    return {"nav_role": user.role, "Role": Role}

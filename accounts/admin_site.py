from allauth.account.decorators import secure_admin_login
from django.contrib import admin

from . import audit
from .access import role_required
from .models import Role, User


def _changed_fields(form):
    # Names only: the audit trail never copies health information or secrets.
    return sorted(name for name in getattr(form, "changed_data", []) if name != "password")


class AuditedAdminMixin:
    """Every add, edit and delete made in Django's admin is written to the audit trail."""

    def save_model(self, request, obj, form, change):
        before = None
        if change and isinstance(obj, User) and "role" in getattr(form, "changed_data", []):
            before = User.objects.filter(pk=obj.pk).values_list("role", flat=True).first()
        super().save_model(request, obj, form, change)
        audit.record("admin.changed" if change else "admin.added", obj=obj, request=request, fields=_changed_fields(form))
        if before is not None and before != obj.role:
            audit.record("account.role_changed", obj=obj, request=request, old_role=before, new_role=obj.role, via="django_admin")

    def delete_model(self, request, obj):
        label, pk = obj._meta.label_lower, obj.pk
        super().delete_model(request, obj)
        audit.record("admin.deleted", request=request, model=label, deleted_id=str(pk))

    def delete_queryset(self, request, queryset):
        label, ids = queryset.model._meta.label_lower, [str(pk) for pk in queryset.values_list("pk", flat=True)]
        super().delete_queryset(request, queryset)
        audit.record("admin.deleted", request=request, model=label, deleted_ids=ids)

    def save_formset(self, request, form, formset, change):
        # Deleting clears an object's pk: note which ones go before they do.
        going = [(f.instance._meta.label_lower, str(f.instance.pk)) for f in formset.deleted_forms if f.instance.pk is not None]
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            audit.record("admin.added", obj=obj, request=request, inline=True)
        for obj, fields in formset.changed_objects:
            audit.record("admin.changed", obj=obj, request=request, fields=sorted(f for f in fields if f != "password"), inline=True)
        for label, pk in going:
            audit.record("admin.deleted", request=request, model=label, deleted_id=pk, inline=True)


class WaypointAdminSite(admin.AdminSite):
    site_header = "Waypoint administration"
    site_title = "Waypoint admin"

    def register(self, model_or_iterable, admin_class=None, **options):
        # Every model admin, ours and allauth's, gets the audit mixin, so no edit escapes it.
        base = admin_class or admin.ModelAdmin
        audited = type(base.__name__, (AuditedAdminMixin, base), {"__module__": base.__module__})
        return super().register(model_or_iterable, audited, **options)

    def has_permission(self, request):
        return request.user.is_active and request.user.is_authenticated and request.user.role == Role.ADMIN

    def admin_view(self, view, cacheable=False):
        # The same guard as every admin page of ours: MFA first, then Django's own checks.
        return super().admin_view(role_required(Role.ADMIN)(view), cacheable)

    def login(self, request, extra_context=None):
        # Log-in goes through allauth, so MFA and its rate limits apply to /admin/ too.
        return secure_admin_login(super().login)(request, extra_context)

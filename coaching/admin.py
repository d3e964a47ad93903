from django.contrib import admin

from .models import CoachProfile, SessionType, TimeOff, WeeklyHours


class AdminRoleMixin:
    """Waypoint's admins manage coaches by their role, not by Django's per-model grants."""

    def has_view_permission(self, request, obj=None):
        return request.user.is_authenticated and request.user.is_admin

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission

    def has_module_permission(self, request):
        return self.has_view_permission(request)


class SessionTypeInline(AdminRoleMixin, admin.TabularInline):
    model = SessionType
    extra = 0
    fields = ["name", "duration_minutes", "price_cents", "currency", "cancellation_notice_hours", "max_reschedules", "is_active"]


class WeeklyHoursInline(AdminRoleMixin, admin.TabularInline):
    model = WeeklyHours
    extra = 0


class TimeOffInline(AdminRoleMixin, admin.TabularInline):
    model = TimeOff
    extra = 0
    fields = ["starts_at", "ends_at", "whole_days"]  # the coach's own note stays theirs


@admin.register(CoachProfile)
class CoachProfileAdmin(AdminRoleMixin, admin.ModelAdmin):
    list_display = ["display_name", "user", "time_zone", "is_listed", "daily_cap"]
    list_filter = ["is_listed", "time_zone"]
    search_fields = ["display_name", "user__email"]
    # The feed token is a secret address; admins never need to read it, and its age is
    # set when the coach makes a new one.
    exclude = ["feed_token", "feed_token_created_at"]
    inlines = [SessionTypeInline, WeeklyHoursInline, TimeOffInline]

    def get_readonly_fields(self, request, obj=None):
        # Chosen once: the profile's bookings and signed notes belong to that account.
        return ["user"] if obj is not None else []

from django.contrib import admin

from .models import CoachAssignment, Consent, Intake, IntakeReview


@admin.register(Intake)
class IntakeAdmin(admin.ModelAdmin):
    # Answers are read through the review pages, where every read is audited.
    list_display = ["client", "status", "is_urgent", "submitted_at", "reviewed_at"]
    list_filter = ["status", "is_urgent"]
    search_fields = ["client__email"]
    fields = ["client", "status", "is_urgent", "submitted_at", "reviewed_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


@admin.register(IntakeReview)
class IntakeReviewAdmin(admin.ModelAdmin):
    list_display = ["intake", "action", "reviewer", "created_at"]
    list_filter = ["action"]
    readonly_fields = ["intake", "action", "message", "reviewer", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(CoachAssignment)
class CoachAssignmentAdmin(admin.ModelAdmin):
    list_display = ["client", "coach", "assigned_by", "assigned_at"]
    raw_id_fields = ["client", "coach", "assigned_by"]


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["client", "kind", "version", "signed_name", "signed_at", "ip", "expires_at", "revoked_at"]
    list_filter = ["kind", "version"]
    readonly_fields = ["client", "kind", "version", "text", "signed_name", "signed_at", "ip", "expires_at", "revoked_at", "revoked_ip"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

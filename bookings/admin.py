"""Bookings in Django's database admin, read-only: statuses change only through
`transitions.py` and money only through `payments/` (see the admins' own pages at
/bookings/manage/ for refunds)."""

from django.contrib import admin

from .models import Booking, Payment, Refund, StripeEvent


class ReadOnly(admin.ModelAdmin):
    # The admin site itself lets in admins only (with MFA); they may look, not edit.
    def has_module_permission(self, request):
        return True

    def has_view_permission(self, request, obj=None):
        return True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Booking)
class BookingAdmin(ReadOnly):
    list_display = ["pk", "starts_at", "coach", "client", "status", "price_cents", "currency"]
    list_filter = ["status"]
    search_fields = ["client__email", "coach__display_name"]
    date_hierarchy = "starts_at"


@admin.register(Payment)
class PaymentAdmin(ReadOnly):
    list_display = ["pk", "booking", "status", "amount_cents", "captured_cents", "refunded_cents", "is_demo", "created_at"]
    list_filter = ["status", "is_demo"]
    search_fields = ["stripe_payment_intent_id", "booking__client__email"]


@admin.register(Refund)
class RefundAdmin(ReadOnly):
    list_display = ["pk", "payment", "amount_cents", "status", "created_by", "created_at"]


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnly):
    list_display = ["event_id", "type", "received_at", "processed_at"]
    search_fields = ["event_id"]

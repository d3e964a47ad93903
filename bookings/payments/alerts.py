"""What admins are told about a payment that needs a person: one that did not match its
booking, and one the card holder's bank disputes. Owed in the change's transaction and
sent by the outbox; the subject says only that a payment needs a look."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import Role, User
from core import outbox
from core.wording import money

from ..models import Payment

PAYMENT_PROBLEM = "payment.problem_alert"
MISMATCH = "mismatch"
DISPUTE = "dispute"
SUBJECT = "Waypoint: a payment needs a look"


def owe(payment, problem):
    """Tell the admins about `problem` of `payment`, once; call it in the change's transaction."""
    if problem not in (MISMATCH, DISPUTE):
        raise ValueError(f"unknown payment problem {problem!r}")
    return outbox.owe(
        PAYMENT_PROBLEM,
        key=f"{PAYMENT_PROBLEM}:{payment.pk}:{problem}",
        about=f"booking:{payment.booking_id}",
        payment_id=payment.pk,
        problem=problem,
    )


@outbox.email(PAYMENT_PROBLEM, label="Payment problem for admins")
def problem_alert_for(work):
    payment = Payment.objects.select_related("booking").filter(pk=work.payload["payment_id"]).first()
    if payment is None:
        raise outbox.Skip("the payment is gone")
    admins = list(User.objects.filter(role=Role.ADMIN, is_active=True).order_by("email").values_list("email", flat=True))
    if not admins:
        raise outbox.Skip("there is no active admin to tell")
    context = {
        "problem": work.payload["problem"],
        "payment": payment,
        "taken": money(payment.captured_cents, payment.currency),
        "owed": money(payment.booking.price_cents, payment.booking.currency),
        "mismatch": payment.mismatch,
        "payment_url": settings.SITE_URL + reverse("bookings:manage_payment", args=[payment.pk]),
    }
    return EmailMessage(
        subject=SUBJECT,
        body=render_to_string("bookings/email/payment_problem.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=admins,
    )

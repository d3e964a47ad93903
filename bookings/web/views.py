"""Pages of the booking flow, the client's and coach's booking pages, the admins'
bookings and payments, and Stripe's webhook. Thin: each calls one rule."""

from datetime import datetime, timedelta
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

import stripe
from csp.decorators import csp_replace, csp_update
from django.conf import settings
from django.contrib import messages
from django.db.models import CharField, DateTimeField, IntegerField, Q, Subquery
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.access import VisibleOne, admin_required, client_required, login_required
from accounts.models import Role, User
from coaching.forms import zone_context
from coaching.models import CoachProfile, SessionType
from coaching.slot_days import group_by_day, start_param, viewer_week

from .. import availability, cancellation, eligibility, payments, policy, session_lists, transitions, waitlist
from ..errors import BookingRefused, LimitReached, SlotTaken
from . import picked
from .forms import CancelAllForm, CoachCancelForm, RefundForm
from .limits import limited
from ..models import LIVE_STATUSES, Booking, Payment, PaymentStatus, RefundStatus, Status
from core.prepared import Arg, PreparedQuery
from core.wording import money

UTC = ZoneInfo("UTC")


def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


STRIPE_JS_ORIGIN = _origin(settings.STRIPE_JS_URL)
STRIPE_API_ORIGIN = _origin(settings.STRIPE_API_BASE or "https://api.stripe.com")
# Stripe.js loads from its origin, talks to the API, and (real Stripe) draws the card
# form and 3-D Secure in frames. Allowed on the payment page only.
PAYMENT_CSP = {
    "script-src": [STRIPE_JS_ORIGIN],
    "connect-src": sorted({STRIPE_JS_ORIGIN, STRIPE_API_ORIGIN}),
}
# frame-src is 'none' elsewhere, and 'none' cannot be extended, only replaced.
PAYMENT_FRAMES = {"frame-src": sorted({STRIPE_JS_ORIGIN, "https://hooks.stripe.com"})}


def _slot_start(slot):
    return getattr(slot, "start", None) or getattr(slot, "starts_at", None) or slot


def fresh_slots(coach, session_type, *, around=None, count=8, days=14, for_client=None):
    """The next open times, for the page that says a time was just taken."""
    now = timezone.now()
    start = max(now, (around or now) - timedelta(days=1))
    slots = availability.open_slots(coach, session_type, start, start + timedelta(days=days), now=now, for_client=for_client)
    return [_slot_start(slot) for slot in slots][:count]


def new_booking_url(coach, session_type, start):
    query = urlencode({"coach": coach.pk, "type": session_type.pk, "start": start.astimezone(UTC).isoformat()})
    return f"{reverse('bookings:new')}?{query}"


# No slot is ever further than this from now (a coach's horizon is at most a year), and a
# time at the calendar's edges (year 1 or 9999) cannot be moved by an hour without overflowing.
FARTHEST_START = timedelta(days=5 * 366)


def _parse_start(value):
    """The picked start as a UTC instant, or None when it is not a time we could offer."""
    try:
        start = datetime.fromisoformat((value or "").replace("Z", "+00:00"))
        if start.tzinfo is None:
            return None
        start = start.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    if abs(start - timezone.now()) > FARTHEST_START:
        return None
    return start


def _id(value):
    """A primary key from the query string; anything else finds nothing (a 404)."""
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 19 else 0


# An active session type of a listed coach, with its coach: what the booking page asks on
# every visit, compiled once (core.prepared).
_OFFERED_TYPE = PreparedQuery(
    lambda: SessionType.objects.filter(
        pk=Arg("type", IntegerField()), is_active=True, coach__in=CoachProfile.objects.listed().filter(pk=Arg("coach", IntegerField()))
    ).select_related("coach")
)
# A client's own live booking of that time (a second click on Hold, Back after paying).
_LIVE_OF_MINE = PreparedQuery(
    lambda: Booking.objects.filter(
        client_id=Arg("client", IntegerField()), session_type_id=Arg("type", IntegerField()), starts_at=Arg("start", DateTimeField())
    )
    .live_now(Arg("now", DateTimeField()))
    .order_by("pk")[:1]
)


@picked.kept_for_visitors(_parse_start, _id)
@client_required
@limited("book")
def new(request):
    """Review a picked time (GET), then hold it (POST)."""
    source = request.POST if request.method == "POST" else request.GET
    found = _OFFERED_TYPE.objects(coach=_id(source.get("coach")), type=_id(source.get("type")))
    if not found:
        raise Http404("No such coach or session.")
    session_type = found[0]
    coach = session_type.coach
    start = _parse_start(source.get("start"))
    problem = None
    if not eligibility.may_book(request.user, session_type):
        # Paid sessions wait for an approved intake; the page says why and where to go. A
        # link we offered answers with that explanation; only an attempt to hold is refused.
        if start is not None and request.method == "GET":
            # Kept through the intake, and offered again when it is sent.
            picked.remember(request, coach.pk, session_type.pk, start)
        context = {"coach": coach, "session_type": session_type, "start": start,
                   "waits_for_review": eligibility.waits_for_review(request.user, session_type)}
        return render(request, "bookings/needs_intake.html", context, status=403 if request.method == "POST" else 200)
    if start is not None:
        # A second click on "Hold" finds the hold the first click made, and Back after
        # paying finds the booking: never a page offering to hold the time again.
        own = next(iter(_LIVE_OF_MINE.objects(client=request.user.pk, type=session_type.pk, start=start, now=timezone.now())), None)
        if own is not None:
            return redirect("bookings:detail" if own.status == Status.CONFIRMED else "bookings:pay", pk=own.pk)
    if request.method == "POST" and start is not None:
        try:
            booking = transitions.place_hold(request.user, session_type, start, request=request)
        except LimitReached as exc:
            context = {"message": str(exc), "rule": exc.rule, "in_the_way": exc.booking}
            return render(request, "bookings/limit_reached.html", context, status=409)
        except BookingRefused as exc:
            problem = str(exc)
        else:
            picked.forget(request)
            if booking.status == Status.CONFIRMED:
                messages.success(request, "Your session is booked. We have sent you the details.")
                return redirect("bookings:detail", pk=booking.pk)
            return redirect("bookings:pay", pk=booking.pk)
    elif start is None or not availability.is_open_slot(coach, session_type, start, for_client=request.user):
        problem = SlotTaken("That time is no longer open. Here are the times that are still open.").args[0]
    context = {
        "coach": coach,
        "session_type": session_type,
        "start": start,
        "end": start + timedelta(minutes=session_type.duration_minutes) if start else None,
        "policy": policy.session_type_policy(session_type),
        **(
            policy.promise_before_paying(
                starts_at=start, notice_hours=session_type.cancellation_notice_hours, is_free=session_type.is_free
            )
            if start and not problem
            else {}
        ),
        "problem": problem,
        "fresh": [
            (slot, new_booking_url(coach, session_type, slot))
            for slot in fresh_slots(coach, session_type, around=start, for_client=request.user)
        ]
        if problem
        else [],
    }
    return render(request, "bookings/new.html", context, status=409 if problem and request.method == "POST" else 200)


# A client's own booking with its coach and type, as the pay, move and receipt pages ask on
# every visit: compiled once (core.prepared).
_OWN_BOOKING = PreparedQuery(
    lambda: Booking.objects.filter(client_id=Arg("client", IntegerField()), pk=Arg("pk", IntegerField())).select_related("coach", "session_type")
)


# A booking's page and its cancel page: Booking.visible_to's scope, compiled once per role.
_SHOWN_BOOKING = VisibleOne(lambda: Booking.objects.select_related("coach", "client", "session_type"))


def _own_booking(request, pk):
    """The signed-in client's booking `pk`, or 404 (another person's, or none)."""
    found = _OWN_BOOKING.objects(client=request.user.pk, pk=pk)
    if not found:
        raise Http404("No such session.")
    return found[0]


@client_required
@csp_update(PAYMENT_CSP)
@csp_replace(PAYMENT_FRAMES)
def pay(request, pk):
    """The pay page. Loading it creates nothing in Stripe: that waits for the Pay button
    (`pay_start`), so a page left open or reloaded costs no Stripe objects."""
    booking = _own_booking(request, pk)
    if booking.status == Status.CONFIRMED:
        return redirect("bookings:detail", pk=booking.pk)
    if not payments.hold_open(booking):
        return render(request, "bookings/hold_ended.html", {"booking": booking, "message": payments.HOLD_ENDED}, status=410)
    return render(
        request,
        "bookings/pay.html",
        {
            "booking": booking,
            "stripe_js_url": settings.STRIPE_JS_URL,
            "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
            "policy": policy.booking_policy(booking),
            **policy.promise_before_paying(
                starts_at=booking.starts_at, notice_hours=booking.cancellation_notice_hours, is_free=booking.is_free
            ),
            "last_failure": payments.last_failure(booking),
        },
    )


@client_required
@require_POST
@limited("pay")
def pay_start(request, pk):
    """The Pay button: the attempt and its SetupIntent, whose secret saves the card."""
    booking = _own_booking(request, pk)
    if booking.status == Status.CONFIRMED:
        return JsonResponse({"next": "done", "url": reverse("bookings:detail", args=[booking.pk])})
    try:
        payment, client_secret = payments.start_payment(booking)
    except BookingRefused as exc:
        return JsonResponse({"next": "error", "message": str(exc)}, status=410)
    except stripe.StripeError:
        message = "We could not reach the payment service, so nothing was charged. Please try again in a moment."
        return JsonResponse({"next": "error", "message": message}, status=503)
    return JsonResponse(
        {
            "next": "card",
            "client_secret": client_secret,
            "charge_url": reverse("bookings:pay_charge", args=[booking.pk, payment.pk]),
        }
    )


@client_required
@require_POST
def release(request, pk):
    """"Choose another time" on the pay page: the hold ends now and its time is free again."""
    booking = _own_booking(request, pk)
    try:
        transitions.release(booking, actor=request.user, request=request)
    except BookingRefused as exc:
        messages.error(request, str(exc))
        return redirect("bookings:pay", pk=booking.pk)
    messages.success(request, "We have let that time go. Pick another one whenever you are ready.")
    return redirect(f"{reverse('coaching:coach', args=[booking.coach_id])}?type={booking.session_type_id}")


def _payment_answer(request, booking, payment):
    """What the pay page's script does next, as JSON."""
    booking.refresh_from_db()
    if booking.status == Status.CONFIRMED:
        messages.success(request, "Thank you, your session is booked. We have sent you the details and a receipt.")
        return JsonResponse({"next": "done", "url": reverse("bookings:detail", args=[booking.pk])})
    if payment.status == PaymentStatus.REQUIRES_ACTION:
        intent = payments.api().PaymentIntent.retrieve(payment.stripe_payment_intent_id)
        return JsonResponse(
            {"next": "authenticate", "client_secret": intent.client_secret, "finish_url": reverse("bookings:pay_finish", args=[booking.pk, payment.pk])}
        )
    if payment.status in (PaymentStatus.FAILED, PaymentStatus.CANCELED):
        # The pay page says why, from this attempt, in the box the next attempt clears.
        return JsonResponse({"next": "retry", "url": reverse("bookings:pay", args=[booking.pk])})
    if payment.status == PaymentStatus.SUCCEEDED and payment.mismatch:
        messages.error(
            request,
            "Your payment did not match this session, so we have not confirmed it yet. "
            "Our team has been told and will sort it out with you; please do not pay again.",
        )
        return JsonResponse({"next": "done", "url": reverse("bookings:detail", args=[booking.pk])})
    if payment.status == PaymentStatus.SUCCEEDED:
        # Paid, but the booking could not be kept (the time was taken): it was refunded.
        messages.error(request, "Your payment arrived after the time was taken. We have refunded it in full.")
        return JsonResponse({"next": "done", "url": reverse("bookings:detail", args=[booking.pk])})
    return JsonResponse({"next": "wait", "url": reverse("bookings:detail", args=[booking.pk])})


@client_required
@require_POST
@limited("pay")
def pay_charge(request, pk, payment_pk):
    booking = _own_booking(request, pk)
    payment = get_object_or_404(booking.payments, pk=payment_pk)
    try:
        payment = payments.charge(payment)
    except BookingRefused as exc:
        return JsonResponse({"next": "error", "message": str(exc)}, status=409)
    return _payment_answer(request, booking, payment)


@client_required
@require_POST
@limited("pay")
def pay_finish(request, pk, payment_pk):
    booking = _own_booking(request, pk)
    payment = get_object_or_404(booking.payments, pk=payment_pk)
    payment = payments.finish(payment)
    if payment.status == PaymentStatus.REQUIRES_ACTION:
        # The check did not complete (the fake answers no error when it fails): treat it as a decline.
        payments.cancel_unauthenticated(payment)
        payment.refresh_from_db()
    return _payment_answer(request, booking, payment)


def _payments_shown(attempts, user):
    """Admins see every attempt. A client sees what took money; attempts that did not
    (declined, abandoned in the bank's check, replaced) are one line saying so, never a
    list of amounts that look like charges."""
    if user.role == Role.ADMIN:
        return {"payments": attempts, "not_charged": 0}
    if user.role != Role.CLIENT:
        return {"payments": [], "not_charged": 0}
    charged = [payment for payment in attempts if payment.status in (PaymentStatus.SUCCEEDED, PaymentStatus.PROCESSING)]
    return {"payments": charged, "not_charged": len(attempts) - len(charged)}


@login_required
def detail(request, pk):
    booking = _SHOWN_BOOKING.get_or_404(request.user, pk)
    now = timezone.now()
    attempts = list(booking.payments.all())  # one query for every use of them below
    paid = policy.paid_payment(booking, attempts)
    context = {
        "booking": booking,
        "policy": policy.booking_policy(booking),
        "is_client": request.user.pk == booking.client_id,
        "is_coach": request.user.role == Role.COACH,
        "may_cancel": policy.may_cancel(booking, now),
        "may_reschedule": request.user.pk == booking.client_id and policy.may_reschedule(booking, now),
        "refund_on_cancel": policy.client_refund_cents(booking, now, attempts),
        "deadline": policy.change_deadline(booking),
        "paid": paid,
        **_payments_shown(attempts, request.user),
        "payment_under_review": any(payment.mismatch for payment in attempts),
        # What happens if plans change matters only while the session can still change.
        "plans_may_change": booking.status in LIVE_STATUSES and booking.ends_at > now,
    }
    return render(request, "bookings/detail.html", context)


@login_required
@limited("cancel")
def cancel(request, pk):
    booking = _SHOWN_BOOKING.get_or_404(request.user, pk)
    is_client = request.user.pk == booking.client_id
    is_coach = request.user.role == Role.COACH and booking.coach.user_id == request.user.pk
    if not (is_client or is_coach):
        return redirect("bookings:detail", pk=booking.pk)
    form = CoachCancelForm(request.POST or None) if is_coach else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            if is_client:
                refund = cancellation.cancel_by_client(booking, actor=request.user, request=request)
            else:
                refund = cancellation.cancel_by_coach(booking, actor=request.user, reason=form.cleaned_data["reason"], request=request)
        except BookingRefused as exc:
            messages.error(request, str(exc))
        else:
            text = "The session is cancelled."
            if refund is not None:
                text += f" A refund of {money(refund.amount_cents, booking.currency)} is on its way."
            messages.success(request, text)
        return redirect("bookings:detail", pk=booking.pk)
    attempts = list(booking.payments.all())
    return render(
        request,
        "bookings/cancel.html",
        {
            "booking": booking,
            "form": form,
            "is_client": is_client,
            "refund_on_cancel": policy.client_refund_cents(booking, payments=attempts) if is_client else None,
            "paid": policy.paid_payment(booking, attempts),
        },
    )


@client_required
@limited("move")
def reschedule(request, pk):
    """Move a confirmed session: every open time, a week at a time and grouped by day in the
    client's zone, with the same picker as booking; a time picked is confirmed, then moved."""
    booking = _own_booking(request, pk)
    if not policy.may_reschedule(booking):
        messages.error(request, "This session can no longer be moved. You can still cancel it under the policy.")
        return redirect("bookings:detail", pk=booking.pk)
    here = reverse("bookings:reschedule", args=[booking.pk])
    if request.method == "POST":
        start = _parse_start(request.POST.get("start"))
        if start is None or start == booking.starts_at:
            messages.error(request, "Please pick one of the open times below.")
            return redirect(here)
        try:
            cancellation.reschedule_by_client(booking, start, actor=request.user, request=request)
        except BookingRefused as exc:
            messages.error(request, str(exc))
            return redirect(here)
        messages.success(request, "Your session has moved. We have sent you the new details.")
        return redirect("bookings:detail", pk=booking.pk)
    picked = _parse_start(request.GET.get("start"))
    if picked is not None and picked in open_times_for_move(booking, picked, picked + timedelta(minutes=1)):
        return render(request, "bookings/reschedule_confirm.html", {"booking": booking, "start": picked})
    if request.GET.get("start"):
        messages.error(request, "That time is no longer open. Please pick another.")
    week, first, end = viewer_week(timezone.now(), request.zone, request.GET.get("week"))
    days = group_by_day(
        # (what urlencode makes of the one parameter: of "2026-03-03T15:30:00Z" only ":" is encoded)
        open_times_for_move(booking, first, end), request.zone, lambda slot: f"{here}?start={start_param(slot).replace(':', '%3A')}"
    )
    times = {
        "chosen": booking.session_type,
        "days": days,
        "week": week,
        "week_start": first,
        "week_last_day": end - timedelta(seconds=1),
        "verb": "Move to",
        "bookable": True,
    }
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "coaching/_open_times.html", times)
    else:
        response = render(
            request,
            "bookings/reschedule.html",
            {"booking": booking, **times, **zone_context(request.zone, booking.coach.time_zone)},
        )
    patch_vary_headers(response, ["HX-Request"])
    return response


def open_times_for_move(booking, start, end):
    """Open times in [start, end) for a session of this booking's own length, but its own time."""
    length = int((booking.ends_at - booking.starts_at).total_seconds() // 60)
    slots = availability.open_slots(
        booking.coach, booking.session_type, start, end, duration_minutes=length, for_client=booking.client_id
    )
    return [slot for slot in slots if slot != booking.starts_at]


@login_required
def mine(request):
    """A client's (or coach's) upcoming and past sessions."""
    if request.user.role == Role.ADMIN:
        return redirect("bookings:manage")
    now = timezone.now()
    context = session_lists.sessions_of(request.user, now)
    if request.user.role == Role.CLIENT:
        context["waitlist_entries"], context["waitlist_offers"] = session_lists.waitlists_of(request.user, now)
    return render(request, "bookings/mine.html", context)


@admin_required
def manage(request):
    """Every booking with its payments, newest first, for admins."""
    status = request.GET.get("status", "")
    by_status = status in Status.values
    args = {"status": status} if by_status else {}
    bookings = (_MANAGED_OF_STATUS if by_status else _MANAGED).objects(**args)
    payments = {}
    for payment in (_MANAGED_PAYMENTS_OF_STATUS if by_status else _MANAGED_PAYMENTS).objects(**args):
        payments.setdefault(payment.booking_id, []).append(payment)
    for booking in bookings:
        booking.shown_payments = payments.get(booking.pk, [])
    return render(
        request,
        "bookings/manage.html",
        {
            "bookings": bookings,
            "status": status,
            "statuses": Status.choices,
            "problems": _PAYMENT_PROBLEMS.objects(),
            "waitlists": waitlist.lengths_by_coach(timezone.now().date()),
        },
    )


# The admins' list, compiled once (core.prepared): only the columns the page shows, of the
# newest 200 sessions (of one status, or all) and their payments; and the payments to look at.
def _managed(status=None):
    bookings = Booking.objects.all() if status is None else Booking.objects.filter(status=status)
    return bookings.order_by("-starts_at")


_MANAGED_FIELDS = ("starts_at", "status", "client__name", "client__email", "client__preferred_name", "client__pronouns", "coach__display_name")
_MANAGED = PreparedQuery(lambda: _managed().select_related("coach", "client").only(*_MANAGED_FIELDS)[:200])
_MANAGED_OF_STATUS = PreparedQuery(
    lambda: _managed(Arg("status", CharField())).select_related("coach", "client").only(*_MANAGED_FIELDS)[:200]
)


def _managed_payments(status=None):
    shown = _managed(status).values("pk")[:200]
    return (
        Payment.objects.filter(booking__in=Subquery(shown))
        .order_by("created_at")
        .only("booking_id", "amount_cents", "currency", "status", "captured_cents", "refunded_cents", "mismatch", "disputed_at")
    )


_MANAGED_PAYMENTS = PreparedQuery(_managed_payments)
_MANAGED_PAYMENTS_OF_STATUS = PreparedQuery(lambda: _managed_payments(Arg("status", CharField())))
_PAYMENT_PROBLEMS = PreparedQuery(
    lambda: Payment.objects.filter(Q(mismatch__gt="") | Q(disputed_at__isnull=False))
    .select_related("booking__client")
    .only("mismatch", "dispute_reason", "refunded_cents", "currency", "booking__starts_at", "booking__client__email")
    .order_by("-updated_at")[:50]
)


@admin_required
def manage_client(request, pk):
    """One client's sessions still to come, and the one action that cancels them all."""
    client = get_object_or_404(User.objects.filter(role=Role.CLIENT), pk=pk)
    form = CancelAllForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cancelled, released, made = cancellation.cancel_all_for_client(
                client, actor=request.user, reason=form.cleaned_data["reason"], request=request
            )
        except BookingRefused as exc:
            messages.error(request, str(exc))
        else:
            sessions = f"{len(cancelled)} session{'' if len(cancelled) == 1 else 's'}"
            holds = f"{len(released)} hold{'' if len(released) == 1 else 's'}"
            text = f"Cancelled {sessions} and let {holds} go."
            if made:
                text += f" Refunds of {money(sum(r.amount_cents for r in made), made[0].payment.currency)} are on their way."
            messages.success(request, text)
        return redirect("bookings:manage_client", pk=client.pk)
    now = timezone.now()
    coming = (
        Booking.objects.filter(client=client, starts_at__gt=now)
        .live_now(now)
        .select_related("coach", "session_type")
        .order_by("starts_at")
    )
    return render(request, "bookings/manage_client.html", {"client": client, "coming": coming, "form": form})


@admin_required
def manage_payment(request, pk):
    payment = get_object_or_404(Payment.objects.select_related("booking__client", "booking__coach"), pk=pk)
    form = RefundForm(request.POST or None, refundable_cents=payment.refundable_cents, currency=payment.currency)
    if request.method == "POST" and form.is_valid() and request.POST.get("confirmed") != "yes":
        # Money leaves only after the admin has seen the amount, with its currency, once more.
        return render(
            request,
            "bookings/refund_confirm.html",
            {"payment": payment, "form": form, "amount": money(form.cleaned_data["amount"], payment.currency)},
        )
    if request.method == "POST" and form.is_valid():
        try:
            refund = payments.refund(
                payment, form.cleaned_data["amount"], actor=request.user, reason=form.cleaned_data["reason"], request=request
            )
        except BookingRefused as exc:
            messages.error(request, str(exc))
        else:
            refund.refresh_from_db()
            amount = money(refund.amount_cents, payment.currency)
            if refund.status == RefundStatus.SUCCEEDED:
                messages.success(request, f"Refunded {amount}.")
            else:
                messages.success(request, f"The refund of {amount} is on its way. It shows as pending until Stripe takes it.")
        return redirect("bookings:manage_payment", pk=payment.pk)
    return render(request, "bookings/manage_payment.html", {"payment": payment, "form": form, "refunds": payment.refunds.all()})


@csrf_exempt
@require_POST
def stripe_webhook(request):
    try:
        event = stripe.Webhook.construct_event(
            request.body, request.headers.get("Stripe-Signature", ""), settings.STRIPE_WEBHOOK_SECRET
        )
    except (ValueError, stripe.SignatureVerificationError):
        return HttpResponseBadRequest("bad signature")
    try:
        payments.handle_event(event)
    except payments.StripeUnavailable:
        # Unapplied and not marked done: Stripe sends it again later.
        return HttpResponse("Stripe could not be asked; please send again", status=503)
    return HttpResponse(status=200)


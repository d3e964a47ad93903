"""The waitlist's pages: joining from a coach's page, leaving from /bookings/, and the
page an offer's e-mail links to. Thin: each calls one rule in bookings/waitlist/."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import client_required, get_visible_or_404
from coaching.models import CoachProfile
from core.zones import UTC

from .. import eligibility, waitlist
from ..errors import BookingRefused
from ..models import OfferStatus, WaitlistEntry, WaitlistOffer
from .views import _id, new_booking_url
from .waitlist_forms import JoinWaitlistForm


@client_required
def join(request, coach_pk):
    coach = get_object_or_404(CoachProfile.objects.listed(), pk=coach_pk)
    types = coach.session_types.filter(is_active=True).order_by("price_cents", "pk")
    now = timezone.now()
    zone = request.zone or UTC
    form = JoinWaitlistForm(request.POST or None, session_types=types, today=now.astimezone(zone).date())
    if not form.is_bound:
        chosen = types.filter(pk=_id(request.GET.get("type"))).first()
        form.initial = {
            "session_type": chosen or types.first(),
            "weekdays": list(range(7)),
            "parts_of_day": [],
            "until": waitlist.default_until(now, zone),
        }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            waitlist.join(
                request.user,
                data["session_type"],
                weekdays=data["weekdays"],
                parts_of_day=data["parts_of_day"],
                until=data["until"],
                zone=zone,
                now=now,
                request=request,
            )
        except BookingRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"You are on {coach.display_name}'s waitlist. We will e-mail you as soon as a time that suits you opens."
            )
            return redirect("bookings:mine")
    paid_waits = any(not eligibility.may_book(request.user, t) for t in types)
    context = {"coach": coach, "form": form, "zone_name": str(zone).replace("_", " "), "paid_waits_for_intake": paid_waits}
    return render(request, "bookings/waitlist_join.html", context, status=400 if form.is_bound and form.errors else 200)


@client_required
@require_POST
def leave(request, pk):
    entry = get_visible_or_404(WaitlistEntry.objects.filter(ended_at=None), request.user, pk=pk)
    waitlist.leave(entry, actor=request.user, request=request)
    messages.success(request, f"You have left {entry.coach.display_name}'s waitlist.")
    return redirect("bookings:mine")


def _own_offer(request, pk):
    return get_object_or_404(WaitlistOffer.objects.filter(client=request.user).select_related("coach", "session_type"), pk=pk)


@client_required
def offer(request, pk):
    offer = _own_offer(request, pk)
    live = offer.is_live(timezone.now())
    context = {
        "offer": offer,
        "live": live,
        "book_url": new_booking_url(offer.coach, offer.session_type, offer.starts_at) if live else "",
    }
    return render(request, "bookings/waitlist_offer.html", context, status=200 if live or offer.status != OfferStatus.OPEN else 410)


@client_required
@require_POST
def decline(request, pk):
    offer = _own_offer(request, pk)
    waitlist.decline(offer, actor=request.user, request=request)
    messages.success(request, "Thank you for letting us know. We have passed that time on, and you stay on the waitlist.")
    return redirect("bookings:mine")

"""A time picked before signing up is kept through sign-up, e-mail verification and the
intake, and offered again at the end: after the intake is sent, and once it is approved."""

import re
from urllib.parse import quote

import pytest
from django.urls import reverse

from accounts.models import User
from bookings.models import Booking
from clients.models import Intake
from coaching.slot_days import booking_url
from tests.factories import IntakeFactory, bookable_coach, local_time

pytestmark = [pytest.mark.django_db, pytest.mark.intake_gate]

SIGN_UP = {"email": "frank@example.com", "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42"}


def test_franks_picked_time_survives_sign_up_verification_and_the_intake(client, carol, mailoutbox):
    coach, paid = bookable_coach(carol)
    start = local_time(coach, 3, 10)
    slot = booking_url(coach, paid, start)

    # A visitor picks a time: sign up first, and the time is remembered.
    response = client.get(slot)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_signup')}?next={quote(slot, safe='')}"

    response = client.post(response["Location"], SIGN_UP)
    assert response["Location"] == reverse("account_email_verification_sent")
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", mailoutbox[-1].body).group(1)
    response = client.post(link)
    # Verified and signed in, Frank is back at the time he picked, told the one step first.
    assert response["Location"] == slot
    page = client.get(slot).content.decode()
    assert "One step before paid sessions" in page

    frank = User.objects.get(email="frank@example.com")
    IntakeFactory(client=frank, status=Intake.Status.SUBMITTED, preferred_name="Frank")
    summary = client.get(reverse("clients:intake_summary")).content.decode()
    assert "<h2 id=\"picked-time-heading\">The time you picked</h2>" in summary
    assert "It can be booked after your intake is reviewed" in summary

    Intake.objects.filter(client=frank).update(status=Intake.Status.APPROVED)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert f'<a class="button" href="{slot.replace("&", "&amp;")}">Book this time</a>' in dashboard

    response = client.post(reverse("bookings:new"), {"coach": coach.pk, "type": paid.pk, "start": start.isoformat()})
    booking = Booking.objects.get(client=frank)
    assert response["Location"] == reverse("bookings:pay", args=[booking.pk])
    assert booking.starts_at == start
    # Booked: it is not offered again.
    assert "The time you picked" not in client.get(reverse("dashboard")).content.decode()


def test_a_time_already_past_is_not_offered_again(client, alice, carol, monkeypatch):
    coach, paid = bookable_coach(carol)
    start = local_time(coach, 3, 10)
    client.force_login(alice)
    assert client.get(booking_url(coach, paid, start)).status_code == 200  # alice has no intake yet
    assert "The time you picked" in client.get(reverse("dashboard")).content.decode()
    from django.utils import timezone

    later = start + (start - timezone.now())
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "The time you picked" not in client.get(reverse("dashboard")).content.decode()

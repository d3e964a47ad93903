"""Issue 14's journeys, end to end in Chromium on a 390 px phone, each role signing in with
the log-in form (staff with their two-step code) and moving by the links a person would use:

- a new client signs up, verifies the address, fills the intake, waits for review and books;
- the admin reviews and matches an intake, and refunds part of a payment;
- an approved client books and pays with 4242, 3-D Secure and a declined card, moves and
  cancels, keeps the progress log, downloads their data and deletes the account;
- the coach keeps hours, time off and the calendar, writes and signs a note, and reads the feed.

Finer cases of each step live in their own tests (test_browser_booking.py for every card,
test_browser_intake.py for a "yes" to the safety question, test_browser_session_note.py,
test_browser_progress_check_in.py, test_browser_client_data.py); these prove the steps
join up without a dead end.
"""

import json
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import User
from bookings import transitions
from bookings.models import Booking, PaymentStatus, SessionNote, Status
from clients.models import CheckIn, Intake
from tests.bookings_setup import register_webhook
from tests.browser import main_menu, sign_in_with_form
from tests.factories import (
    PASSWORD,
    TOTP_SECRET,
    IntakeFactory,
    SessionTypeFactory,
    bookable_coach,
    demo_paid,
    local_time,
    past_session,
    sign_all_consents,
)
from tests.test_browser_booking import let_go, pay_with

pytestmark = [pytest.mark.browser, pytest.mark.intake_gate, pytest.mark.django_db(transaction=True)]


def message(page):
    page.locator(".messages").wait_for()
    return page.locator(".messages").inner_text()


def answer(page, question, option):
    page.get_by_role("group", name=question).get_by_label(option, exact=True).check()


def book_from_coach_page(page, coach, session_type_name, *, next_week=False):
    """From the directory to the review page of the coach's first open time of that type
    (or next week's last one, well outside the cancellation notice)."""
    main_menu(page).get_by_role("link", name="Coaches").click()
    page.get_by_role("link", name=f"See {coach.display_name}'s open times").click()
    page.wait_for_url(f"**/coaches/{coach.pk}/**")
    picker = page.get_by_label("Session", exact=True)
    if picker.count():
        picker.select_option(picker.locator("option", has_text=session_type_name).first.get_attribute("value"))
    if next_week:
        page.get_by_role("link", name="Next week").click()
        page.wait_for_url("**week=1")
    slots = page.locator(f"a.slot[aria-label^='Book {session_type_name} on ']")
    # Next week's last time is at least a week away, whatever the day and hour the test runs.
    (slots.last if next_week else slots.first).click()
    page.wait_for_url("**/bookings/new/**")


def test_a_new_client_signs_up_fills_the_intake_waits_and_books_a_free_call(live_server, page, carol, erin, mailoutbox):
    coach, _paid = bookable_coach(carol)
    SessionTypeFactory(coach=coach, name="Free intro call", duration_minutes=20, price_cents=0)

    page.goto(live_server.url + "/")
    main_menu(page).get_by_role("link", name="Sign up").click()
    page.get_by_label("Email").fill("nina@example.com")
    page.get_by_label("It’s about me").check()
    page.get_by_label("Password:", exact=True).fill("a-long-pass-phrase-42")
    page.get_by_label("Password (again)").fill("a-long-pass-phrase-42")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/accounts/confirm-email/")
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", mailoutbox[-1].body).group(1)
    page.goto(live_server.url + link)
    page.get_by_role("button", name="Confirm").click()
    if not page.url.endswith("/me/"):
        sign_in_with_form(page, live_server.url, "nina@example.com", "a-long-pass-phrase-42")
    nina = User.objects.get(email="nina@example.com")

    main_menu(page).get_by_role("link", name="Your intake").click()
    page.wait_for_url("**/client/intake/step/about/")
    page.get_by_label("What would you like us to call you?").fill("Nina")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/client/intake/step/reasons/")
    page.get_by_label("Alcohol", exact=True).check()
    answer(page, "Are you on medication-assisted treatment at the moment?", "None right now")
    answer(page, "What would you like to work toward?", "Cut down / controlled drinking or use")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/client/intake/step/screening/")
    answer(page, "How often do you have a drink containing alcohol?", "2 to 3 times a week")
    answer(page, "How many standard drinks containing alcohol do you have on a typical day?", "1 or 2")
    answer(page, "How often do you have six or more drinks on one occasion?", "Never")
    page.get_by_label("How important is this change to you right now?").fill("7")
    page.get_by_label("How confident are you that you could make this change?").fill("6")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/client/intake/step/safety/")
    answer(page, "In the past two weeks, have you had thoughts that you would be better off dead or of hurting yourself?", "No")
    answer(page, "In the past year, have you had an overdose, or been revived by someone?", "No")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/client/intake/step/consents/")
    for box in page.get_by_label(re.compile("^I have read and agree to ")).all():
        box.check()
    page.get_by_label("Type your full name to sign").fill("Nina Park")
    page.get_by_role("button", name="Sign and send my intake").click()
    page.wait_for_url("**/client/intake/yours/")
    intake = Intake.objects.get(client=nina)
    assert (intake.status, intake.is_urgent) == (Intake.Status.SUBMITTED, False)

    # While the intake waits for review, a free intro call can be booked; it is confirmed at once.
    book_from_coach_page(page, coach, "Free intro call")
    assert page.get_by_role("heading", level=1).inner_text() == "Check your session"
    page.get_by_role("button", name="Book this session").click()
    page.wait_for_url(re.compile(r".*/bookings/\d+/$"))
    assert page.locator(".badge").first.inner_text() == "Confirmed"
    booking = Booking.objects.get(client=nina)
    assert (booking.status, booking.session_type.is_free) == (Status.CONFIRMED, True)
    main_menu(page).get_by_role("link", name="Sessions").click()
    assert page.locator(".booking-list li").count() == 1


def test_the_admin_reviews_matches_and_refunds(live_server, page, alice, bob, carol, erin, eager_tasks, mailoutbox):
    coach, session_type = bookable_coach(carol)
    intake = IntakeFactory(client=bob)
    sign_all_consents(bob)
    IntakeFactory(client=alice, status=Intake.Status.APPROVED)
    booking = demo_paid(transitions.place_hold(alice, session_type, local_time(coach, 3, 10)))

    sign_in_with_form(page, live_server.url, erin.email, PASSWORD, totp_secret=TOTP_SECRET)
    main_menu(page).get_by_role("link", name="Intakes").click()
    page.get_by_role("link", name=intake.preferred_name.reveal()).click()
    page.wait_for_url(f"**/client/intakes/review/{intake.pk}/")
    page.get_by_label("Carol Rivera").check()
    page.get_by_role("button", name="Approve and match").click()
    page.wait_for_url("**/client/intakes/review/")
    assert message(page) == "Approved, and the client has been told by e-mail."
    intake.refresh_from_db()
    assert intake.status == Intake.Status.APPROVED
    assert bob.email in [address for mail in mailoutbox for address in mail.to]

    main_menu(page).get_by_role("link", name="Bookings").click()
    page.get_by_role("link", name="$60.00 paid").click()
    page.get_by_label(re.compile("^Amount to refund")).fill("20.00")
    page.get_by_label("Reason (for the records)").fill("Started late")
    page.get_by_role("button", name="Refund").click()
    # It asks first, with the amount and its currency.
    page.get_by_role("button", name="Yes, refund $20.00").click()
    assert "$20.00" in message(page)  # made at once here: tasks run eagerly
    page.reload()
    assert "Partly refunded" in page.content()
    payment = booking.payments.get()
    assert (payment.refunded_cents, Booking.objects.get(pk=booking.pk).status) == (2000, Status.CONFIRMED)


def test_an_approved_client_pays_moves_cancels_keeps_a_log_takes_her_data_and_leaves(live_server, page, localstripe, alice, carol):
    register_webhook(localstripe, live_server.url + "/bookings/stripe/webhook/")
    coach, session_type = bookable_coach(carol, min_notice_hours=12)
    IntakeFactory(client=alice, status=Intake.Status.APPROVED)
    sign_all_consents(alice)
    sign_in_with_form(page, live_server.url, alice.email, PASSWORD)

    # 4242: paid and confirmed.
    book_from_coach_page(page, coach, "One-to-one session", next_week=True)
    page.get_by_role("button", name="Hold this time and pay").click()
    page.wait_for_url("**/pay/")
    pay_with(page, "4242424242424242")
    page.wait_for_url(re.compile(r".*/bookings/\d+/$"))
    assert "Thank you, your session is booked." in message(page)
    first = Booking.objects.get(client=alice)

    # 3-D Secure, passed: confirmed too.
    book_from_coach_page(page, coach, "One-to-one session", next_week=True)
    page.get_by_role("button", name="Hold this time and pay").click()
    page.wait_for_url("**/pay/")
    pay_with(page, "4000002500003155")
    page.get_by_role("button", name="Complete authentication").click()
    page.get_by_role("button", name="Complete authentication").click()
    page.wait_for_url(re.compile(r".*/bookings/\d+/$"))
    assert page.locator(".badge").first.inner_text() == "Confirmed"
    second = Booking.objects.exclude(pk=first.pk).get(client=alice)

    # A declined card takes nothing; she lets the time go.
    book_from_coach_page(page, coach, "One-to-one session", next_week=True)
    page.get_by_role("button", name="Hold this time and pay").click()
    page.wait_for_url("**/pay/")
    pay_with(page, "4000000000000002")
    page.locator("#payment-message").wait_for(state="visible")
    assert "Nothing was charged" in page.locator("#payment-message").inner_text()
    let_go(page)
    assert sorted(Booking.objects.filter(client=alice).values_list("status", flat=True)) == sorted(
        [Status.CONFIRMED, Status.CONFIRMED, Status.EXPIRED]
    )

    # She moves the first session to another time.
    page.goto(f"{live_server.url}/bookings/{first.pk}/")
    page.get_by_role("link", name="Move it to another time").click()
    page.get_by_role("link", name="Next week").click()
    page.locator("a[href*='/reschedule/?start=']").first.click()
    page.get_by_role("button", name="Move to this time").click()
    page.wait_for_url(f"**/bookings/{first.pk}/")
    first.refresh_from_db()
    assert first.reschedule_count == 1 and first.status == Status.CONFIRMED

    # She cancels both, with her money back.
    main_menu(page).get_by_role("link", name="Sessions").click()
    for booking in (first, second):
        page.goto(f"{live_server.url}/bookings/{booking.pk}/")
        page.get_by_role("link", name="Cancel it").click()
        page.get_by_role("button", name="Yes, cancel the session").click()
        page.wait_for_url(f"**/bookings/{booking.pk}/")
        assert Booking.objects.get(pk=booking.pk).status == Status.CANCELLED
    assert list(second.payments.values_list("status", flat=True)) == [PaymentStatus.SUCCEEDED]

    # The progress log: what to track, then today's check-in.
    main_menu(page).get_by_role("link", name="Progress").click()
    page.wait_for_url("**/client/progress/settings/")
    page.get_by_label("Alcohol").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(live_server.url + "/client/progress/")
    page.get_by_role("link", name="Check in for today").first.click()
    page.get_by_label("Standard drinks today").fill("1")
    page.get_by_label("Cravings today, from 0 (none) to 10 (very strong)").fill("2")
    page.get_by_role("group", name="Mood").get_by_label("Good", exact=True).check()
    page.get_by_role("button", name="Save my check-in").click()
    page.wait_for_url(live_server.url + "/client/progress/")
    assert CheckIn.objects.filter(client=alice).count() == 1

    # Her data, as a file, holds her sessions and her log.
    main_menu(page).get_by_role("link", name="Account").click()
    page.get_by_role("link", name="See and download your data").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download it as a file (JSON)").click()
    data = json.loads(open(download.value.path()).read())
    assert len(json.dumps(data)) > 200 and alice.email in json.dumps(data)

    # And she leaves.
    page.get_by_role("link", name="delete your account").click()
    page.get_by_label("Your password, to confirm it is you").fill(PASSWORD)
    page.get_by_label("I understand this cannot be undone").check()
    page.get_by_role("button", name="Delete my account").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_text("Your account and personal data are deleted.").is_visible()
    assert User.objects.get(pk=alice.pk).is_active is False


def test_the_coach_keeps_hours_time_off_and_calendar_signs_a_note_and_reads_the_feed(live_server, page, alice, carol):
    coach, session_type = bookable_coach(carol)
    IntakeFactory(client=alice, status=Intake.Status.APPROVED)
    finished = past_session(coach, session_type, alice, hours=3)
    coming = demo_paid(transitions.place_hold(alice, session_type, local_time(coach, 1, 10)))  # always in "this week"

    sign_in_with_form(page, live_server.url, carol.email, PASSWORD, totp_secret=TOTP_SECRET)

    # Hours: Sunday evenings too.
    main_menu(page).get_by_role("link", name="Coach settings").click()
    page.get_by_role("link", name="Weekly hours").first.click()
    page.get_by_label("Day").select_option(label="Sunday")
    page.get_by_label("From").fill("18:00")
    page.get_by_label("Until").fill("20:00")
    page.get_by_role("button", name="Add hours").click()
    assert coach.weekly_hours.filter(weekday=6).count() == 2

    # Time off: a free day later this week or next.
    away = (timezone.now().astimezone(ZoneInfo(coach.time_zone)) + timedelta(days=5)).date()
    page.get_by_role("link", name="Time off").first.click()
    page.get_by_label("First day").fill(away.isoformat())
    page.get_by_label("Last day").fill(away.isoformat())
    page.get_by_role("button", name="Add time off").click()
    assert coach.time_off.count() == 1

    # The calendar shows the session coming up and, this week or the next, the day away.
    main_menu(page).get_by_role("link", name="Calendar").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your week"
    assert page.locator(".entry.session").count() >= 1
    if page.locator(".entry.away").count() == 0:
        page.get_by_role("link", name="Next week").click()
    assert page.locator(".entry.away").first.inner_text().startswith("Away")

    # The feed a calendar app reads: the session, named by its reference only.
    feed = page.get_by_label("Your calendar address").input_value()
    response = page.context.request.get(feed if feed.startswith("http") else live_server.url + feed)
    assert response.status == 200 and response.headers["content-type"].startswith("text/calendar")
    assert f"#{coming.pk}" in response.text() and alice.name not in response.text()

    # The session that ended: completed, a note written, signed after a confirmation.
    main_menu(page).get_by_role("link", name="Sessions and notes").click()
    page.get_by_role("button", name="Completed").first.click()
    page.wait_for_url(f"**/coaches/sessions/{finished.pk}/note/")
    page.get_by_label("Data (private)").fill("Talked about evenings after work.")
    page.get_by_label("Summary (shared with the client)").fill("We found two evenings to plan differently.")
    page.get_by_role("button", name="Save draft").click()
    assert page.get_by_text("Draft saved.").is_visible()
    page.get_by_role("button", name=re.compile("^Sign and lock")).click()
    page.get_by_role("button", name="Yes, sign and lock").click()
    assert page.get_by_text("Signed and locked.").first.is_visible()
    assert SessionNote.objects.get(booking=finished).signed_at is not None
    assert Booking.objects.get(pk=finished.pk).status == Status.COMPLETED

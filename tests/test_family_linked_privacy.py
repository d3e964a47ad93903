"""Fiona and her son Sam linked their accounts, both agreeing. The link shows each that the
other has an account, and nothing else: every page and object of one answers the other
with a 404 (or shows nothing of them), exactly as for strangers."""

import json

import pytest
from django.utils import timezone
from django.urls import reverse

from bookings.transitions import place_hold
from clients import progress as client_progress
from clients.models import GoalKind, ProgressSettings
from families import invitations, paths
from families import progress as family_progress
from families.models import LovedOneInvitation
from clients.models import CoachAssignment
from tests.messaging_setup import send
from tests.factories import ClientFactory, FamilyIntakeFactory, IntakeFactory, bookable_coach, local_time, sign_all_consents

pytestmark = pytest.mark.django_db

SAMS_WORDS = ["sam-secret-goal", "sam-note", "sam-message-words", "Sam Reyes", "sam@example.com"]
FIONAS_WORDS = ["fiona-secret-noticed", "fiona-goal-words", "fiona-note", "Fiona Reyes", "fiona@example.com", "Mum"]


@pytest.fixture
def linked(fiona, carol):
    """Fiona (family path) and Sam (his own path), linked; each with an intake, a log and a session."""
    paths.choose(fiona, "worried")
    sam = ClientFactory(email="sam@example.com", name="Sam Reyes")
    invitation = invitations.create(fiona, from_name="Mum")
    LovedOneInvitation.objects.filter(pk=invitation.pk).update(used_by=sam)
    link = invitations.agree_as_loved_one(sam, invitation)
    invitations.agree_as_family(fiona, link)

    sams_intake = IntakeFactory(client=sam, goal_in_own_words="sam-secret-goal")
    sign_all_consents(sam)
    ProgressSettings.objects.create(client=sam, substances=["alcohol"])
    sams_goal = client_progress.add_goal(sam, kind=GoalKind.ALCOHOL_FREE_DAYS, amount=3, own_words="sam-secret-goal")
    today = timezone.localdate(timezone=sam.zone)  # his day, as the pages count it
    client_progress.save_check_in(sam, day=today, today=today, cravings=2, mood=3, uses={"alcohol": 0}, note="sam-note")

    fionas_intake = FamilyIntakeFactory(client=fiona, noticed="fiona-secret-noticed")
    fionas_goal = family_progress.add_goal(fiona, kind="positive_moments", days_a_week=3, own_words="fiona-goal-words")
    family_progress.save_check_in(fiona, day=today, today=today, stress=6, positive_moment=True, conversation_tried=False, note="fiona-note")

    CoachAssignment.objects.create(client=sam, coach=carol)
    send(sam, carol, "sam-message-words")

    coach, session_type = bookable_coach(carol)
    sams_booking = place_hold(sam, session_type, local_time(coach, 3, 10))
    fionas_booking = place_hold(fiona, session_type, local_time(coach, 4, 10))
    return {
        "fiona": fiona, "sam": sam, "link": link, "invitation": invitation,
        "sam_objects": {"intake": sams_intake, "goal": sams_goal, "booking": sams_booking, "carol": carol},
        "fiona_objects": {"intake": fionas_intake, "goal": fionas_goal, "booking": fionas_booking},
    }


def sams_urls(objects):
    return [
        ("get", reverse("clients:intake_detail", args=[objects["intake"].pk])),
        ("get", reverse("bookings:detail", args=[objects["booking"].pk])),
        ("get", reverse("bookings:pay", args=[objects["booking"].pk])),
        ("post", reverse("bookings:release", args=[objects["booking"].pk])),
        ("post", reverse("bookings:cancel", args=[objects["booking"].pk])),
        ("get", reverse("bookings:reschedule", args=[objects["booking"].pk])),
        ("post", reverse("clients:progress_stop_goal", args=[objects["goal"].pk])),
        ("get", reverse("messaging:conversation", args=[objects["sam"].pk])),
    ]


def fionas_urls(objects, invitation):
    return [
        ("get", reverse("families:intake_detail", args=[objects["intake"].pk])),
        ("get", reverse("bookings:detail", args=[objects["booking"].pk])),
        ("get", reverse("bookings:pay", args=[objects["booking"].pk])),
        ("post", reverse("bookings:release", args=[objects["booking"].pk])),
        ("post", reverse("bookings:cancel", args=[objects["booking"].pk])),
        ("get", reverse("bookings:reschedule", args=[objects["booking"].pk])),
        ("post", reverse("families:progress_stop_goal", args=[objects["goal"].pk])),
        ("post", reverse("families:invitation_withdraw", args=[invitation.pk])),
    ]


OWN_PAGES = [
    "/me/", "/family/links/", "/family/progress/", "/family/invitations/", "/client/progress/", "/client/intake/yours/",
    "/family/intake/yours/", "/bookings/", "/client/my-data/", "/client/my-data/download.json", "/coaches/summaries/",
    "/messages/", *[f"/client/my-data/{name}/" for name in (
        "profile", "intake", "family", "bookings", "waitlists", "payments", "shared-summaries", "messages", "progress-log",
    )],
]


def test_every_object_of_sam_answers_fiona_with_a_404(client, linked):
    client.force_login(linked["fiona"])
    answers = [(method, url, getattr(client, method)(url).status_code) for method, url in sams_urls({**linked["sam_objects"], "sam": linked["sam"]})]
    assert [a for a in answers if a[2] != 404] == []


def test_fionas_own_conversation_with_sams_coach_holds_nothing_of_his(client, linked):
    client.force_login(linked["fiona"])
    response = client.get(reverse("messaging:conversation", args=[linked["sam_objects"]["carol"].pk]))
    assert response.status_code in (200, 404)
    assert "sam-message-words" not in response.content.decode()


def test_every_object_of_fiona_answers_sam_with_a_404(client, linked):
    client.force_login(linked["sam"])
    answers = [(method, url, getattr(client, method)(url).status_code) for method, url in fionas_urls(linked["fiona_objects"], linked["invitation"])]
    assert [a for a in answers if a[2] != 404] == []


def test_the_404s_are_the_same_a_stranger_gets(client, linked):
    """The matrix is not vacuous: each URL works for its owner."""
    client.force_login(linked["sam"])
    assert client.get(reverse("clients:intake_detail", args=[linked["sam_objects"]["intake"].pk])).status_code == 302  # to his own page
    assert client.get(reverse("bookings:detail", args=[linked["sam_objects"]["booking"].pk])).status_code == 200
    client.force_login(linked["fiona"])
    assert client.get(reverse("families:intake_detail", args=[linked["fiona_objects"]["intake"].pk])).status_code == 302
    assert client.get(reverse("bookings:detail", args=[linked["fiona_objects"]["booking"].pk])).status_code == 200


def page_text(client, url):
    response = client.get(url)
    assert response.status_code in (200, 302), (url, response.status_code)
    return response.content.decode() if response.status_code == 200 else ""


def test_nothing_of_sam_appears_on_any_page_of_fionas(client, linked):
    client.force_login(linked["fiona"])
    for url in OWN_PAGES:
        text = page_text(client, url)
        assert [word for word in SAMS_WORDS if word in text] == [], url


def test_nothing_of_fiona_appears_on_any_page_of_sams_but_the_name_she_chose_to_give(client, linked):
    client.force_login(linked["sam"])
    for url in OWN_PAGES:
        text = page_text(client, url)
        allowed = {"Mum"} if url == "/family/links/" else set()
        assert [word for word in FIONAS_WORDS if word in text and word not in allowed] == [], url


def test_the_link_shows_each_only_that_the_other_has_an_account(client, linked):
    client.force_login(linked["fiona"])
    assert "The person you invited has a Waypoint account" in page_text(client, "/family/links/")
    client.force_login(linked["sam"])
    assert "Mum has a Waypoint account" in page_text(client, "/family/links/")


def test_neither_export_holds_anything_of_the_other(client, linked):
    client.force_login(linked["fiona"])
    fionas = client.get("/client/my-data/download.json").content.decode()
    assert "fiona-secret-noticed" in fionas and "fiona-goal-words" in fionas
    assert [word for word in SAMS_WORDS if word in fionas] == []
    client.force_login(linked["sam"])
    sams = client.get("/client/my-data/download.json").content.decode()
    assert "sam-secret-goal" in sams
    assert [word for word in FIONAS_WORDS if word in sams] == []
    # The link is in both, as a fact about each one's own account, naming nobody.
    for export in (fionas, sams):
        links = [r for s in json.loads(export)["sections"] for r in s["records"] if r.get("kind") == "link"]
        assert len(links) == 1 and set(links[0]) == {"kind", "you_are", "loved_one_agreed", "family_member_agreed", "ended"}

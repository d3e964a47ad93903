"""The time-zone picker: a short list (your zone, your coach's, the common ones) and a box
to type any other place, offered as you type. No aliases, and no JavaScript needed."""

import re

import pytest
from django.urls import reverse

from core.encryption import reveal
from core import zones
from clients.models import Intake
from coaching.models import CoachProfile
from tests.factories import CoachProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def carol_profile(carol):
    return CoachProfileFactory(user=carol, display_name="Carol Rivera", time_zone="Australia/Adelaide")


def select_of(html, name="zone"):
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)
    return [(label, re.findall(r'<option value="([^"]*)"', options)) for label, options in groups]


def test_alice_sees_her_zone_then_her_coachs_then_the_common_ones(client, alice, carol_profile):
    alice.time_zone = "Asia/Manila"
    alice.save()
    client.force_login(alice)
    html = client.get(reverse("coaching:coach", args=[carol_profile.pk])).content.decode()
    groups = select_of(html)
    assert groups == [
        ("Suggested", ["Asia/Manila", "Australia/Adelaide"]),
        ("Common zones", list(zones.COMMON)),
    ]
    assert '<option value="Asia/Manila" selected>Asia/Manila (yours)</option>' in html
    assert '<option value="Australia/Adelaide">Australia/Adelaide (your coach&#x27;s)</option>' in html


def test_every_place_can_be_typed_and_no_alias_is_offered(client, carol_profile):
    html = client.get(reverse("coaching:coach", args=[carol_profile.pk])).content.decode()
    assert '<label for="id_zone_search">Not in the list? Type a city, country or zone</label>' in html
    assert '<input type="text" name="zone_search" id="id_zone_search" value="" list="id_zone_names"' in html
    # The box's list of every place comes when the person starts typing, not with the page.
    assert 'data-zone-names="/zones/names/"></span><datalist id="id_zone_names"></datalist>' in html
    assert "Europe/Oslo" not in html and len(html) < 35_000
    names = client.get("/zones/names/")
    assert names.status_code == 200 and names["Cache-Control"] == "public, max-age=86400"  # the same for everyone
    offered = re.findall(r'<option value="([^"]+)">([^<]+)</option>', names.content.decode())
    assert ("Europe/Oslo", "Norway") in offered
    assert ("America/Argentina/Buenos Aires", "Argentina") in offered
    assert len(offered) == len(zones.places()) > 400
    names = [value for value, _ in offered]
    assert not [name for name in names if name.startswith(("US/", "Etc/", "GMT")) or "/" not in name and name != "UTC"]


@pytest.mark.parametrize(
    "typed, saved",
    [
        ("Lisbon", "Europe/Lisbon"),
        ("  america/new york ", "America/New_York"),
        ("America/Argentina/Buenos Aires", "America/Argentina/Buenos_Aires"),
        ("Ireland", "Europe/Dublin"),
        ("US/East-Indiana", "America/Indiana/Indianapolis"),
    ],
)
def test_what_alice_types_wins_over_the_list(client, alice, typed, saved):
    client.force_login(alice)
    response = client.post(reverse("coaching:zone"), {"zone": "Europe/London", "zone_search": typed, "next": "/coaches/"})
    assert response["Location"] == "/coaches/"
    alice.refresh_from_db()
    assert alice.time_zone == saved


def test_a_place_we_do_not_know_is_refused_kindly(client, alice):
    client.force_login(alice)
    response = client.post(reverse("coaching:zone"), {"zone": "Europe/London", "zone_search": "Atlantis", "next": "/coaches/"}, follow=True)
    assert "We do not know that time zone. Please pick one from the list." in response.content.decode()
    alice.refresh_from_db()
    assert alice.time_zone == "America/Chicago"


def test_a_country_with_many_zones_asks_for_a_city(client, alice):
    client.force_login(alice)
    client.post(reverse("coaching:zone"), {"zone": "Europe/London", "zone_search": "United States", "next": "/coaches/"})
    alice.refresh_from_db()
    assert alice.time_zone == "America/Chicago"


def test_the_intake_uses_the_same_picker_and_keeps_what_was_typed_when_it_is_wrong(client, alice):
    client.force_login(alice)
    about = {"preferred_name": "Ali", "time_zone": "", "time_zone_search": "Narnia", "language": "English", "action": "next"}
    html = client.post("/client/intake/step/about/", about).content.decode()
    assert "We do not know the time zone “Narnia”. Type a city near you, such as Lisbon, or pick one from the list." in html
    assert 'name="time_zone_search" id="id_time_zone_search" value="Narnia"' in html
    assert select_of(html, "time_zone")[-1] == ("Common zones", list(zones.COMMON))
    assert '<option value="" selected>Choose your time zone</option>' in html

    response = client.post("/client/intake/step/about/", {**about, "time_zone_search": "Manila"})
    assert response.status_code == 302
    assert reveal(Intake.objects.get(client=alice).time_zone) == "Asia/Manila"


def test_carol_types_her_zone_in_her_profile(client, carol, carol_profile):
    client.force_login(carol)
    form = {"display_name": "Carol Rivera", "bio": "", "languages": "English", "time_zone": "America/New_York",
            "time_zone_search": "Adelaide", "meeting_link": "", "is_listed": "on"}
    assert client.post(reverse("coaching:settings"), form).status_code == 302
    assert CoachProfile.objects.get(pk=carol_profile.pk).time_zone == "Australia/Adelaide"


def selected_zone(html):
    found = re.search(r'<option value="([^"]+)" selected>', html)
    return found.group(1) if found else None


def test_the_intakes_zone_starts_as_the_one_the_browser_told_us(client, alice):
    from accounts.middleware import TZ_COOKIE

    alice.time_zone = ""
    alice.save()
    client.force_login(alice)
    client.cookies[TZ_COOKIE] = "Europe%2FDublin"  # what static/js/site.js writes
    html = client.get(reverse("clients:intake_step", args=["about"])).content.decode()
    assert selected_zone(html) == "Europe/Dublin"


def test_the_coach_pages_zone_and_the_intakes_zone_are_one_setting(client, alice, carol_profile):
    alice.time_zone = "America/Chicago"
    alice.save()
    Intake.objects.create(client=alice, time_zone="America/Chicago")
    client.force_login(alice)
    client.post(reverse("coaching:zone"), {"zone": "Asia/Tokyo", "next": "/"})
    html = client.get(reverse("clients:intake_step", args=["about"])).content.decode()
    assert selected_zone(html) == "Asia/Tokyo"

    client.post(
        reverse("clients:intake_step", args=["about"]),
        {"preferred_name": "Al", "time_zone": "Europe/Lisbon", "language": "English", "action": "next"},
    )
    assert reveal(Intake.objects.get(client=alice).time_zone) == "Europe/Lisbon"
    html = client.get(reverse("coaching:coach", args=[carol_profile.pk])).content.decode()
    assert "Times are shown in <strong>Europe/Lisbon</strong>" in html

"""Item 20 of issue 14: the 403, 404 and 500 pages are ours (layout, a way back, help now),
the 500 page draws without the database, there is a favicon, and no staff page links to a
page that would refuse them (slot buttons, "Start your intake", Django's admin naming a person)."""

from datetime import time

import pytest
from django.contrib.staticfiles import finders
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client, RequestFactory

from config import views
from tests.factories import CoachProfileFactory, SessionTypeFactory, WeeklyHoursFactory


def assert_in_our_layout(response, *, signed_in):
    page = response.content.decode()
    assert 'class="site-header"' in page and 'class="site-footer"' in page
    assert 'href="/help-now/"' in page  # help now, in the page itself as well as the header
    assert "see who you can call or text, at any hour" in page
    assert '<a href="/">Waypoint\'s home page</a>' in page
    assert ('<a href="/me/">Back to your space</a>' in page) is signed_in


@pytest.mark.django_db
def test_a_page_that_is_not_there_is_our_404(client, alice):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()
    assert_in_our_layout(response, signed_in=False)
    client.force_login(alice)
    response = client.get("/coaches/999999/")
    assert response.status_code == 404
    assert_in_our_layout(response, signed_in=True)


@pytest.mark.django_db
def test_a_page_of_another_role_is_our_403(client, alice):
    client.force_login(alice)
    response = client.get("/coaches/sessions/")
    assert response.status_code == 403
    assert "This page is not open to you" in response.content.decode()
    assert_in_our_layout(response, signed_in=True)


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_gets_our_page(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/accounts/logout/")
    assert response.status_code == 403
    assert "Please send that again" in response.content.decode()


@pytest.mark.urls("tests.error_urls")
@pytest.mark.django_db
def test_a_fault_is_our_500_even_with_the_database_down(monkeypatch):
    client = Client(raise_request_exception=False)
    response = client.get("/a-fault/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert_in_our_layout(response, signed_in=False)
    assert 'data-quick-exit' in response.content.decode()

    def down(self):
        raise OperationalError("the database is down")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", down)
    response = client.get("/a-fault/")
    assert response.status_code == 500
    assert_in_our_layout(response, signed_in=False)


def test_the_500_page_reads_no_database_and_no_context_processor():
    # No django_db mark: any query here fails the test.
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert_in_our_layout(response, signed_in=False)


def test_when_even_the_500_template_fails_a_bare_page_still_answers(monkeypatch):
    def broken(name):
        raise ValueError("Missing staticfiles manifest entry")

    monkeypatch.setattr(views.loader, "get_template", broken)
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content and b'href="/help-now/"' in response.content


@pytest.mark.django_db
def test_the_favicon_is_ours(client):
    page = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert '<link rel="icon" href="/static/favicon.ico" sizes="32x32">' in page
    assert finders.find("favicon.svg") and finders.find("favicon.ico")
    with open(finders.find("favicon.ico"), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an icon file, not a renamed picture
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (301, "/static/favicon.ico")


@pytest.fixture
def carol_page(carol):
    profile = CoachProfileFactory(user=carol, time_zone="America/Chicago")
    SessionTypeFactory(coach=profile, name="Free intro call", duration_minutes=20, price_cents=0)
    SessionTypeFactory(coach=profile, name="Coaching session", duration_minutes=50, price_cents=6000)
    for weekday in range(7):
        WeeklyHoursFactory(coach=profile, weekday=weekday, start_time=time(0), end_time=time(23, 30))
    return f"/coaches/{profile.pk}/"


@pytest.mark.intake_gate
@pytest.mark.django_db
def test_staff_see_open_times_without_links_that_would_refuse_them(carol_page, alice, carol, dave, erin):
    # The open times are cached per zone: a client's links must not reach staff in her zone, nor the reverse.
    for person in (carol, dave, erin):
        person.time_zone = alice.time_zone
        person.save(update_fields=["time_zone"])
    as_client = Client()
    as_client.force_login(alice)
    page = as_client.get(carol_page).content.decode()
    assert 'class="slot" href="/bookings/new/?coach=' in page
    assert 'href="/client/intake/"' in page  # paid times wait for her intake
    for person in (carol, dave, erin):
        as_staff = Client()
        as_staff.force_login(person)
        for path in (carol_page, carol_page + "?week=1"):
            page = as_staff.get(path).content.decode()
            assert "/bookings/new/" not in page, (person, path)
            assert 'href="/client/intake/"' not in page, (person, path)
            assert '<span class="slot open-time">' in page
    # and a client who comes after staff still gets links
    assert 'class="slot" href="/bookings/new/?coach=' in as_client.get(carol_page + "?week=1").content.decode()


@pytest.mark.django_db
def test_a_person_named_in_djangos_admin_leads_to_our_page_for_them(client, alice, carol, erin):
    client.force_login(erin)
    response = client.get(f"/admin/accounts/user/{alice.pk}/change/")
    assert (response.status_code, response["Location"]) == (302, f"/bookings/manage/clients/{alice.pk}/")
    response = client.get(f"/admin/accounts/user/{carol.pk}/change/")
    assert (response.status_code, response["Location"]) == (302, "/team/")
    assert client.get(f"/bookings/manage/clients/{alice.pk}/").status_code == 200

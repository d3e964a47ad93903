"""After Alice sends an intake with a "yes" to the safety question, her intake page and her
dashboard keep the crisis lines in view and say when someone will reply; the lines are her
country's, from her time zone (the United States when we cannot tell), read from the one
data file admins extend."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from clients import crisis
from clients.models import Intake
from tests.browser import axe_violations
from tests.factories import ClientFactory, IntakeFactory
from tests.test_browser_progress_check_in import sign_in

NATIONAL_LINE = {
    "America/Chicago": ("988 Suicide & Crisis Lifeline", "tel:988", "911"),
    "Europe/London": ("Samaritans", "tel:116123", "999"),
    "Europe/Dublin": ("Samaritans", "tel:116123", "112"),
    "America/Toronto": ("9-8-8 Suicide Crisis Helpline", "tel:988", "911"),
    "Australia/Sydney": ("Lifeline", "tel:131114", "000"),
}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_alice_keeps_seeing_the_crisis_lines_and_when_we_will_reply(live_server, page, alice, settings):
    settings.URGENT_REPLY_WITHIN = "within one working day"
    IntakeFactory(client=alice, is_urgent=True, thoughts_of_self_harm=True)
    sign_in(page, live_server, alice)
    for path in ("/client/intake/yours/", "/me/"):
        page.goto(live_server.url + path)
        panel = page.locator("#urgent-follow-up")
        assert panel.is_visible(), path
        assert "Someone from our team will read your intake first and reply within one working day." in panel.inner_text()
        assert panel.get_by_role("link", name="988 Suicide & Crisis Lifeline").get_attribute("href") == "tel:988"
        assert axe_violations(page) == []

    # Once an admin has answered, the lines stay; the promise of a reply has been kept.
    Intake.objects.filter(client=alice).update(status=Intake.Status.APPROVED)
    page.goto(live_server.url + "/client/intake/yours/")
    assert page.locator("#urgent-follow-up").is_visible()
    assert "reply within" not in page.locator("#urgent-follow-up").inner_text()


@pytest.mark.django_db
def test_a_client_who_said_no_sees_no_follow_up_panel(client, alice):
    IntakeFactory(client=alice)
    client.force_login(alice)
    assert 'id="urgent-follow-up"' not in client.get("/client/intake/yours/").content.decode()
    assert 'id="urgent-follow-up"' not in client.get("/me/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("zone", sorted(NATIONAL_LINE))
def test_the_crisis_lines_follow_the_clients_country(client, zone):
    person = ClientFactory(time_zone=zone)
    IntakeFactory(client=person, is_urgent=True, thoughts_of_self_harm=True)
    client.force_login(person)
    name, href, emergency = NATIONAL_LINE[zone]
    for path in ("/client/intake/yours/", "/help-now/"):
        page = client.get(path).content.decode()
        assert f'<a href="{href}">{name.replace("&", "&amp;")}</a>' in page, path
        assert f'href="tel:{emergency}"' in page, path
    if emergency != "911":
        assert "911" not in page


@pytest.mark.django_db
def test_unknown_and_unlisted_countries(client):
    assert crisis.lines_for_zone("").code == "US"
    assert crisis.lines_for_zone("UTC").code == "US"
    elsewhere = crisis.lines_for_zone("Asia/Tokyo")
    assert (elsewhere.code, elsewhere.emergency, [line.href for line in elsewhere.lines]) == (
        "elsewhere", "", ["https://findahelpline.com/"]
    )


def test_admins_add_a_country_by_editing_the_data_file(tmp_path, settings):
    data = json.loads((settings.BASE_DIR / "clients" / "crisis_lines.json").read_text())
    data["countries"]["JP"] = {
        "name": "Japan",
        "emergency": "119",
        "lines": [{"name": "Inochi no Denwa", "how": "Call 0570 783 556.", "href": "tel:0570783556"}],
    }
    extended = tmp_path / "lines.json"
    extended.write_text(json.dumps(data))
    settings.CRISIS_LINES_FILE = str(extended)
    assert [line.name for line in crisis.lines_for_zone("Asia/Tokyo").lines] == ["Inochi no Denwa"]

    data["countries"]["JP"]["lines"][0]["href"] = "javascript:alert(1)"
    extended.write_text(json.dumps(data))
    crisis.load.cache_clear()
    with pytest.raises(ImproperlyConfigured, match="href must start with"):
        crisis.lines_for_zone("Asia/Tokyo")
    crisis.load.cache_clear()

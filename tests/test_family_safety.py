"""The family intake's safety step: a yes shows the right help at once, for the country
Fiona lives in, and marks her intake urgent for the admins."""

import pytest

from core.models import OwedWork
from families.emails import URGENT_ALERT
from families.models import FamilyIntake
from families.resources import help_for, overdose_steps
from tests.test_family_intake import ABOUT, AGREEMENTS, SAFETY_NO, STEP, fill_up_to_safety, post

pytestmark = pytest.mark.django_db


def shown(page, panel):
    """Whether the panel with this heading id is on the page and not hidden."""
    return f'aria-labelledby="{panel}">' in page


def hidden(page, panel):
    return f'aria-labelledby="{panel}" hidden>' in page


def test_afraid_of_her_son_fiona_sees_the_us_domestic_violence_hotline_at_once_and_her_intake_is_urgent(client, fiona):
    client.force_login(fiona)
    fill_up_to_safety(client)
    response = post(client, "safety", {**SAFETY_NO, "afraid_of_loved_one": "yes"})
    assert response.status_code == 200  # she stays on the page, with the help it calls for
    page = response.content.decode()
    assert shown(page, "violence-heading")
    assert "National Domestic Violence Hotline" in page and "tel:18007997233" in page
    assert hidden(page, "crisis-heading") and hidden(page, "overdose-heading")
    assert FamilyIntake.objects.get(client=fiona).is_urgent is True


def test_in_the_uk_the_lines_and_the_emergency_number_are_british(client, fiona):
    client.force_login(fiona)
    fill_up_to_safety(client, about={**ABOUT, "country": "GB", "time_zone": "Europe/London"})
    page = post(client, "safety", {**SAFETY_NO, "afraid_of_loved_one": "yes", "overdose_at_home": "yes"}).content.decode()
    assert "National Domestic Abuse Helpline (Refuge)" in page and "0808 2000 247" in page
    assert "National Domestic Violence Hotline" not in page
    assert shown(page, "overdose-heading")
    assert "Call 999. Say someone is not breathing" in page
    assert "Call 911" not in page


def test_an_overdose_at_home_shows_naloxone_and_how_to_respond(client, fiona):
    client.force_login(fiona)
    fill_up_to_safety(client)
    page = post(client, "safety", {**SAFETY_NO, "overdose_at_home": "yes"}).content.decode()
    assert shown(page, "overdose-heading") and hidden(page, "violence-heading")
    for step in overdose_steps("US"):
        assert step in page
    assert "Naloxone (Narcan) can reverse an opioid overdose" in page
    assert FamilyIntake.objects.get(client=fiona).is_urgent is True


def test_fionas_own_thoughts_of_self_harm_show_the_crisis_lines(client, fiona):
    client.force_login(fiona)
    fill_up_to_safety(client)
    page = post(client, "safety", {**SAFETY_NO, "thoughts_of_self_harm": "yes"}).content.decode()
    assert shown(page, "crisis-heading") and 'href="tel:988"' in page
    assert FamilyIntake.objects.get(client=fiona).is_urgent is True


def test_three_noes_keep_every_panel_hidden_and_the_intake_calm(client, fiona):
    client.force_login(fiona)
    fill_up_to_safety(client)
    assert post(client, "safety", SAFETY_NO).url == STEP.format("consents")
    page = client.get(STEP.format("safety")).content.decode()
    assert hidden(page, "violence-heading") and hidden(page, "crisis-heading") and hidden(page, "overdose-heading")
    assert FamilyIntake.objects.get(client=fiona).is_urgent is False


def test_a_country_we_do_not_list_gets_general_help_never_a_us_number():
    elsewhere = help_for("other")
    assert [line.name for line in elsewhere.violence_lines] == ["Find a Helpline"]
    assert all("1800" not in line.href and "988" not in line.href for line in elsewhere.violence_lines + elsewhere.lines)
    assert overdose_steps("other")[1] == "Call your local emergency number. Say someone is not breathing or will not wake up."


def test_the_urgent_intake_is_owed_to_every_admin_when_sent(client, fiona, erin):
    client.force_login(fiona)
    fill_up_to_safety(client)
    post(client, "safety", {**SAFETY_NO, "afraid_of_loved_one": "yes"})
    post(client, "consents", AGREEMENTS)
    intake = FamilyIntake.objects.get(client=fiona)
    assert (intake.status, intake.is_urgent) == (FamilyIntake.Status.SUBMITTED, True)
    assert list(OwedWork.objects.filter(kind=URGENT_ALERT).values_list("payload", flat=True)) == [
        {"admin_id": erin.pk, "intake_id": intake.pk}
    ]

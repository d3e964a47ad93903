from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import LAST_SEEN_KEY

pytestmark = pytest.mark.django_db


def _last_seen(client, minutes_ago):
    session = client.session
    session[LAST_SEEN_KEY] = (timezone.now() - timedelta(minutes=minutes_ago)).isoformat()
    session.save()


def test_coach_idle_for_31_minutes_is_signed_out(client, carol):
    client.force_login(carol)
    _last_seen(client, 31)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_coach_active_29_minutes_ago_stays_signed_in(client, carol):
    client.force_login(carol)
    _last_seen(client, 29)
    assert client.get(reverse("dashboard")).status_code == 200


def test_client_sessions_do_not_use_the_staff_idle_limit(client, alice):
    client.force_login(alice)
    _last_seen(client, 120)
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_coachs_idle_timer_is_written_at_most_once_a_minute(client, carol):
    client.force_login(carol)
    _last_seen(client, 0.5)
    half_a_minute_ago = client.session[LAST_SEEN_KEY]
    client.get(reverse("dashboard"))
    assert client.session[LAST_SEEN_KEY] == half_a_minute_ago

    _last_seen(client, 2)
    before = timezone.now()
    client.get(reverse("dashboard"))
    assert before <= datetime.fromisoformat(client.session[LAST_SEEN_KEY]) <= timezone.now()

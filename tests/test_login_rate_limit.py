import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_repeated_failed_logins_are_refused_even_with_the_right_password(client, alice):
    assert isinstance(caches["default"], RedisCache)
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": alice.email, "password": "not-the-password"})
        assert response.status_code == 200
    response = client.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()
    # The counter lives in Redis, shared by every web process; clearing it lets alice in again.
    cache.clear()
    client.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(alice.pk)

"""core.csrf: the pages' CSRF tokens are Django's, masked with one read of randomness."""

import collections

import pytest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, _unmask_cipher_token
from django.test import Client, RequestFactory
from django.urls import reverse

from core.csrf import masked_token

pytestmark = pytest.mark.django_db


def test_a_token_unmasks_to_the_secret_and_no_two_are_alike():
    secret = "a" * 10 + "Z9" * 11
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = secret
    tokens = {masked_token(request) for _ in range(200)}
    assert len(tokens) == 200
    for token in tokens:
        assert len(token) == 2 * CSRF_SECRET_LENGTH and set(token) <= set(CSRF_ALLOWED_CHARS)
        assert _unmask_cipher_token(token) == secret
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_the_mask_draws_every_character_alike():
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = "x" * CSRF_SECRET_LENGTH
    seen = collections.Counter(char for _ in range(2000) for char in masked_token(request)[:CSRF_SECRET_LENGTH])
    assert set(seen) == set(CSRF_ALLOWED_CHARS)
    expected = 2000 * CSRF_SECRET_LENGTH / len(CSRF_ALLOWED_CHARS)  # about 1032 each
    assert all(0.8 * expected < count < 1.2 * expected for count in seen.values())


def test_a_request_without_a_secret_gets_one_from_django():
    request = RequestFactory().get("/")
    token = masked_token(request)
    assert _unmask_cipher_token(token) == request.META["CSRF_COOKIE"]


def test_the_token_a_page_shows_is_accepted_and_a_made_up_one_is_refused(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    page = client.get(reverse("dashboard")).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    assert _unmask_cipher_token(token) == client.cookies["csrftoken"].value
    assert client.post(reverse("account_logout"), {"csrfmiddlewaretoken": token}).status_code == 302
    client.force_login(alice)
    client.get(reverse("dashboard"))
    assert client.post(reverse("account_logout"), {"csrfmiddlewaretoken": "x" * 64}).status_code == 403


def test_pages_take_their_tokens_from_here(client, alice, monkeypatch):
    import core.csrf

    drawn = []
    real = core.csrf._random_indexes
    monkeypatch.setattr(core.csrf, "_random_indexes", lambda count: drawn.append(count) or real(count))
    client.force_login(alice)
    client.get(reverse("dashboard"))  # the first request makes the secret (Django's get_token)
    drawn.clear()
    assert 'name="csrfmiddlewaretoken"' in client.get(reverse("dashboard")).content.decode()
    assert drawn == [CSRF_SECRET_LENGTH]  # one mask a page, however many forms it has

"""Behind a load balancer the socket's address is the proxy's. The audit trail and
consent signatures read the client's address the way allauth's rate limits do, from
X-Forwarded-For through ALLAUTH_TRUSTED_PROXY_COUNT proxies that overwrite it."""

import pytest

from accounts import audit
from clients import consents

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"


def request_through_proxy(rf, user, forwarded_for):
    request = rf.post("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)
    request.user = user
    return request


def test_audit_records_the_clients_address_behind_one_trusted_proxy(rf, settings, alice):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    event = audit.record("intake.read", request=request_through_proxy(rf, alice, "198.51.100.23"))
    assert event.ip == "198.51.100.23"


def test_a_consent_signature_keeps_the_clients_address_not_the_proxys(rf, settings, alice):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    document = consents.DOCUMENTS[0]
    consent = consents.sign(alice, document, signed_name="Alice Moreno", request=request_through_proxy(rf, alice, "198.51.100.23"))
    assert consent.ip == "198.51.100.23"
    consent = consents.revoke(consent, request=request_through_proxy(rf, alice, "203.0.113.9"))
    assert consent.revoked_ip == "203.0.113.9"


def test_a_forwarded_header_is_ignored_when_no_proxy_is_trusted(rf, settings, alice):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    event = audit.record("intake.read", request=request_through_proxy(rf, alice, "198.51.100.23"))
    assert event.ip == PROXY


def test_only_the_address_our_proxy_saw_counts_not_what_the_client_wrote(rf, settings, alice):
    # A client sends its own X-Forwarded-For; our one proxy appends the address it saw.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    event = audit.record("intake.read", request=request_through_proxy(rf, alice, "1.2.3.4, 198.51.100.23"))
    assert event.ip == "198.51.100.23"


def test_the_trusted_proxy_count_is_read_from_the_environment():
    from tests.test_settings_and_deploy import PRODUCTION_LIKE, manage

    code = "from django.conf import settings; print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    result = manage("shell", "-c", code, env={**PRODUCTION_LIKE, "TRUSTED_PROXY_COUNT": "2"})
    assert result.stdout.strip().splitlines()[-1] == "2", result.stderr

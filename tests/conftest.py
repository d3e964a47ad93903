import time

import pytest
import redis
import zeal
from django.conf import settings

from .browser import chromium, page  # noqa: F401  (shared browser fixtures)
from .factories import AdminFactory, ClientFactory, CoachUserFactory, with_mfa


def pytest_configure(config):
    # People made in tests sign in for real in browser tests; the real hasher only costs seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def services_answer():
    """The suite runs against real services; a missing one is a failure, never a skip."""
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2)
    try:
        assert client.ping(), f"Redis at {settings.REDIS_URL} did not answer"
    finally:
        client.close()


def _second_step_records(user):
    from allauth.mfa.models import Authenticator

    device = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if device is None:
        return None
    now = time.time()
    return [{"method": "password", "at": now}, {"method": "mfa", "at": now, "id": device.pk, "type": device.type}]


@pytest.fixture(autouse=True)
def force_login_passes_the_second_step(monkeypatch):
    """`client.force_login(carol)` stands for a whole log-in: for coaches and admins with a
    device that includes the two-step code, recorded as allauth records it. Tests of the
    guard itself sign in with a password alone: `force_login(carol, second_step=False)`."""
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.account.internal.flows.login import _AUTHENTICATION_METHODS_USER_SESSION_KEY
    from django.test import Client

    plain = Client.force_login

    def force_login(self, user, backend=None, *, second_step=True):
        plain(self, user, backend)
        records = _second_step_records(user) if second_step and user.needs_mfa else None
        if records:
            session = self.session
            session[AUTHENTICATION_METHODS_SESSION_KEY] = records
            session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(scope="session", autouse=True)
def no_n_plus_one_in_tasks():
    """Each Celery task, eager or in a worker, is checked for N+1 queries (requests are,
    by zeal's middleware in tests/settings.py)."""
    from celery.signals import task_postrun, task_prerun

    tokens = {}

    def start(task_id=None, **kwargs):
        tokens[task_id] = zeal.setup()

    def end(task_id=None, **kwargs):
        zeal.teardown(tokens.pop(task_id, None))

    task_prerun.connect(start, weak=False)
    task_postrun.connect(end, weak=False)
    yield
    task_prerun.disconnect(start)
    task_postrun.disconnect(end)


@pytest.fixture(autouse=True)
def fresh_cache():
    # allauth's rate limits and used-TOTP markers live in the Redis cache; tests start clean.
    from django.core.cache import caches

    # and the layout's fragments and copies of the public pages live in each process's own
    # memory ("local", "public_pages"): a test drawing a page under changed settings must
    # not meet an earlier test's drawing.
    caches["default"].clear()
    caches["local"].clear()
    caches["public_pages"].clear()
    from coaching import public_page

    public_page._CARDS.clear()
    yield


@pytest.fixture
def alice(db):
    return ClientFactory(email="alice@example.com", name="Alice Moreno", time_zone="America/Chicago")


@pytest.fixture
def bob(db):
    return ClientFactory(email="bob@example.com", name="Bob Lee", time_zone="Europe/London")


@pytest.fixture
def fiona(db):
    """A mother worried about her grown-up son: the family path's person."""
    return ClientFactory(email="fiona@example.com", name="Fiona Reyes", time_zone="America/Denver")


@pytest.fixture
def carol(db):
    return with_mfa(CoachUserFactory(email="carol@example.com", name="Carol Rivera"))


@pytest.fixture
def dave(db):
    return with_mfa(CoachUserFactory(email="dave@example.com", name="Dave Okafor", time_zone="Europe/London"))


@pytest.fixture
def erin(db):
    return with_mfa(AdminFactory(email="erin@example.com", name="Erin Admin"))


@pytest.fixture
def celery_worker_process(transactional_db):
    """A real Celery worker (solo pool, in this process) on the real Redis broker."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker

# bookings: localstripe (one process per session), eager Celery, the intake gate.
from .bookings_setup import eager_tasks, intake_gate_open, localstripe, localstripe_server  # noqa: E402, F401

# reminders: a real SMTP server on loopback.
from .reminders_setup import smtp_sink  # noqa: E402, F401

# messages: Alice matched with Carol.
from .messaging_setup import matched  # noqa: E402, F401

"""No input makes a 500.

Every URL pattern in the URLconf is sent a GET and a POST as each kind of visitor: a
stranger, alice the client, carol the coach and erin the admin (signed in with her
two-step code). Path ids come from the demo data, so the requests reach real objects;
form fields and query parameters get what hypothesis draws: text, unicode, huge
numbers, dates at the calendar's edges, and missing fields. No answer may be a 500.

Bounded: each (pattern, visitor) pair gets a few examples, about a minute in all. The
draws are the same on every run, so CI is repeatable; FUZZ_RANDOM=1 explores afresh.
"""

import os
import re
import string

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.middleware import TZ_COOKIE
from accounts.models import User

pytestmark = pytest.mark.django_db

EXAMPLES_PER_PAIR = 2
SAME_DRAWS_EACH_RUN = os.environ.get("FUZZ_RANDOM") != "1"
# Names that views read from the query string or that their forms may not render.
QUERY_NAMES = ["start", "coach", "type", "week", "format", "status", "next", "page", "kind", "person", "client", "since", "until", "action"]
EDGE_VALUES = [
    "",
    "0",
    "-1",
    "9" * 40,
    str(2**63),
    "1e309",
    "NaN",
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00:00+05:00",
    "9999-12-31T23:00:00Z",
    "9999-12-31T23:59:59.999999-12:00",
    "2026-02-30",
    "24:00",
    "23:59",
    "America",
    "Etc",
    "x" * 300,
    "\r\n",
    "\x00",
    "on",
    "dap",
    "soap",
    "next",
    "sign",
    "addendum",
]
values = st.one_of(
    st.sampled_from(EDGE_VALUES),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.datetimes().map(lambda d: d.isoformat() + "Z"),
)


def every_pattern():
    """(full route as text, name or None, path argument names) for each URL pattern."""
    found = []

    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
                route = prefix + str(pattern.pattern)
                arguments = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
                found.append((route, name, [a or b for a, b in arguments]))

    walk(get_resolver().url_patterns)
    return found


def demo_ids():
    """Primary keys of every demo object, so that ids in paths find something."""
    from django.apps import apps

    ids = set()
    for model in apps.get_models():
        if model._meta.app_label in {"accounts", "clients", "coaching", "bookings", "mfa", "account"}:
            ids.update(model.objects.values_list("pk", flat=True)[:50])
    return sorted(pk for pk in ids if isinstance(pk, int))


def path_candidates(ids):
    from coaching.models import CoachProfile

    tokens = list(CoachProfile.objects.values_list("feed_token", flat=True))
    plain = st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=30)
    numbers = st.one_of(st.sampled_from(ids), st.integers(min_value=0, max_value=2**70))
    return {
        "token": st.one_of(st.sampled_from(tokens), plain),
        "slug": st.one_of(st.sampled_from(["about", "reasons", "screening", "safety", "consents"]), plain),
        "key": plain,
        "uidb36": plain,
        "app_label": st.sampled_from(["accounts", "clients", "coaching", "bookings", "auth", "account", "mfa"]),
        "url": plain,
        "id": numbers.map(str),
        "object_id": numbers.map(str),
        "content_type_id": numbers.map(str),
    }, numbers


def url_for(route, name, arguments, draw, candidates, numbers):
    if name is None:
        # Unnamed catch-alls (the admin's own): a made-up path under their prefix.
        prefix = route.split("(")[0].split("<")[0].lstrip("^")
        return "/" + prefix + draw(st.text(alphabet=string.ascii_lowercase + "/", max_size=20))
    kwargs = {argument: draw(candidates.get(argument, numbers)) for argument in arguments}
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def field_names(html):
    return sorted(set(re.findall(r'name="([\w\-]+)"', html)) - {"csrfmiddlewaretoken"})


@pytest.fixture
def visitors(localstripe, eager_tasks):
    """Demo data, and a signed-in test client for each kind of visitor."""
    call_command("seed_demo", verbosity=0)
    people = {"anonymous": None}
    for role, email in [("client", "alice@waypoint.test"), ("coach", "carol@waypoint.test"), ("admin", "erin@waypoint.test")]:
        people[role] = User.objects.get(email=email)
    return people


def signed_in(clients, role, user):
    """The visitor's test client, signed in again if a request signed them out."""
    if user is None:
        return Client(raise_request_exception=False)
    client = clients.get(role)
    if client is None or client.session.get("_auth_user_id") != str(user.pk):
        client = clients[role] = Client(raise_request_exception=False)
        client.force_login(user)
    return client


def test_no_request_to_any_url_as_anyone_is_answered_with_a_500(visitors):
    ids = demo_ids()
    candidates, numbers = path_candidates(ids)
    # Query values that name real objects (?coach=3&type=5) get past the first lookups.
    field_values = st.one_of(values, st.sampled_from(ids).map(str))
    patterns = every_pattern()
    assert len(patterns) > 150
    names_seen = {}
    clients = {}
    failures = []

    def requests_to(route, name, arguments, role, user):
        @settings(
            max_examples=EXAMPLES_PER_PAIR,
            deadline=None,
            database=None,
            derandomize=SAME_DRAWS_EACH_RUN,
            suppress_health_check=list(HealthCheck),
        )
        @given(data=st.data())
        def one_request(data):
            url = url_for(route, name, arguments, data.draw, candidates, numbers)
            if url is None:
                return
            client = signed_in(clients, role, user)
            if user is None:
                # What a WSGI server hands over: the header's bytes read as latin-1.
                client.cookies[TZ_COOKIE] = data.draw(values).encode().decode("latin-1")
            if (route, role) not in names_seen:
                page = client.get(url)
                names_seen[(route, role)] = field_names(page.content.decode(errors="replace"))
            names = names_seen[(route, role)] + QUERY_NAMES
            chosen = data.draw(st.lists(st.sampled_from(names), max_size=8, unique=True))
            fields = {field: data.draw(field_values) for field in chosen}
            method = data.draw(st.sampled_from(["get", "post"]))
            # Each request starts from the demo data as seeded.
            with transaction.atomic():
                response = getattr(client, method)(url, fields)
                transaction.set_rollback(True)
            if response.status_code >= 500:
                error = getattr(response, "exc_info", None)
                failures.append((role, method.upper(), url, fields, response.status_code, repr(error[1]) if error else ""))

        return one_request

    for route, name, arguments in patterns:
        for role, user in visitors.items():
            requests_to(route, name, arguments, role, user)()

    assert failures == [], "\n".join(map(repr, failures))

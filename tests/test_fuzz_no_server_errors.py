"""No input makes a 500.

Built on the demo data, as four visitors: a stranger, alice the client, carol the coach
and erin the admin (signed in with her two-step code).

1. Sweep: every URL pattern in the URLconf gets a GET and an empty POST from each
   visitor, with path ids drawn from the demo data. Every link and form on the pages
   that answer is kept as a seed: a real request with real ids and values.
2. Mutation: hypothesis takes those seeds and changes what a person could change: a
   field becomes random text, unicode, a huge number, a date at the calendar's edges
   or a name that is not a time zone, or goes missing; a stranger's time-zone cookie
   gets the same treatment. Values are changed by their kind (a date field gets dates),
   so a mutated request still reaches the code behind the first lookup.

No answer may be a 500. Bounded to about a minute. The draws are the same on every run,
so CI is repeatable; FUZZ_RANDOM=1 explores afresh.
"""

import os
import re
import string
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

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

SAME_DRAWS_EACH_RUN = os.environ.get("FUZZ_RANDOM") != "1"
MUTATIONS_PER_SEED = 6
MOST_SEEDS = 160
# Never followed: they end the visitor's session or account, or leave the site.
SKIPPED_PATHS = re.compile(r"^/(accounts/logout/|admin/logout/|client/delete-my-account/)")

DATE_EDGES = ["0001-01-01", "9999-12-31", "2026-02-30", "1970-01-01", "2038-01-19"]
INSTANT_EDGES = [
    "9999-12-31T23:00:00Z",
    "0001-01-01T00:00:00+05:00",
    "9999-12-31T23:59:59.999999-12:00",
    "0001-01-01T00:00:00Z",
    "2026-03-08T02:30:00-05:00",
]
NUMBER_EDGES = ["0", "-1", "9" * 40, str(2**63), "1e309", "NaN", "+0.0", "²"]
TEXT_EDGES = ["", "America", "Etc", "x" * 300, "\r\n", "Carol\rX-INJECTED:yes", "\x00", "../etc/passwd", "%s%n", "<b>"]

texts = st.one_of(st.sampled_from(TEXT_EDGES), st.text(max_size=40), st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
numbers = st.one_of(st.sampled_from(NUMBER_EDGES), st.integers(min_value=-(2**70), max_value=2**70).map(str))
dates = st.one_of(st.sampled_from(DATE_EDGES), st.dates().map(lambda d: d.isoformat()))
instants = st.one_of(st.sampled_from(INSTANT_EDGES), st.datetimes().map(lambda d: d.isoformat() + "Z"))
times = st.one_of(st.sampled_from(["24:00", "23:59", "00:00", "25:61", "noon"]), st.times().map(lambda t: t.isoformat()))
anything = st.one_of(texts, numbers, dates, instants)


def mutation_for(value, kind):
    """What a changed value may become, by the kind of field it was."""
    if kind == "date" or re.fullmatch(r"\d{4}-\d\d-\d\d", value or ""):
        return st.one_of(dates, texts)
    if kind in ("datetime-local",) or re.fullmatch(r"\d{4}-\d\d-\d\dT.*", value or ""):
        return st.one_of(instants, texts)
    if kind == "time":
        return st.one_of(times, texts)
    if kind == "number" or re.fullmatch(r"-?\d+", value or ""):
        return st.one_of(numbers, texts)
    return anything


class PageSeeds(HTMLParser):
    """Links (GET) and forms (POST or GET) on a page, with their fields' values and kinds."""

    def __init__(self, page_url):
        super().__init__()
        self.page_url = page_url
        self.links = []
        self.forms = []
        self._form = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and (attrs.get("href") or "").startswith("/"):
            self.links.append(attrs["href"])
        elif tag == "form":
            action = attrs.get("action") or self.page_url
            self._form = {"method": (attrs.get("method") or "get").lower(), "url": action, "fields": {}, "kinds": {}}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "select", "textarea", "button") and attrs.get("name"):
            name = attrs["name"]
            kind = attrs.get("type", tag)
            if kind in ("checkbox", "radio") and "checked" not in attrs and name in self._form["fields"]:
                return
            self._form["fields"][name] = attrs.get("value") or ""
            self._form["kinds"][name] = kind

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


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
            ids.update(pk for pk in model.objects.values_list("pk", flat=True)[:50] if isinstance(pk, int))
    return sorted(ids)


def path_strategies(ids):
    from coaching.models import CoachProfile

    tokens = list(CoachProfile.objects.values_list("feed_token", flat=True))
    plain = st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=30)
    an_id = st.one_of(st.sampled_from(ids), st.integers(min_value=0, max_value=2**70))
    return {
        "token": st.one_of(st.sampled_from(tokens), plain),
        "slug": st.one_of(st.sampled_from(["about", "reasons", "screening", "safety", "consents"]), plain),
        "key": plain,
        "uidb36": plain,
        "app_label": st.sampled_from(["accounts", "clients", "coaching", "bookings", "auth", "account", "mfa"]),
        "url": plain,
        "id": an_id.map(str),
        "object_id": an_id.map(str),
        "content_type_id": an_id.map(str),
    }, an_id


def url_for(route, name, arguments, draw, strategies, an_id):
    if name is None:
        # Unnamed catch-alls (the admin's own): a made-up path under their prefix.
        prefix = route.split("(")[0].split("<")[0].lstrip("^")
        return "/" + prefix + draw(st.text(alphabet=string.ascii_lowercase + "/", max_size=20))
    kwargs = {argument: draw(strategies.get(argument, an_id)) for argument in arguments}
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


@pytest.fixture
def visitors(localstripe, eager_tasks):
    """Demo data, and who visits: a stranger and one person of each role."""
    call_command("seed_demo", verbosity=0)
    people = {"anonymous": None}
    for role, email in [("client", "alice@waypoint.test"), ("coach", "carol@waypoint.test"), ("admin", "erin@waypoint.test")]:
        people[role] = User.objects.get(email=email)
    return people


class Visit:
    """Sends one request as one visitor, starting from the demo data as seeded, and
    notes any 500."""

    def __init__(self):
        self.clients = {}
        self.failures = []

    def client_for(self, role, user):
        if user is None:
            return Client(raise_request_exception=False)
        client = self.clients.get(role)
        if client is None or client.session.get("_auth_user_id") != str(user.pk):
            # A request may have signed them out (or rolled their session back): sign in again.
            client = self.clients[role] = Client(raise_request_exception=False)
            client.force_login(user)
        return client

    def send(self, role, user, method, url, fields, cookie=None):
        client = self.client_for(role, user)
        if cookie is not None:
            # What a WSGI server hands over: the header's bytes read as latin-1.
            client.cookies[TZ_COOKIE] = cookie.encode().decode("latin-1")
        with transaction.atomic():
            response = getattr(client, method)(url, fields)
            transaction.set_rollback(True)
        if response.status_code >= 500:
            error = getattr(response, "exc_info", None)
            self.failures.append((role, method.upper(), url, fields, cookie, response.status_code, repr(error[1]) if error else ""))
        return response


def sweep(visitors, visit):
    """Every pattern, every visitor, GET and an empty POST; returns the seeds found."""
    strategies, an_id = path_strategies(demo_ids())
    seeds = {}

    def keep(role, method, url, fields, kinds):
        path = urlsplit(url).path
        if SKIPPED_PATHS.match(path):
            return
        key = (role, method, re.sub(r"\d+", "#", path), tuple(sorted(fields)))
        seeds.setdefault(key, (role, method, url, fields, kinds))

    def sweep_one(route, name, arguments, role, user):
        @settings(max_examples=1, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
        @given(data=st.data())
        def visit_pattern(data):
            url = url_for(route, name, arguments, data.draw, strategies, an_id)
            if url is None or SKIPPED_PATHS.match(url):
                return
            page = visit.send(role, user, "get", url, {})
            visit.send(role, user, "post", url, {})
            if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
                return
            parsed = PageSeeds(url)
            parsed.feed(page.content.decode(errors="replace"))
            for link in parsed.links:
                parts = urlsplit(link)
                query = dict(parse_qsl(parts.query, keep_blank_values=True))
                keep(role, "get", parts.path, query, {})
            for form in parsed.forms:
                keep(role, form["method"] if form["method"] in ("get", "post") else "post", form["url"], form["fields"], form["kinds"])

        visit_pattern()

    for route, name, arguments in every_pattern():
        for role, user in visitors.items():
            sweep_one(route, name, arguments, role, user)
    # Forms and links with fields first: they are where input reaches the code.
    ordered = sorted(seeds.values(), key=lambda seed: (not seed[3], seed[0], seed[2]))
    return ordered[:MOST_SEEDS]


def mutate(visitors, visit, seed):
    role, method, url, fields, kinds = seed
    user = visitors[role]

    @settings(
        max_examples=MUTATIONS_PER_SEED,
        deadline=None,
        database=None,
        derandomize=SAME_DRAWS_EACH_RUN,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def mutated_request(data):
        changed = dict(fields)
        names = sorted(changed) + ["start", "coach", "type", "week", "format", "next", "page"]
        for name in data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True)):
            if name in changed and data.draw(st.booleans()) and data.draw(st.booleans()):
                del changed[name]  # a missing field
            else:
                changed[name] = data.draw(mutation_for(changed.get(name), kinds.get(name)))
        cookie = data.draw(st.one_of(st.none(), texts)) if user is None else None
        visit.send(role, user, method, url, changed, cookie=cookie)

    mutated_request()


def test_no_request_to_any_url_as_anyone_is_answered_with_a_500(visitors):
    visit = Visit()
    assert len(every_pattern()) > 150
    seeds = sweep(visitors, visit)
    assert len(seeds) > 50, "the sweep should find the site's links and forms"
    for seed in seeds:
        mutate(visitors, visit, seed)
    assert visit.failures == [], "\n".join(map(repr, visit.failures))

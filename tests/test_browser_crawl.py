"""The crawl: as a visitor, a client, a coach and an admin (staff with their real two-step
code), Chromium on a 390 px phone follows every same-site link on every page it reaches,
starting from the demo data. No link may answer 403, 404 or 500 (or any other error), send
a signed-in person back to the sign-in page, scroll sideways, or carry a serious or
critical axe violation on our own pages.

To stay fast, links are grouped by pattern (ids and secrets in the path become one, the
query's keys count, their values do not) and at most PER_PATTERN of each are opened;
axe runs once per pattern. Django's admin is followed for errors only, one page per
path: its look is Django's, not ours.
"""

import io
import re
import time
from collections import deque
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.management import call_command

from accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from tests.browser import AXE_JS, sign_in_with_form

pytestmark = [pytest.mark.browser, pytest.mark.intake_gate, pytest.mark.django_db(transaction=True)]

PER_PATTERN = 2
MOST_PAGES = 400  # far above what the demo data reaches; a crawl that runs away fails instead of taking all day
# Links that change state or leave: signing out (a form, but any GET link to it too) and Quick exit (another site).
NEVER_FOLLOWED = re.compile(r"^/(accounts|admin)/logout/")
# Answers that are files, not pages: fetched for their status, not drawn.
FILES = re.compile(r"\.(ics|json|csv|pdf|ico|svg|png|txt)$")
ID_SEGMENT = re.compile(r"^(\d+|[0-9a-f-]{32,36}|[A-Za-z0-9_-]{20,}(\.ics)?)$")
SERIOUS = ("serious", "critical")

PEOPLE = {
    "visitor": None,
    "client": "alice@waypoint.test",
    "client-waiting": "bob@waypoint.test",
    "client-draft": "frank@waypoint.test",
    "coach": "carol@waypoint.test",
    "admin": "erin@waypoint.test",
}
STAFF = {"coach", "admin"}
AXED = {}  # kind of person -> paths axe has checked in this run


def pattern(path, query):
    """/coaches/clients/4/?week=1 and /coaches/clients/5/?week=2 are one pattern."""
    segments = "/".join("<id>" if ID_SEGMENT.match(part) else part for part in path.split("/"))
    if path.startswith("/admin/"):
        return segments
    return segments + "?" + "&".join(sorted({key for key, _ in parse_qsl(query, keep_blank_values=True)}))


AXE_SOURCE = AXE_JS.read_text() + "\n;true"


def quick_axe(page):
    page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}, resultTypes: ['violations']})"
    )
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


def crawl(page, base, *, signed_in, axed):
    """Follow links breadth first; returns (pages opened, problems found). `axed` holds the
    paths axe has already checked for this kind of person (the three clients share one)."""
    origin = urlsplit(base).netloc
    queue = deque([("/", "(start)"), ("/me/" if signed_in else "/coaches/", "(start)")])
    seen_urls, per_pattern, problems, opened = set(), {}, [], 0
    while queue:
        url, found_on = queue.popleft()
        parts = urlsplit(url)
        key = pattern(parts.path, parts.query)
        if url in seen_urls or per_pattern.get(key, 0) >= PER_PATTERN:
            continue
        seen_urls.add(url)
        per_pattern[key] = per_pattern.get(key, 0) + 1
        opened += 1
        assert opened <= MOST_PAGES, f"the crawl ran away: over {MOST_PAGES} pages (last {url})"
        where = f"{url} (linked from {found_on})"

        if FILES.search(parts.path):
            response = page.context.request.get(base + url, max_redirects=0)
            if response.status >= 400:
                problems.append(f"{where}: answered {response.status}")
            continue
        response = page.goto(base + url)
        landed = urlsplit(page.url)
        if response is None or response.status >= 400:
            problems.append(f"{where}: answered {response.status if response else 'nothing'}")
            continue
        if signed_in and landed.path == "/accounts/login/":
            problems.append(f"{where}: sent a signed-in person to the sign-in page")
            continue
        if landed.netloc != origin:
            continue  # a same-site link that redirects away (the video room, Stripe)
        ours = not landed.path.startswith("/admin/")
        if ours and not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
            width = page.evaluate("document.documentElement.scrollWidth")
            problems.append(f"{where}: scrolls sideways on a 390 px phone ({width} px wide)")
        if ours and key.split("?")[0] not in axed:
            axed.add(key.split("?")[0])
            serious = [v for v in quick_axe(page) if v[1] in SERIOUS]
            if serious:
                problems.append(f"{where}: axe {serious}")

        here = landed.path + (f"?{landed.query}" if landed.query else "")
        seen_urls.add(here)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            link = urlsplit(href)
            if link.netloc != origin or link.scheme not in ("http", "https") or NEVER_FOLLOWED.match(link.path):
                continue
            target = link.path + (f"?{link.query}" if link.query else "")
            if target not in seen_urls:
                queue.append((target, here))
    return opened, problems


@pytest.mark.parametrize("role", list(PEOPLE))
def test_every_link_opens_fits_a_phone_and_passes_axe(live_server, page, role):
    call_command("seed_demo", stdout=io.StringIO())
    started = time.monotonic()
    email = PEOPLE[role]
    if email:
        sign_in_with_form(page, live_server.url, email, DEMO_PASSWORD, totp_secret=DEMO_TOTP_SECRET if role in STAFF else None)
    opened, problems = crawl(page, live_server.url, signed_in=email is not None, axed=AXED.setdefault(role.split("-")[0], set()))
    print(f"crawl as {role}: {opened} pages in {time.monotonic() - started:.1f} s")
    assert not problems, "\n".join(problems)
    assert opened > (1 if role == "visitor" else 10)

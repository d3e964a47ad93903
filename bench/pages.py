"""How fast are the pages? `make bench`, or `.venv/bin/python bench/pages.py [--profile] [path ...]`.

Builds its own database with the demo data (BENCH_PAGES_DATABASE_URL, default
waypoint_pages_bench on the local PostgreSQL, dropped and made afresh each run), then
starts gunicorn the way the README deploys it: DEBUG off, production-looking secrets made
for this run, static files collected, sync workers (one per core, BENCH_WORKERS). The
only addition is a bare view that returns "ok" through the same middleware, mounted by
bench/settings.py: every page is measured as a fraction of its requests per second.

It signs in for real (the client with a password, the coach and the admin with their
two-step code too), lists every page from the URLconf, fills in ids from the demo data,
asks each page as a visitor, a client, a coach and an admin, and measures each one that
answers 200 with `wrk`: BENCH_CONNECTIONS (16) connections for BENCH_SECONDS (3)
seconds, with the bare view measured between every two pages (BENCH_BARE_SECONDS, 2) so
that each ratio compares runs made under the same load. One line per page: requests per
second, the bare view's, the ratio, p50 and p99 latency, SQL queries for one request
(counted in this process with the same session), the size of the page, gunicorn's CPU
time per request and the bare view's divided by it (steadier than requests per second
when other work shares the machine, though it leaves out PostgreSQL and Redis), and the
load average. It ends with the worst and the median ratio and the targets.

Paths given on the command line measure only the pages whose path contains one of them.
--profile prints, for each page that misses a target, a cProfile of 50 requests made in
the bench's own process.

The cache keys under the site's prefix in REDIS_URL's database are cleared at the start:
run it against a Redis database that no live site uses.
"""

import http.client
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HOST = "waypoint.example.org"
BARE = "/__bench__/ok"
PORT = int(os.environ.get("BENCH_PORT", "8611"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 2)))
DATABASE_URL = os.environ.get("BENCH_PAGES_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/waypoint_pages_bench")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
BARE_SECONDS = int(os.environ.get("BENCH_BARE_SECONDS", "2"))
ONLY = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
PROFILE = "--profile" in sys.argv
ROLES = ["visitor", "client", "coach", "admin"]
SIGNED_IN = ROLES[1:]

# allauth's own pages: the ones our menus link to are measured, the rest are steps of
# flows (e-mail keys, re-authentication) that a load test cannot walk into.
ALLAUTH_MEASURED = {"account_login", "account_signup", "account_change_password", "mfa_index"}
NOT_PAGES = {
    "healthz": "the load balancer's health check",
    "bookings:stripe_webhook": "Stripe's webhook",
    "clients:my_data_json": "a download",
    "coaching:feed": "a calendar feed for calendar apps",
    "accounts:zone_names": "the zone picker's list, fetched by its script",
}

TARGETS = [
    # (what, test on the results)
    ("coach page, visitor: ratio >= 0.25 and p99 < 100 ms", lambda r: _coach(r, "visitor", 0.25)),
    ("coach page, signed in: ratio >= 0.25 and p99 < 100 ms", lambda r: _coach(r, "client", 0.25)),
    ("directory, visitor: ratio >= 0.30", lambda r: all(x["ratio"] >= 0.30 for x in r if x["name"] == "coaching:directory" and x["role"] == "visitor")),
    ("no page below 0.10", lambda r: min(x["ratio"] for x in r) >= 0.10),
    ("median signed-in page >= 0.15", lambda r: statistics.median(x["ratio"] for x in r if x["role"] in SIGNED_IN) >= 0.15),
]


def _coach(results, role, ratio):
    rows = [x for x in results if x["name"] == "coaching:coach" and x["role"] == role]
    return bool(rows) and all(x["ratio"] >= ratio and x["p99"] < 100 for x in rows)


# --- environment ----------------------------------------------------------------------


def environments(static_root):
    """(development, production) environments: seeding is a development task; serving is not."""
    from cryptography.fernet import Fernet

    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BENCH_"))}
    base.update(DATABASE_URL=DATABASE_URL, REDIS_URL=REDIS_URL, LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT))
    # One note key for seeding and serving, made for this run, so demo notes open.
    base["NOTE_ENCRYPTION_KEYS"] = Fernet.generate_key().decode()
    base["MFA_ENCRYPTION_KEYS"] = Fernet.generate_key().decode()
    # No fake Stripe: the demo records its payments in our tables only.
    base["STRIPE_API_BASE"] = ""
    development = {**base, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings"}
    token = secrets.token_hex(12)
    production = {
        **base,
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_STATIC_ROOT": str(static_root),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": f"https://{HOST}",
        "BEHIND_PROXY": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "STRIPE_SECRET_KEY": f"sk_test_{token}",
        "STRIPE_PUBLISHABLE_KEY": f"pk_test_{token}",
        "STRIPE_WEBHOOK_SECRET": f"whsec_{secrets.token_hex(16)}",
    }
    return development, production


def fresh_database():
    import psycopg2

    name = urlsplit(DATABASE_URL).path.lstrip("/")
    assert "pages_bench" in name, "the page benchmark only ever works in a database named *pages_bench*"
    conn = psycopg2.connect(urlunsplit(urlsplit(DATABASE_URL)._replace(path="/postgres")))
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def clear_site_cache():
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(REDIS_URL)
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    for key in client.scan_iter(f"{prefix}:*", count=1000):
        client.delete(key)
    client.close()


def start_gunicorn(env, log_path):
    log = open(log_path, "wb")  # noqa: SIM115 (open while gunicorn runs)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{PORT}"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if http_get(BARE, {})[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    stop(process)
    sys.exit(f"gunicorn did not answer on port {PORT}:\n{Path(log_path).read_text()[-3000:]}")


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


# --- HTTP as a browser behind the TLS proxy would send it -------------------------------


def headers_for(cookies, extra=None):
    headers = {"Host": HOST, "X-Forwarded-Proto": "https", "User-Agent": "waypoint-bench"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    headers.update(extra or {})
    return headers


def http_get(path, cookies, method="GET", body=None, extra=None):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers_for(cookies, extra))
        response = conn.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for key, morsel in jar.items():
                if morsel.value:
                    cookies[key] = morsel.value
                else:
                    cookies.pop(key, None)
        return response.status, response.headers.get("Location", ""), content
    finally:
        conn.close()


def post_form(path, cookies, fields):
    token = cookies["csrftoken"]
    body = urlencode({"csrfmiddlewaretoken": token, **fields})
    extra = {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"https://{HOST}{path}", "Origin": f"https://{HOST}"}
    return http_get(path, cookies, "POST", body, extra)


def totp_code(secret):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(email, password, totp_secret=None):
    """A real sign-in through allauth's forms; returns the cookies of the session."""
    from django.urls import reverse

    cookies = {}
    login = reverse("account_login")
    http_get(login, cookies)
    status, location, _ = post_form(login, cookies, {"login": email, "password": password})
    assert status == 302, f"signing in {email} answered {status}"
    if totp_secret is not None:
        step = reverse("mfa_authenticate")
        assert location.endswith(step), f"{email} was not asked for a two-step code ({location})"
        http_get(step, cookies)
        status, location, _ = post_form(step, cookies, {"code": totp_code(totp_secret)})
        if status != 302 or location.endswith(step):
            # On a busy machine the code can be made in one 30-second window and checked in
            # the next: wait for a fresh window and give that window's code.
            time.sleep(30 - time.time() % 30 + 1)
            status, location, _ = post_form(step, cookies, {"code": totp_code(totp_secret)})
        assert status == 302 and not location.endswith(step), f"the two-step code for {email} was refused"
    return cookies


# --- the pages --------------------------------------------------------------------------


def url_names():
    from django.urls import URLResolver, get_resolver

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name, pattern

    return list(walk(get_resolver("config.urls").url_patterns))


def demo_ids():
    """URL arguments, by URL name, taken from the demo data."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import User
    from bookings.availability import open_slots
    from bookings.models import Booking, Payment, SessionNote, Status
    from bookings.web.views import new_booking_url
    from clients.models import Intake
    from coaching.models import CoachProfile, SessionType, WeeklyHours

    alice = User.objects.get(email="alice@waypoint.test")
    carol = CoachProfile.objects.get(user__email="carol@waypoint.test")
    upcoming = Booking.objects.filter(client=alice, status=Status.CONFIRMED).order_by("starts_at").first()
    past = Booking.objects.filter(client=alice, status=Status.COMPLETED).first()
    paid_type = SessionType.objects.filter(coach=carol, price_cents__gt=0).first()
    now = timezone.now()
    open_times = open_slots(carol, paid_type, now + timedelta(days=2), now + timedelta(days=16))
    note = SessionNote.objects.first()
    ids = {
        "coaching:coach": {"pk": carol.pk},
        "coaching:hours_edit": {"pk": WeeklyHours.objects.filter(coach=carol).first().pk},
        "coaching:session_type_edit": {"pk": paid_type.pk},
        "coaching:client_record": {"client_id": alice.pk},
        "clients:progress_shared": {"client_id": alice.pk},
        "clients:intake_detail": {"pk": Intake.objects.get(client=alice).pk},
        "clients:review_detail": {"pk": Intake.objects.get(client__email="bob@waypoint.test").pk},
        "clients:intake_step": {"slug": "about"},
    }
    if upcoming is not None:
        for name in ("bookings:detail", "bookings:cancel", "bookings:reschedule", "bookings:pay"):
            ids[name] = {"pk": upcoming.pk}
        payment = Payment.objects.filter(booking=upcoming).first()
        if payment is not None:
            ids["bookings:manage_payment"] = {"pk": payment.pk}
    if past is not None:
        ids["coaching:session_note"] = {"pk": past.pk}
    if note is not None:
        ids["coaching:admin_note"] = {"pk": note.pk}
        ids["clients:summary"] = {"pk": note.pk}
    # Every part of Your data has its own page: each is measured.
    from accounts.export import sections

    ids["clients:my_data_section"] = [{"section": section.slug} for section in sections()]
    queries = {}
    if open_times:
        queries["bookings:new"] = new_booking_url(carol, paid_type, open_times[0]).split("?", 1)[1]
    return ids, queries


def catalogue(sessions):
    """(pages to measure as (name, role, path), pages left out as (name, why))."""
    from django.urls import NoReverseMatch, reverse

    ids, queries = demo_ids()
    measured, left_out = [], []
    for name, pattern in url_names():
        if name.startswith("admin:"):
            continue  # Django's admin: measured by Django, not by us
        module = getattr(pattern.callback, "__module__", "")
        if module.startswith("allauth") and name not in ALLAUTH_MEASURED:
            continue
        if name in NOT_PAGES:
            left_out.append((name, NOT_PAGES[name]))
            continue
        kwargs_list = ids.get(name, {})
        for kwargs in kwargs_list if isinstance(kwargs_list, list) else [kwargs_list]:
            try:
                path = reverse(name, kwargs=kwargs)
            except NoReverseMatch:
                left_out.append((name, "no demo object to show"))
                continue
            if name in queries:
                path = f"{path}?{queries[name]}"
            answers = {role: http_get(path, sessions[role])[0] for role in ROLES}
            ok = [role for role in ROLES if answers[role] == 200]
            if not ok:
                left_out.append((name, "answers " + ", ".join(f"{role} {status}" for role, status in answers.items())))
                continue
            # A public page is measured for a visitor and for a signed-in client.
            for role in [r for r in ("visitor", "client") if r in ok] if "visitor" in ok else ok:
                measured.append((name, role, path))
    return measured, left_out


def count_queries(path, cookies):
    """SQL queries of one request, in this process, with the same session and settings."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https")
    for key, value in cookies.items():
        client.cookies[key] = value
    client.get(path)  # caches warm, as they are under load
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, f"{path} answered {response.status_code} in the bench's own process"
    return len(queries)


LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def server_cpu_seconds():
    """CPU time used so far by gunicorn's workers (not PostgreSQL's or Redis's, which
    other work on this machine shares)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == SERVER_PID[0]:  # a worker: its parent is the master
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


SERVER_PID = [0]


def wrk(path, cookies, seconds=SECONDS):
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for key, value in headers_for(cookies).items():
        command += ["-H", f"{key}: {value}"]
    cpu_before = server_cpu_seconds()
    out = subprocess.run([*command, f"http://127.0.0.1:{PORT}{path}"], capture_output=True, text=True, check=True).stdout
    cpu = server_cpu_seconds() - cpu_before
    done = int(re.search(r"(\d+) requests in", out).group(1))
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latency = {int(p): float(v) * scale[unit] for p, v, unit in LATENCY.findall(out)}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    problems = []
    if bad:
        problems.append(f"{bad.group(1)} non-2xx answers")
    if errors:
        problems.append(f"socket errors: {errors.group(1)}")
    cpu_ms = cpu * 1000 / max(done, 1)
    return {"rps": rps, "p50": latency.get(50, 0.0), "p99": latency.get(99, 0.0), "cpu_ms": cpu_ms, "problems": problems}


def _applies(label, row):
    if "coach page" in label:
        return row["name"] == "coaching:coach"
    return "directory" in label and row["name"] == "coaching:directory" and row["role"] == "visitor"


def profile(path, cookies, title, requests=50):
    """Where one page's time goes: cProfile of requests in this process, by cumulative time."""
    import cProfile
    import io
    import pstats

    from django.test import Client

    client = Client(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https")
    for key, value in cookies.items():
        client.cookies[key] = value
    client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    ours = re.escape(str(ROOT)) + r"/(?!\.venv)"
    stats.sort_stats("cumulative").print_stats(ours + r"|template/(loader|backends)|forms/|db/models/query\.py|cache/backends|execute'|recv'", 30)
    print(f"\nProfile of {title}, {requests} requests in the bench's process:\n{out.getvalue()}")


def warm(path, cookies):
    for _ in range(6):
        http_get(path, cookies)


def main():
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: `make bench` installs it (apt-get install wrk).")
    scratch = Path(tempfile.mkdtemp(prefix="waypoint-pages-bench-"))
    development, production = environments(scratch / "static")
    print(f"Building {urlsplit(DATABASE_URL).path.lstrip('/')} with the demo data ...", flush=True)
    fresh_database()
    manage(development, "migrate", "--noinput")
    manage(development, "seed_demo")
    manage(production, "collectstatic", "--noinput", "-v0")

    os.environ.update(production)
    import django

    django.setup()
    from accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

    clear_site_cache()
    server = start_gunicorn(production, scratch / "gunicorn.log")
    SERVER_PID[0] = server.pid
    results = []
    try:
        sessions = {
            "visitor": {},
            "client": sign_in("alice@waypoint.test", DEMO_PASSWORD),
            "coach": sign_in("carol@waypoint.test", DEMO_PASSWORD, DEMO_TOTP_SECRET),
            "admin": sign_in("erin@waypoint.test", DEMO_PASSWORD, DEMO_TOTP_SECRET),
        }
        measured, left_out = catalogue(sessions)
        print(
            f"gunicorn, {WORKERS} sync workers, DEBUG off; wrk, {CONNECTIONS} connections, {SECONDS} s a page; "
            f"{len(measured)} pages. Load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores.",
            flush=True,
        )
        if ONLY:
            measured = [m for m in measured if any(part in m[2] for part in ONLY)]
        warm(BARE, {})
        wrk(BARE, {}, seconds=1)
        # The bare view is measured between every two pages and each page is compared with
        # the mean of the runs either side: the machine's load drifts, the ratio should not.
        bare_before = wrk(BARE, {}, seconds=BARE_SECONDS)
        bares = [bare_before["rps"]]
        bare_cpus = [bare_before["cpu_ms"]]
        print(
            f"{'page':<44} {'who':<8} {'req/s':>7} {'bare':>6} {'ratio':>6} {'p50 ms':>7} {'p99 ms':>7} {'queries':>7} {'KB':>6} "
            f"{'cpu ms':>6} {'cpu r.':>6} {'load':>5}"
        )
        for name, role, path in measured:
            cookies = sessions[role]
            warm(path, cookies)
            queries = count_queries(path, cookies)
            size = len(http_get(path, cookies)[2]) / 1024
            figures = wrk(path, cookies)
            bare_after = wrk(BARE, {}, seconds=BARE_SECONDS)
            bares.append(bare_after["rps"])
            bare_cpus.append(bare_after["cpu_ms"])
            bare = (bare_before["rps"] + bare_after["rps"]) / 2
            bare_cpu = (bare_before["cpu_ms"] + bare_after["cpu_ms"]) / 2
            bare_before = bare_after
            ratio = figures["rps"] / bare
            cpu_ratio = bare_cpu / max(figures["cpu_ms"], 0.001)
            load = os.getloadavg()[0]
            results.append(
                {"name": name, "role": role, "path": path, "queries": queries, "kb": size, **figures, "ratio": ratio, "cpu_ratio": cpu_ratio}
            )
            note = f"  ({'; '.join(figures['problems'])})" if figures["problems"] else ""
            print(
                f"{path[:44]:<44} {role:<8} {figures['rps']:7.0f} {bare:6.0f} {ratio:6.2f} {figures['p50']:7.1f} {figures['p99']:7.1f} "
                f"{queries:7d} {size:6.1f} {figures['cpu_ms']:6.2f} {cpu_ratio:6.2f} {load:5.2f}{note}",
                flush=True,
            )
        if PROFILE:
            for row in results:
                if row["ratio"] < 0.10 or any(not test([row]) for label, test in TARGETS[:3] if _applies(label, row)):
                    profile(row["path"], sessions[row["role"]], f"{row['path']} as {row['role']}")
    finally:
        stop(server)
        shutil.rmtree(scratch, ignore_errors=True)

    print(
        f"bare view: {statistics.median(bares):.0f} requests/s median over {len(bares)} runs "
        f"(from {min(bares):.0f} to {max(bares):.0f} as the machine's load changed); "
        f"gunicorn's CPU per bare request: median {statistics.median(bare_cpus):.2f} ms."
    )
    for name, why in left_out:
        print(f"not measured: {name} ({why})")
    worst = min(results, key=lambda r: r["ratio"])
    signed_in = [r["ratio"] for r in results if r["role"] in SIGNED_IN]
    print(f"Load average after: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores.")
    print(f"worst ratio: {worst['ratio']:.2f} ({worst['path']} as {worst['role']})")
    print(f"median ratio: {statistics.median(r['ratio'] for r in results):.2f}; signed-in pages: {statistics.median(signed_in):.2f}")
    # Less moved by other work on the machine: how much of gunicorn's CPU a page takes
    # compared with the bare view (the database's and Redis's share is not in it).
    worst_cpu = min(results, key=lambda r: r["cpu_ratio"])
    signed_in_cpu = [r["cpu_ratio"] for r in results if r["role"] in SIGNED_IN]
    print(
        f"by gunicorn's CPU per request: worst {worst_cpu['cpu_ratio']:.2f} ({worst_cpu['path']} as {worst_cpu['role']}), "
        f"median {statistics.median(r['cpu_ratio'] for r in results):.2f}, signed-in median {statistics.median(signed_in_cpu):.2f}"
    )
    met = True
    for label, test in TARGETS:
        ok = test(results)
        met = met and ok
        print(f"  {label}: {'met' if ok else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())

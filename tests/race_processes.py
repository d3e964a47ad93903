"""Clients pressing "Book" from separate OS processes, each with its own database
connection, the way separate web workers would. Threads in one interpreter can hide a
missing lock (they take turns on one GIL); processes race the way production does.

Nothing here is imported before Django is set up in the child: a spawned process starts
with a fresh interpreter and imports this module to find `attempt`.
"""

import multiprocessing
import os
import queue
from urllib.parse import quote

START_TIMEOUT = 60  # seconds for twenty interpreters to start on a busy two-core machine


def database_url(settings_dict):
    """The URL of the (test) database the parent is using, for a child's settings."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{settings_dict['NAME']}"


def attempt(url, client_id, session_type_id, starts_at, start_line, results):
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    from accounts.models import User
    from bookings import transitions
    from bookings.errors import SlotTaken
    from coaching.models import SessionType

    try:
        client = User.objects.get(pk=client_id)
        session_type = SessionType.objects.get(pk=session_type_id)
        start_line.wait(timeout=START_TIMEOUT)
        try:
            transitions.place_hold(client, session_type, starts_at)
            outcome = "booked"
        except SlotTaken as exc:
            outcome = "taken" if "just taken" in str(exc) else repr(exc)
    except Exception as exc:  # noqa: BLE001 - any other answer is a failure the test must show
        outcome = repr(exc)
    finally:
        connection.close()
    results.put((client_id, outcome))


def race(settings_dict, attempts):
    """Run each (client, session_type, starts_at) in its own process, released at once.
    Returns the outcomes, sorted: "booked", "taken", or the repr of anything else."""
    context = multiprocessing.get_context("spawn")
    start_line = context.Barrier(len(attempts))
    results = context.Queue()
    url = database_url(settings_dict)
    processes = [
        context.Process(target=attempt, args=(url, client.pk, session_type.pk, starts_at, start_line, results))
        for client, session_type, starts_at in attempts
    ]
    for process in processes:
        process.start()
    outcomes = []
    try:
        for _ in processes:
            outcomes.append(results.get(timeout=START_TIMEOUT + 30)[1])
    except queue.Empty:
        outcomes.append("no answer from a process")
    finally:
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
    return sorted(outcomes)

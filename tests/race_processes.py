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


def _child(url):
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def attempt(url, client_id, session_type_id, starts_at, start_line, results):
    _child(url)
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


def call(url, target, args, index, start_line, results):
    """Run `target` ("module:function", importable in a fresh interpreter) with `args` once
    every process is ready; its return value (or the repr of what it raised) is the outcome."""
    _child(url)
    import importlib

    from django.db import connection

    try:
        module_name, name = target.split(":")
        function = getattr(importlib.import_module(module_name), name)
        start_line.wait(timeout=START_TIMEOUT)
        outcome = function(*args)
    except Exception as exc:  # noqa: BLE001 - any other answer is a failure the test must show
        outcome = repr(exc)
    finally:
        connection.close()
    results.put((index, outcome))


def _run_all(settings_dict, target, arg_lists):
    """Start one process per argument list, release them at once, and collect (key, outcome)."""
    context = multiprocessing.get_context("spawn")
    start_line = context.Barrier(len(arg_lists))
    results = context.Queue()
    url = database_url(settings_dict)
    processes = [context.Process(target=target, args=(url, *args, start_line, results)) for args in arg_lists]
    for process in processes:
        process.start()
    outcomes = []
    try:
        for _ in processes:
            outcomes.append(results.get(timeout=START_TIMEOUT + 30))
    except queue.Empty:
        outcomes.append((None, "no answer from a process"))
    finally:
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
    return outcomes


def race(settings_dict, attempts):
    """Run each (client, session_type, starts_at) in its own process, released at once.
    Returns the outcomes, sorted: "booked", "taken", or the repr of anything else."""
    arg_lists = [(client.pk, session_type.pk, starts_at) for client, session_type, starts_at in attempts]
    return sorted(outcome for _key, outcome in _run_all(settings_dict, attempt, arg_lists))


def race_calls(settings_dict, calls):
    """Run each (target, args) in its own process, released at once. Returns the outcomes in
    the order the calls were given."""
    outcomes = dict(_run_all(settings_dict, call, [(target, args, index) for index, (target, args) in enumerate(calls)]))
    return [outcomes.get(index, "no answer from a process") for index in range(len(calls))]

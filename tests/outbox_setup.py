"""The broker taken away for a while: Celery pointed at a port where nothing listens."""

from contextlib import contextmanager

from config.celery import app
from tests.smtp_sink import free_port


def _fresh_connections():
    # Forget the pools (not close them: kombu keeps producer pools per broker URL and
    # hands the same ones back when the URL is restored).
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_down():
    """Point the broker (and result store) at a port where nothing listens."""
    saved = app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager
    dead = f"redis://127.0.0.1:{free_port()}/5"
    app.conf.broker_url = app.conf.result_backend = dead
    app.conf.task_always_eager = False
    _fresh_connections()
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager = saved
        _fresh_connections()

"""Run Celery tasks inline, for tests that check what a task does rather than the broker."""

import pytest


@pytest.fixture
def eager_tasks():
    from config.celery import app

    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    app.conf.update(task_always_eager=False, task_eager_propagates=False)

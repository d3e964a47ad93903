"""The outbox's two tasks. Thin: they take ids and call the rules in `core.outbox`."""

from celery import shared_task

from . import outbox


@shared_task(name="core.scan_outbox")
def scan_outbox():
    return len(outbox.scan())


@shared_task(name=outbox.DELIVER_TASK)
def deliver_owed(*, work_ids):
    return len(outbox.deliver_all(work_ids))

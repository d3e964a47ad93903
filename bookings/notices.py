"""E-mails we owe, recorded in the same transaction as the change that owes them.

Each notice has a unique key, so whatever path reaches it twice (a webhook delivered
three times, a task run twice) still leaves one notice, and the task that sends it
claims it first, so it goes out once.
"""

from django.db import transaction

from .models import Notice


def owe(booking, kind, *, key="", **context):
    notice, created = Notice.objects.get_or_create(
        key=f"{kind}:{booking.pk}:{key}", defaults={"booking": booking, "kind": kind, "context": context}
    )
    if created:
        from . import tasks

        transaction.on_commit(lambda: tasks.enqueue(tasks.send_notice, notice_id=notice.pk))
    return notice

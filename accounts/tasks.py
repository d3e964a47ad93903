import logging

from celery import shared_task
from django.db import connection

log = logging.getLogger(__name__)


@shared_task(name="accounts.heartbeat")
def heartbeat():
    """Proves a worker can reach the database; beat runs it every five minutes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (value,) = cursor.fetchone()
    log.info("heartbeat ok")
    return value

import logging

from celery import shared_task
from django.db import connection

from . import audit

log = logging.getLogger(__name__)


@shared_task(name="accounts.heartbeat")
def heartbeat():
    """Proves a worker can reach the database; beat runs it every five minutes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (value,) = cursor.fetchone()
    log.info("heartbeat ok")
    return value


@shared_task(name="accounts.forget_audit_addresses")
def forget_audit_addresses():
    """Daily: audit lines older than AUDIT_IP_RETENTION_DAYS lose their IP address."""
    forgotten = audit.forget_addresses()
    log.info("forgot the IP address of %s audit lines", forgotten)
    return forgotten

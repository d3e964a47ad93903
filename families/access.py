"""Who may read a family intake, and the one function through which every read goes
(like clients/access.py for the client's intake).

A family intake is read by the person who wrote it; by an admin once it is sent; and by
a coach who works with that person (the agreements they signed say so). Anyone else,
a linked loved one included, gets a 404, and every allowed read writes one audit event.
"""

from django.db.models import IntegerField
from django.http import Http404

from accounts.audit import record
from accounts.models import Role
from core.prepared import Arg, PreparedQuery, counted, page_of

from .models import FamilyIntake
from .relations import coach_knows_family


def may_read(user, intake):
    if not user.is_authenticated or not user.is_active:
        return False
    if user.pk == intake.client_id:
        return True
    if intake.status == FamilyIntake.Status.DRAFT:
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.COACH:
        return coach_knows_family(user, intake.client)
    return False


def read_family_intake(user, intake_id, request=None):
    """The family intake `user` may read, with its read on the audit trail; else Http404."""
    intake = FamilyIntake.objects.select_related("client").filter(pk=intake_id).first()
    if intake is None or not may_read(user, intake):
        raise Http404("No intake here.")
    record("family_intake.read", actor=user, obj=intake, request=request, client_id=intake.client_id)
    return intake


_INTAKE_OF = PreparedQuery(lambda: FamilyIntake.objects.filter(client=Arg("client", IntegerField())).order_by("pk")[:1])


def read_family_intake_of(user, client, request=None):
    """`client`'s family intake when `user` may read it (the read audited), else None: for
    pages that show it beside other things (like clients.access.read_intake_of)."""
    [intake] = _INTAKE_OF.objects(client=client.pk) or [None]
    if intake is None:
        return None
    intake.client = client  # the page has them already: no second fetch
    if not may_read(user, intake):
        return None
    record("family_intake.read", actor=user, obj=intake, request=request, client_id=intake.client_id)
    return intake


REVIEW_QUEUE_PAGE_SIZE = 25


QUEUE_FIELDS = (
    "preferred_name", "status", "is_urgent", "submitted_at", "relationship", "relationship_other", "hopes", "pss_score",
    "importance", "confidence", "client__name", "client__email",
)


# Only what the queue shows: the other sealed answers are neither fetched nor opened.
_QUEUE = PreparedQuery(lambda: counted(FamilyIntake.objects.review_queue().select_related("client").only(*QUEUE_FIELDS)), paged=True)


def read_family_review_queue(user, request=None, *, page=1):
    """One page of family intakes waiting for review, with one audit event naming those shown."""
    if not user.is_authenticated or user.role != Role.ADMIN:
        raise Http404("No queue here.")
    shown = page_of(_QUEUE, page, REVIEW_QUEUE_PAGE_SIZE)
    record("family_intake.queue_read", actor=user, request=request, intake_ids=[intake.pk for intake in shown])
    return shown

"""Who may read an intake, and the one function through which every read goes.

An intake is read by its client; by an admin once it is submitted; and by a coach
matched with the client or with a booking with
them while the client's consent to share is in force. Anyone else gets a 404, and
every allowed read writes exactly one audit event.
"""

from django.db.models import IntegerField
from django.http import Http404

from accounts.audit import record
from accounts.models import Role
from core.prepared import Arg, PreparedQuery, counted, page_of

from . import consents
from .relations import coach_knows_client
from .models import Intake


def may_read(user, intake):
    if not user.is_authenticated or not user.is_active:
        return False
    if user.pk == intake.client_id:
        return True
    if intake.status == Intake.Status.DRAFT:
        # A draft is the client's own until they send it, except one whose "yes" to the
        # safety question was left unsent too long: admins were alerted, and may open it.
        return user.role == Role.ADMIN and intake.urgent_draft_flagged_at is not None
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.COACH:
        return consents.shares_with_coach(intake.client) and coach_knows_client(user, intake.client)
    return False


# The review page and a client's intake page ask it by id: compiled once (core/prepared.py).
_INTAKE = PreparedQuery(lambda: Intake.objects.select_related("client").filter(pk=Arg("intake", IntegerField())))


def read_intake(user, intake_id, request=None):
    """The intake `user` may read, with its read written to the audit trail; else Http404."""
    [intake] = _INTAKE.objects(intake=intake_id) or [None]
    if intake is None or not may_read(user, intake):
        raise Http404("No intake here.")
    record("intake.read", actor=user, obj=intake, request=request, client_id=intake.client_id)
    return intake


# A client's own intake page asks it: compiled once (core/prepared.py).
_INTAKE_OF = PreparedQuery(lambda: Intake.objects.filter(client=Arg("client", IntegerField())).order_by("pk")[:1])
# A coach's record of a client shows a few answers: only those (and what may_read needs)
# are fetched and opened; the read is audited all the same.
RECORD_FIELDS = ("client", "status", "urgent_draft_flagged_at", "goal", "goal_in_own_words", "treatment", "importance", "confidence")
_INTAKE_SUMMARY_OF = PreparedQuery(
    lambda: Intake.objects.filter(client=Arg("client", IntegerField())).only(*RECORD_FIELDS).order_by("pk")[:1]
)


def read_intake_of(user, client, request=None, *, query=_INTAKE_OF):
    """`client`'s intake when `user` may read it (the read audited), else None: for pages
    that show it beside other things, such as a coach's record of a client."""
    [intake] = query.objects(client=client.pk) or [None]
    if intake is None:
        return None
    intake.client = client  # the page has them already: no second fetch
    if not may_read(user, intake):
        return None
    record("intake.read", actor=user, obj=intake, request=request, client_id=intake.client_id)
    return intake


def read_intake_summary_of(user, client, request=None):
    """`read_intake_of` with only RECORD_FIELDS opened (the others deferred)."""
    return read_intake_of(user, client, request, query=_INTAKE_SUMMARY_OF)


REVIEW_QUEUE_PAGE_SIZE = 25


QUEUE_FIELDS = (
    "preferred_name", "pronouns", "status", "is_urgent", "submitted_at", "urgent_draft_flagged_at", "goal", "substances",
    "substance_other", "audit_c_score", "audit_c_positive", "dast_score", "dast_band", "importance", "confidence",
    "client__name", "client__email",
)


# Only what the queue shows: the other sealed answers are neither fetched nor opened.
# Compiled once (core/prepared.py); a page and the count of all in one statement.
_QUEUE = PreparedQuery(lambda: counted(Intake.objects.review_queue().select_related("client").only(*QUEUE_FIELDS)), paged=True)


def read_review_queue(user, request=None, *, page=1):
    """One page of the admins' queue of submitted intakes, with one audit event naming the
    intakes shown. The same few queries whatever the page holds: a count and the page."""
    if not user.is_authenticated or user.role != Role.ADMIN:
        raise Http404("No queue here.")
    shown = page_of(_QUEUE, page, REVIEW_QUEUE_PAGE_SIZE)
    record("intake.queue_read", actor=user, request=request, intake_ids=[intake.pk for intake in shown])
    return shown

"""The consents a client signs, versioned, and the rules for signing and revoking them.

A consent's text never changes under a version: a new wording is a new version, and
each signature stores the exact text that was shown.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import IntegerField
from django.utils import timezone

from accounts.audit import client_ip, record
from core.prepared import Arg, PreparedQuery

from .models import Consent

SHARE_CONSENT_LIFETIME = timedelta(days=365)


@dataclass(frozen=True)
class ConsentDocument:
    kind: str
    version: str
    title: str
    paragraphs: tuple
    required: bool

    @property
    def text(self):
        return "\n\n".join(self.paragraphs)


DOCUMENTS = [
    ConsentDocument(
        kind=Consent.Kind.NOT_MEDICAL_CARE,
        version="2026-11",
        title="Coaching is not medical care or an emergency service",
        required=True,
        paragraphs=(
            "Waypoint coaches help you work toward the goals you choose. Coaching is not medical care, "
            "therapy, diagnosis or treatment, and a coach cannot prescribe or change medication.",
            "Please keep seeing your doctor, prescriber or clinic for your health and any medication, "
            "including Suboxone, methadone or Vivitrol. Do not stop or change a medication because of "
            "something said in coaching without talking to your prescriber.",
            "Waypoint is not an emergency service and is not watched around the clock. If you are in danger, "
            "or someone may be overdosing, call 911. For a mental-health crisis call or text 988.",
        ),
    ),
    ConsentDocument(
        kind=Consent.Kind.PRIVACY,
        version="2026-11",
        title="Your privacy and how we keep records",
        required=True,
        paragraphs=(
            "What you write in your intake, and what your coach writes after sessions, is health information. "
            "We keep it on servers we control, encrypt session notes, and record every time anyone reads your "
            "intake or a note: who, when and from where.",
            "Our staff see your intake only to review it and match you with a coach. We never sell your "
            "information or use it for advertising, and our e-mails never say what your sessions are about.",
            "You can read what you wrote at any time, download your data, and ask us to delete your account. "
            "We keep records of payments for as long as the law requires, and nothing else after you leave.",
        ),
    ),
    ConsentDocument(
        kind=Consent.Kind.SHARE_WITH_COACH,
        version="2026-11",
        title="Sharing your intake with your coach",
        required=False,
        paragraphs=(
            "Who: the Waypoint coach or coaches you are matched with or book a session with. No one else "
            "outside Waypoint's reviewing staff.",
            "What: your answers in this intake, including the substances you named, your medication-assisted "
            "treatment, your goal, your screening answers and scores, and your safety answers.",
            "Purpose: so your coach can understand where you are and plan sessions with you. Your coach may "
            "not share it with anyone else.",
            "How long: this consent ends one year after you sign it, unless you take it back sooner.",
            "Your right to take it back: you can revoke this consent at any time from your intake page. "
            "From that moment coaches can no longer see your intake; it does not undo what a coach already "
            "read. Saying no does not stop you from being coached.",
        ),
    ),
]

BY_KIND = {document.kind: document for document in DOCUMENTS}


# Asked by the intake's pages and every check of sharing: compiled once (core/prepared.py).
_SIGNED = PreparedQuery(lambda: Consent.objects.filter(client=Arg("client", IntegerField())).order_by("kind", "-signed_at", "-pk"))


def current(client, documents=DOCUMENTS):
    """{kind: the client's newest Consent of that kind, or None}, for each of `documents`."""
    newest = {}
    for consent in _SIGNED.objects(client=client.pk):
        newest.setdefault(consent.kind, consent)
    return {document.kind: newest.get(document.kind) for document in documents}


def needs_signature(consent, document):
    """True when the client has no signature in force for this version of the document."""
    return consent is None or consent.version != document.version or not consent.is_in_force()


def sign(client, document, *, signed_name, request=None):
    now = timezone.now()
    consent = Consent.objects.create(
        client=client,
        kind=document.kind,
        version=document.version,
        text=document.text,
        signed_name=signed_name.strip(),
        signed_at=now,
        ip=client_ip(request),
        expires_at=now + SHARE_CONSENT_LIFETIME if document.kind == Consent.Kind.SHARE_WITH_COACH else None,
    )
    record("consent.signed", actor=client, obj=consent, request=request, kind=document.kind, version=document.version)
    return consent


def revoke(consent, *, request=None):
    """Take a consent back from this moment. Revoking twice changes nothing."""
    with transaction.atomic():
        consent = Consent.objects.select_for_update().get(pk=consent.pk)
        if consent.revoked_at is not None:
            return consent
        consent.revoked_at = timezone.now()
        consent.revoked_ip = client_ip(request)
        consent.save(update_fields=["revoked_at", "revoked_ip"])
        record("consent.revoked", actor=consent.client, obj=consent, request=request, kind=consent.kind)
    return consent


def shares_with_coach(client, at=None, *, signed=None):
    """The client's consent to share their intake with their coach is in force (`signed`:
    `current(client)`, when the caller has it already)."""
    consent = (signed if signed is not None else current(client))[Consent.Kind.SHARE_WITH_COACH]
    return consent is not None and consent.is_in_force(at)


# A coach's list of clients asks it on every visit: compiled once (core.prepared). Only
# what "in force" needs, newest first for each client.
_SHARING_WITH = PreparedQuery(
    lambda: Consent.objects.filter(kind=Consent.Kind.SHARE_WITH_COACH, client__coach_assignments__coach=Arg("coach", IntegerField()))
    .only("client", "signed_at", "expires_at", "revoked_at")
    .order_by("client_id", "-signed_at", "-pk")
)


def clients_sharing_with(coach_user, at=None):
    """The ids of `coach_user`'s matched clients whose newest share consent is in force, in one query."""
    newest = {}
    for consent in _SHARING_WITH.objects(coach=coach_user.pk):
        newest.setdefault(consent.client_id, consent)
    return {client_id for client_id, consent in newest.items() if consent.is_in_force(at)}

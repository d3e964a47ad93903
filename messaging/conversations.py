"""Messages between a client and their coach: the one door through which every read and
write of a message's text passes.

`use_conversation(user, other_id, action, ...)` finds the pair's conversation, decides
who may do what, does it, and writes the audit trail. Nothing else reads or writes a
message's text (the export and the eraser below are the door's own, for one client).

- A client and a coach may write to each other while the coach knows the client: an
  admin matched them, or they have a session coming up, or their last confirmed,
  completed or missed session ended less than MESSAGING_DAYS_AFTER_LAST_SESSION ago.
- After that, the two still read what they wrote to each other, and write no more.
- Anyone else, an admin included, gets a 404. Admins see that a conversation exists,
  when messages were sent and how many, never the text (`inspect`).
- An author may edit a message for MESSAGE_EDIT_MINUTES and delete it any time; a deleted
  message keeps its place (and its audit history) without its text.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, DateTimeField, F, Func, IntegerField, Max, Min, Q, Subquery
from django.http import Http404
from django.utils import timezone

from accounts import audit
from accounts.backends import NOT_ASKED, asked, forget_asked
from accounts.models import Role, User
from bookings.models import SHOWN_STATUSES, Booking
from bookings.notes import HiddenText, coach_name
from clients.models import CoachAssignment
from core.encryption import reveal
from core.prepared import Arg, PreparedQuery

from . import notices
from .models import Conversation, Message, MessagingSettings

READ = "read"
READ_ONE = "read_one"
POLL = "poll"
SEND = "send"
EDIT = "edit"
DELETE = "delete"

PAGE_SIZE = 20


class MessageRefused(ValueError):
    """The action is the user's to take, but not like this or not now (a reason they can act on)."""


# --- who may write to whom -------------------------------------------------------------


def _since(now):
    return now - timedelta(days=settings.MESSAGING_DAYS_AFTER_LAST_SESSION)


def may_write(coach, client, *, now=None):
    """True while `coach` knows `client`: matched by an admin, or a session coming up or
    ended within the window. One or two cheap queries."""
    if coach.role != Role.COACH or client.role != Role.CLIENT or not (coach.is_active and client.is_active):
        return False
    if CoachAssignment.objects.filter(coach=coach, client=client).exists():
        return True
    now = now or timezone.now()
    return Booking.objects.filter(
        coach__user=coach, client=client, status__in=SHOWN_STATUSES, ends_at__gte=_since(now)
    ).exists()


def _partner_ids(role):
    """The ids of the people someone of `role` may write to now (`me`, `since` are Args)."""
    me, since = Arg("me", IntegerField()), Arg("since", DateTimeField())
    if role == Role.CLIENT:
        found = User.objects.filter(role=Role.COACH).filter(
            Q(client_assignments__client_id=me)
            | Q(coach_profile__bookings__client_id=me, coach_profile__bookings__status__in=SHOWN_STATUSES, coach_profile__bookings__ends_at__gte=since)
        )
    else:
        found = User.objects.filter(role=Role.CLIENT).filter(
            Q(coach_assignments__coach_id=me)
            | Q(bookings__coach__user_id=me, bookings__status__in=SHOWN_STATUSES, bookings__ends_at__gte=since)
        )
    return found.filter(is_active=True).order_by().distinct().values_list("pk")


# Asked by every inbox: compiled once (core.prepared).
_PARTNER_IDS = {role: PreparedQuery(lambda role=role: _partner_ids(role)) for role in (Role.CLIENT, Role.COACH)}


def partner_ids(user, *, now=None):
    """The ids of the people `user` may write to now: a client's coaches, a coach's clients."""
    query = _PARTNER_IDS.get(user.role)
    if query is None:
        return set()
    return {pk for (pk,) in query.rows(me=user.pk, since=_since(now or timezone.now()))}


def people(ids):
    """The people with these ids, by name (a coach with their profile, for their name)."""
    if not ids:
        return []
    return list(User.objects.filter(pk__in=ids).select_related("coach_profile").order_by("name", "email"))


def display_name(person):
    """How the other side is named on the pages: a coach by their profile's name, a client
    as they asked in the intake ("Ali (she/her)")."""
    if person.role == Role.COACH:
        return coach_name(person)
    return person.known_as_with_pronouns


# --- what the door hands out -------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class MessageView(HiddenText):
    message_id: int
    mine: bool
    author_name: str
    sent_at: datetime
    edited_at: datetime | None
    deleted: bool
    text: str
    urgent: bool
    may_edit: bool


@dataclass(frozen=True, repr=False)
class ConversationView(HiddenText):
    conversation_id: int | None
    other_id: int
    other_name: str
    my_side: str
    may_write: bool
    closed_reason: str  # why the two can no longer write, when they cannot
    coach_settings: MessagingSettings  # office hours and reply time, shown above the box
    messages: list = field(default_factory=list)  # oldest first
    older_than: int | None = None  # the id to page back from, when there are older messages
    newest_id: int = 0


@dataclass(frozen=True)
class Pair:
    client: User
    coach: User
    me: User
    conversation: Conversation | None
    may_write: bool

    @property
    def my_side(self):
        return "client" if self.me.pk == self.client.pk else "coach"

    @property
    def other(self):
        return self.coach if self.my_side == "client" else self.client


def _pair(user, other_id, now):
    if not (user.is_authenticated and user.is_active) or user.role not in (Role.CLIENT, Role.COACH):
        raise Http404("No conversation here.")
    other_role = Role.COACH if user.role == Role.CLIENT else Role.CLIENT
    try:
        other = User.objects.select_related("coach_profile").get(pk=int(other_id), role=other_role)
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No conversation here.") from None
    client, coach = (user, other) if user.role == Role.CLIENT else (other, user)
    conversation = Conversation.objects.filter(client=client, coach=coach).first()
    writable = may_write(coach, client, now=now)
    if conversation is None and not writable:
        raise Http404("No conversation here.")
    return Pair(client=client, coach=coach, me=user, conversation=conversation, may_write=writable)


def _view_of(message, pair, now):
    mine = message.author_id == pair.me.pk
    deleted = message.deleted_at is not None
    edit_ends = message.sent_at + timedelta(minutes=settings.MESSAGE_EDIT_MINUTES)
    return MessageView(
        message_id=message.pk,
        mine=mine,
        author_name="You" if mine else display_name(pair.other),
        sent_at=message.sent_at,
        edited_at=message.edited_at,
        deleted=deleted,
        text="" if deleted else reveal(message.text),
        urgent=message.urgent,
        may_edit=mine and not deleted and now < edit_ends and pair.may_write,
    )


def _record_read(pair, messages, request, *, action="message.read"):
    shown = [m.pk for m in messages if m.deleted_at is None]
    audit.record(action, actor=pair.me, obj=pair.conversation, request=request, client_id=pair.client.pk, message_ids=shown)


def _mark_read(pair, now):
    side = pair.my_side
    Conversation.objects.filter(pk=pair.conversation.pk).update(**{f"{side}_read_at": now})
    forget_asked(pair.me, UNREAD_FACT)  # the count fetched with them is behind now


def use_conversation(user, other_id, action, *, request=None, now=None, **changes):
    """The one door to a client's and a coach's messages. Raises Http404 for anyone but the
    two, MessageRefused for what they may not do now; writes one audit event per read
    (with the ids of the messages shown) and per write.

    read    before=None (a message id, to page back) → ConversationView; the newest page
            marks the conversation read
    read_one message_id → MessageView of one's own message (the edit form)
    poll    after (a message id) → [MessageView] newer than it, marked read
    send    text, urgent=False (a client's tick) → MessageView
    edit    message_id, text → MessageView (the author, within MESSAGE_EDIT_MINUTES)
    delete  message_id → MessageView (the author; the text goes, the row stays)
    """
    now = now or timezone.now()
    pair = _pair(user, other_id, now)
    if action == READ:
        return _read(pair, request, now, before=changes.get("before"))
    if action == READ_ONE:
        message = _own_message(pair, changes.get("message_id"))
        _record_read(pair, [message], request)
        return _view_of(message, pair, now)
    if action == POLL:
        return _poll(pair, request, now, after=changes.get("after") or 0)
    if action == SEND:
        return _send(pair, request, now, changes.get("text"), urgent=bool(changes.get("urgent")))
    if action in (EDIT, DELETE):
        return _change(pair, request, now, action, changes.get("message_id"), changes.get("text"))
    raise Http404("No such action.")


def _read(pair, request, now, *, before):
    view = dict(
        other_id=pair.other.pk, other_name=display_name(pair.other),
        my_side=pair.my_side,
        may_write=pair.may_write,
        closed_reason="" if pair.may_write else _closed_reason(pair),
        coach_settings=settings_of(pair.coach),
    )
    if pair.conversation is None:
        return ConversationView(conversation_id=None, **view)
    rows = Message.objects.filter(conversation=pair.conversation)
    if before is not None:
        rows = rows.filter(pk__lt=before)
    page = list(rows.order_by("-pk")[: PAGE_SIZE + 1])
    older = page[PAGE_SIZE - 1].pk if len(page) > PAGE_SIZE else None
    page = list(reversed(page[:PAGE_SIZE]))
    _record_read(pair, page, request)
    if before is None:
        _mark_read(pair, now)
    newest = Message.objects.filter(conversation=pair.conversation).aggregate(newest=Max("pk"))["newest"] or 0
    return ConversationView(
        conversation_id=pair.conversation.pk,
        messages=[_view_of(m, pair, now) for m in page],
        older_than=older,
        newest_id=newest,
        **view,
    )


def _poll(pair, request, now, *, after):
    if pair.conversation is None:
        return []
    found = list(Message.objects.filter(conversation=pair.conversation, pk__gt=after).order_by("pk")[:PAGE_SIZE])
    if found:
        _record_read(pair, found, request)
        _mark_read(pair, now)
    return [_view_of(m, pair, now) for m in found]


def _clean_text(text):
    text = str(text or "").replace("\r\n", "\n").strip()
    if not text:
        raise MessageRefused("Please write your message first.")
    if len(text) > settings.MESSAGE_MAX_CHARS:
        raise MessageRefused(
            f"A message can be up to {settings.MESSAGE_MAX_CHARS} characters; this one has {len(text)}. "
            "Please shorten it, or send it in two parts."
        )
    return text


def _closed_reason(pair):
    if pair.my_side == "client":
        return f"You can no longer send messages to {display_name(pair.coach)} here. Book a session to write to them again."
    return (
        "You can no longer send messages to this client here: you are not matched with them, and your last session "
        f"was more than {settings.MESSAGING_DAYS_AFTER_LAST_SESSION} days ago."
    )


def _send(pair, request, now, text, *, urgent):
    if not pair.may_write:
        raise MessageRefused(_closed_reason(pair))
    text = _clean_text(text)
    urgent = urgent and pair.my_side == "client"
    with transaction.atomic():
        conversation, _ = Conversation.objects.get_or_create(
            client=pair.client, coach=pair.coach, defaults={"created_at": now, "client_read_at": now, "coach_read_at": now}
        )
        # One writer at a time per conversation: the notice's timing is decided under this lock.
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        message = Message.objects.create(conversation=conversation, author=pair.me, sent_at=now, text=text, urgent=urgent)
        conversation.last_message_at = now
        setattr(conversation, f"{pair.my_side}_read_at", now)
        forget_asked(pair.me, UNREAD_FACT)  # writing reads the conversation: the count is behind now
        if urgent:
            conversation.urgent_at = now
        elif pair.my_side == "coach":
            conversation.urgent_at = None  # the coach has answered
        notices.owe_notice(conversation, pair.other, now)
        conversation.save()
        audit.record(
            "message.sent", actor=pair.me, obj=conversation, request=request, client_id=pair.client.pk, message_id=message.pk, urgent=urgent
        )
    pair = Pair(client=pair.client, coach=pair.coach, me=pair.me, conversation=conversation, may_write=True)
    return _view_of(message, pair, now)


def _own_message(pair, message_id, *, lock=False):
    if pair.conversation is None:
        raise Http404("No such message.")
    rows = Message.objects.select_for_update() if lock else Message.objects
    try:
        return rows.get(conversation=pair.conversation, pk=int(message_id), author=pair.me)
    except (Message.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such message.") from None


def _change(pair, request, now, action, message_id, text):
    with transaction.atomic():
        message = _own_message(pair, message_id, lock=True)
        if message.deleted_at is not None:
            raise MessageRefused("This message was deleted.")
        if action == EDIT:
            if not pair.may_write or now >= message.sent_at + timedelta(minutes=settings.MESSAGE_EDIT_MINUTES):
                raise MessageRefused(
                    f"A message can be changed for {settings.MESSAGE_EDIT_MINUTES} minutes after sending. "
                    "You can send another one, or delete this one."
                )
            message.text = _clean_text(text)
            message.edited_at = now
        else:
            message.text = ""
            message.deleted_at = now
        message.save()
        audit.record(
            f"message.{'edited' if action == EDIT else 'deleted'}",
            actor=pair.me,
            obj=pair.conversation,
            request=request,
            client_id=pair.client.pk,
            message_id=message.pk,
        )
    return _view_of(message, pair, now)


# --- lists that show no text (safe without the door) --------------------------------------


def _unread(me):
    """The messages from the other side that `me` (an Arg or OuterRef of a person's id) has
    not read: the one definition, counted per conversation and in all."""
    return (
        Message.objects.filter(deleted_at__isnull=True)
        .exclude(author_id=me)
        .filter(
            Q(conversation__client_id=me, sent_at__gte=F("conversation__client_read_at"))
            | Q(conversation__coach_id=me, sent_at__gte=F("conversation__coach_read_at"))
        )
        .order_by()
    )


def _unread_counts():
    return _unread(Arg("me", IntegerField())).values_list("conversation_id").annotate(unread=Count("pk"))


def unread_in_all(me):
    """How many messages `me` (an OuterRef of a person's id) has not read, as one number: asked
    with the signed-in person on every request (accounts.backends, see apps.py)."""
    counted = _unread(me).annotate(unread=Func(F("pk"), function="COUNT")).values("unread")
    return Subquery(counted, output_field=IntegerField())


# Asked by every inbox: compiled once (core.prepared).
_UNREAD_COUNTS = PreparedQuery(_unread_counts)


def unread_counts(user):
    """{conversation_id: messages from the other side that `user` has not read}. One query."""
    if not (user.is_authenticated and user.role in (Role.CLIENT, Role.COACH)):
        return {}
    return dict(_UNREAD_COUNTS.rows(me=user.pk))


# Where a request keeps the menu's count once known (the inbox knows it already).
UNREAD_ON_REQUEST = "_unread_messages"
# Its name among the facts fetched with the signed-in person (accounts.backends).
UNREAD_FACT = "unread_messages"


def unread_on(request):
    """The menu's count for the signed-in person of `request`: counted once per request (a
    page that counts it first, as the inbox does, leaves it on the request)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    if not hasattr(request, UNREAD_ON_REQUEST):
        setattr(request, UNREAD_ON_REQUEST, unread_total(user))
    return getattr(request, UNREAD_ON_REQUEST)


def unread_total(user):
    """How many messages from the other side `user` has not read, in all their conversations:
    the menu's badge, asked on every page. Fetched with the signed-in person (`unread_in_all`)
    unless this request has read or written since; else the inbox's prepared counts."""
    if not (user.is_authenticated and user.role in (Role.CLIENT, Role.COACH)):
        return 0
    known = asked(user, UNREAD_FACT)
    return sum(unread_counts(user).values()) if known is NOT_ASKED else known


_URGENT = PreparedQuery(
    lambda: Conversation.objects.filter(coach=Arg("coach", IntegerField()), urgent_at__isnull=False)
    .order_by()
    .values("coach")
    .annotate(urgent=Count("pk"))
    .values_list("urgent")
)


def urgent_count(coach):
    """How many of `coach`'s conversations a client marked urgent and the coach has not answered."""
    found = _URGENT.rows(coach=coach.pk)
    return found[0][0] if found else 0


@dataclass(frozen=True)
class ConversationRow:
    other: User
    other_name: str
    conversation: Conversation | None
    unread: int
    may_write: bool

    @property
    def urgent(self):
        return self.conversation is not None and self.conversation.urgent_at is not None


# A client's and a coach's conversations, as Conversation.objects.visible_to(user) answers
# them: compiled once per role (core.prepared).
_CONVERSATIONS = {
    Role.CLIENT: PreparedQuery(lambda: Conversation.objects.filter(client_id=Arg("me", IntegerField())).select_related("client", "coach__coach_profile")),
    Role.COACH: PreparedQuery(lambda: Conversation.objects.filter(coach_id=Arg("me", IntegerField())).select_related("client", "coach__coach_profile")),
}


def inbox(user, *, now=None):
    """A client's or a coach's conversations, and the people they may start one with: no
    text. For a coach, urgent conversations first, then the latest. Three queries, and a
    fourth for the people to start a conversation with when there are any."""
    now = now or timezone.now()
    query = _CONVERSATIONS.get(user.role) if user.is_active else None
    conversations = query.objects(me=user.pk) if query else []
    unread = unread_counts(user)
    open_to = partner_ids(user, now=now)
    rows = []
    for conversation in conversations:
        other = conversation.coach if conversation.client_id == user.pk else conversation.client
        rows.append(ConversationRow(other, display_name(other), conversation, unread.get(conversation.pk, 0), other.pk in open_to))
        open_to.discard(other.pk)

    def order(row):
        c = row.conversation
        urgent_first = user.role == Role.COACH and c.urgent_at is not None
        return (urgent_first, c.last_message_at or c.created_at)

    rows.sort(key=order, reverse=True)
    # Those to start a conversation with: loaded only when there are any.
    rows += [ConversationRow(person, display_name(person), None, 0, True) for person in people(open_to)]
    return rows


@dataclass(frozen=True)
class ConversationRecord:
    """What an admin sees: that the conversation exists, when messages were sent and by
    which side, how many; never the text."""

    conversation: Conversation
    sent: list  # [(sent_at, side, edited, deleted)], oldest first
    history: list  # AuditEvents, newest first


OVERVIEW_PAGE = 50


def overview():
    """Every conversation with its count and first and last message times: no text, so no audit."""
    return (
        Conversation.objects.select_related("client", "coach__coach_profile")
        .annotate(message_count=Count("messages"), first_sent=Min("messages__sent_at"), last_sent=Max("messages__sent_at"))
        .order_by(F("last_message_at").desc(nulls_last=True), "-pk")
    )


# The first page (the one admins open), and one more row to know whether there is a next:
# compiled once (core.prepared).
_OVERVIEW_FIRST = PreparedQuery(lambda: overview()[: OVERVIEW_PAGE + 1])


def overview_page(number):
    """(the conversations of page `number`, whether a later page has more), newest first,
    without counting them all."""
    start = (number - 1) * OVERVIEW_PAGE
    rows = _OVERVIEW_FIRST.objects() if number == 1 else list(overview()[start : start + OVERVIEW_PAGE + 1])
    return rows[:OVERVIEW_PAGE], len(rows) > OVERVIEW_PAGE


def inspect(user, conversation_id, *, request=None):
    """An admin's look at one conversation (audited): its times and counts, never the text."""
    if not (user.is_authenticated and user.is_active and user.role == Role.ADMIN):
        raise Http404("No conversation here.")
    try:
        conversation = Conversation.objects.select_related("client", "coach__coach_profile").get(pk=int(conversation_id))
    except (Conversation.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No conversation here.") from None
    sent = [
        (sent_at, "client" if author_id == conversation.client_id else "coach", edited_at is not None, deleted_at is not None)
        for sent_at, author_id, edited_at, deleted_at in conversation.messages.order_by("pk").values_list(
            "sent_at", "author_id", "edited_at", "deleted_at"
        )
    ]
    audit.record("conversation.inspected", actor=user, obj=conversation, request=request, client_id=conversation.client_id)
    return ConversationRecord(conversation=conversation, sent=sent, history=list(audit.history(conversation)))


# --- a person's own settings --------------------------------------------------------------


def settings_of(user):
    """`user`'s messaging settings (unsaved defaults when they chose nothing yet)."""
    return MessagingSettings.objects.filter(user=user).first() or MessagingSettings(user=user)


def office_hours_of(coaches):
    """{coach_user_id: MessagingSettings} for the coaches named (defaults for the rest). One query."""
    found = {s.user_id: s for s in MessagingSettings.objects.filter(user__in=list(coaches))}
    return {coach.pk: found.get(coach.pk) or MessagingSettings(user=coach) for coach in coaches}


# --- Download my data and Delete my account ----------------------------------------------


# Every message of a client's or a coach's conversations (the export's second query).
_MESSAGES = {
    Role.CLIENT: PreparedQuery(lambda: Message.objects.filter(conversation__client_id=Arg("me", IntegerField())).order_by("conversation_id", "pk")),
    Role.COACH: PreparedQuery(lambda: Message.objects.filter(conversation__coach_id=Arg("me", IntegerField())).order_by("conversation_id", "pk")),
}


def export_for(user, *, request=None):
    """Every message of `user`'s conversations, as the door's read for that person (audited
    per conversation). Two queries whatever the number of conversations."""
    query = _CONVERSATIONS.get(user.role) if user.is_authenticated and user.is_active else None
    conversations = sorted(query.objects(me=user.pk), key=lambda c: c.pk) if query else []
    messages = _MESSAGES[user.role].objects(me=user.pk) if conversations else []
    by_conversation = {}
    for message in messages:
        by_conversation.setdefault(message.conversation_id, []).append(message)
    audit.record_many(
        "message.exported",
        actor=user,
        objs=conversations,
        request=request,
        details=lambda c: {"client_id": c.client_id, "message_ids": [m.pk for m in by_conversation.get(c.pk, []) if m.deleted_at is None]},
    )
    records = []
    for conversation in conversations:
        other = conversation.coach if conversation.client_id == user.pk else conversation.client
        names = {user.pk: "you", other.pk: display_name(other)}
        records += [
            {
                "conversation_with": display_name(other),
                "from": names.get(m.author_id, ""),
                "sent_at": m.sent_at.isoformat(),
                "edited_at": m.edited_at.isoformat() if m.edited_at else None,
                "deleted": m.deleted_at is not None,
                "urgent": m.urgent,
                "text": "" if m.deleted_at else reveal(m.text),
            }
            for m in by_conversation.get(conversation.pk, [])
        ]
    return records


def erase_for_client(client):
    """Remove `client`'s conversations and every message in them (account deletion), their
    owed notices and their settings. Audited per conversation, no text."""
    conversations = list(Conversation.objects.filter(client=client).annotate(message_count=Count("messages")))
    for conversation in conversations:
        audit.record("conversation.erased", obj=conversation, client_id=client.pk, messages=conversation.message_count, because="account_deleted")
    notices.withdraw_for(conversations)
    Conversation.objects.filter(client=client).delete()
    MessagingSettings.objects.filter(user=client).delete()
    return len(conversations)

"""What everyone sees of coaches, kept in the shared cache: the version of a listed coach's
card (profile and session types, which each process keeps itself), their open times, their
page (but for the viewer's zone form), and the directory.

All of it is the same for every viewer (open times for every viewer in one zone), so it
may be shared; nothing about the viewer goes in, nor the coach's private fields (meeting
link, calendar feed secret). A change to what these pages show drops the entry at once
and again when the transaction commits (a page drawn in between may have read the old
rows). Entries also expire after a minute: open times move as the clock passes minimum
notice and as unpaid holds run out, neither of which writes anything.
"""

from time import monotonic, time_ns

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache, caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.safestring import mark_safe

from accounts.models import User

from .models import CoachProfile, SessionType, TimeOff, WeeklyHours
from .profiles import directory, languages_offered

SECONDS = 60
# What the page and the slot engine read; never meeting_link or feed_token.
PUBLIC_FIELDS = [
    "id", "user_id", "display_name", "pronouns", "bio", "specialties", "languages", "time_zone", "slot_step_minutes",
    "buffer_before_minutes", "buffer_after_minutes", "min_notice_hours", "horizon_days", "daily_cap", "is_listed",
]
DIRECTORY_KEY = "coaching:directory"
# Each process keeps a copy of the pages it drew or fetched (a coach page is 50 KB: fetching
# it from Redis was a round trip a request), under the same versioned keys.
LOCAL = "public_pages"


def _kept(key, draw, *, shared=True):
    """The HTML under `key`: this process's copy, else the shared cache's (unless not
    `shared`: kept in this process only), else `draw()`.

    Every key carries the version of the card or directory it was drawn from, which comes
    from the shared cache on each request: a change drops the card, the next request makes a
    new version, and copies under the old one are never asked again. A copy lives no longer
    than the shared entry would."""
    local = caches[LOCAL]
    html = local.get(key)
    if html is None:
        html = cache.get(key) if shared else None
        if html is None:
            html = draw()
            if shared:
                cache.set(key, html, SECONDS)
        local.set(key, html, SECONDS)
    return html


def _card_key(pk):
    return f"coaching:coach:{pk}"


# Each process's cards, by coach: {pk: (version, card, until)}. The shared cache holds only
# each card's version (a number): a card is the same rows for every process, so each one
# keeps its own, built once per version, and a view neither fetches nor unpickles it.
_CARDS = {}
_MOST_CARDS = 2000


def listed_coach(pk):
    """(version, coach, active session types) of a listed coach, or None. The coach and the
    types are this process's own copies, shared by its requests: not to be changed."""
    key = _card_key(pk)
    version = cache.get(key)
    kept = _CARDS.get(pk)
    if version is not None and kept is not None and kept[0] == version and kept[2] > monotonic():
        return kept[1]
    coach = CoachProfile.objects.listed().only(*PUBLIC_FIELDS).filter(pk=pk).first()
    if coach is None:
        return None  # not kept: made-up ids must not fill the cache
    types = list(SessionType.objects.filter(coach_id=pk, is_active=True))
    if version is None:
        version = time_ns()
        if not cache.add(key, version, SECONDS):
            version = cache.get(key) or version  # another process made it first: theirs
    card = (version, coach, types)
    if len(_CARDS) >= _MOST_CARDS:
        _CARDS.clear()
    _CARDS[pk] = (version, card, monotonic() + SECONDS)
    return card


def open_times_html(version, coach, session_type, zone, start, week, draw, *, bookable=True, after_review=False):
    """The open-times fragment for everyone in `zone` (as links for those who may book, as
    text for staff, or as text marked for clients whose intake waits for review); `draw()`
    makes it when not cached."""
    key = f"coaching:open:{coach.pk}:{version}:{session_type.pk}:{zone}:{start:%Y%m%d%H%M}:{week}:{int(bookable)}{int(after_review)}"
    return mark_safe(_kept(key, draw))


def coach_page_html(version, coach, session_type, zone, start, week, draw, *, bookable=True, after_review=False, waits=False):
    """The coach page but for its zone form, for everyone in `zone` who sees the same
    `session_type` and week and may book alike (`waits`: paid times open after an intake);
    `draw()` makes it when not cached."""
    return _kept(coach_page_key(version, coach, session_type, zone, start, week, bookable=bookable, after_review=after_review, waits=waits), draw)


def coach_page_key(version, coach, session_type, zone, start, week, *, bookable, after_review, waits):
    chosen = session_type.pk if session_type else ""
    return f"coaching:page:{coach.pk}:{version}:{chosen}:{zone}:{start:%Y%m%d%H%M}:{week}:{int(bookable)}{int(after_review)}{int(waits)}"


def whole_page_html(body_key, layout, draw):
    """A whole coach page for everyone shown the body under `body_key` (coach_page_key) with
    this `layout` (the values base.html keys its own parts by): drawn by `draw()` with holes
    for what is each request's own, kept in this process only."""
    return _kept(f"coaching:whole:{body_key}:{':'.join(str(value) for value in layout)}", draw, shared=False)


def directory_state():
    """(version, the languages listed coaches offer)."""
    state = cache.get(DIRECTORY_KEY)
    if state is None:
        state = (time_ns(), languages_offered())
        cache.set(DIRECTORY_KEY, state, SECONDS)
    return state


def directory_html(state, filters, draw, zone=""):
    """The directory's filters and coaches, drawn by `draw(coaches)` when not cached.

    `filters` is (specialty, language) when the form is valid, else None (drawn each time,
    with its errors).
    """
    version, languages = state
    specialty, language = filters or ("", "")
    # Only choices the form offers get an entry: made-up filters must not fill the cache.
    # Per zone: each card shows the coach's next open time on the viewer's clock.
    key = f"coaching:directory:{version}:{specialty}:{language}:{zone}" if filters is not None else None

    def draw_listing():
        return draw(directory(AnonymousUser(), specialty=specialty, language=language).only(*PUBLIC_FIELDS))

    return mark_safe(_kept(key, draw_listing) if key else draw_listing())


def forget(coach_pk):
    """Drop what is cached of one coach (and the directory), now and once committed."""

    def drop():
        cache.delete_many([_card_key(coach_pk), DIRECTORY_KEY])

    drop()
    transaction.on_commit(drop)


def _coach_changed(sender, instance, **kwargs):
    forget(instance.pk if sender is CoachProfile else instance.coach_id)


def _user_changed(sender, instance, update_fields=None, **kwargs):
    # A coach's account closing or reopening, or its role changing, takes them out of (or
    # back into) the directory; signing in (last_login) changes nothing shown. The role is
    # not asked: a coach who just became an admin must leave at once.
    if update_fields != frozenset({"last_login"}):
        for pk in CoachProfile.objects.filter(user=instance).values_list("pk", flat=True):
            forget(pk)


def connect():
    for model in (CoachProfile, SessionType, WeeklyHours, TimeOff):
        post_save.connect(_coach_changed, sender=model, dispatch_uid=f"public_page.{model.__name__}.save")
        post_delete.connect(_coach_changed, sender=model, dispatch_uid=f"public_page.{model.__name__}.delete")
    post_save.connect(_user_changed, sender=User, dispatch_uid="public_page.user.save")


"""Coach profiles: a coach's own, and the public directory."""

from django.db.models import IntegerField

from accounts.models import Role
from clients import review
from core.encryption import reveal
from core.prepared import Arg, PreparedQuery
from families.review import FAMILIES_SPECIALTY

from .models import CoachProfile, SessionType, Specialty


# Every page of a coach's asks for it: compiled once (core.prepared).
_PROFILE = PreparedQuery(lambda: CoachProfile.objects.filter(user=Arg("user", IntegerField())))


def existing_profile(user):
    """The coach's profile, or None before they have one."""
    found = _PROFILE.objects(user=user.pk)
    return found[0] if found else None


def profile_for(user):
    """The signed-in coach's profile, made on first use with their name and zone."""
    found = existing_profile(user)
    if found is not None:
        return found
    profile, _ = CoachProfile.objects.get_or_create(
        user=user,
        defaults={"display_name": user.name or user.email.split("@")[0], "time_zone": user.time_zone or "America/New_York"},
    )
    return profile


# The settings pages list a coach's offered types on every visit: compiled once.
_ACTIVE_TYPES = PreparedQuery(lambda: SessionType.objects.filter(coach=Arg("coach", IntegerField()), is_active=True))


def active_types(coach):
    """The session types `coach` offers, in the model's order (cheapest, then shortest)."""
    return _ACTIVE_TYPES.objects(coach=coach.pk)


def notice_gaps(coach, types=None):
    """Session types that can be booked later than they can be cancelled for free: the
    coach's minimum notice is shorter than their cancellation notice, so a time booked in
    between can never be refunded or moved. Allowed (clients are told before paying), but
    the coach is warned. `types` are the coach's active types when the page has them."""
    offered = active_types(coach) if types is None else types
    return sorted(
        (session_type for session_type in offered if session_type.cancellation_notice_hours > coach.min_notice_hours),
        key=lambda session_type: (session_type.name, session_type.pk),
    )


def directory(user, *, specialty="", language=""):
    coaches = CoachProfile.objects.visible_to(user) & CoachProfile.objects.listed()
    if specialty:
        coaches = coaches.filter(specialties__contains=[specialty])
    if language:
        coaches = coaches.filter(languages__contains=[language])
    return coaches.order_by("display_name", "pk")


def languages_offered():
    names = set()
    for languages in CoachProfile.objects.listed().values_list("languages", flat=True):
        names.update(languages)
    return sorted(names)


# What a suggestion shows: not the coaches' other fields, nor their accounts' sealed names.
_SUGGESTABLE = PreparedQuery(
    lambda: CoachProfile.objects.listed()
    .select_related("user")
    .filter(user__role=Role.COACH)
    .only("display_name", "specialties", "languages", "user__role")
)


def _suggestable():
    return _SUGGESTABLE.objects()


def suggest_coaches(intake):
    """Listed coaches, best match first: [(profile, matching specialties, speaks the language)].

    A coach who speaks the client's language comes before one who does not; then more
    matching specialties first; then by name."""
    wanted = set(review.wanted_specialties(intake))
    language = (reveal(intake.language) or "English").strip().casefold()
    suggestions = []
    for profile in _suggestable():
        matching = [Specialty(value).label for value in profile.specialties if value in wanted]
        speaks = language in {spoken.strip().casefold() for spoken in profile.languages}
        suggestions.append((profile, matching, speaks))
    suggestions.sort(key=lambda s: (not s[2], -len(s[1]), s[0].display_name))
    return suggestions


def suggest_family_coaches(intake):
    """For a family intake: listed coaches who work with families first, then language, then name.
    Same shape as `suggest_coaches`."""
    language = (reveal(intake.language) or "English").strip().casefold()
    suggestions = []
    for profile in _suggestable():
        matching = [Specialty.FAMILIES.label] if FAMILIES_SPECIALTY in profile.specialties else []
        speaks = language in {spoken.strip().casefold() for spoken in profile.languages}
        suggestions.append((profile, matching, speaks))
    suggestions.sort(key=lambda s: (not s[1], not s[2], s[0].display_name))
    return suggestions

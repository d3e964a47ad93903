"""Coach profiles: a coach's own, and the public directory."""

from .models import CoachProfile


def profile_for(user):
    """The signed-in coach's profile, made on first use with their name and zone."""
    profile, _ = CoachProfile.objects.get_or_create(
        user=user,
        defaults={"display_name": user.name or user.email.split("@")[0], "time_zone": user.time_zone or "America/New_York"},
    )
    return profile


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

"""Does a coach work with a family member? Matched by an admin for the family path, or
knowing them as any coach knows a client (a booking, a match)."""

from clients.relations import coach_knows_client

from .models import FamilyMatch


def coach_knows_family(coach_user, client_user):
    if coach_user is None or client_user is None or not coach_user.is_active:
        return False
    if FamilyMatch.objects.filter(coach=coach_user, client=client_user).exists():
        return True
    return coach_knows_client(coach_user, client_user)

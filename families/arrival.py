"""A new account arrives: it keeps the way in chosen at sign-up, and, when the person came
through a loved one's invitation, remembers that quietly (families/invitations.py)."""

from . import invitations, paths


def arrived(request, user, path):
    paths.choose(user, path, request=request)
    invitations.arrive(request, user)

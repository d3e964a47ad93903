"""Who may book which session type."""

from clients.eligibility import intake_approved


def may_book(client, session_type):
    """Free intro sessions are open to every client; paid ones once an admin has approved
    the client's intake. The booking function asks this before it holds any time."""
    return session_type.is_free or intake_approved(client)

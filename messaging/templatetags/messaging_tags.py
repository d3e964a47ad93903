from django import template

from messaging.conversations import UNREAD_ON_REQUEST, unread_total, urgent_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_messages(context):
    """How many messages the signed-in person has not read: counted once per request."""
    request = context.get("request")
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    if request is not None and hasattr(request, UNREAD_ON_REQUEST):
        return getattr(request, UNREAD_ON_REQUEST)
    total = unread_total(user)
    if request is not None:
        setattr(request, UNREAD_ON_REQUEST, total)
    return total


@register.simple_tag(takes_context=True)
def urgent_conversations(context):
    """For a coach: conversations a client marked urgent that wait for an answer."""
    user = context.get("user")
    return urgent_count(user) if user is not None and user.is_authenticated and user.is_coach else 0

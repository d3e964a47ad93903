from django import template

from messaging.conversations import unread_total, urgent_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_messages(context):
    """How many messages the signed-in person has not read: counted once per request."""
    request = context.get("request")
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    if request is not None and hasattr(request, "_unread_messages"):
        return request._unread_messages
    total = unread_total(user)
    if request is not None:
        request._unread_messages = total
    return total


@register.simple_tag(takes_context=True)
def urgent_conversations(context):
    """For a coach: conversations a client marked urgent that wait for an answer."""
    user = context.get("user")
    return urgent_count(user) if user is not None and user.is_authenticated and user.is_coach else 0

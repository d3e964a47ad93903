from django import template

from messaging.conversations import unread_on, unread_total, urgent_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_messages(context):
    """How many messages the signed-in person has not read: counted once per request."""
    request = context.get("request")
    if request is not None:
        return unread_on(request)
    user = context.get("user")
    return unread_total(user) if user is not None and user.is_authenticated else 0


@register.simple_tag(takes_context=True)
def urgent_conversations(context):
    """For a coach: conversations a client marked urgent that wait for an answer."""
    user = context.get("user")
    return urgent_count(user) if user is not None and user.is_authenticated and user.is_coach else 0

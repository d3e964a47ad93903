from django import template

from messaging.conversations import unread_counts

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
    total = sum(unread_counts(user).values())
    if request is not None:
        request._unread_messages = total
    return total

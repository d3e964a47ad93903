"""Messages in "Download my data" and "Delete my account" (accounts/export.py)."""

from accounts.export import register_eraser, register_section

from . import conversations
from .models import Message


@register_section("messages", "Your messages with your coach", order=45, counts=lambda user: [("message", "messages", Message.objects.filter(conversation__client=user))])
def messages(user):
    return conversations.export_for(user)


@register_eraser("messages", order=25)
def erase_messages(user):
    conversations.erase_for_client(user)

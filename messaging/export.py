"""Messages in "Download my data" and "Delete my account" (accounts/export.py)."""

from accounts.export import register_eraser, register_section

from . import conversations


@register_section("messages", "Your messages with your coach", order=45)
def messages(user):
    return conversations.export_for(user)


@register_eraser("messages", order=25)
def erase_messages(user):
    conversations.erase_for_client(user)

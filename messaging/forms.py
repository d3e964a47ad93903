from django import forms
from django.conf import settings

from .models import MessagingSettings


class MessageForm(forms.Form):
    # The length is the door's rule (messaging/conversations.py); the browser is told it too.
    text = forms.CharField(
        label="Your message",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": settings.MESSAGE_MAX_CHARS}),
        help_text=f"Plain text, up to {settings.MESSAGE_MAX_CHARS} characters. Links are shown as text.",
    )


class ClientMessageForm(MessageForm):
    urgent = forms.BooleanField(label="This is urgent for me", required=False, widget=forms.CheckboxInput(attrs={"data-crisis-trigger": "urgent"}))


class NoticeSettingsForm(forms.ModelForm):
    class Meta:
        model = MessagingSettings
        fields = ["email_on_new_message"]
        labels = {"email_on_new_message": "E-mail me when I have a new message"}
        help_texts = {"email_on_new_message": 'The e-mail says only "You have a new message on Waypoint", at most once every quarter of an hour.'}


class CoachMessagingSettingsForm(NoticeSettingsForm):
    class Meta(NoticeSettingsForm.Meta):
        fields = ["office_hours", "reply_time", "email_on_new_message"]
        labels = {
            **NoticeSettingsForm.Meta.labels,
            "office_hours": "When you read messages",
            "reply_time": "You usually reply",
        }
        help_texts = {
            **NoticeSettingsForm.Meta.help_texts,
            "office_hours": 'Your clients see this above the message box, for example "Weekdays, 9 am to 5 pm Eastern".',
        }

"""Reminder choices of clients and coaches. Thin."""

from django.contrib import messages
from django.shortcuts import redirect, render

from accounts.access import role_required
from accounts.models import Role

from .. import reminders
from .reminder_forms import ClientReminderForm, CoachAgendaForm


@role_required(Role.CLIENT, Role.COACH)
def reminder_settings(request):
    prefs = reminders.preferences_for(request.user)
    is_coach = request.user.role == Role.COACH
    form_class = CoachAgendaForm if is_coach else ClientReminderForm
    initial = (
        CoachAgendaForm.initial_from(prefs)
        if is_coach
        else {"email_reminders": prefs.email_reminders, "offsets_minutes": prefs.offsets_minutes}
    )
    # An empty POST is a real answer: every box unticked.
    form = form_class(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        choices = form.preferences() if is_coach else form.cleaned_data
        reminders.set_preferences(request.user, request=request, **choices)
        messages.success(request, "Saved. Your reminders follow these choices from now on.")
        return redirect("bookings:reminder_settings")
    return render(request, "bookings/reminder_settings.html", {"form": form, "is_coach": is_coach})

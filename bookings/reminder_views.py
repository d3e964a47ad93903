"""Reminder choices (clients, coaches) and the reminders that could not be sent (admins). Thin."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.access import admin_required, role_required
from accounts.models import Role

from . import reminders
from .reminder_forms import ClientReminderForm, CoachAgendaForm
from .reminder_models import Reminder


@role_required(Role.CLIENT, Role.COACH)
def reminder_settings(request):
    prefs = reminders.preferences_for(request.user)
    is_coach = request.user.role == Role.COACH
    form_class = CoachAgendaForm if is_coach else ClientReminderForm
    initial = (
        {"morning_agenda": prefs.morning_agenda}
        if is_coach
        else {"email_reminders": prefs.email_reminders, "offsets_minutes": prefs.offsets_minutes}
    )
    # An empty POST is a real answer: every box unticked.
    form = form_class(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        reminders.set_preferences(request.user, request=request, **form.cleaned_data)
        messages.success(request, "Saved. Your reminders follow these choices from now on.")
        return redirect("bookings:reminder_settings")
    return render(request, "bookings/reminder_settings.html", {"form": form, "is_coach": is_coach})


@admin_required
def reminder_failures(request):
    context = {
        "failed": reminders.failures()[:200],
        "agendas": reminders.agenda_failures()[:50],
    }
    return render(request, "bookings/reminder_failures.html", context)


@admin_required
@require_POST
def reminder_try_again(request, pk):
    reminder = get_object_or_404(Reminder, pk=pk)
    try:
        reminders.try_again(reminder, actor=request.user, request=request)
    except ValueError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "It will be sent again in a moment.")
    return redirect("bookings:reminder_failures")

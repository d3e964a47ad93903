"""Pages of the progress log. Thin: the rules are in clients/progress.py."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts.access import client_required, coach_required, get_visible_or_404
from accounts.backends import load_person
from accounts.models import Role
from core.wording import day_in_words
from families.paths import paths_of

from . import progress
from .models import Goal
from .progress_chart import table_rows
from .progress_forms import CheckInForm, GoalForm, ProgressSettingsForm


def _overview_context(client, today, *, is_owner):
    data = progress.overview(client, today, with_notes_of_recent=is_owner)
    recent_rows = table_rows((entry.cells(with_note=is_owner) for entry in data["recent"]), indent="          ")
    return {"log_owner": client, "goals": data["goals"], "recent": recent_rows, "has_entries": bool(data["check_ins"]), "is_owner": is_owner}


@client_required
def overview(request):
    if not paths_of(request.user).about_me:
        # The menu is one per role: for someone here only for a loved one, "Progress" is their own log.
        return redirect("families:progress")
    settings = progress.settings_of(request.user)
    if settings is None:
        return redirect("clients:progress_settings")
    context = _overview_context(request.user, timezone.localdate(), is_owner=True)
    return render(request, "clients/progress/overview.html", {**context, "settings": settings})


@sensitive_post_parameters()
@client_required
def check_in(request):
    settings = progress.settings_for(request.user)
    today = timezone.localdate()
    if request.method == "POST":
        form = CheckInForm(request.POST, settings=settings)
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = progress.save_check_in(
                    request.user,
                    day=data["day"],
                    today=today,
                    cravings=data["cravings"],
                    mood=data["mood"],
                    uses=form.uses(),
                    took_medication=form.took_medication(),
                    note=data["note"],
                )
            except progress.CheckInError as error:
                form.add_error("day", str(error))
            else:
                messages.success(request, f"Thank you. Your check-in for {day_in_words(entry.day)} is saved.")
                return redirect("clients:progress")
    else:
        earlier = progress.check_in_of(request.user, today)
        form = CheckInForm(initial=CheckInForm.initial_from(earlier, today), settings=settings)
        if earlier is not None:
            messages.info(request, "You already checked in today. Anything you change here replaces those answers.")
    return render(request, "clients/progress/check_in.html", {"form": form, "today": today})


@sensitive_post_parameters()
@client_required
def goals(request):
    if request.method == "POST":
        form = GoalForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                progress.add_goal(
                    request.user, kind=data["kind"], substance=data["substance"], amount=data["amount"], own_words=data["own_words"]
                )
            except progress.GoalError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Your goal is saved.")
                return redirect("clients:progress_goals")
    else:
        form = GoalForm()
    active = [(goal, progress.describe_goal(goal)) for goal in progress.active_goals(request.user)]
    return render(request, "clients/progress/goals.html", {"form": form, "active": active})


@client_required
@require_POST
def stop_goal(request, pk):
    goal = get_visible_or_404(Goal, request.user, pk=pk)
    goal.is_active = False
    goal.save(update_fields=["is_active"])
    messages.success(request, "That goal is put aside. Your check-ins stay as they are.")
    return redirect("clients:progress_goals")


@client_required
def settings(request):
    instance = progress.settings_for(request.user)
    if request.method == "POST":
        form = ProgressSettingsForm(request.POST, instance=instance)
        if form.is_valid():
            form.save()
            messages.success(request, "Your choices are saved.")
            return redirect("clients:progress")
    else:
        form = ProgressSettingsForm(instance=instance)
    return render(request, "clients/progress/settings.html", {"form": form})


@coach_required
def shared(request, client_id):
    client = load_person(client_id)
    if client is None or client.role != Role.CLIENT:
        raise Http404("No client here.")
    progress.shared_log_for(request.user, client, request=request)
    context = _overview_context(client, timezone.localdate(), is_owner=False)
    return render(request, "clients/progress/overview.html", context)

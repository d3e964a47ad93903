"""Pages of the family path. Thin: the rules are in this app's modules."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts.access import admin_required, client_required, coach_required, get_visible_or_404, login_required
from accounts.models import Role, User
from clients import consents, scoring
from clients import review as clients_review
from clients.forms import ApproveForm, DeclineForm, ReviewMessageForm
from clients.progress_chart import table_rows
from clients.progress import CheckInError
from clients.views import after_step
from coaching import profiles
from core.encryption import reveal
from core.wording import day_in_words

from . import agreements, invitations, paths, resources, review
from . import intake as flow
from . import progress as family_progress
from .access import read_family_intake
from .forms import FORMS, FamilyCheckInForm, FamilyGoalForm, InvitationForm
from .models import FamilyGoal, FamilyIntake, FamilyLink, FamilyMatch, LovedOneInvitation, Path

ACTIONS = {"next", "back", "later"}


# --- The two ways in --------------------------------------------------------------------

@client_required
@require_POST
def add_path(request):
    try:
        path = Path(request.POST.get("path", ""))
    except ValueError:
        return redirect("dashboard")
    paths.add(request.user, path, request=request)
    if path == Path.WORRIED:
        messages.success(request, "Welcome. This part of Waypoint is about you and your own wellbeing, while you support someone you love.")
        return redirect("families:intake_start")
    return redirect("clients:intake_start")


# --- The family intake ------------------------------------------------------------------

def _safety_context(intake):
    country = reveal(intake.country)
    said = flow.said_yes(intake)
    return {
        "help": resources.help_for(country),
        "emergency": resources.emergency_number(country),
        "naloxone_where": resources.naloxone_where(country),
        "overdose_steps": resources.overdose_steps(country),
        "show_violence_help": said["afraid_of_loved_one"],
        "show_crisis": said["thoughts_of_self_harm"],
        "show_overdose_help": said["overdose_at_home"],
    }


def _answers_context(intake):
    pss = reveal(intake.pss_answers) or []
    return {
        "intake": intake,
        "pss_items": [
            (question, scoring.PSS_4_OPTIONS[answer] if answer is not None else "Not answered yet")
            for question, answer in zip(scoring.PSS_4_ITEMS, pss, strict=False)
        ],
        "pss_max": scoring.PSS_4_MAX,
        **_safety_context(intake),
    }


@client_required
def intake_start(request):
    intake = flow.intake_for(request.user)
    if not intake.is_editable:
        return redirect("families:intake_summary")
    if intake.status == FamilyIntake.Status.MORE_INFO:
        return redirect("families:intake_step", slug=flow.FLOW.steps[0].slug)
    return redirect("families:intake_step", slug=flow.FLOW.first_open_step(intake).slug)


@client_required
def intake_step(request, slug):
    if slug not in flow.FLOW.by_slug:
        raise Http404("No such step.")
    intake = flow.intake_for(request.user)
    if not intake.is_editable:
        return redirect("families:intake_summary")
    if not flow.FLOW.may_open(intake, slug):
        return redirect("families:intake_step", slug=flow.FLOW.first_open_step(intake).slug)
    form_class = FORMS[slug]
    previous, following = flow.FLOW.neighbours(slug)
    just_said_yes = False
    errors = []

    if request.method == "POST":
        action = request.POST.get("action", "next")
        action = action if action in ACTIONS else "next"
        form = form_class(request.POST, intake=intake, draft=action != "next")
        if form.is_valid():
            if slug == "consents" and action == "next":
                try:
                    flow.sign_and_submit(intake, documents=form.agreed(), signed_name=form.cleaned_data["signed_name"], request=request)
                except ValidationError as error:
                    errors = error.messages
                else:
                    messages.success(request, "Your intake has been sent.")
                    return redirect("families:intake_summary")
            elif slug != "consents":
                yes_before = flow.said_yes(intake)
                try:
                    intake = flow.save_step(intake, slug, form, complete=action == "next", request=request)
                except ValidationError:
                    return redirect("families:intake_summary")
                # A new "yes" keeps the person here, with the help it calls for, until they choose to go on.
                yes_now = flow.said_yes(intake)
                just_said_yes = slug == "safety" and action == "next" and any(yes_now[q] and not yes_before[q] for q in yes_now)
            if just_said_yes:
                form = form_class(initial=form_class.initial_from(intake), intake=intake)
            elif not errors:
                return after_step(request, action, previous, following, "families:intake_step")
    else:
        form = form_class(initial=form_class.initial_from(intake), intake=intake)

    return render(
        request,
        "clients/intake_step.html",
        {
            "intake": intake,
            "step": flow.FLOW.by_slug[slug],
            "steps": flow.FLOW.steps,
            "step_number": flow.FLOW.slugs.index(slug) + 1,
            "previous": previous,
            "following": following,
            "form": form,
            "errors": errors,
            "just_said_yes": just_said_yes,
            "latest_review": intake.latest_review() if intake.status == FamilyIntake.Status.MORE_INFO else None,
            "step_url": "families:intake_step",
            "steps_dir": "families/steps/",
            "step_script": "js/families.js",
            **_safety_context(intake),
        },
    )


@client_required
def intake_summary(request):
    intake = FamilyIntake.objects.filter(client=request.user).first()
    if intake is None or intake.status == FamilyIntake.Status.DRAFT:
        return redirect("families:intake_start")
    intake = read_family_intake(request.user, intake.pk, request)
    signed = consents.current(request.user, agreements.DOCUMENTS)
    context = _answers_context(intake)
    context.update(
        {
            "latest_review": intake.latest_review(),
            "agreements": [(document, signed[document.kind]) for document in agreements.DOCUMENTS],
            "coaches": FamilyMatch.objects.filter(client=request.user).select_related("coach"),
            "directory_url": reverse("coaching:directory") + "?specialty=families",
        }
    )
    return render(request, "families/intake_summary.html", context)


# --- Admins' review ---------------------------------------------------------------------

def _coach_choices():
    return User.objects.filter(role=Role.COACH, is_active=True, coach_profile__is_listed=True).order_by("name")


def _review_page(request, intake, forms=None, status=200):
    forms = forms or {}
    context = _answers_context(intake)
    context.update(
        {
            "intake_title": "Family intake of",
            "answers_template": "families/_answers.html",
            "approve_url": "families:review_approve",
            "more_url": "families:review_ask_for_more",
            "decline_url": "families:review_decline",
            "suggestions": profiles.suggest_family_coaches(intake),
            "approve_form": forms.get("approve") or ApproveForm(coach_choices=_coach_choices()),
            "more_form": forms.get("more") or ReviewMessageForm(),
            "decline_form": forms.get("decline") or DeclineForm(),
            "referrals": clients_review.REFERRAL_RESOURCES,
            "reviews": intake.reviews.select_related("reviewer"),
            "assignments": FamilyMatch.objects.filter(client=intake.client).select_related("coach"),
        }
    )
    return render(request, "clients/review_detail.html", context, status=status)


@admin_required
def review_detail(request, pk):
    return _review_page(request, read_family_intake(request.user, pk, request))


def _decide(request, pk, form, form_key, decide, done_message, **fields):
    intake = get_object_or_404(FamilyIntake.objects.exclude(status=FamilyIntake.Status.DRAFT), pk=pk)
    if not form.is_valid():
        return _review_page(request, read_family_intake(request.user, intake.pk, request), {form_key: form}, status=400)
    try:
        decide(intake, by=request.user, request=request, **{name: form.cleaned_data[name] for name in fields})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("families:review_detail", pk=intake.pk)
    messages.success(request, done_message)
    return redirect("clients:review_queue")


@admin_required
@require_POST
def review_approve(request, pk):
    form = ApproveForm(request.POST, coach_choices=_coach_choices())
    return _decide(request, pk, form, "approve", review.approve, "Approved, and they have been told by e-mail.", coaches=True)


@admin_required
@require_POST
def review_ask_for_more(request, pk):
    return _decide(request, pk, ReviewMessageForm(request.POST), "more", review.ask_for_more, "Your question is on its way.", message=True)


@admin_required
@require_POST
def review_decline(request, pk):
    return _decide(request, pk, DeclineForm(request.POST), "decline", review.decline, "Declined, with other services that may suit them.", message=True)


# --- Coaches ----------------------------------------------------------------------------

@coach_required
def coach_families(request):
    matches = FamilyMatch.objects.filter(coach=request.user).select_related("client__family_intake").order_by("assigned_at")
    return render(request, "families/coach_families.html", {"matches": matches})


@login_required
def intake_detail(request, pk):
    """One family intake, for whoever `read_family_intake` allows (a coach who works with them); else a 404."""
    if FamilyIntake.objects.filter(pk=pk, client=request.user).exists():
        return redirect("families:intake_summary")
    context = _answers_context(read_family_intake(request.user, pk, request))
    return render(request, "families/intake_detail.html", context)


# --- The invitation a family member passes on, and links ----------------------------------

def _invitation_url(request, invitation):
    return request.build_absolute_uri(reverse("families:welcome", args=[invitation.pk, invitation.token()]))


@client_required
def invitation_list(request):
    if not paths.paths_of(request.user).worried:
        return redirect("dashboard")
    if request.method == "POST":
        form = InvitationForm(request.POST)
        if form.is_valid():
            invitations.create(request.user, from_name=form.cleaned_data["from_name"], request=request)
            messages.success(request, "Your invitation link is ready. Copy it and pass it on yourself, when the moment is right.")
            return redirect("families:invitations")
    else:
        form = InvitationForm()
    now = timezone.now()
    made = [
        (invitation, _invitation_url(request, invitation) if invitation.is_open(now) else None)
        for invitation in LovedOneInvitation.objects.visible_to(request.user)
    ]
    return render(request, "families/invitations.html", {"form": form, "made": made})


@client_required
@require_POST
def invitation_withdraw(request, pk):
    invitation = get_visible_or_404(LovedOneInvitation, request.user, pk=pk)
    invitations.withdraw(invitation, request=request)
    messages.success(request, "Withdrawn. The link no longer works.")
    return redirect("families:invitations")


def welcome(request, pk, token):
    """The page behind an invitation link: neutral, and the same whether or not it was used before."""
    invitation = invitations.open_invitation(pk, token)
    if invitation is not None:
        invitations.remember(request, invitation)
    signed_in_client = request.user.is_authenticated and request.user.is_client
    return render(
        request,
        "families/welcome.html",
        {"invitation": invitation, "from_name": reveal(invitation.from_name) if invitation else "", "signed_in_client": signed_in_client},
        status=200 if invitation else 404,
    )


@client_required
@require_POST
def welcome_accept(request):
    """Someone who already has an account came through an invitation and wants to see the offer."""
    invitations.arrive(request, request.user)
    return redirect("families:links")


@client_required
def links(request):
    return render(request, "families/links.html", invitations.links_page(request.user))


@client_required
@require_POST
def offer_answer(request, pk):
    invitation = invitations.offer_for(request.user, pk)
    if invitation is None:
        raise Http404("No offer here.")
    if request.POST.get("answer") == "link":
        invitations.agree_as_loved_one(request.user, invitation, request=request)
        messages.success(request, "Thank you. If they agree too, your accounts will be linked. You can end it at any time.")
    else:
        invitations.decline_as_loved_one(request.user, invitation, request=request)
        messages.success(request, "Done. They will not be told anything.")
    return redirect("families:links")


@client_required
@require_POST
def link_agree(request, pk):
    link = get_object_or_404(FamilyLink.objects.visible_to(request.user), pk=pk, family_member=request.user)
    invitations.agree_as_family(request.user, link, request=request)
    messages.success(request, "Your accounts are linked. Each of you sees only that the other has an account.")
    return redirect("families:links")


@client_required
@require_POST
def link_end(request, pk):
    link = get_visible_or_404(FamilyLink, request.user, pk=pk)
    invitations.end(request.user, link, request=request)
    messages.success(request, "The link has ended.")
    return redirect("families:links")


# --- The family member's own progress log -----------------------------------------------

@client_required
def progress_overview(request):
    data = family_progress.overview(request.user, timezone.localdate())
    recent_rows = table_rows(entry.cells() for entry in data["recent"])
    return render(request, "families/progress/overview.html", {"goals": data["goals"], "recent": recent_rows, "has_entries": bool(data["check_ins"])})


@sensitive_post_parameters()
@client_required
def progress_check_in(request):
    today = timezone.localdate()
    if request.method == "POST":
        form = FamilyCheckInForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = family_progress.save_check_in(
                    request.user, day=data["day"], today=today, stress=data["stress"], note=data["note"],
                    positive_moment=data["positive_moment"] == "yes", conversation_tried=data["conversation_tried"] == "yes",
                )
            except CheckInError as error:
                form.add_error("day", str(error))
            else:
                messages.success(request, f"Thank you. Your check-in for {day_in_words(entry.day)} is saved.")
                return redirect("families:progress")
    else:
        form = FamilyCheckInForm(initial={"day": today})
    return render(request, "families/progress/check_in.html", {"form": form})


@sensitive_post_parameters()
@client_required
def progress_goals(request):
    if request.method == "POST":
        form = FamilyGoalForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                family_progress.add_goal(
                    request.user, kind=data["kind"], days_a_week=data["days_a_week"], stress_at_most=data["stress_at_most"], own_words=data["own_words"]
                )
            except family_progress.GoalError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Your goal is saved.")
                return redirect("families:progress_goals")
    else:
        form = FamilyGoalForm()
    active = [(goal, family_progress.describe_goal(goal)) for goal in family_progress.active_goals(request.user)]
    return render(request, "families/progress/goals.html", {"form": form, "active": active})


@client_required
@require_POST
def progress_stop_goal(request, pk):
    goal = get_visible_or_404(FamilyGoal, request.user, pk=pk)
    goal.is_active = False
    goal.save(update_fields=["is_active"])
    messages.success(request, "That goal is put aside. Your check-ins stay as they are.")
    return redirect("families:progress_goals")

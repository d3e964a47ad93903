from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.db.models import F, IntegerField
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.access import admin_required, client_required, coach_required, login_required
from accounts.middleware import browser_zone
from accounts.models import Role, User
from core.encryption import reveal
from core.prepared import Arg, PreparedQuery

from . import consents, scoring
from . import intake as flow
from coaching import profiles
from families.access import read_family_review_queue
from families.paths import paths_of

from . import review as reviewing
from . import urgent_case
from .access import read_intake, read_intake_of, read_review_queue
from .eligibility import intake_status
from .forms import FORMS, ApproveForm, DeclineForm, FollowUpForm, ReviewMessageForm
from .models import CoachAssignment, Consent, Intake, IntakeReview

ACTIONS = {"next", "back", "later"}


def _answers_context(intake):
    dast_score = reveal(intake.dast_score)
    return {
        "intake": intake,
        "audit_items": [
            (question, options[answer] if answer is not None else "Not answered yet", answer)
            for (question, options), answer in zip(scoring.AUDIT_C_ITEMS, reveal(intake.audit_c_answers) or [], strict=False)
        ],
        "dast_items": list(zip(scoring.DAST_10_ITEMS, reveal(intake.dast_answers) or [], strict=False)),
        "dast_band": scoring.dast_10_band(dast_score) if dast_score is not None else None,
    }


# --- The client's intake -------------------------------------------------------

def after_step(request, action, previous, following, step_url="clients:intake_step"):
    """Where an intake's step goes once saved (the family intake's steps too)."""
    if action == "back" and previous:
        return redirect(step_url, slug=previous.slug)
    if action == "next" and following:
        return redirect(step_url, slug=following.slug)
    messages.success(request, "Your answers are saved. You can carry on whenever you are ready.")
    return redirect("dashboard")


@client_required
def intake_start(request):
    """Start or resume: the first step not yet completed, or the submitted intake."""
    if not paths_of(request.user).about_me:
        # The menu is one per role: for someone here only for a loved one, "Your intake" is theirs.
        return redirect("families:intake_start")
    intake = flow.intake_for(request.user)
    if not intake.is_editable:
        return redirect("clients:intake_summary")
    if intake.status == Intake.Status.MORE_INFO:
        # Every step is done; they go over their answers from the start.
        return redirect("clients:intake_step", slug=flow.STEPS[0].slug)
    return redirect("clients:intake_step", slug=flow.first_open_step(intake).slug)


def _prefilled(initial, request):
    """A time zone not chosen yet starts as the one the browser told us."""
    if "time_zone" in initial and not initial["time_zone"]:
        initial["time_zone"] = browser_zone(request)
    return initial


@client_required
def intake_step(request, slug):
    if slug not in flow.BY_SLUG:
        raise Http404("No such step.")
    intake = flow.intake_for(request.user)
    if not intake.is_editable:
        return redirect("clients:intake_summary")
    if not flow.may_open(intake, slug):
        return redirect("clients:intake_step", slug=flow.first_open_step(intake).slug)
    form_class = FORMS[slug]
    step = flow.BY_SLUG[slug]
    previous, following = flow.neighbours(slug)
    just_said_yes = False
    errors = []

    if request.method == "POST":
        action = request.POST.get("action", "next")
        action = action if action in ACTIONS else "next"
        form = form_class(request.POST, intake=intake, draft=action != "next")
        if form.is_valid():
            if slug == "consents" and action == "next":
                try:
                    flow.sign_and_submit(
                        intake, documents=form.agreed(), signed_name=form.cleaned_data["signed_name"], request=request
                    )
                except ValidationError as error:
                    errors = error.messages
                else:
                    messages.success(request, "Your intake has been sent.")
                    return redirect("clients:intake_summary")
            elif slug != "consents":
                said_yes_before = reveal(intake.thoughts_of_self_harm) is True
                try:
                    intake = flow.save_step(intake, slug, form, complete=action == "next", request=request)
                except ValidationError:
                    # Sent or reviewed meanwhile (in another tab, or by an admin): show where it stands.
                    return redirect("clients:intake_summary")
                # A new "yes" keeps the client on this page, with the crisis resources, until they choose to go on.
                just_said_yes = (
                    slug == "safety" and action == "next" and reveal(intake.thoughts_of_self_harm) is True and not said_yes_before
                )
            if just_said_yes:
                form = form_class(initial=form_class.initial_from(intake), intake=intake)
            elif not errors:
                return after_step(request, action, previous, following)
    else:
        form = form_class(initial=_prefilled(form_class.initial_from(intake), request), intake=intake)

    return render(
        request,
        "clients/intake_step.html",
        {
            "intake": intake,
            "step": step,
            "steps": flow.STEPS,
            "step_number": flow.SLUGS.index(slug) + 1,
            "previous": previous,
            "following": following,
            "form": form,
            "errors": errors,
            "show_crisis": slug == "safety" and reveal(intake.thoughts_of_self_harm) is True,
            "just_said_yes": just_said_yes,
            "latest_review": intake.latest_review() if intake.status == Intake.Status.MORE_INFO else None,
        },
    )


@client_required
def intake_summary(request):
    if intake_status(request.user) in (None, Intake.Status.DRAFT):
        return redirect("clients:intake_start")
    intake = read_intake_of(request.user, request.user, request)
    if intake is None:  # gone since (the account deleted in another tab)
        return redirect("clients:intake_start")
    signed = consents.current(request.user)
    context = _answers_context(intake)
    context.update(
        {
            "latest_review": intake.latest_review(),
            "consents": [(document, signed[document.kind]) for document in consents.DOCUMENTS],
            "share_in_force": consents.shares_with_coach(request.user, signed=signed),
            "share_document": consents.BY_KIND[Consent.Kind.SHARE_WITH_COACH],
            "coach_names": [name for (name,) in _COACH_NAMES.rows(client=request.user.pk)],
            "referrals": reviewing.REFERRAL_RESOURCES,
        }
    )
    return render(request, "clients/intake_summary.html", context)


# The names of the coaches a client is matched with: compiled once (core.prepared).
_COACH_NAMES = PreparedQuery(lambda: CoachAssignment.objects.filter(client=Arg("client", IntegerField())).values_list("coach__name"))


@client_required
@require_POST
def consent_revoke(request, pk):
    # The agreements about care and privacy stand while the account does; sharing can be taken back.
    consent = get_object_or_404(
        Consent, pk=pk, client=request.user, kind=Consent.Kind.SHARE_WITH_COACH, revoked_at=None
    )
    consents.revoke(consent, request=request)
    messages.success(request, "Done. From now on, coaches cannot see your intake.")
    return redirect("clients:intake_summary")


@client_required
@require_POST
def share_consent_sign(request):
    document = consents.BY_KIND[Consent.Kind.SHARE_WITH_COACH]
    name = request.POST.get("signed_name", "").strip()
    if request.POST.get("agree") != "on" or not name:
        messages.error(request, "To share your intake again, tick the box and type your name.")
    elif consents.shares_with_coach(request.user):
        messages.info(request, "Your intake is already shared with your coach.")
    else:
        consents.sign(request.user, document, signed_name=name, request=request)
        messages.success(request, "Thank you. Your coach can see your intake again.")
    return redirect("clients:intake_summary")


# --- Admins' review ------------------------------------------------------------

@admin_required
def review_queue(request):
    shown = read_review_queue(request.user, request, page=request.GET.get("page"))
    families = read_family_review_queue(request.user, request, page=request.GET.get("family_page"))
    return render(
        request,
        "clients/review_queue.html",
        {"intakes": shown.object_list, "page": shown, "family_intakes": families.object_list, "family_page": families},
    )


def _review_page(request, intake, forms=None, status=200):
    forms = forms or {}
    suggestions = profiles.suggest_coaches(intake)
    context = _answers_context(intake)
    context.update(
        {
            "suggestions": suggestions,
            # The choices show each coach's name (or e-mail): nothing else of their accounts is opened.
            "approve_form": forms.get("approve") or _approve_form(),
            "more_form": forms.get("more") or ReviewMessageForm(),
            "decline_form": forms.get("decline") or DeclineForm(),
            "referrals": reviewing.REFERRAL_RESOURCES,
            "reviews": _REVIEWS.objects(intake=intake.pk),
            "assignments": _ASSIGNED.objects(client=intake.client_id),
            "case": _urgent_case(request, intake, forms.get("follow_up")),
        }
    )
    return render(request, "clients/review_detail.html", context, status=status)


def _urgent_case(request, intake, form=None):
    """An urgent intake is a case: how to reach the client, how long it has waited, and
    the log of what was done."""
    if not intake.is_urgent:
        return None
    return {
        "waiting_since": urgent_case.waiting_since(intake),
        "follow_ups": urgent_case.read_follow_ups(request.user, intake, request),
        "form": form or FollowUpForm(),
    }


def _coach_choices():
    return User.objects.filter(role=Role.COACH, is_active=True, coach_profile__is_listed=True).order_by("name")


# What the review page shows, compiled once (core/prepared.py): the decisions so far and who
# made them, the coaches matched, and the coaches to choose from (name or e-mail: nothing
# else of their accounts is opened).
_REVIEWS = PreparedQuery(
    lambda: IntakeReview.objects.filter(intake=Arg("intake", IntegerField()))
    .select_related("reviewer")
    .only("created_at", "action", "message", "reviewer__name", "reviewer__email")
)
_ASSIGNED = PreparedQuery(
    lambda: CoachAssignment.objects.filter(client=Arg("client", IntegerField())).select_related("coach").only("coach__name")
)
_CHOICES = PreparedQuery(lambda: _coach_choices().only("name", "email"))


def _approve_form():
    """The approve form as the page first shows it: its choices from the prepared list (a
    sent form is checked against `_coach_choices()` by review_approve)."""
    form = ApproveForm(coach_choices=User.objects.none())  # shown, never checked: no query built
    field = form.fields["coaches"]
    field.choices = [(coach.pk, field.label_from_instance(coach)) for coach in _CHOICES.objects()]
    return form


@admin_required
def review_detail(request, pk):
    return _review_page(request, read_intake(request.user, pk, request))


def _waiting(pk):
    return get_object_or_404(Intake.objects.exclude(status=Intake.Status.DRAFT).select_related("client"), pk=pk)


def _invalid(request, intake, form_key, form):
    return _review_page(request, read_intake(request.user, intake.pk, request), {form_key: form}, status=400)


def _decide(request, intake, decide, done_message, **fields):
    try:
        decide(intake, by=request.user, request=request, **fields)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("clients:review_detail", pk=intake.pk)
    messages.success(request, done_message)
    return redirect("clients:review_queue")


@admin_required
@require_POST
def review_approve(request, pk):
    intake = _waiting(pk)
    form = ApproveForm(request.POST, coach_choices=_coach_choices())
    if not form.is_valid():
        return _invalid(request, intake, "approve", form)
    return _decide(request, intake, reviewing.approve, "Approved, and the client has been told by e-mail.",
                   coaches=form.cleaned_data["coaches"])


@admin_required
@require_POST
def review_ask_for_more(request, pk):
    intake = _waiting(pk)
    form = ReviewMessageForm(request.POST)
    if not form.is_valid():
        return _invalid(request, intake, "more", form)
    return _decide(request, intake, reviewing.ask_for_more, "Your question is on its way to the client.",
                   message=form.cleaned_data["message"])


@admin_required
@require_POST
def review_decline(request, pk):
    intake = _waiting(pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _invalid(request, intake, "decline", form)
    return _decide(request, intake, reviewing.decline,
                   "Declined, and the client has been sent other services that may suit them.",
                   message=form.cleaned_data["message"])


@admin_required
@require_POST
def review_follow_up(request, pk):
    intake = get_object_or_404(Intake.objects.filter(is_urgent=True).select_related("client"), pk=pk)
    intake = read_intake(request.user, intake.pk, request)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        return _review_page(request, intake, {"follow_up": form}, status=400)
    urgent_case.log_follow_up(intake, by=request.user, note=form.cleaned_data["note"], request=request)
    messages.success(request, "Your note is saved in the case's log.")
    return redirect("clients:review_detail", pk=intake.pk)


# --- Coaches -------------------------------------------------------------------

# A coach's clients with their names and their intake's id only (its answers stay sealed
# until its own page): compiled once (core.prepared).
_COACH_CLIENTS = PreparedQuery(
    lambda: CoachAssignment.objects.filter(coach=Arg("coach", IntegerField()))
    .select_related("client")
    .only("assigned_at", "client", "client__name", "client__email", "client__preferred_name", "client__pronouns")
    .annotate(intake_pk=F("client__intake__pk"))
    .order_by("assigned_at")
)


@coach_required
def coach_clients(request):
    assignments = _COACH_CLIENTS.objects(coach=request.user.pk)
    sharing = consents.clients_sharing_with(request.user)
    rows = [(assignment, assignment.client_id in sharing) for assignment in assignments]
    return render(request, "clients/coach_clients.html", {"rows": rows})


_OWN_INTAKE = PreparedQuery(
    lambda: Intake.objects.filter(pk=Arg("pk", IntegerField()), client=Arg("client", IntegerField())).values_list("pk")[:1]
)


@login_required
def intake_detail(request, pk):
    """One intake, for whoever `read_intake` allows (a matched coach, mostly); a 404 for anyone else."""
    if _OWN_INTAKE.rows(pk=pk, client=request.user.pk):
        return redirect("clients:intake_summary")
    return render(request, "clients/intake_detail.html", _answers_context(read_intake(request.user, pk, request)))

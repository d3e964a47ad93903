"""Pages of the family path. Thin: the rules are in this app's modules."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.access import client_required
from clients import consents, scoring
from clients.models import Substance
from core.encryption import reveal

from . import agreements, paths, resources
from . import intake as flow
from .access import read_family_intake
from .forms import FORMS
from .models import Country, FamilyIntake, FamilyMatch, Hope, Path, Relationship

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
        "overdose_steps": resources.overdose_steps(country),
        "show_violence_help": said["afraid_of_loved_one"],
        "show_crisis": said["thoughts_of_self_harm"],
        "show_overdose_help": said["overdose_at_home"],
    }


def _answers_context(intake):
    pss = reveal(intake.pss_answers) or []
    return {
        "intake": intake,
        "relationship": Relationship(reveal(intake.relationship)).label if reveal(intake.relationship) else "",
        "hopes": [Hope(value).label for value in reveal(intake.hopes) or []],
        "country": Country(reveal(intake.country)).label if reveal(intake.country) else "",
        "substances": [Substance(value).label for value in reveal(intake.substances) or []],
        "pss_items": [
            (question, scoring.PSS_4_OPTIONS[answer] if answer is not None else "Not answered yet")
            for question, answer in zip(scoring.PSS_4_ITEMS, pss, strict=False)
        ],
        "pss_max": scoring.PSS_4_MAX,
        **_safety_context(intake),
    }


def _after_step(request, action, previous, following):
    if action == "back" and previous:
        return redirect("families:intake_step", slug=previous.slug)
    if action == "next" and following:
        return redirect("families:intake_step", slug=following.slug)
    messages.success(request, "Your answers are saved. You can carry on whenever you are ready.")
    return redirect("dashboard")


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
                return _after_step(request, action, previous, following)
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

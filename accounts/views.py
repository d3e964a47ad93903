"""The admins' Team page, the invitee's page, and the audit trail for admins. Thin:
the rules are in accounts/team.py."""

from allauth.account.internal import stagekit
from allauth.account.internal.flows.email_verification import get_address_for_login, send_verification_email_to_address
from allauth.account.internal.flows.login import record_authentication
from django.contrib import messages
from django.contrib.auth import login
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from bookings.models import Booking, Payment, SessionNote
from clients.models import Consent, Intake
from messaging.models import Conversation

from . import audit, team
from .access import admin_required, login_required
from .forms import AccountForm, AuditFilterForm, InviteForm, JoinForm, RoleForm
from .models import STAFF_ROLES, AuditEvent, Invitation, User

AUDIT_PAGE_SIZE = 50


@admin_required
def team_page(request):
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = team.invite(form.cleaned_data["email"], form.cleaned_data["role"], by=request.user, request=request)
        except team.TeamRefused as refusal:
            form.add_error("email", str(refusal))
        else:
            messages.success(request, f"We have sent an invitation to {invitation.email}. The link works for 48 hours.")
            return redirect("accounts:team")
    return render(
        request,
        "accounts/team.html",
        {
            # Only what the tables show: not the members' sealed names, nor who invited whom.
            "members": team.staff().only("name", "email", "role", "is_active"),
            "invitations": team.open_invitations().select_related(None).only("email", "role", "expires_at"),
            "form": form,
            "role_form": RoleForm(),
        },
    )


def _member(pk):
    return get_object_or_404(User.objects.filter(role__in=STAFF_ROLES), pk=pk)


@admin_required
@require_POST
def team_role(request, pk):
    member = _member(pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Please choose coach or admin.")
        return redirect("accounts:team")
    try:
        team.change_role(member, form.cleaned_data["role"], by=request.user, request=request)
    except team.TeamRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"{member.email} is now {'an admin' if form.cleaned_data['role'] == 'admin' else 'a coach'}.")
    return redirect("accounts:team")


@admin_required
@require_POST
def team_access(request, pk):
    member = _member(pk)
    active = request.POST.get("active") == "1"
    try:
        team.set_active(member, active, by=request.user, request=request)
    except team.TeamRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"{member.email} can sign in again." if active else f"{member.email} can no longer sign in.")
    return redirect("accounts:team")


@admin_required
@require_POST
def team_withdraw(request, pk):
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        team.withdraw(invitation, by=request.user, request=request)
    except team.TeamRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"The invitation for {invitation.email} no longer works.")
    return redirect("accounts:team")


@login_required
def account(request):
    """Your name and time zone here; links to allauth's pages for the e-mail address,
    the password and two-step sign-in."""
    form = AccountForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        if form.has_changed():
            form.save()
            audit.record("account.details_changed", actor=request.user, obj=request.user, request=request,
                         fields=sorted(form.changed_data))
        messages.success(request, "Saved.")
        return redirect("accounts:account")
    return render(request, "accounts/account.html", {"form": form, "emails": request.user.emailaddress_set.all()})


@require_POST
def resend_verification(request):
    """"Send the link again" on the check-your-e-mail page: for the sign-up (or sign-in)
    waiting in this browser's session only, so it never tells whether an address has an
    account. allauth's own rate limit (one link per address every few minutes) applies."""
    login = stagekit.unstash_login(request, peek=True)
    address = get_address_for_login(login) if login is not None and login.user is not None else None
    if address is None or address.verified:
        messages.info(request, "Please sign in again: if your address still needs confirming, we will send a new link.")
        return redirect("account_login")
    # allauth adds its own "sent" message when it sends.
    if not send_verification_email_to_address(request, address):
        messages.info(request, "We sent a link a moment ago. Please wait a few minutes before asking for another.")
    return redirect("account_email_verification_sent")


@sensitive_post_parameters("password1", "password2")
def join(request, pk, token):
    """The invitee chooses their name and password; two-step sign-in is set up next."""
    invitation, problem = team.invitation_for(pk, token)
    if invitation is None:
        return render(request, "accounts/join_closed.html", {"problem": problem}, status=410)
    if request.user.is_authenticated:
        return render(
            request,
            "accounts/join_closed.html",
            {"problem": "You are signed in as someone else. Please sign out, then open the invitation link again."},
            status=409,
        )
    form = JoinForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            user = team.accept(invitation, name=form.cleaned_data["name"], password=form.cleaned_data["password1"], request=request)
        except team.TeamRefused as refusal:
            return render(request, "accounts/join_closed.html", {"problem": str(refusal)}, status=410)
        login(request, user, backend="accounts.backends.PasswordBackend")
        # They typed their new password in this very request: it counts as the fresh
        # password check that setting up a device asks for.
        record_authentication(request, user, method="password", reauthenticated=True)
        audit.record("account.login", actor=user, obj=user, request=request, via="invitation")
        messages.success(request, "Welcome. One more step: set up two-step sign-in with an authenticator app.")
        return redirect(reverse("mfa_activate_totp"))
    return render(request, "accounts/join.html", {"form": form, "invitation": invitation})


def _about_client(client):
    """Audit lines about `client`: their account and what hangs off it."""
    keys = Q(object_type="accounts.user", object_id=str(client.pk)) | Q(actor=client)
    for model, queryset in [
        (Intake, Intake.objects.filter(client=client)),
        (Consent, Consent.objects.filter(client=client)),
        (Booking, Booking.objects.filter(client=client)),
        (Payment, Payment.objects.filter(booking__client=client)),
        (SessionNote, SessionNote.objects.filter(booking__client=client)),
        (Conversation, Conversation.objects.filter(client=client)),
    ]:
        ids = [str(pk) for pk in queryset.values_list("pk", flat=True)]
        if ids:
            keys |= Q(object_type=model._meta.label_lower, object_id__in=ids)
    return keys


@admin_required
@require_GET
def audit_trail(request):
    """Read-only: the audit trail, newest first, filtered and paginated."""
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.all()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["person"].strip():
            events = events.filter(actor_email__iexact=data["person"].strip())
        client = form.client_user()
        if client is not None:
            events = events.filter(_about_client(client)) if client.pk else events.none()
        if data["kind"].strip():
            events = events.filter(action__startswith=data["kind"].strip())
        if data["since"]:
            events = events.filter(at__date__gte=data["since"])
        if data["until"]:
            events = events.filter(at__date__lte=data["until"])
    elif form.is_bound:
        events = events.none()
    page = Paginator(events.order_by("-at", "-id"), AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/audit.html", {"form": form, "page": page, "query": query.urlencode()})

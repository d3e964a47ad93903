"""'Download my data' and 'Delete my account'. Thin: the rules are in accounts/export.py."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts.access import client_required
from accounts.export import DeletionRefused, delete_account, export_for, overview, readable_records, record_export, section_named
from core.form_rendering import FORM_RENDERER


@never_cache
@client_required
def my_data(request):
    """What each section holds, counted: nothing is opened or audited until a section is asked for."""
    return render(request, "clients/data/my_data.html", {"sections": overview(request.user)})


@never_cache
@client_required
def my_data_section(request, section):
    section = section_named(section)
    if section is None:
        raise Http404
    records = section.gather(request.user)
    record_export(request.user, request=request, form="html", section=section.name)
    return render(
        request,
        "clients/data/section.html",
        {"section": section, "records": readable_records(records, request.user.zone), "exported_at": timezone.now()},
    )


@never_cache
@client_required
def my_data_json(request):
    export = export_for(request.user)
    record_export(request.user, request=request, form="json")
    response = HttpResponse(json.dumps(export, indent=2, ensure_ascii=False), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="waypoint-my-data-{timezone.localdate():%Y-%m-%d}.json"'
    return response


class ConfirmDeletionForm(forms.Form):
    default_renderer = FORM_RENDERER
    password = forms.CharField(label="Your password, to confirm it is you", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    understood = forms.BooleanField(label="I understand this cannot be undone")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That password does not match. Your account is unchanged.")
        return password


@sensitive_post_parameters("password")
@never_cache
@client_required
def delete_my_account(request):
    if request.method == "POST":
        form = ConfirmDeletionForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                delete_account(request.user, request=request)
            except DeletionRefused as error:
                messages.error(request, str(error))
                return redirect("clients:delete_account")
            logout(request)
            messages.success(request, "Your account and personal data are deleted. Take care of yourself.")
            return redirect("home")
    else:
        form = ConfirmDeletionForm(user=request.user)
    return render(request, "clients/data/delete_account.html", {"form": form})

from django import forms
from django.contrib.auth import password_validation

from .models import Invitation, Role, User
from .zone_picker import ZoneField


class InviteForm(forms.Form):
    email = forms.EmailField(label="Their e-mail address")
    role = forms.ChoiceField(label="Invite them as", choices=Invitation.STAFF_CHOICES)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Invitation.STAFF_CHOICES)


class JoinForm(forms.Form):
    """The invitee's own name and password; two-step sign-in comes next."""

    name = forms.CharField(label="Your name", max_length=150)
    password1 = forms.CharField(label="Choose a password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label="The same password again", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords are not the same.")
        elif first:
            someone = User(email=self.invitation.email, name=data.get("name", ""), role=self.invitation.role)
            try:
                password_validation.validate_password(first, user=someone)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class AuditFilterForm(forms.Form):
    person = forms.CharField(label="Who did it (e-mail)", required=False, max_length=254)
    client = forms.CharField(label="About which client (e-mail)", required=False, max_length=254)
    kind = forms.CharField(label="Kind (e.g. note. or account.login)", required=False, max_length=64)
    since = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="Until", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            raise forms.ValidationError("The last day must be on or after the first day.")
        return data

    def client_user(self):
        email = (self.cleaned_data.get("client") or "").strip()
        if not email:
            return None
        return User.objects.filter(email__iexact=email, role=Role.CLIENT).first() or User(pk=0)


class AccountForm(forms.ModelForm):
    """What a person changes about themselves on the account page. The e-mail address,
    password and two-step sign-in have allauth's own pages, which ask for the password."""

    time_zone = ZoneField(label="Your time zone", blank_label="Choose your time zone", required=False,
                          help_text="Times are shown to you in this zone.")

    class Meta:
        model = User
        fields = ["name", "time_zone"]
        labels = {"name": "Your name"}

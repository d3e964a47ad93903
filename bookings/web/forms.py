from decimal import Decimal

from django import forms

from core.wording import SYMBOLS, money


class CoachCancelForm(forms.Form):
    reason = forms.CharField(
        label="A few words for your client (optional)",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Sent with our apology. Keep it general: e-mail is not private.",
    )


class CancelAllForm(CoachCancelForm):
    """The same few words, sent with every cancellation an admin makes for one client."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = "A few words for the client (optional)"
        self.fields["reason"].help_text = "Sent in each cancellation e-mail. Keep it general: e-mail is not private."


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label="Amount to refund", min_value=Decimal("0.01"), max_digits=9, decimal_places=2
    )
    reason = forms.CharField(label="Reason (for the records)", max_length=300)

    def __init__(self, *args, refundable_cents=0, currency="usd", **kwargs):
        super().__init__(*args, **kwargs)
        self.refundable_cents = refundable_cents
        self.currency = currency
        self.fields["amount"].label = f"Amount to refund (in {SYMBOLS.get(currency.lower(), currency.upper())})"
        self.fields["amount"].help_text = self._at_most()
        if not self.is_bound:
            self.initial.setdefault("amount", Decimal(refundable_cents) / 100)

    def _at_most(self):
        return f"At most {money(self.refundable_cents, self.currency)} can still be refunded."

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        cents = int(amount * 100)
        if cents > self.refundable_cents:
            raise forms.ValidationError(self._at_most())
        return cents

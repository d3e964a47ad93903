"""A deleted account's Stripe Customers are deleted too, through the outbox.

Stripe keeps a Customer per client (made when they first pay, with their e-mail address).
The payments themselves must be kept, but the Customer names the person, so deleting an
account owes the deletion of each Customer it used. Owed in the deletion's transaction,
it is made however long Stripe is unreachable; a Customer already gone counts as done.
"""

import stripe

from accounts import audit
from core import outbox

from ..models import Payment
from .stripe_api import api, passing

DELETE_CUSTOMER = "payment.delete_customer"


def customer_ids(user):
    """The Stripe Customers made for `user` (demo payments never reached Stripe)."""
    rows = (
        Payment.objects.filter(booking__client=user, is_demo=False)
        .exclude(stripe_customer_id="")
        .values_list("stripe_customer_id", flat=True)
    )
    return sorted(set(rows))


def owe_customer_deletions(user):
    """Owe the deletion of each of `user`'s Stripe Customers; call it inside the deletion's transaction."""
    return [
        outbox.owe(DELETE_CUSTOMER, key=f"delete-customer:{customer_id}", about=f"user:{user.pk}", customer_id=customer_id)
        for customer_id in customer_ids(user)
    ]


@outbox.action(DELETE_CUSTOMER, label="Deleting a Stripe customer")
def delete_customer(work):
    try:
        api().Customer.delete(work.payload["customer_id"])
    except stripe.StripeError as exc:
        if getattr(exc, "http_status", None) == 404:
            return  # already deleted, by us or in Stripe's dashboard
        later = passing(exc)
        if later is not None:
            raise later from exc
        raise
    audit.record("payment.customer_deleted", work_id=work.pk)

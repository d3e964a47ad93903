"""What the outbox could not deliver, for admins: every kind of owed work (e-mails,
refunds, Stripe clean-ups) that failed for good, and what is waiting longer than it should."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import audit
from accounts.access import admin_required
from core import outbox


def _label(work):
    handler = outbox.handler_for(work.kind)
    return handler.label if handler else work.kind


@admin_required
def failed(request):
    rows = list(outbox.failures()[:200])
    waiting = list(outbox.waiting().order_by("due_at")[:200])
    for work in rows + waiting:
        work.label = _label(work)
    return render(request, "pages/deliveries.html", {"failed": rows, "waiting": waiting})


@admin_required
@require_POST
def try_again(request, pk):
    work = outbox.try_again(pk)
    if work is None:
        messages.error(request, "That one is no longer waiting for a retry.")
    else:
        audit.record("outbox.retried", actor=request.user, request=request, work_id=work.pk, kind=work.kind, about=work.about)
        messages.success(request, "It will be tried again in a moment.")
    return redirect("deliveries")

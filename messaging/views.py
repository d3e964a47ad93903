"""Messages between a client and their coach; the admin's view of which conversations
exist. Thin: the rules are in messaging/conversations.py, the one door to the text."""

from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.access import admin_required, login_required
from accounts.models import Role
from bookings.web.limits import limited

from . import conversations as door
from .forms import ClientMessageForm, CoachMessagingSettingsForm, MessageForm, NoticeSettingsForm

# Any signed-in person: the door answers 404 to everyone but the client and coach of a
# conversation (an admin included), so a role guard's 403 would tell more than it should.
people_who_message = login_required


def _message_id(value):
    """A message id from the query string: None when absent, ValueError when not a number."""
    if value in (None, ""):
        return None
    number = int(value)
    if not 0 <= number < 2**63:
        raise ValueError(value)
    return number


@people_who_message
def inbox(request):
    if request.user.role == Role.ADMIN:
        return redirect("messaging:overview")
    rows = door.inbox(request.user)
    # The menu's badge is the sum of the rows' counts: no second count for it.
    setattr(request, door.UNREAD_ON_REQUEST, sum(row.unread for row in rows))
    return render(request, "messaging/inbox.html", {"rows": rows})


def _page(request, other_id, *, form=None, status=200):
    try:
        before = _message_id(request.GET.get("before"))
    except ValueError:
        return HttpResponseBadRequest("That page of messages does not exist.")
    view = door.use_conversation(request.user, other_id, door.READ, request=request, before=before)
    is_client = request.user.role == Role.CLIENT
    if form is None:
        form = (ClientMessageForm if is_client else MessageForm)()
    context = {
        "view": view,
        "form": form,
        "show_crisis": is_client and (request.GET.get("urgent") == "1" or bool(form.data.get("urgent"))),
        "paged_back": before is not None,
    }
    return render(request, "messaging/conversation.html", context, status=status)


@people_who_message
@limited("message")
def conversation(request, other_id):
    if request.method != "POST":
        return _page(request, other_id)
    form_class = ClientMessageForm if request.user.role == Role.CLIENT else MessageForm
    form = form_class(request.POST)
    form.is_valid()
    urgent = bool(form.cleaned_data.get("urgent"))
    try:
        sent = door.use_conversation(
            request.user, other_id, door.SEND, request=request, text=form.cleaned_data.get("text"), urgent=urgent
        )
    except door.MessageRefused as refusal:
        form.add_error("text", str(refusal))
        return _page(request, other_id, form=form, status=400)
    url = reverse("messaging:conversation", args=[other_id])
    messages.success(request, "Message sent.")
    if sent.urgent:
        return redirect(f"{url}?urgent=1#crisis-resources")
    return redirect(f"{url}#message-{sent.message_id}")


@people_who_message
@require_GET
def new_messages(request, other_id):
    """What the page's poll asks every few seconds: messages after the newest shown."""
    if not request.htmx:
        return redirect("messaging:conversation", other_id=other_id)
    try:
        after = _message_id(request.GET.get("after")) or 0
    except ValueError:
        return HttpResponseBadRequest("That is not a message.")
    found = door.use_conversation(request.user, other_id, door.POLL, request=request, after=after)
    newest = found[-1].message_id if found else after
    return render(request, "messaging/_poll.html", {"found": found, "other_id": other_id, "newest_id": newest})


@people_who_message
@limited("message")
def edit_message(request, other_id, message_id):
    back = reverse("messaging:conversation", args=[other_id])
    if request.method == "POST":
        form = MessageForm(request.POST)
        form.is_valid()
        try:
            door.use_conversation(request.user, other_id, door.EDIT, request=request, message_id=message_id, text=form.cleaned_data.get("text"))
        except door.MessageRefused as refusal:
            form.add_error("text", str(refusal))
            return render(request, "messaging/edit.html", {"form": form, "back": back}, status=400)
        messages.success(request, "Message changed.")
        return redirect(f"{back}#message-{message_id}")
    message = door.use_conversation(request.user, other_id, door.READ_ONE, request=request, message_id=message_id)
    if not message.may_edit:
        messages.info(request, "That message can no longer be changed. You can send another one, or delete it.")
        return redirect(back)
    form = MessageForm(initial={"text": message.text})
    return render(request, "messaging/edit.html", {"form": form, "back": back, "message": message})


@people_who_message
@limited("message")
def delete_message(request, other_id, message_id):
    back = reverse("messaging:conversation", args=[other_id])
    if request.method == "POST":
        try:
            door.use_conversation(request.user, other_id, door.DELETE, request=request, message_id=message_id)
        except door.MessageRefused as refusal:
            messages.info(request, str(refusal))
            return redirect(back)
        messages.success(request, "Message deleted. The conversation shows that a message was here.")
        return redirect(back)
    message = door.use_conversation(request.user, other_id, door.READ_ONE, request=request, message_id=message_id)
    return render(request, "messaging/delete.html", {"message": message, "back": back})


@people_who_message
def messaging_settings(request):
    if request.user.role not in (Role.CLIENT, Role.COACH):
        raise Http404("Messages are between clients and their coaches.")
    form_class = CoachMessagingSettingsForm if request.user.role == Role.COACH else NoticeSettingsForm
    instance = door.settings_of(request.user)
    form = form_class(request.POST if request.method == "POST" else None, instance=instance)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, "Saved.")
            return redirect("messaging:settings")
        return render(request, "messaging/settings.html", {"form": form}, status=400)
    return render(request, "messaging/settings.html", {"form": form})


@admin_required
def overview(request):
    """Every conversation, fifty to a page, newest first; no count of them all is needed for
    "Newer" and "Older"."""
    try:
        number = min(max(int(request.GET.get("page", 1)), 1), 10**6)
    except ValueError:
        number = 1
    rows, more = door.overview_page(number)
    if not rows and number > 1:
        return redirect("messaging:overview")  # past the last page: the first
    return render(request, "messaging/overview.html", {"conversations": rows, "number": number, "more": more})


@admin_required
def record(request, pk):
    found = door.inspect(request.user, pk, request=request)
    return render(request, "messaging/record.html", {"record": found})

"""This app's part of "Download my data" and "Delete my account" (see accounts/export.py).

A person's own family path: the ways in they chose, their family intake with its agreements'
reviews and matches, the invitations they made, their side of any link, and their own log.
Nothing of the other person of a link is ever in it: no name, address, id or answer.
"""

from django.db.models import Exists, IntegerField, Q

from accounts.export import USER, iso, register_eraser, register_section
from accounts.models import User
from clients import scoring
from core.encryption import reveal
from core.prepared import Arg, PreparedQuery

from .access import read_family_intake_of
from .models import FamilyCheckIn, FamilyGoal, FamilyIntake, FamilyLink, FamilyMatch, FamilyReview, LovedOneInvitation, PathChoice
from .progress import describe_goal

INTAKE_FIELDS = [
    "status", "preferred_name", "pronouns", "time_zone", "language", "country", "phone",
    "relationship", "relationship_other", "noticed", "substances", "substance_other", "hopes", "hopes_in_own_words",
    "pss_answers", "pss_score", "importance", "confidence",
    "afraid_of_loved_one", "thoughts_of_self_harm", "overdose_at_home", "is_urgent",
]


# Compiled once per process, like the other sections' queries (see accounts/export.py).
_WAYS = PreparedQuery(lambda: PathChoice.objects.filter(person=USER).order_by("pk").values_list("about_me", "worried")[:1])
_REVIEWS = PreparedQuery(
    lambda: FamilyReview.objects.filter(intake=Arg("intake", IntegerField())).order_by("created_at", "pk").values_list("action", "message", "created_at")
)
_MATCHES = PreparedQuery(lambda: FamilyMatch.objects.filter(client=USER).order_by("assigned_at", "pk").values_list("coach__name", "assigned_at"))
# The invitations they made and the one they came through, in one statement.
_INVITATIONS = PreparedQuery(lambda: LovedOneInvitation.objects.filter(Q(family_member=USER) | Q(used_by=USER)))
_LINKS = PreparedQuery(lambda: FamilyLink.objects.involving(USER).order_by("loved_one_agreed_at", "pk"))
_GOALS = PreparedQuery(lambda: FamilyGoal.objects.filter(client=USER).order_by("created_at", "pk"))
_CHECK_INS = PreparedQuery(
    lambda: FamilyCheckIn.objects.filter(client=USER).order_by("day").values_list("day", "stress", "positive_moment", "conversation_tried", "note")
)
REVIEW_ACTIONS = dict(FamilyReview.Action.choices)


def _anything(person):
    """Whether `person` has any row of the family path: most clients have none, and one
    statement says so instead of the seven that would each find nothing."""
    return (
        Exists(PathChoice.objects.filter(person=person))
        | Exists(FamilyIntake.objects.filter(client=person))
        | Exists(FamilyMatch.objects.filter(client=person))
        | Exists(LovedOneInvitation.objects.filter(Q(family_member=person) | Q(used_by=person)))
        | Exists(FamilyLink.objects.involving(person))
        | Exists(FamilyGoal.objects.filter(client=person))
        | Exists(FamilyCheckIn.objects.filter(client=person))
    )


_ANYTHING = PreparedQuery(lambda: User.objects.filter(_anything(USER), pk=USER).values_list("pk"))


@register_section(
    "family",
    "Your family path",
    order=25,
    counts=lambda user: [
        ("the ways in you chose", None, PathChoice.objects.filter(person=user)),
        ("your family intake answers", None, FamilyIntake.objects.filter(client=user)),
        ("review", "reviews", FamilyReview.objects.filter(intake__client=user)),
        ("coach match", "coach matches", FamilyMatch.objects.filter(client=user)),
        ("invitation you made", "invitations you made", LovedOneInvitation.objects.filter(family_member=user)),
        ("the invitation you joined through", None, LovedOneInvitation.objects.filter(used_by=user)),
        ("link", "links", FamilyLink.objects.involving(user)),
        ("goal", "goals", FamilyGoal.objects.filter(client=user)),
        ("check-in", "check-ins", FamilyCheckIn.objects.filter(client=user)),
    ],
)
def family(user):
    records = []
    if not _ANYTHING.rows(user=user.pk):
        return records
    for about_me, worried in _WAYS.rows(user=user.pk):
        records.append({"kind": "ways_in", "about_me": about_me, "worried_about_someone": worried})
    # Through the one audited door, like every other read of a family intake.
    answers = read_family_intake_of(user, user)
    if answers is not None:
        record = {field: reveal(getattr(answers, field)) for field in INTAKE_FIELDS}
        record.update(kind="family_intake", pss_scale_max=scoring.PSS_4_MAX, started=iso(answers.created_at), sent=iso(answers.submitted_at))
        records.append(record)
        for action, message, on in _REVIEWS.rows(intake=answers.pk):
            records.append({"kind": "family_review", "decision": REVIEW_ACTIONS.get(action, action), "message": reveal(message), "on": iso(on)})
    for coach, since in _MATCHES.rows(user=user.pk):
        records.append({"kind": "family_coach_match", "coach": coach, "since": iso(since)})
    invitations = _INVITATIONS.objects(user=user.pk)
    for invitation in sorted((i for i in invitations if i.family_member_id == user.pk), key=lambda i: (i.created_at, i.pk)):
        # Whether it was used is the other person's to tell, by agreeing to link; it is not here.
        records.append({
            "kind": "invitation_made", "your_name_on_it": reveal(invitation.from_name), "made": iso(invitation.created_at),
            "expires": iso(invitation.expires_at), "withdrawn": iso(invitation.withdrawn_at),
        })
    # As ORDER BY used_at, pk would have them (a time missing, which should not happen, last).
    came_through = sorted((i for i in invitations if i.used_by_id == user.pk), key=lambda i: (i.used_at is None, i.used_at or i.created_at, i.pk))
    for invitation in came_through:
        records.append({"kind": "joined_through_an_invitation", "on": iso(invitation.used_at), "said_no_to_linking": iso(invitation.declined_at)})
    for link in _LINKS.objects(user=user.pk):
        records.append({
            "kind": "link",
            "you_are": "the one who invited" if link.family_member_id == user.pk else "the one invited",
            "loved_one_agreed": iso(link.loved_one_agreed_at), "family_member_agreed": iso(link.family_agreed_at), "ended": iso(link.ended_at),
        })
    for goal in _GOALS.objects(user=user.pk):
        records.append({"kind": "family_goal", "goal": describe_goal(goal), "in_your_words": reveal(goal.own_words), "active": goal.is_active, "set_on": iso(goal.created_at)})
    for day, stress, positive_moment, conversation_tried, note in _CHECK_INS.rows(user=user.pk):
        records.append({
            "kind": "family_check_in", "day": iso(day), "stress": stress, "positive_moment": positive_moment,
            "conversation_tried": conversation_tried, "note": reveal(note),
        })
    return records


@register_eraser("family", order=25)
def erase_family(user):
    FamilyLink.objects.involving(user).delete()
    # An invitation they came through forgets them; the family member never knew either way.
    LovedOneInvitation.objects.filter(used_by=user).update(used_by=None, used_at=None, declined_at=None)
    LovedOneInvitation.objects.filter(family_member=user).delete()
    FamilyIntake.objects.filter(client=user).delete()  # its reviews go with it
    FamilyMatch.objects.filter(client=user).delete()
    FamilyCheckIn.objects.filter(client=user).delete()
    FamilyGoal.objects.filter(client=user).delete()
    PathChoice.objects.filter(person=user).delete()

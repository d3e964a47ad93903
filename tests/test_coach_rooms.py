"""Where a session happens: the coach's own link, or a private room nobody can guess."""

import pytest

from coaching.rooms import meeting_link_for
from tests.factories import CoachProfileFactory

pytestmark = pytest.mark.django_db


def test_carols_own_meeting_link_is_used(carol):
    carol_profile = CoachProfileFactory(user=carol, meeting_link="https://video.example.org/carol-rivera")
    assert meeting_link_for(carol_profile) == "https://video.example.org/carol-rivera"


def test_without_a_link_each_booking_gets_its_own_unguessable_room(dave):
    dave_profile = CoachProfileFactory(user=dave, meeting_link="")
    rooms = {meeting_link_for(dave_profile) for _ in range(50)}
    assert len(rooms) == 50
    for room in rooms:
        assert room.startswith("https://meet.jit.si/waypoint-")
        assert len(room.removeprefix("https://meet.jit.si/waypoint-")) == 22  # 128 random bits

"""PSS-4, the family intake's measure of the family member's own stress, by its published
rules: four items 0-4, items 2 and 3 reversed, a total of 0-16."""

import pytest

from clients.scoring import PSS_4_ITEMS, PSS_4_MAX, pss_4


def test_items_2_and_3_are_reversed():
    # Never unable to control (0); very often confident (4 -> 0); very often going my way (4 -> 0); never piling up (0).
    assert pss_4([0, 4, 4, 0]) == 0
    # The most stress the scale can show: very often (4), never confident (0 -> 4), never my way (0 -> 4), very often (4).
    assert pss_4([4, 0, 0, 4]) == PSS_4_MAX == 16


def test_a_hand_worked_middle_score():
    # Fairly often (3) + almost never confident (1 -> 3) + sometimes (2 -> 2) + sometimes (2) = 10
    assert pss_4([3, 1, 2, 2]) == 10
    # Without reversing, the same answers would have made 8: the rule matters.
    assert sum([3, 1, 2, 2]) == 8


def test_every_answer_is_counted_once():
    assert len(PSS_4_ITEMS) == 4
    assert pss_4([1, 3, 3, 1]) == 1 + 1 + 1 + 1


@pytest.mark.parametrize("answers", [[0, 0, 0], [0, 0, 0, 0, 0], [5, 0, 0, 0], [-1, 0, 0, 0], [True, 0, 0, 0], ["2", 0, 0, 0]])
def test_answers_outside_the_scale_are_refused(answers):
    with pytest.raises(ValueError):
        pss_4(answers)

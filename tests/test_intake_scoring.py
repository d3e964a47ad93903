"""AUDIT-C, DAST-10 and the readiness ruler, against hand-worked examples."""

import pytest

from clients.scoring import DAST_10_BANDS, Sex, audit_c, dast_10, dast_10_band, readiness

NO = False
YES = True


# --- AUDIT-C -----------------------------------------------------------------

def test_audit_c_adds_the_three_item_scores():
    # Monthly or less (1) + 3 or 4 drinks (1) + six or more less than monthly (1) = 3
    assert audit_c([1, 1, 1]).score == 3
    # 4 or more times a week (4) + 10 or more (4) + daily (4) = 12, the top of the scale
    assert audit_c([4, 4, 4]).score == 12
    assert audit_c([0, 0, 0]).score == 0


def test_audit_c_three_is_positive_for_a_woman_but_not_for_a_man():
    assert (audit_c([2, 1, 0], Sex.FEMALE).score, audit_c([2, 1, 0], Sex.FEMALE).positive) == (3, True)
    assert (audit_c([2, 1, 0], Sex.MALE).score, audit_c([2, 1, 0], Sex.MALE).positive) == (3, False)


def test_audit_c_four_is_positive_for_a_man_and_two_is_negative_for_a_woman():
    assert audit_c([2, 1, 1], Sex.MALE).positive is True
    assert audit_c([1, 1, 0], Sex.FEMALE).positive is False


def test_audit_c_uses_the_sex_neutral_three_when_the_client_does_not_say():
    assert audit_c([1, 1, 1]).threshold == 3
    assert audit_c([1, 1, 1], "").positive is True
    assert audit_c([1, 1, 0], Sex.NOT_SAID).positive is False
    assert audit_c([1, 1, 1], Sex.MALE).threshold == 4


@pytest.mark.parametrize("answers", [[1, 1], [1, 1, 1, 1], [5, 0, 0], [-1, 0, 0], [True, 0, 0], ["2", 0, 0]])
def test_audit_c_refuses_answers_outside_the_instrument(answers):
    with pytest.raises(ValueError):
        audit_c(answers)


# --- DAST-10 -----------------------------------------------------------------

# Item 3 is "Are you always able to stop using drugs when you want to?": a "yes" there
# is the answer that scores nothing.
ALL_CLEAR = [NO, NO, YES, NO, NO, NO, NO, NO, NO, NO]


def test_dast_10_all_clear_scores_zero_in_the_no_problems_band():
    result = dast_10(ALL_CLEAR)
    assert (result.score, result.band.name, result.band.suggested_action) == (0, "No problems reported", "None at this time")


def test_dast_10_item_three_is_reverse_scored():
    not_always_able_to_stop = [NO, NO, NO, NO, NO, NO, NO, NO, NO, NO]
    assert dast_10(not_always_able_to_stop).score == 1
    # Yes to item 1 and yes to item 3: one point, not two.
    assert dast_10([YES, NO, YES, NO, NO, NO, NO, NO, NO, NO]).score == 1


def test_dast_10_all_yes_scores_nine_because_of_the_reversed_item():
    assert dast_10([YES] * 10).score == 9
    assert dast_10([YES] * 10).band.name == "Severe level"


def test_dast_10_every_answer_counting_scores_ten():
    result = dast_10([YES, YES, NO, YES, YES, YES, YES, YES, YES, YES])
    assert (result.score, result.band.name) == (10, "Severe level")


@pytest.mark.parametrize(
    ("answers", "score", "band"),
    [
        # 1: used drugs other than for medical reasons; able to stop
        ([YES, NO, YES, NO, NO, NO, NO, NO, NO, NO], 1, "Low level"),
        # 2: items 1 and 5
        ([YES, NO, YES, NO, YES, NO, NO, NO, NO, NO], 2, "Low level"),
        # 3: items 1, 2 and not always able to stop
        ([YES, YES, NO, NO, NO, NO, NO, NO, NO, NO], 3, "Moderate level"),
        # 5: items 1, 2, 5, 6, 9
        ([YES, YES, YES, NO, YES, YES, NO, NO, YES, NO], 5, "Moderate level"),
        # 6: items 1, 2, 3 (no), 5, 6, 9
        ([YES, YES, NO, NO, YES, YES, NO, NO, YES, NO], 6, "Substantial level"),
        # 8: everything but items 8 and 10, with 3 reversed
        ([YES, YES, NO, YES, YES, YES, YES, NO, YES, NO], 8, "Substantial level"),
        # 9: everything but item 10, with 3 reversed
        ([YES, YES, NO, YES, YES, YES, YES, YES, YES, NO], 9, "Severe level"),
    ],
)
def test_dast_10_hand_worked_examples_land_in_their_bands(answers, score, band):
    result = dast_10(answers)
    assert (result.score, result.band.name) == (score, band)


def test_dast_10_bands_cover_zero_to_ten_without_gaps():
    assert [(band.low, band.high) for band in DAST_10_BANDS] == [(0, 0), (1, 2), (3, 5), (6, 8), (9, 10)]
    assert [dast_10_band(score).name for score in range(11)] == [
        "No problems reported",
        "Low level", "Low level",
        "Moderate level", "Moderate level", "Moderate level",
        "Substantial level", "Substantial level", "Substantial level",
        "Severe level", "Severe level",
    ]
    with pytest.raises(ValueError):
        dast_10_band(11)


@pytest.mark.parametrize("answers", [[NO] * 9, [NO] * 11, [NO] * 9 + [1], [NO] * 9 + [None]])
def test_dast_10_refuses_anything_but_ten_yes_or_no_answers(answers):
    with pytest.raises(ValueError):
        dast_10(answers)


# --- Readiness ruler ----------------------------------------------------------

@pytest.mark.parametrize("value", [0, 1, 5, 10])
def test_the_readiness_ruler_accepts_zero_to_ten(value):
    assert readiness(value) == value


@pytest.mark.parametrize("value", [-1, 11, 7.5, "7", None, True])
def test_the_readiness_ruler_refuses_values_outside_zero_to_ten(value):
    with pytest.raises(ValueError):
        readiness(value)

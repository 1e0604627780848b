"""rules/caseload.py: clinics' norms are minimum loads (Art. 2.2), charities' a cap shared pro rata between the two
loads (Art. 3.1 and note 3, which replaces, not adds). Norm values are passed in, as the policy table holds them."""

from __future__ import annotations

from fractions import Fraction

import pytest

from rules.caseload import (
    PARTNER_KINDS,
    FileCounts,
    check_family_caseload,
    check_partner_kind,
    clinic_minimum,
    experts_in_use,
    note_3_applies,
    under_loaded,
)
from rules.errors import RuleInputError, RuleViolation

F = FileCounts
# The seeded policy rows (migrations 0004 and 0007): clinic methods 1–3 and the charity/complex row.
METHOD_1, METHOD_2, METHOD_3 = F(100, 0), F(100, 60), F(0, 200)
CHARITY = F(100, 150)  # per expert: 100 rehabilitable (note 3) or 150 non-rehabilitable (Art. 3.1)


# --- Art. 2.2: a clinic's minimum load -----------------------------------------------------------------------------


@pytest.mark.parametrize(("norm", "workers", "expected"), [
    (METHOD_1, 1, F(100, 0)),
    (METHOD_2, 4, F(400, 240)),
    (METHOD_3, 3, F(0, 600)),
    (METHOD_2, 0, F(0, 0)),  # no eligible worker, no minimum
])
def test_clinic_minimum(norm: FileCounts, workers: int, expected: FileCounts) -> None:
    assert clinic_minimum(norm, workers) == expected


@pytest.mark.parametrize("workers", [-1, True, 1.5, "2", None])
def test_clinic_minimum_rejects_a_bad_worker_count(workers: object) -> None:
    with pytest.raises(RuleInputError) as info:
        clinic_minimum(METHOD_1, workers)  # type: ignore[arg-type]
    assert info.value.field == "eligibleWorkers"


@pytest.mark.parametrize(("minimum", "live", "expected"), [
    (F(100, 0), F(99, 0), True),      # one short of «حداقل ۱۰۰»
    (F(100, 0), F(100, 0), False),    # exactly the minimum
    (F(100, 0), F(101, 0), False),    # above it: a minimum is no cap
    (F(100, 60), F(100, 59), True),   # method 2: both loads count
    (F(100, 60), F(99, 60), True),
    (F(100, 60), F(100, 60), False),
    (F(0, 200), F(500, 199), True),   # method 3: rehabilitable files do not make up for non-rehabilitable ones
    (F(0, 0), F(0, 0), False),        # no worker, nothing expected
])
def test_under_loaded(minimum: FileCounts, live: FileCounts, expected: bool) -> None:
    assert under_loaded(minimum, live) is expected


@pytest.mark.parametrize("adding", [F(0, 0), F(1, 0), F(101, 0), F(1000, 1000)])
@pytest.mark.parametrize("workers", [0, 1, 4])
def test_a_clinic_norm_never_refuses(adding: FileCounts, workers: int) -> None:
    # Art. 2.2 «حداقل»: only the agreement's quota (Art. 4.2) caps a clinic.
    assert check_family_caseload("CLINIC", METHOD_1, workers, F(400, 400), adding, note_3=False) is None
    assert check_family_caseload("CLINIC", None, workers, F(0, 0), adding, note_3=False) is None


# --- Art. 3 note 3: when a charity may take rehabilitable files ------------------------------------------------------


@pytest.mark.parametrize(("county_has_clinic", "no_applicant", "expected"), [
    (False, True, True),    # no licensed clinic, and the agreement records no applicant
    (True, True, False),    # a clinic works in the county
    (False, False, False),  # the office has not stated that no one applied
    (True, False, False),
    (None, True, False),    # unknown: deny
    (False, None, False),
])
def test_note_3_applies(county_has_clinic: bool, no_applicant: bool, expected: bool) -> None:
    assert note_3_applies(county_has_clinic, no_applicant) is expected


@pytest.mark.parametrize(("files", "expected"), [
    (F(0, 0), Fraction(0)),
    (F(100, 0), Fraction(1)),
    (F(0, 150), Fraction(1)),
    (F(100, 150), Fraction(2)),
    (F(50, 75), Fraction(1)),
    (F(40, 90), Fraction(1)),
    (F(1, 1), Fraction(1, 100) + Fraction(1, 150)),
])
def test_experts_in_use_is_pro_rata(files: FileCounts, expected: Fraction) -> None:
    assert experts_in_use(files, CHARITY) == expected


def test_files_of_a_load_without_a_norm_take_more_than_any_expert() -> None:
    assert experts_in_use(F(1, 0), F(0, 150)) is None
    assert experts_in_use(F(0, 1), F(100, 0)) is None
    assert experts_in_use(F(0, 5), F(0, 150)) == Fraction(1, 30)


# --- Art. 3.1 and note 3: a charity's cap ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["CHARITY", "SERVICE_COMPLEX"])
@pytest.mark.parametrize(("experts", "live", "adding", "allowed"), [
    # One expert, rehabilitable files alone: 100 (note 3), not 100 on top of 150.
    (1, F(0, 0), F(99, 0), True),
    (1, F(0, 0), F(100, 0), True),
    (1, F(0, 0), F(101, 0), False),
    (1, F(99, 0), F(1, 0), True),
    (1, F(100, 0), F(1, 0), False),
    (1, F(100, 0), F(0, 1), False),   # a full expert has no room for a non-rehabilitable file either
    # Non-rehabilitable files alone: 150 (Art. 3.1).
    (1, F(0, 0), F(0, 149), True),
    (1, F(0, 0), F(0, 150), True),
    (1, F(0, 0), F(0, 151), False),
    (1, F(0, 150), F(1, 0), False),
    # Mixes exactly at the limit, and one past it.
    (1, F(0, 0), F(40, 90), True),    # 0.4 + 0.6 = 1
    (1, F(0, 0), F(41, 90), False),
    (1, F(0, 0), F(40, 91), False),
    (1, F(60, 0), F(0, 60), True),    # live files count: 0.6 + 0.4 = 1
    (1, F(60, 0), F(0, 61), False),
    (2, F(0, 0), F(100, 150), True),  # 1 + 1 = 2
    (2, F(0, 0), F(101, 150), False),
    (2, F(0, 0), F(100, 151), False),
    (2, F(50, 100), F(0, 125), True),  # 0.5 + 1.5 = 2
    (2, F(50, 100), F(1, 125), False),
    (2, F(0, 0), F(200, 0), True),
    (2, F(0, 0), F(0, 300), True),
    (2, F(0, 0), F(0, 301), False),
    (0, F(0, 0), F(0, 1), False),     # no eligible expert, no file
    (0, F(500, 500), F(0, 0), True),  # adding nothing never breaches
])
def test_charity_cap_is_pro_rata(kind: str, experts: int, live: FileCounts, adding: FileCounts,
                                 allowed: bool) -> None:
    if allowed:
        assert check_family_caseload(kind, CHARITY, experts, live, adding, note_3=True) is None
        return
    with pytest.raises(RuleViolation) as info:
        check_family_caseload(kind, CHARITY, experts, live, adding, note_3=True)
    assert info.value.rule == "ART_2_CASELOAD"
    assert info.value.message_en and info.value.message_fa


@pytest.mark.parametrize(("experts", "live", "adding", "rule"), [
    (1, F(0, 0), F(1, 0), "ART_3_NOTE_3"),     # with room, but note 3 does not apply
    (5, F(0, 0), F(1, 10), "ART_3_NOTE_3"),
    (1, F(0, 0), F(0, 150), None),            # Art. 3.1 alone: 150 non-rehabilitable
    (1, F(0, 0), F(0, 151), "ART_2_CASELOAD"),
    (1, F(50, 0), F(0, 75), None),            # rehabilitable files held from before still take their share
    (1, F(50, 0), F(0, 76), "ART_2_CASELOAD"),
])
def test_charity_without_note_3(experts: int, live: FileCounts, adding: FileCounts, rule: str | None) -> None:
    if rule is None:
        assert check_family_caseload("CHARITY", CHARITY, experts, live, adding, note_3=False) is None
        return
    with pytest.raises(RuleViolation) as info:
        check_family_caseload("CHARITY", CHARITY, experts, live, adding, note_3=False)
    assert info.value.rule == rule


def test_a_policy_row_without_rehabilitable_files_refuses_them_even_under_note_3() -> None:
    with pytest.raises(RuleViolation) as info:
        check_family_caseload("CHARITY", F(0, 150), 3, F(0, 0), F(1, 0), note_3=True)
    assert info.value.rule == "ART_2_CASELOAD"


@pytest.mark.parametrize(("kind", "norm"), [("CHILD_HOME", None), ("CHILD_HOME", CHARITY), ("CHARITY", None)])
def test_no_norm_no_family_files(kind: str, norm: FileCounts | None) -> None:
    with pytest.raises(RuleViolation) as info:
        check_family_caseload(kind, norm, 10, F(0, 0), F(0, 1), note_3=True)
    assert info.value.rule == "ART_2_CASELOAD"
    assert check_family_caseload(kind, norm, 10, F(0, 0), F(0, 0), note_3=True) is None  # children only


@pytest.mark.parametrize(("kind", "workers", "field"), [
    ("KINDERGARTEN", 1, "kind"), ("charity", 1, "kind"), ("CHARITY", -1, "eligibleWorkers"),
    ("CHARITY", True, "eligibleWorkers"),
])
def test_check_family_caseload_rejects(kind: object, workers: object, field: str) -> None:
    with pytest.raises(RuleInputError) as info:
        check_family_caseload(kind, CHARITY, workers, F(0, 0), F(0, 1), note_3=True)  # type: ignore[arg-type]
    assert info.value.field == field


@pytest.mark.parametrize(("rehabilitable", "non_rehabilitable", "field"), [
    (-1, 0, "rehabilitable"), (0, -1, "nonRehabilitable"), (True, 0, "rehabilitable"), (1.5, 0, "rehabilitable"),
])
def test_file_counts_are_whole_numbers(rehabilitable: object, non_rehabilitable: object, field: str) -> None:
    with pytest.raises(RuleInputError) as info:
        F(rehabilitable, non_rehabilitable)  # type: ignore[arg-type]
    assert info.value.field == field


@pytest.mark.parametrize("kind", PARTNER_KINDS)
def test_check_partner_kind(kind: str) -> None:
    assert check_partner_kind(kind) == kind


@pytest.mark.parametrize("kind", ["KINDERGARTEN", "clinic", "", None])
def test_check_partner_kind_rejects(kind: object) -> None:
    with pytest.raises(RuleInputError) as info:
        check_partner_kind(kind)  # type: ignore[arg-type]
    assert info.value.field == "kind"

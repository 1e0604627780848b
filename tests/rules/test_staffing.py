from __future__ import annotations

import pytest

from rules.errors import RuleInputError, RuleViolation
from rules.staffing import (
    Degree,
    StaffFacts,
    StaffPosition,
    check_clinic_staff,
    check_partner_staff,
    check_years_of_experience,
    counts_for_caseload,
)

A, B, M, D = Degree.ASSOCIATE, Degree.BACHELOR, Degree.MASTER, Degree.DOCTORATE
TM, SW, PS = StaffPosition.TECHNICAL_MANAGER, StaffPosition.SOCIAL_WORKER, StaffPosition.PSYCHOLOGIST


def staff(*rows: tuple[Degree, int, StaffPosition]) -> list[StaffFacts]:
    return [StaffFacts(degree, years, position) for degree, years, position in rows]


@pytest.mark.parametrize(
    "rows",
    [
        (),
        ((M, 10, TM),),
        ((M, 10, TM), (B, 0, SW), (B, 3, SW)),
        ((M, 10, TM), (B, 0, SW), (A, 2, SW)),  # exactly 2 years: allowed
        ((M, 10, TM), (A, 3, SW), (M, 1, SW), (D, 0, PS)),
        ((A, 60, SW),),
    ],
)
def test_clinic_staff_allowed(rows: tuple[tuple[Degree, int, StaffPosition], ...]) -> None:
    check_clinic_staff(staff(*rows))
    check_partner_staff("CLINIC", staff(*rows))


@pytest.mark.parametrize(
    ("rows", "message_en"),
    [
        (((M, 10, TM), (A, 1, SW)), "at least 2 years"),
        (((A, 0, SW),), "at least 2 years"),
        (((M, 10, TM), (A, 2, SW), (A, 5, SW)), "only one associate"),
        (((A, 2, SW), (A, 1, SW)), "only one associate"),
        (((A, 5, TM), (A, 5, SW)), "only one associate"),
        (((A, 1, PS),), "at least 2 years"),
    ],
)
def test_clinic_staff_violations(rows: tuple[tuple[Degree, int, StaffPosition], ...], message_en: str) -> None:
    with pytest.raises(RuleViolation) as info:
        check_clinic_staff(staff(*rows))
    assert info.value.rule == "ART_2_NOTE_1"
    assert message_en in info.value.message_en
    assert "تبصره ۱ ماده ۲" in info.value.message_fa
    with pytest.raises(RuleViolation):
        check_partner_staff("CLINIC", staff(*rows))


@pytest.mark.parametrize("kind", ["CHARITY", "SERVICE_COMPLEX", "CHILD_HOME"])
@pytest.mark.parametrize(
    "rows",
    [
        ((A, 0, SW),),
        ((A, 2, SW), (A, 5, SW), (A, 1, SW)),
        (),
    ],
)
def test_non_clinic_partners_are_not_bound_by_note_1(
    kind: str, rows: tuple[tuple[Degree, int, StaffPosition], ...]
) -> None:
    check_partner_staff(kind, staff(*rows))


@pytest.mark.parametrize("kind", ["", "clinic", "KINDERGARTEN", "Clinic", None])
def test_partner_staff_rejects_unknown_kind(kind: object) -> None:
    with pytest.raises(RuleInputError) as info:
        check_partner_staff(kind, [])  # type: ignore[arg-type]
    assert info.value.field == "kind"


@pytest.mark.parametrize("years", [0, 1, 2, 59, 60])
def test_years_of_experience_accepted(years: int) -> None:
    assert check_years_of_experience(years) == years
    assert StaffFacts(B, years, SW).years_of_experience == years


@pytest.mark.parametrize("years", [-1, 61, 100, 2.5, "2", None, True])
def test_years_of_experience_rejected(years: object) -> None:
    with pytest.raises(RuleInputError) as info:
        StaffFacts(B, years, SW)  # type: ignore[arg-type]
    assert info.value.field == "yearsOfExperience"
    with pytest.raises(RuleInputError):
        check_years_of_experience(years)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("degree", "position", "expected"),
    [
        ("BACHELOR", "SOCIAL_WORKER", StaffFacts(B, 1, SW)),
        ("ASSOCIATE", "TECHNICAL_MANAGER", StaffFacts(A, 1, TM)),
    ],
)
def test_staff_facts_accepts_enum_strings(degree: str, position: str, expected: StaffFacts) -> None:
    made = StaffFacts(degree, 1, position)  # type: ignore[arg-type]
    assert made == expected
    assert isinstance(made.degree, Degree) and isinstance(made.position, StaffPosition)


@pytest.mark.parametrize(
    ("degree", "position", "field"),
    [("DIPLOMA", "SOCIAL_WORKER", "degree"), ("BACHELOR", "NURSE", "position"), (None, SW, "degree")],
)
def test_staff_facts_rejects_unknown_enum_values(degree: object, position: object, field: str) -> None:
    with pytest.raises(RuleInputError) as info:
        StaffFacts(degree, 1, position)  # type: ignore[arg-type]
    assert info.value.field == field


@pytest.mark.parametrize(
    ("degree", "years", "position", "expected"),
    [
        (B, 0, SW, True),
        (M, 0, SW, True),
        (D, 0, SW, True),
        (A, 2, SW, True),
        (A, 10, SW, True),
        (A, 1, SW, False),
        (A, 0, SW, False),
        (B, 10, TM, False),
        (M, 10, TM, False),
        (A, 5, TM, False),
        (B, 10, PS, False),
        (D, 10, PS, False),
        (A, 5, PS, False),
    ],
)
def test_counts_for_caseload_at_a_clinic(degree: Degree, years: int, position: StaffPosition, expected: bool) -> None:
    assert counts_for_caseload(StaffFacts(degree, years, position), "CLINIC") is expected


@pytest.mark.parametrize("kind", ["CHARITY", "SERVICE_COMPLEX", "CHILD_HOME"])
@pytest.mark.parametrize(
    ("degree", "years", "position", "expected"),
    [
        (B, 0, SW, True),  # Art. 3.1: «هر کارشناس مرتبط» — a bachelor-level expert
        (M, 0, SW, True),
        (D, 3, SW, True),
        (A, 2, SW, False),  # note 1's associate-degree worker is a clinic's allowance only
        (A, 10, SW, False),
        (B, 10, TM, False),
        (M, 10, PS, False),
    ],
)
def test_counts_for_caseload_elsewhere_takes_experts_only(kind: str, degree: Degree, years: int,
                                                           position: StaffPosition, expected: bool) -> None:
    assert counts_for_caseload(StaffFacts(degree, years, position), kind) is expected


def test_counts_for_caseload_needs_a_partner_kind() -> None:
    with pytest.raises(RuleInputError) as info:
        counts_for_caseload(StaffFacts(B, 3, SW), "KINDERGARTEN")
    assert info.value.field == "kind"

from __future__ import annotations

import pytest

from rules.caseload import PARTNER_KINDS, CaseloadNorm, caseload_norm, check_partner_kind, partner_capacity
from rules.errors import RuleInputError


@pytest.mark.parametrize(
    ("kind", "method", "county_has_clinic", "expected"),
    [
        # Art. 2.2, methods 1-3; whether the county has a clinic does not matter to a clinic.
        ("CLINIC", 1, True, CaseloadNorm(100, 0, "ART_2_2_1")),
        ("CLINIC", 1, False, CaseloadNorm(100, 0, "ART_2_2_1")),
        ("CLINIC", 2, True, CaseloadNorm(100, 60, "ART_2_2_2")),
        ("CLINIC", 3, True, CaseloadNorm(0, 200, "ART_2_2_3")),
        # Art. 3.1 and Art. 3 note 3.
        ("CHARITY", None, True, CaseloadNorm(0, 150, "ART_3_1")),
        ("SERVICE_COMPLEX", None, True, CaseloadNorm(0, 150, "ART_3_1")),
        ("CHARITY", None, False, CaseloadNorm(100, 150, "ART_3_NOTE_3")),
        ("SERVICE_COMPLEX", None, False, CaseloadNorm(100, 150, "ART_3_NOTE_3")),
        # No norm in the directive for child homes.
        ("CHILD_HOME", None, True, CaseloadNorm(0, 0, "NONE")),
        ("CHILD_HOME", None, False, CaseloadNorm(0, 0, "NONE")),
    ],
)
def test_caseload_norm(kind: str, method: int | None, county_has_clinic: bool, expected: CaseloadNorm) -> None:
    assert caseload_norm(kind, method, county_has_clinic) == expected


@pytest.mark.parametrize(
    ("kind", "method", "county_has_clinic", "field"),
    [
        ("CLINIC", None, True, "method"),
        ("CLINIC", 0, True, "method"),
        ("CLINIC", 4, True, "method"),
        ("CLINIC", -1, True, "method"),
        ("CLINIC", True, True, "method"),
        ("CLINIC", "1", True, "method"),
        ("CLINIC", 1.0, True, "method"),
        ("CHARITY", 1, True, "method"),
        ("SERVICE_COMPLEX", 3, False, "method"),
        ("CHILD_HOME", 2, True, "method"),
        ("CHARITY", None, None, "countyHasClinic"),
        ("SERVICE_COMPLEX", None, 0, "countyHasClinic"),
        ("KINDERGARTEN", None, True, "kind"),
        ("clinic", 1, True, "kind"),
        ("", None, True, "kind"),
        (None, 1, True, "kind"),
    ],
)
def test_caseload_norm_rejects(kind: object, method: object, county_has_clinic: object, field: str) -> None:
    with pytest.raises(RuleInputError) as info:
        caseload_norm(kind, method, county_has_clinic)  # type: ignore[arg-type]
    assert info.value.field == field
    assert info.value.message_en and info.value.message_fa


@pytest.mark.parametrize("kind", PARTNER_KINDS)
def test_check_partner_kind(kind: str) -> None:
    assert check_partner_kind(kind) == kind


@pytest.mark.parametrize(
    ("kind", "method", "county_has_clinic", "workers", "expected"),
    [
        ("CLINIC", 1, True, 0, CaseloadNorm(0, 0, "ART_2_2_1")),
        ("CLINIC", 1, True, 1, CaseloadNorm(100, 0, "ART_2_2_1")),
        ("CLINIC", 2, True, 3, CaseloadNorm(300, 180, "ART_2_2_2")),
        ("CLINIC", 3, False, 2, CaseloadNorm(0, 400, "ART_2_2_3")),
        ("CHARITY", None, True, 4, CaseloadNorm(0, 600, "ART_3_1")),
        ("SERVICE_COMPLEX", None, False, 2, CaseloadNorm(200, 300, "ART_3_NOTE_3")),
        ("CHILD_HOME", None, True, 10, CaseloadNorm(0, 0, "NONE")),
    ],
)
def test_partner_capacity(
    kind: str, method: int | None, county_has_clinic: bool, workers: int, expected: CaseloadNorm
) -> None:
    capacity = partner_capacity(kind, method, county_has_clinic, workers)
    assert capacity == expected
    assert capacity.total == expected.rehabilitable + expected.non_rehabilitable


@pytest.mark.parametrize("workers", [-1, True, 1.5, "2", None])
def test_partner_capacity_rejects_bad_worker_count(workers: object) -> None:
    with pytest.raises(RuleInputError) as info:
        partner_capacity("CLINIC", 1, True, workers)  # type: ignore[arg-type]
    assert info.value.field == "eligibleWorkers"


def test_partner_capacity_checks_the_norm_too() -> None:
    with pytest.raises(RuleInputError) as info:
        partner_capacity("CLINIC", None, True, 3)
    assert info.value.field == "method"

from __future__ import annotations

import datetime

import pytest

from rules.delegation import (
    QuotaBreach,
    check_agreement,
    check_caseload_method,
    check_license,
    check_no_clinic_applicant,
    check_quota,
    check_quota_value,
    child_delegable,
    child_delegable_from,
    file_load,
)
from rules.errors import RuleInputError, RuleViolation
from rules.jalali import parse_date

D = datetime.date


# --- seed 003: a child's follow-up is delegable only a full year after discharge ------------------------------


@pytest.mark.parametrize(("discharged", "first_day"), [
    ("1402/06/15", "1403/06/15"),
    ("1402/01/01", "1403/01/01"),
    ("1402/12/29", "1403/12/29"),
    # 1403 is leap: its 30 Esfand has no counterpart in 1404; the year is complete when 1405 begins.
    ("1403/12/30", "1405/01/01"),
    ("1399/12/30", "1401/01/01"),
])
def test_child_delegable_from_is_the_same_jalali_day_a_year_later(discharged: str, first_day: str) -> None:
    assert child_delegable_from(parse_date(discharged)) == parse_date(first_day)


@pytest.mark.parametrize(("discharged", "on", "delegable"), [
    ("1402/06/15", "1403/06/14", False),  # one day short of the year
    ("1402/06/15", "1403/06/15", True),   # the anniversary itself
    ("1402/06/15", "1403/06/16", True),
    ("1402/06/15", "1402/06/15", False),  # discharged today
    ("1402/06/15", "1402/12/15", False),  # six months
    ("1401/06/15", "1403/06/15", True),   # two years
    ("1403/12/30", "1404/12/29", False),  # the last day of 1404 is still within the year
    ("1403/12/30", "1405/01/01", True),
])
def test_child_delegable(discharged: str, on: str, delegable: bool) -> None:
    if delegable:
        assert child_delegable(parse_date(discharged), parse_date(on)) is None
    else:
        with pytest.raises(RuleViolation) as info:
            child_delegable(parse_date(discharged), parse_date(on))
        assert info.value.rule == "SEED_003_ONE_YEAR_AFTER_DISCHARGE"
        assert info.value.message_en and info.value.message_fa


def test_a_child_never_discharged_is_not_delegable() -> None:
    with pytest.raises(RuleViolation) as info:
        child_delegable(None, D(2030, 1, 1))
    assert info.value.rule == "SEED_003_ONE_YEAR_AFTER_DISCHARGE"


# --- Art. 1.1: licensed partners only ---------------------------------------------------------------------------


@pytest.mark.parametrize(("valid_from", "valid_until", "on", "valid"), [
    (D(2025, 3, 21), D(2030, 3, 20), D(2025, 3, 21), True),   # first day
    (D(2025, 3, 21), D(2030, 3, 20), D(2030, 3, 20), True),   # last day
    (D(2025, 3, 21), D(2030, 3, 20), D(2027, 1, 1), True),
    (D(2025, 3, 21), D(2030, 3, 20), D(2025, 3, 20), False),  # not yet
    (D(2025, 3, 21), D(2030, 3, 20), D(2030, 3, 21), False),  # expired
    (None, D(2030, 3, 20), D(2027, 1, 1), False),
    (D(2025, 3, 21), None, D(2027, 1, 1), False),
    (None, None, D(2027, 1, 1), False),
])
def test_check_license(valid_from, valid_until, on, valid) -> None:
    if valid:
        assert check_license(valid_from, valid_until, on) is None
    else:
        with pytest.raises(RuleViolation) as info:
            check_license(valid_from, valid_until, on)
        assert info.value.rule == "ART_1_LICENSE"


# --- Art. 4.3, 6.1: a yearly agreement in force -----------------------------------------------------------------


@pytest.mark.parametrize(("status", "ok"), [("ACTIVE", True), ("ENDED", False), (None, False)])
def test_check_agreement(status, ok) -> None:
    if ok:
        assert check_agreement(status, 1404) is None
    else:
        with pytest.raises(RuleViolation) as info:
            check_agreement(status, 1404)
        assert info.value.rule == "ART_6_1_AGREEMENT"
        assert "1404" in info.value.message_en and "1404" in info.value.message_fa


# --- Art. 4.1: classify first --------------------------------------------------------------------------------


@pytest.mark.parametrize(("rehabilitability", "load"), [
    ("REHABILITABLE", "REHABILITABLE"),
    ("NON_REHABILITABLE", "NON_REHABILITABLE"),
])
def test_file_load(rehabilitability: str, load: str) -> None:
    assert file_load(rehabilitability) == load


def test_an_unclassified_file_cannot_be_delegated() -> None:
    with pytest.raises(RuleViolation) as info:
        file_load("UNCLASSIFIED")
    assert info.value.rule == "ART_4_1_CLASSIFY_FIRST"


def test_file_load_rejects_unknown_values() -> None:
    with pytest.raises(RuleInputError):
        file_load("MAYBE")


# --- Art. 2.2: a clinic's caseload method ----------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "method", "expected"), [
    ("CLINIC", 1, 1), ("CLINIC", 2, 2), ("CLINIC", 3, 3),
    ("CHARITY", None, None), ("SERVICE_COMPLEX", None, None), ("CHILD_HOME", None, None),
])
def test_check_caseload_method(kind, method, expected) -> None:
    assert check_caseload_method(kind, method) == expected


@pytest.mark.parametrize(("kind", "method"), [
    ("CLINIC", None), ("CLINIC", 0), ("CLINIC", 4), ("CLINIC", True), ("CLINIC", "1"),
    ("CHARITY", 1), ("SERVICE_COMPLEX", 3), ("CHILD_HOME", 2),
])
def test_check_caseload_method_rejects(kind, method) -> None:
    with pytest.raises(RuleInputError) as info:
        check_caseload_method(kind, method)
    assert info.value.field == "caseloadMethod"


# --- Art. 4.2 quotas (the caseload norms: tests/rules/test_caseload.py) ----------------------------------------


@pytest.mark.parametrize("value", [0, 1, 100])
def test_check_quota_value_accepts(value: int) -> None:
    assert check_quota_value(value, "quotaRehabilitable") == value


@pytest.mark.parametrize("value", [-1, True, 1.5, "3", None])
def test_check_quota_value_rejects(value) -> None:
    with pytest.raises(RuleInputError) as info:
        check_quota_value(value, "quotaChildren")
    assert info.value.field == "quotaChildren"


@pytest.mark.parametrize(("quota", "live", "adding", "breach"), [
    (3, 0, 3, False),
    (3, 1, 2, False),   # exactly at the quota
    (3, 1, 3, True),    # one past
    (3, 3, 1, True),
    (0, 0, 0, False),
    (0, 0, 1, True),
    (5, 7, 0, False),   # nothing added: an old excess does not block an empty batch
])
def test_check_quota(quota: int, live: int, adding: int, breach: bool) -> None:
    if not breach:
        assert check_quota(quota, live, adding, kind="REHABILITABLE") is None
        return
    with pytest.raises(QuotaBreach) as info:
        check_quota(quota, live, adding, kind="REHABILITABLE")
    error = info.value
    assert (error.kind, error.quota, error.live, error.adding, error.rule) == (
        "REHABILITABLE", quota, live, adding, "ART_4_2_QUOTA")
    assert error.message_en and error.message_fa


# --- Art. 3 note 3: the office's statement that no one applied to found a clinic --------------------------------


@pytest.mark.parametrize(("kind", "stated", "expected"), [
    ("CHARITY", True, True), ("SERVICE_COMPLEX", True, True), ("CHARITY", False, False),
    ("CLINIC", False, False), ("CHILD_HOME", False, False),
])
def test_check_no_clinic_applicant(kind: str, stated: bool, expected: bool) -> None:
    assert check_no_clinic_applicant(kind, stated) is expected


@pytest.mark.parametrize("kind", ["CLINIC", "CHILD_HOME"])
def test_only_charities_record_no_clinic_applicant(kind: str) -> None:
    with pytest.raises(RuleInputError) as info:
        check_no_clinic_applicant(kind, True)
    assert info.value.field == "noClinicApplicant" and info.value.message_fa

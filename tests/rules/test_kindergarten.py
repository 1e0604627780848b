from __future__ import annotations

import datetime
import itertools

import pytest

from rules.errors import RuleInputError, RuleViolation
from rules.kindergarten import (
    KINDERGARTEN_KINDS,
    LICENSE_STATUS_LABELS_FA,
    KindergartenKind,
    LicenseStatus,
    allowed_license_transition,
    check_enrolment,
    check_license_transition,
)

K = KindergartenKind
S = LicenseStatus


@pytest.mark.parametrize(
    ("kind", "label_fa"),
    [
        (K.QURANIC, "مهد قرآنی"),
        (K.MOSQUE, "مهد مساجد"),
        (K.FRIDAY, "آدینه مهد"),
        (K.RURAL, "روستامهد"),
        (K.COOPERATIVE, "مهدکودک شرکت تعاونی"),
        (K.NON_PROFIT, "مهدکودک غیرانتفاعی"),
        (K.PART_TIME, "مهدکودک نیمه وقت"),
        (K.DELEGATED, "مهدکودک واگذار شده"),
    ],
)
def test_kind_labels(kind: KindergartenKind, label_fa: str) -> None:
    assert KINDERGARTEN_KINDS[kind].label_fa == label_fa


def test_every_kind_has_an_entry() -> None:
    assert set(KINDERGARTEN_KINDS) == set(K) and len(K) == 8


@pytest.mark.parametrize(
    ("kind", "daily_hours", "weekday", "opens", "closes", "min_age", "max_age"),
    [
        (K.QURANIC, 4, None, None, None, None, None),
        (K.PART_TIME, 4, None, None, None, None, None),
        (K.FRIDAY, 4, 4, datetime.time(10), datetime.time(14), None, None),
        (K.RURAL, None, None, None, None, 3, 6),
        (K.MOSQUE, None, None, None, None, None, None),
        (K.COOPERATIVE, None, None, None, None, None, None),
        (K.NON_PROFIT, None, None, None, None, None, None),
        (K.DELEGATED, None, None, None, None, None, None),
    ],
)
def test_kind_facts_from_seed_002(
    kind: KindergartenKind,
    daily_hours: int | None,
    weekday: int | None,
    opens: datetime.time | None,
    closes: datetime.time | None,
    min_age: int | None,
    max_age: int | None,
) -> None:
    info = KINDERGARTEN_KINDS[kind]
    assert (info.daily_hours, info.weekday, info.opens, info.closes) == (daily_hours, weekday, opens, closes)
    assert (info.min_age, info.max_age) == (min_age, max_age)


def test_friday_is_friday() -> None:
    assert datetime.date(2019, 12, 13).weekday() == KINDERGARTEN_KINDS[K.FRIDAY].weekday  # a Friday (جمعه)


@pytest.mark.parametrize(
    ("status", "label_fa"),
    [
        (S.PRINCIPAL_APPROVAL, "موافقت اصولی"),
        (S.LICENSED, "پروانه فعالیت"),
        (S.SUSPENDED, "تعلیق"),
        (S.DISSOLVED, "منحل"),
    ],
)
def test_license_labels(status: LicenseStatus, label_fa: str) -> None:
    assert LICENSE_STATUS_LABELS_FA[status] == label_fa


@pytest.mark.parametrize(
    ("capacity", "enrolment"),
    [(1, 0), (1, 1), (30, 0), (30, 29), (30, 30), (1000, 0), (1000, 1000)],
)
def test_enrolment_accepted(capacity: int, enrolment: int) -> None:
    check_enrolment(capacity, enrolment)


@pytest.mark.parametrize(
    ("capacity", "enrolment", "field"),
    [
        (0, 0, "capacity"),
        (-5, 0, "capacity"),
        (1001, 10, "capacity"),
        (True, 0, "capacity"),
        (30.0, 10, "capacity"),
        (None, 10, "capacity"),
        (0, 5, "capacity"),  # capacity checked first
        (1, 2, "enrolment"),
        (30, 31, "enrolment"),
        (1000, 1001, "enrolment"),
        (30, -1, "enrolment"),
        (30, 2.0, "enrolment"),
        (30, "3", "enrolment"),
        (30, False, "enrolment"),
    ],
)
def test_enrolment_rejected(capacity: object, enrolment: object, field: str) -> None:
    with pytest.raises(RuleInputError) as info:
        check_enrolment(capacity, enrolment)  # type: ignore[arg-type]
    assert info.value.field == field
    assert info.value.message_en and info.value.message_fa


ALLOWED = {
    (S.PRINCIPAL_APPROVAL, S.PRINCIPAL_APPROVAL),
    (S.PRINCIPAL_APPROVAL, S.LICENSED),
    (S.PRINCIPAL_APPROVAL, S.DISSOLVED),
    (S.LICENSED, S.LICENSED),
    (S.LICENSED, S.SUSPENDED),
    (S.LICENSED, S.DISSOLVED),
    (S.SUSPENDED, S.SUSPENDED),
    (S.SUSPENDED, S.LICENSED),
    (S.SUSPENDED, S.DISSOLVED),
    (S.DISSOLVED, S.DISSOLVED),
}


@pytest.mark.parametrize(("old", "new"), list(itertools.product(S, S)))
def test_license_transitions(old: LicenseStatus, new: LicenseStatus) -> None:
    allowed = (old, new) in ALLOWED
    assert allowed_license_transition(old, new) is allowed
    assert allowed_license_transition(old.value, new.value) is allowed  # type: ignore[arg-type]
    if allowed:
        check_license_transition(old, new)
    else:
        with pytest.raises(RuleViolation) as info:
            check_license_transition(old, new)
        assert info.value.rule == "KINDERGARTEN_LICENSE"
        assert LICENSE_STATUS_LABELS_FA[old] in info.value.message_fa
        assert LICENSE_STATUS_LABELS_FA[new] in info.value.message_fa


@pytest.mark.parametrize(("old", "new"), [("ACTIVE", S.LICENSED), (S.LICENSED, "closed"), (None, S.LICENSED)])
def test_license_transition_rejects_unknown_status(old: object, new: object) -> None:
    with pytest.raises(RuleInputError) as info:
        allowed_license_transition(old, new)  # type: ignore[arg-type]
    assert info.value.field == "licenseStatus"
    with pytest.raises(RuleInputError):
        check_license_transition(old, new)  # type: ignore[arg-type]

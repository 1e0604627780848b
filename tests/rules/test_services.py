from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

import pytest

from rules.labels import Label, descriptions
from rules.persian import normalise_text
from rules.services import (
    CHILD_FOLLOW_UP_KINDS,
    EXIT_ROUTES,
    HOUSEHOLD_CHANGE_REASONS,
    LOAN_KINDS,
    SERVICE_KINDS,
    SIX_MONTH_FOLLOW_UP_LOANS,
    ChildFollowUpKind,
    ExitRoute,
    HouseholdChangeReason,
    LoanKind,
    ServiceKind,
)

S = ServiceKind
C = ChildFollowUpKind

TABLES = [
    (ServiceKind, SERVICE_KINDS),
    (ChildFollowUpKind, CHILD_FOLLOW_UP_KINDS),
    (LoanKind, LOAN_KINDS),
    (ExitRoute, EXIT_ROUTES),
    (HouseholdChangeReason, HOUSEHOLD_CHANGE_REASONS),
]


# --- every table: complete, normalised, ready for the GraphQL enums ----------------------------------------------


@pytest.mark.parametrize(("enum", "table"), TABLES, ids=lambda x: getattr(x, "__name__", ""))
def test_every_value_has_one_label(enum: type[StrEnum], table: Mapping[StrEnum, Label]) -> None:
    assert list(table) == list(enum)
    assert all(member.value == member.name for member in enum)


@pytest.mark.parametrize(("enum", "table"), TABLES, ids=lambda x: getattr(x, "__name__", ""))
def test_labels_are_normalised_persian_first(enum: type[StrEnum], table: Mapping[StrEnum, Label]) -> None:
    for label in table.values():
        assert label.fa and label.en
        assert normalise_text(label.fa) == label.fa  # stored form (docs/api.md "Conventions")
        assert "«" not in label.fa and "»" not in label.fa
    described = descriptions(table)
    assert set(described) == {member.name for member in enum}
    for member, label in table.items():
        assert described[member.name].startswith(f"«{label.fa}» — ")
        assert described[member.name].endswith(".")


# --- Art. 5: fourteen kinds of service ---------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "label_fa", "clause"), [
    (S.INTERVIEW_HOME_VISIT_REPORT, "مصاحبه، بازدید منزل و تهیه گزارش مددکاری", "Art. 5.1"),
    (S.STRENGTHS_AND_INTERVENTION_PLAN, "شناسایی نقاط قوت و توانمندی‌ها و تدوین برنامه مداخلاتی", "Art. 5.2"),
    (S.JOB_AND_RESOURCE_FINDING, "شناسایی و به‌کارگیری منابع موجود و فرصت‌های شغلی", "Art. 5.3"),
    (S.PENSION_AND_BONUSES, "پرداخت مستمری، عیدی، پاداش", "Art. 5.4"),
    (S.FOOD_AND_CLOTHING, "تغذیه و پوشاک", "Art. 5.5"),
    (S.HEALTH_AND_TREATMENT, "بهداشت، سلامت و درمان", "Art. 5.6"),
    (S.DOWRY_AND_MARRIAGE, "جهیزیه و ازدواج", "Art. 5.7"),
    (S.HOUSING, "مسکن (خرید، ساخت، تعمیر، ودیعه مسکن، اجاره)", "Art. 5.8"),
    (S.SOCIAL_WORK, "خدمات مددکاری اجتماعی در سطوح فردی، گروهی و جامعه‌ای", "Art. 5.9"),
    (S.COUNSELLING, "خدمات مشاوره‌ای (روان‌شناختی، حقوقی، ژنتیک، تحصیلی)", "Art. 5.10"),
    (S.TRAINING, "آموزش (پیش‌دبستانی، تحصیلی، مهارت‌های زندگی، کسب‌وکار و کارآفرینی، فنی و حرفه‌ای، …)",
     "Art. 5.11"),
    (S.LOANS_AND_FACILITIES, "وام و تسهیلات", "Art. 5.12"),
    (S.INSURANCE, "امور بیمه‌ای", "Art. 5.13"),
    (S.FUNDRAISING, "حمایت‌یابی", "Art. 5.14"),
])
def test_service_kinds_of_article_5(kind: ServiceKind, label_fa: str, clause: str) -> None:
    assert SERVICE_KINDS[kind].fa == label_fa
    assert SERVICE_KINDS[kind].source == clause


def test_fourteen_kinds_in_the_directives_order() -> None:
    assert len(S) == 14
    assert [label.source for label in SERVICE_KINDS.values()] == [f"Art. 5.{n}" for n in range(1, 15)]


# --- seed 003: child follow-up -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "label_fa", "item"), [
    (C.HEALTH, "شرایط بهداشتی", "الف"),
    (C.MENTAL_STATE, "شرایط روانی", "الف"),
    (C.SCHOOLING, "شرایط تحصیلی", "الف"),
    (C.NUTRITION, "تغذیه", "الف"),
    (C.LEISURE, "اوقات فراغت", "الف"),
    (C.FAMILY_RELATIONS, "روابط عاطفی فرزندان و اعضای خانواده", "الف"),
    (C.CHILD_ABUSE, "کودک‌آزاری", "الف"),
    (C.MARRIAGE, "ایجاد زمینه ازدواج", "ب"),
    (C.EMPLOYMENT, "کاریابی و ایجاد زمینه اشتغال", "ج"),
    (C.UNFORESEEN_PROBLEM, "موارد پیش‌بینی نشده", "د-1"),
    (C.WALK_IN_COUNSELLING, "مشاوره مددکاری", "د-2"),
])
def test_child_follow_up_kinds_of_seed_003(kind: ChildFollowUpKind, label_fa: str, item: str) -> None:
    assert CHILD_FOLLOW_UP_KINDS[kind].fa == label_fa
    assert CHILD_FOLLOW_UP_KINDS[kind].source == f"seed 003, {item}"


# --- seed 001: loans and grants ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "label_fa", "followed_six_months"), [
    (LoanKind.EMPLOYMENT_LOAN, "وام اشتغال", True),
    (LoanKind.WORK_CAPITAL, "سرمایه کار", True),
    (LoanKind.GRANT, "کمک بلاعوض", True),
    (LoanKind.HOUSING_DEPOSIT_LOAN, "وام ودیعه مسکن", False),
    (LoanKind.OTHER, "سایر تسهیلات", False),
])
def test_loan_kinds(kind: LoanKind, label_fa: str, followed_six_months: bool) -> None:
    assert LOAN_KINDS[kind].fa == label_fa
    assert (kind in SIX_MONTH_FOLLOW_UP_LOANS) is followed_six_months


# --- Art. 4.8: exit routes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("route", "label_fa"), [
    (ExitRoute.INDIVIDUAL_JOB, "اشتغال فردی"),
    (ExitRoute.GROUP_JOB, "اشتغال گروهی"),
    (ExitRoute.JOB_PLACEMENT, "کاریابی"),
    (ExitRoute.MARRIAGE, "ازدواج"),
    (ExitRoute.OTHER, "سایر"),
])
def test_exit_routes(route: ExitRoute, label_fa: str) -> None:
    assert EXIT_ROUTES[route].fa == label_fa


def test_exit_routes_keep_every_value_the_family_model_stores() -> None:
    # models.families.ExitRoute today (rules/ tests stay free of the ORM, so its values are spelled out here).
    assert {"INDIVIDUAL_JOB", "GROUP_JOB", "MARRIAGE", "OTHER"} <= {route.value for route in ExitRoute}


# --- household changes -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("reason", "label_fa"), [
    (HouseholdChangeReason.BIRTH, "تولد"),
    (HouseholdChangeReason.DEATH, "فوت"),
    (HouseholdChangeReason.MARRIAGE, "ازدواج"),
    (HouseholdChangeReason.LEAVING, "جدا شدن از خانوار"),
])
def test_household_change_reasons(reason: HouseholdChangeReason, label_fa: str) -> None:
    assert HOUSEHOLD_CHANGE_REASONS[reason].fa == label_fa

from __future__ import annotations

import pytest

from rules.errors import RuleInputError, RuleViolation
from rules.jalali import parse_date
from rules.pension import POLICY_VALUE_MISSING, monthly_pension, pension_band, pension_in_force, pension_month
from rules.policy_values import PolicyKey, PolicyRow

J = parse_date
WAGE = 104_000_000


@pytest.mark.parametrize(("size", "band"), [(1, "1"), (2, "2"), (4, "4"), (5, "5"), (6, "5"), (9, "5")])
def test_five_persons_or_more_share_the_last_band(size: int, band: str) -> None:
    assert pension_band(size) == band


@pytest.mark.parametrize("size", [0, -1, True, 2.0])
def test_a_household_has_at_least_its_head(size: object) -> None:
    with pytest.raises(RuleInputError) as info:
        pension_band(size)  # type: ignore[arg-type]
    assert info.value.field == "householdSize"


@pytest.mark.parametrize(("size", "share", "wage", "amount"), [
    (1, 3000, WAGE, 31_200_000),
    (5, 5000, WAGE, 52_000_000),
    (9, 5000, WAGE, 52_000_000),
    (2, 3500, 104_000_001, 36_400_000),  # 36 400 000.35: rounded down
    (3, 4000, 2**62, 2**62 * 4000 // 10_000),  # beyond 64-bit intermediates: exact
    (4, 0, WAGE, 0),
    (4, 4500, 0, 0),
])
def test_the_pension_is_the_share_of_the_wage_rounded_down(size: int, share: int, wage: int, amount: int) -> None:
    assert monthly_pension(size, share, wage) == amount


@pytest.mark.parametrize(("share", "wage", "missing"), [
    (3000, None, "MINIMUM_WAGE"),
    (None, WAGE, "PENSION_SHARE (1)"),
    (None, None, "MINIMUM_WAGE"),
])
def test_a_missing_figure_is_refused_never_guessed(share: int | None, wage: int | None, missing: str) -> None:
    with pytest.raises(RuleViolation) as info:
        monthly_pension(1, share, wage)
    assert info.value.rule == POLICY_VALUE_MISSING and missing in info.value.message_en


def test_size_zero_is_refused_before_a_missing_figure() -> None:
    with pytest.raises(RuleInputError):
        monthly_pension(0, None, None)


@pytest.mark.parametrize(("share", "wage", "field"), [
    (-1, WAGE, "shareBasisPoints"), (10_001, WAGE, "shareBasisPoints"), (3000, -1, "minimumWageRials"),
    (3000, 1.5, "minimumWageRials"), (True, WAGE, "shareBasisPoints"),
])
def test_figures_are_whole_and_in_bounds(share: object, wage: object, field: str) -> None:
    with pytest.raises(RuleInputError) as info:
        monthly_pension(1, share, wage)  # type: ignore[arg-type]
    assert info.value.field == field


# Wage 86 M from 1403/01/01, 104 M from 1404/01/01; shares set from 1403/01/01, size 3 raised on 1404/07/01.
ROWS = [
    PolicyRow(PolicyKey.MINIMUM_WAGE, "", J("1403/01/01"), 86_000_000),
    PolicyRow(PolicyKey.MINIMUM_WAGE, "", J("1404/01/01"), WAGE),
    *(PolicyRow(PolicyKey.PENSION_SHARE, str(size), J("1403/01/01"), 2500 + 500 * size) for size in range(1, 6)),
    PolicyRow(PolicyKey.PENSION_SHARE, "3", J("1404/07/01"), 4200),
]


@pytest.mark.parametrize(("size", "on", "share", "wage"), [
    (1, "1403/01/01", 3000, 86_000_000),
    (1, "1403/12/30", 3000, 86_000_000),
    (1, "1404/01/01", 3000, WAGE),
    (3, "1404/06/31", 4000, WAGE),
    (3, "1404/07/01", 4200, WAGE),
    (7, "1404/07/01", 5000, WAGE),
])
def test_the_figures_in_force_on_the_day(size: int, on: str, share: int, wage: int) -> None:
    pension = pension_in_force(ROWS, size, J(on))
    assert (pension.share_basis_points, pension.minimum_wage_rials) == (share, wage)
    assert pension.amount_rials == wage * share // 10_000
    assert pension.band == str(min(size, 5)) and pension.household_size == size


def test_before_any_figure_the_pension_is_refused() -> None:
    with pytest.raises(RuleViolation) as info:
        pension_in_force(ROWS, 2, J("1402/12/29"))
    assert info.value.rule == POLICY_VALUE_MISSING


def test_a_share_missing_for_one_size_is_refused_for_that_size_only() -> None:
    rows = [row for row in ROWS if row.qualifier != "4"]
    assert pension_in_force(rows, 3, J("1404/02/01")).amount_rials == WAGE * 4000 // 10_000
    with pytest.raises(RuleViolation, match=r"PENSION_SHARE \(4\)"):
        pension_in_force(rows, 4, J("1404/02/01"))


TODAY = J("1404/05/20")


@pytest.mark.parametrize(("year", "month", "first", "last"), [
    (1404, 1, "1404/01/01", "1404/01/31"),
    (1404, 5, "1404/05/01", "1404/05/31"),  # the current month, begun
    (1403, 7, "1403/07/01", "1403/07/30"),
    (1403, 12, "1403/12/01", "1403/12/30"),  # 1403 is leap: Esfand has 30 days
    (1402, 12, "1402/12/01", "1402/12/29"),
])
def test_a_months_days(year: int, month: int, first: str, last: str) -> None:
    assert pension_month(year, month, TODAY) == (J(first), J(last))


@pytest.mark.parametrize(("year", "month", "field"), [
    (1404, 6, "month"),  # not begun
    (1405, 1, "month"),
    (1404, 0, "month"),
    (1404, 13, "month"),
    (2025, 1, "jalaliYear"),
    (1199, 1, "jalaliYear"),
])
def test_a_month_out_of_range_or_not_begun_is_refused(year: int, month: int, field: str) -> None:
    with pytest.raises(RuleInputError) as info:
        pension_month(year, month, TODAY)
    assert info.value.field == field

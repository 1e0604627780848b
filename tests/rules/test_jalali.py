from __future__ import annotations

import datetime

import pytest

from rules.errors import RuleInputError
from rules.jalali import jalali_year, jalali_year_bounds, parse_date, to_jalali

D = datetime.date
SEED_000 = D(2019, 12, 9)  # «دوشنبه18 آذر 1398 | 9 دسامبر 2019»


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Seed 000: Monday 18 Azar 1398 is 9 December 2019, in every accepted spelling.
        ("1398-09-18", SEED_000),
        ("۱۳۹۸/۹/۱۸", SEED_000),
        ("1398/9/18", SEED_000),
        ("1398/09/18", SEED_000),
        ("1398-9-18", SEED_000),
        ("١٣٩٨-٠٩-١٨", SEED_000),
        ("  ۱۳۹۸/۰۹/۱۸\t", SEED_000),
        ("2019-12-09", SEED_000),
        ("2019/12/9", SEED_000),
        ("۲۰۱۹-۱۲-۰۹", SEED_000),
        # Jalali range boundaries.
        ("1200-01-01", D(1821, 3, 21)),
        ("1499/12/29", D(2121, 3, 20)),
        # Year starts and Esfand in leap / non-leap years.
        ("1398-01-01", D(2019, 3, 21)),
        ("1398-12-29", D(2020, 3, 19)),
        ("1399-12-30", D(2021, 3, 20)),
        ("1403-12-30", D(2025, 3, 20)),
        ("1399-06-31", D(2020, 9, 21)),
        ("1399-07-30", D(2020, 10, 21)),
        # Gregorian range boundaries.
        ("1500-01-01", D(1500, 1, 1)),
        ("2999-12-31", D(2999, 12, 31)),
        ("2020-02-29", D(2020, 2, 29)),
    ],
)
def test_parse_date(text: str, expected: datetime.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "yesterday",
        "1398",
        "1398-09",
        "98-09-18",
        "13980918",
        "1398.09.18",
        "1398-9/18",  # mixed separators
        "1398-009-18",
        "1398-09-018",
        "18/09/1398",
        "2019-12-09T10:00",
        "1398-09-18 extra",
        "1398-00-10",  # month 0
        "1398-13-01",  # month 13
        "1398-01-00",  # day 0
        "1398-01-32",  # Farvardin has 31 days
        "1398-07-31",  # Mehr has 30 days
        "1398-12-30",  # 1398 is not a leap year
        "1398-12-31",  # Esfand never has 31 days
        "1399-12-31",
        "2019-02-29",  # not a leap year
        "1900-02-29",  # century, not a leap year
        "2019-13-01",
        "2019-04-31",
        "0999-01-01",  # year out of range
        "1000-01-01",
        "1199-12-29",  # just below the Jalali range
        "3000-01-01",  # just above the Gregorian range
        "9999-12-31",
    ],
)
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(RuleInputError) as info:
        parse_date(text, field="birthDate")
    assert info.value.field == "birthDate"
    assert info.value.message_en and info.value.message_fa


@pytest.mark.parametrize("value", [None, 13980918, SEED_000])
def test_parse_date_rejects_non_strings(value: object) -> None:
    with pytest.raises(RuleInputError) as info:
        parse_date(value)  # type: ignore[arg-type]
    assert info.value.field is None


def test_seed_000_was_a_monday() -> None:
    assert parse_date("1398-09-18").weekday() == 0  # دوشنبه


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (SEED_000, "1398/09/18"),
        (D(2019, 3, 21), "1398/01/01"),
        (D(2019, 3, 20), "1397/12/29"),
        (D(2021, 3, 20), "1399/12/30"),
        (D(1821, 3, 21), "1200/01/01"),
        (datetime.datetime(2019, 12, 9, 23, 59), "1398/09/18"),
    ],
)
def test_to_jalali(d: datetime.date, expected: str) -> None:
    assert to_jalali(d) == expected


@pytest.mark.parametrize("text", ["1398-09-18", "1399-12-30", "1403-01-01", "1200-01-01", "1499-12-29"])
def test_jalali_round_trip(text: str) -> None:
    displayed = to_jalali(parse_date(text))
    assert displayed == text.replace("-", "/")
    assert parse_date(displayed) == parse_date(text)


@pytest.mark.parametrize(
    ("d", "year"),
    [
        (SEED_000, 1398),
        (D(2019, 3, 20), 1397),
        (D(2019, 3, 21), 1398),
        (D(2020, 3, 19), 1398),
        (D(2020, 3, 20), 1399),
    ],
)
def test_jalali_year(d: datetime.date, year: int) -> None:
    assert jalali_year(d) == year


@pytest.mark.parametrize(
    ("year", "first", "last"),
    [
        (1398, D(2019, 3, 21), D(2020, 3, 19)),  # common year: 365 days
        (1399, D(2020, 3, 20), D(2021, 3, 20)),  # leap year: 366 days
        (1403, D(2024, 3, 20), D(2025, 3, 20)),
        (1200, D(1821, 3, 21), D(1822, 3, 20)),
        (1499, D(2120, 3, 21), D(2121, 3, 20)),
    ],
)
def test_jalali_year_bounds(year: int, first: datetime.date, last: datetime.date) -> None:
    assert jalali_year_bounds(year) == (first, last)
    assert jalali_year(first) == jalali_year(last) == year
    assert jalali_year(first - datetime.timedelta(days=1)) == year - 1
    assert jalali_year(last + datetime.timedelta(days=1)) == year + 1


@pytest.mark.parametrize("year", [1199, 1500, 0, -1398, 2019, True, "1398", 1398.0])
def test_jalali_year_bounds_rejects(year: object) -> None:
    with pytest.raises(RuleInputError) as info:
        jalali_year_bounds(year)  # type: ignore[arg-type]
    assert info.value.field == "jalaliYear"

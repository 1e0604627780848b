from __future__ import annotations

import pytest

from rules.errors import RuleInputError
from rules.national_id import check_digit, is_valid_national_id, make_national_id, validate_national_id

# r = sum(d[i] * (10 - i) for i in range(9)) % 11; check digit = r if r < 2 else 11 - r. By hand:
#   0499370899: 0 + 36 + 72 + 63 + 18 + 35 + 0 + 24 + 18 = 266, 266 % 11 = 2 -> 9
#   0790419904: 0 + 63 + 72 + 0 + 24 + 5 + 36 + 27 + 0 = 227, 227 % 11 = 7 -> 4
#   0084575948: 0 + 0 + 64 + 28 + 30 + 35 + 20 + 27 + 8 = 212, 212 % 11 = 3 -> 8
VALID = [
    "0499370899",  # r = 2 -> check 9
    "0790419904",  # r = 7 -> check 4
    "0084575948",  # r = 3 -> check 8
    "0010316760",  # r = 0 -> check 0
    "0010079191",  # r = 1 -> check 1
    "0010475141",  # r = 10 -> check 1
    "0010000003",  # r = 8 -> check 3
]


@pytest.mark.parametrize("national_id", VALID)
def test_valid_ids(national_id: str) -> None:
    assert validate_national_id(national_id) == national_id
    assert is_valid_national_id(national_id)


@pytest.mark.parametrize(
    ("first_nine", "r"),
    [
        ("049937089", 2),
        ("079041990", 7),
        ("008457594", 3),
        ("001031676", 0),
        ("001007919", 1),
        ("001047514", 10),
    ],
)
def test_check_digit_remainder_branches(first_nine: str, r: int) -> None:
    s = sum(int(first_nine[i]) * (10 - i) for i in range(9))
    assert s % 11 == r
    assert check_digit(first_nine) == (r if r < 2 else 11 - r)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("۰۴۹۹۳۷۰۸۹۹", "0499370899"),
        ("٠٤٩٩٣٧٠٨٩٩", "0499370899"),
        ("049-937089-9", "0499370899"),
        ("049 937 0899", "0499370899"),
        ("  0499370899\t", "0499370899"),
        ("049\u2013937\u20130899", "0499370899"),
        ("۰۴۹-۹۳۷۰۸۹-۹", "0499370899"),
    ],
)
def test_normalises_digits_spaces_and_dashes(raw: str, expected: str) -> None:
    assert validate_national_id(raw) == expected


LENGTH_EN = "The national ID must be exactly 10 digits."
SAME_EN = "The national ID cannot be one digit repeated ten times."
CHECK_EN = "The national ID's check digit is wrong; please check the number."


@pytest.mark.parametrize(
    ("raw", "message_en"),
    [
        ("", LENGTH_EN),
        ("   ", LENGTH_EN),
        ("049937089", LENGTH_EN),  # 9 digits
        ("04993708990", LENGTH_EN),  # 11 digits
        ("04993708a9", LENGTH_EN),
        ("0499.370899", LENGTH_EN),
        ("+499370899", LENGTH_EN),
        ("٠٤٩٩٣٧٠٨٩", LENGTH_EN),
        ("0000000000", SAME_EN),
        ("1111111111", SAME_EN),
        ("۵۵۵۵۵۵۵۵۵۵", SAME_EN),
        ("9999999999", SAME_EN),
        ("0499370898", CHECK_EN),
        ("0499370890", CHECK_EN),
        ("0790419905", CHECK_EN),
        ("0010316761", CHECK_EN),  # r = 0 needs 0
        ("0010079190", CHECK_EN),  # r = 1 needs 1
        ("0010475140", CHECK_EN),  # r = 10 needs 1
    ],
)
def test_invalid_ids(raw: str, message_en: str) -> None:
    with pytest.raises(RuleInputError) as info:
        validate_national_id(raw)
    assert info.value.message_en == message_en
    assert info.value.field == "nationalId"
    assert info.value.message_fa and info.value.message_fa != info.value.message_en
    assert not is_valid_national_id(raw)


def test_distinct_messages() -> None:
    assert len({LENGTH_EN, SAME_EN, CHECK_EN}) == 3


@pytest.mark.parametrize("field", ["nationalId", "headNationalId", "members.0.nationalId"])
def test_field_is_passed_through(field: str) -> None:
    with pytest.raises(RuleInputError) as info:
        validate_national_id("123", field=field)
    assert info.value.field == field


@pytest.mark.parametrize("raw", [None, 499370899, b"0499370899"])
def test_non_strings(raw: object) -> None:
    with pytest.raises(RuleInputError):
        validate_national_id(raw)  # type: ignore[arg-type]
    assert not is_valid_national_id(raw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("first_nine", "expected"),
    [
        ("049937089", "0499370899"),
        ("079041990", "0790419904"),
        ("008457594", "0084575948"),
        ("001031676", "0010316760"),
        ("001007919", "0010079191"),
        ("۰۰۱۰۴۷۵۱۴", "0010475141"),
        ("001-000-000", "0010000003"),
    ],
)
def test_make_national_id(first_nine: str, expected: str) -> None:
    made = make_national_id(first_nine)
    assert made == expected
    assert is_valid_national_id(made)


@pytest.mark.parametrize("first_nine", ["", "12345678", "1234567890", "12345678x", "000000000", "111111111"])
def test_make_national_id_rejects(first_nine: str) -> None:
    with pytest.raises(RuleInputError) as info:
        make_national_id(first_nine)
    assert info.value.field == "firstNine"


@pytest.mark.parametrize("n", range(1, 1_000_000_000, 10_000_019))
def test_make_then_validate_round_trip(n: int) -> None:
    made = make_national_id(f"{n:09d}")
    assert validate_national_id(made) == made
    assert not is_valid_national_id(made[:9] + str((int(made[9]) + 1) % 10))

from __future__ import annotations

from decimal import Decimal

import pytest

from rules.errors import RuleInputError
from rules.money import MAX_RIALS, rial_amount


@pytest.mark.parametrize("value", [0, 1, 500_000_000, MAX_RIALS])
def test_whole_non_negative_rials_pass(value: int) -> None:
    assert rial_amount(value, "amount") == value


@pytest.mark.parametrize("value", [
    -1,
    MAX_RIALS + 1,
    True,   # an int to Python, not an amount
    False,
    1.0,    # even a whole float
    0.5,
    Decimal("100"),
    "100",
    None,
])
def test_anything_else_is_refused_on_the_given_field(value: object) -> None:
    with pytest.raises(RuleInputError) as info:
        rial_amount(value, "amountRials")
    assert info.value.field == "amountRials"
    assert info.value.message_en and info.value.message_fa

from __future__ import annotations

import datetime

import pytest

from rules.errors import RuleInputError
from rules.jalali import parse_date
from rules.policy_values import effective_from_allowed

J = parse_date
DAY = datetime.timedelta(days=1)
TODAY = J("1404/05/20")


@pytest.mark.parametrize(("on", "allowed"), [
    (TODAY - DAY, False),  # a past day keeps the values it had
    (TODAY, True),
    (TODAY + DAY, True),
    (J("1405/12/29"), True),  # the end of the next Jalali year
    (J("1406/01/01"), False),
])
def test_a_value_takes_effect_from_today_up_to_the_end_of_next_year(on: datetime.date, allowed: bool) -> None:
    if allowed:
        assert effective_from_allowed(on, TODAY) == on
    else:
        with pytest.raises(RuleInputError) as info:
            effective_from_allowed(on, TODAY)
        assert info.value.field == "effectiveFrom"

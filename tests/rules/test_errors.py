from __future__ import annotations

import pytest

from rules.errors import RuleInputError, RuleViolation


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("bad", "نادرست"), None),
        (("bad", "نادرست", "nationalId"), "nationalId"),
    ],
)
def test_rule_input_error(args: tuple[str, ...], field: str | None) -> None:
    err = RuleInputError(*args)
    assert isinstance(err, ValueError)
    assert (err.message_en, err.message_fa, err.field) == ("bad", "نادرست", field)
    assert str(err) == "bad"


def test_rule_violation() -> None:
    err = RuleViolation("ART_2_NOTE_1", "too many", "زیاد")
    assert not isinstance(err, ValueError)
    assert (err.rule, err.message_en, err.message_fa, str(err)) == ("ART_2_NOTE_1", "too many", "زیاد", "too many")

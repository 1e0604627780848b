"""Whole numbers, as the directive counts things: files, quotas, experts, children in a kindergarten.

A count is an `int` and never a `bool` (which Python counts as one), nor a float such as `5.0`: input that is not
a whole number is the client's error, reported on its field.
"""

from __future__ import annotations

from rules.errors import RuleInputError

__all__ = ["is_whole_number", "whole_number"]


def is_whole_number(value: object) -> bool:
    """Whether `value` is an `int` that is not a `bool`."""
    return isinstance(value, int) and not isinstance(value, bool)


def whole_number(value: object, field: str, what_en: str, what_fa: str) -> int:
    """`value` if it is a whole number, zero or more; else :class:`RuleInputError` on `field`, naming the thing
    counted (`what_en`, `what_fa`: "A quota", «سهمیه»)."""
    if not is_whole_number(value) or value < 0:  # type: ignore[operator]
        raise RuleInputError(f"{what_en} must be a whole number, zero or more.",
                             f"{what_fa} باید عددی صحیح و نامنفی باشد.", field)
    return value  # type: ignore[return-value]

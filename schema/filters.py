"""The narrowings connection filters share (schema/pagination.connection_field calls each filter's `narrow`).

Each takes the scoped rows and returns them narrowed, or unchanged when the filter field was not given: a filter
narrows the slice, it never widens it (docs/access.md: an argument narrows a query, it never widens one).
"""

from __future__ import annotations

from typing import Any

from tortoise.queryset import QuerySet

from rules.persian import normalise_search
from schema.node import expect_id


def equal_to(found: QuerySet[Any], column: str, value: Any) -> QuerySet[Any]:
    """Rows whose `column` equals `value`, when given."""
    return found if value is None else found.filter(**{column: value})


def of_object(found: QuerySet[Any], column: str, global_id: str | None, type_name: str, field: str) -> QuerySet[Any]:
    """Rows whose `column` holds the object named by `global_id`, when given; BAD_USER_INPUT on `field` when the
    ID is not one of `type_name`."""
    return found if global_id is None else found.filter(**{column: expect_id(global_id, type_name, field)})


def name_starts_with(found: QuerySet[Any], column: str, name: str | None) -> QuerySet[Any]:
    """Rows whose normalised `column` starts with `name` compared in normalised form (Arabic ي/ك match ی/ک)."""
    return found.filter(**{f"{column}__startswith": normalise_search(name)}) if name else found

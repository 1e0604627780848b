"""The scope builder: the one place that turns a viewer's scope into a row filter (docs/access.md rules 1 and 3).

Two names, two meanings, used everywhere:

- a **scope filter** is a `Q`: the condition that keeps exactly the rows of one table a viewer may reach
  (`scope_filter` here, from the table's `RowScope`; `auth.policy.type_scope_filter` for a GraphQL type);
- **scoped rows** are a query set already narrowed by it: `schema.sources.scoped_rows(viewer, type_name)`,
  which every list, single lookup, `node`, count and nested load starts from.

No resolver writes its own `WHERE organization_id = …`. A table says which of its columns carry each level of
ownership (`RowScope`); a level the table does not declare reaches no rows, so the default is deny.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import assert_never

from tortoise.expressions import Q

from auth.roles import Scope, Viewer

NOTHING = Q(pk__isnull=True)
EVERYTHING = Q()


def where(lookup: str, value: object) -> Q:
    """`Q(<lookup>=value)` for a column named at run time, e.g. `where("county_id", 7)`.

    `join_type` is passed at its default only for mypy: tortoise's `Q(*children, join_type="AND", **filters)` keeps
    that keyword beside the filters, so an unpacked `{lookup: value}` could otherwise be taken for it.
    """
    return Q(join_type=Q.AND, **{lookup: value})


@dataclass(frozen=True)
class RowScope:
    """Which columns of a table carry each level of ownership.

    `national` False means even national roles reach no row through this table (none so far).
    `worker` is the column of the staff member a file is assigned to (the partner worker's slice);
    `worker_organization` lets a worker reach rows of their own organisation (its own partner record).
    `self_user` is a column compared to the viewer's user id, reached whatever the scope (one's own user).
    `until` is a date column after which the partner and worker scopes no longer reach the row (a file kept for a
    year of post-rehabilitation follow-up, Art. 6.7); offices are not bound by it.
    `also_provinces` and `also_counties` are array columns of further areas a row lies in, besides its own
    `province` and `county`: an audit event lies in its author's area and in those of the objects it touched
    (docs/access.md rule 7; issue #8, item 4).
    """

    province: str | None = None
    county: str | None = None
    organization: str | None = None
    worker: str | None = None
    worker_organization: bool = False
    self_user: str | None = None
    until: str | None = None
    national: bool = True
    also_provinces: str | None = None
    also_counties: str | None = None


def scope_filter(viewer: Viewer | None, row_scope: RowScope) -> Q:
    """The filter that keeps exactly the rows of `row_scope`'s table the viewer may reach; an anonymous viewer
    reaches none."""
    if viewer is None:
        return NOTHING
    condition = _scope_condition(viewer, viewer.scope, row_scope)
    if row_scope.self_user and condition is not EVERYTHING:
        # Tortoise drops an empty Q() inside an OR, so "everything or own" must stay "everything".
        own = where(row_scope.self_user, viewer.user_id)
        return own if condition is NOTHING else (condition | own)
    return condition


def _scope_condition(viewer: Viewer, scope: Scope, row_scope: RowScope) -> Q:
    if scope is Scope.NATIONAL:
        return EVERYTHING if row_scope.national else NOTHING
    if scope is Scope.PROVINCE:
        return _in_area(row_scope.province, row_scope.also_provinces, viewer.province_id)
    if scope is Scope.COUNTY:
        return _in_area(row_scope.county, row_scope.also_counties, viewer.county_id)
    if scope is Scope.OWN_ORGANIZATION:
        return _still_open(row_scope, _equals(row_scope.organization, viewer.organization_id))
    if scope is Scope.OWN_ASSIGNMENT:
        if row_scope.worker:
            return _still_open(row_scope, _equals(row_scope.worker, viewer.staff_member_id))
        if row_scope.worker_organization:
            return _equals(row_scope.organization, viewer.organization_id)
    return NOTHING


def _still_open(row_scope: RowScope, condition: Q) -> Q:
    """A partner's or worker's condition, bounded by the row's `until` date when the table has one."""
    if row_scope.until is None or condition is NOTHING:
        return condition
    today = datetime.date.today()
    return condition & (where(f"{row_scope.until}__isnull", True) | where(f"{row_scope.until}__gte", today))


def _equals(column: str | None, value: int | None) -> Q:
    if column is None or value is None:
        return NOTHING
    return where(column, value)


def _in_area(column: str | None, also_column: str | None, value: int | None) -> Q:
    """The row's own area is `value`, or its `also_column` array holds it."""
    condition = _equals(column, value)
    if also_column is None or value is None:
        return condition
    also = where(f"{also_column}__contains", [value])
    return also if condition is NOTHING else condition | also


def within_scope(viewer: Viewer, row_scope: RowScope, row: object) -> bool:
    """Whether `row` — a row about to be written, or the row a new one will hang under — lies in the viewer's
    scope, read through `row_scope`'s columns (`organization__province_id` follows the relation).

    The same `RowScope` that filters reads decides writes, so a create or a move can never place a row
    where its author could not see it (docs/access.md rule 4).
    """
    scope = viewer.scope
    if row_scope.self_user and _column(row, row_scope.self_user) == viewer.user_id:
        return True
    if scope is Scope.NATIONAL:
        return row_scope.national
    expected: tuple[str | None, int | None]
    if scope is Scope.PROVINCE:
        expected = (row_scope.province, viewer.province_id)
    elif scope is Scope.COUNTY:
        expected = (row_scope.county, viewer.county_id)
    elif scope is Scope.OWN_ORGANIZATION or (scope is Scope.OWN_ASSIGNMENT and row_scope.worker_organization):
        expected = (row_scope.organization, viewer.organization_id)
    elif scope is Scope.OWN_ASSIGNMENT:
        expected = (row_scope.worker, viewer.staff_member_id)
    else:  # every scope is handled above; a new one must be given its columns here (mypy says so)
        assert_never(scope)
    column, value = expected
    if value is not None and scope in (Scope.PROVINCE, Scope.COUNTY):
        also_column = row_scope.also_provinces if scope is Scope.PROVINCE else row_scope.also_counties
        also = _column(row, also_column) if also_column is not None else None
        if isinstance(also, list) and value in also:
            return True
    return column is not None and value is not None and _column(row, column) == value


def _column(row: object, column: str) -> object:
    """`row`'s value of a scope column; `a__b` reads `row.a.b` (a relation the caller has fetched)."""
    value = row
    for part in column.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value

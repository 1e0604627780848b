"""The scope builder: the one place that turns a viewer's scope into a row filter (ACCESS.md rules 1 and 3).

Every list, single lookup, `node`, count and nested load goes through `visible_rows`; no resolver writes
its own `WHERE organization_id = …`. A table says which of its columns carry each level of ownership
(`RowScope`); a level the table does not declare reaches no rows, so the default is deny.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from auth.roles import Scope, Viewer

NOTHING = Q(pk__isnull=True)
EVERYTHING = Q()
M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class RowScope:
    """Which columns of a table carry each level of ownership.

    `national` False means even national roles reach no row through this table (none so far).
    `worker` is the column of the staff member a file is assigned to (the partner worker's slice);
    `worker_organization` lets a worker reach rows of their own organisation (its own partner record).
    `self_user` is a column compared to the viewer's user id, reached whatever the scope (one's own user).
    """

    province: str | None = None
    county: str | None = None
    organization: str | None = None
    worker: str | None = None
    worker_organization: bool = False
    self_user: str | None = None
    national: bool = True


def scope_filter(viewer: Viewer, rows: RowScope) -> Q:
    """The filter that keeps exactly the rows of `rows`' table the viewer may reach."""
    scope = viewer.scope
    condition = _scope_condition(viewer, scope, rows)
    if rows.self_user and condition is not EVERYTHING:
        # Tortoise drops an empty Q() inside an OR, so "everything or own" must stay "everything".
        own = Q(**{rows.self_user: viewer.user_id})
        return own if condition is NOTHING else (condition | own)
    return condition


def _scope_condition(viewer: Viewer, scope: Scope, rows: RowScope) -> Q:
    if scope is Scope.NATIONAL:
        return EVERYTHING if rows.national else NOTHING
    if scope is Scope.PROVINCE:
        return _equals(rows.province, viewer.province_id)
    if scope is Scope.COUNTY:
        return _equals(rows.county, viewer.county_id)
    if scope is Scope.OWN_ORGANIZATION:
        return _equals(rows.organization, viewer.organization_id)
    if scope is Scope.OWN_ASSIGNMENT:
        if rows.worker:
            return _equals(rows.worker, viewer.staff_member_id)
        if rows.worker_organization:
            return _equals(rows.organization, viewer.organization_id)
    return NOTHING


def _equals(column: str | None, value: int | None) -> Q:
    if column is None or value is None:
        return NOTHING
    return Q(**{column: value})


def visible_rows(viewer: Viewer | None, model: type[M], rows: RowScope) -> QuerySet[M]:
    """`model`'s rows within the viewer's scope; an anonymous viewer reaches none."""
    queryset = model.all()
    if viewer is None:
        return queryset.filter(NOTHING)
    return queryset.filter(scope_filter(viewer, rows))


def within_scope(viewer: Viewer, rows: RowScope, row: dict[str, object]) -> bool:
    """Whether a row with these column values — one about to be written — lies in the viewer's scope.

    The same `RowScope` that filters reads decides writes, so a create or a move can never place a row
    where its author could not see it (ACCESS.md rule 4).
    """
    scope = viewer.scope
    if rows.self_user and row.get(rows.self_user) == viewer.user_id:
        return True
    if scope is Scope.NATIONAL:
        return rows.national
    expected: tuple[str | None, int | None]
    if scope is Scope.PROVINCE:
        expected = (rows.province, viewer.province_id)
    elif scope is Scope.COUNTY:
        expected = (rows.county, viewer.county_id)
    elif scope is Scope.OWN_ORGANIZATION or (scope is Scope.OWN_ASSIGNMENT and rows.worker_organization):
        expected = (rows.organization, viewer.organization_id)
    elif scope is Scope.OWN_ASSIGNMENT:
        expected = (rows.worker, viewer.staff_member_id)
    else:
        return False
    column, value = expected
    return column is not None and value is not None and row.get(column) == value

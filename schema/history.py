"""The change history of case files (issue #3): who changed which family, member or child, when, before → after.

Every mutation that changes a family, a member or a child calls `record_change` in the request's transaction, so a
change cannot be committed without its history. Only the fields that changed are stored, keyed by their GraphQL
names, as `{field: [before, after]}`; a creation records its after-values against null.
"""

from __future__ import annotations

import datetime
import json
from enum import Enum
from typing import Any

import strawberry
from tortoise import connections

from auth.roles import Viewer
from models.families import ChangeRecord as ChangeRow
from schema.context import Info


def _plain(value: Any) -> Any:
    """A value as JSON can hold it: dates as ISO strings, enums by name."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """`{field: [before, after]}` for every field of `after` whose value differs from `before` (absent = null)."""
    changes: dict[str, list[Any]] = {}
    for field, value in after.items():
        old, new = _plain(before.get(field)), _plain(value)
        if old != new:
            changes[field] = [old, new]
    return changes


async def record_change(
    viewer: Viewer,
    *,
    entity: str,
    entity_id: int,
    family_id: int | None,
    child_id: int | None,
    operation: str,
    before: dict[str, Any],
    after: dict[str, Any],
    province_id: int,
    county_id: int,
) -> None:
    """Write one history record of `entity` (a file, a member, or a record on a file); nothing when no field
    changed. A plain INSERT: partner staff write the history of their files' casework without reading it back (the
    history is the office's; row-level security, migration 0011)."""
    changes = changed_fields(before, after)
    if not changes:
        return
    await connections.get("default").execute_query(
        "insert into change_record (entity, entity_id, family_id, child_id, operation, changes, user_id, username,"
        " province_id, county_id, at) values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, now())",
        [entity, entity_id, family_id, child_id, operation, json.dumps(changes, ensure_ascii=False), viewer.user_id,
         viewer.username, province_id, county_id])


def _shown(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


@strawberry.type(description="One field of a change: its value before and after (office only).")
class FieldChange:
    field: str = strawberry.field(description="The field's GraphQL name, e.g. `firstName`.")
    before: str | None = strawberry.field(description="Value before (dates ISO-8601); null when it had none.")
    after: str | None = strawberry.field(description="Value after (dates ISO-8601); null when it has none.")


@strawberry.type(description="One change to a family, a member or a child: who, when, what (office only).")
class ChangeRecord:
    entity: str = strawberry.field(description="What was changed: `Family`, `Member`, `Child`, or a casework record "
                                               "its author corrected (`Interview`, `HomeVisit`, `Assessment`, "
                                               "`AidPlan`, `Service`, `Referral`, `Loan`, `FollowUp`, "
                                               "`GroupSession`), or an `Agreement` a decision to stop ended (Art. "
                                               "4.12).")
    operation: str = strawberry.field(
        description="How: `create`, `update`, `classify` (committee decision), `exit` (left the support cycle), "
                    "`correct` (a record corrected by its author within 24 hours), `add` or `remove` (a member "
                    "joined or left the household, and its size), `end` (an agreement ended).")
    at: datetime.datetime = strawberry.field(description="When.")

    @strawberry.field(description="The fields that changed, before and after, by field name.")
    def changes(root: ChangeRow) -> list[FieldChange]:
        return [FieldChange(field=name, before=_shown(pair[0]), after=_shown(pair[1]))
                for name, pair in sorted(root.changes.items())]

    @strawberry.field(description="Who made the change.")
    def by_username(root: ChangeRow) -> str:
        return root.username


async def changes_of(info: Info, entity: str, entity_id: int) -> list[ChangeRow]:
    """The history of a row that is on no file (a peer group's session), oldest first, as the caller may read it; a
    page of such rows' histories in one statement (issue 8 item 6)."""
    rows: list[ChangeRow] = await info.context.loaders.grouped("ChangeRecord", "entity_id", entity=entity).load(
        entity_id)
    return rows

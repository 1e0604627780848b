"""The policy table through GraphQL: the figures the national office sets (rules/policy_values.py), read by every
office, set by the national office alone (auth/policy.py), and read by the money rules of other areas (pensions,
subsidy statements) through :func:`policy_rows`.

- **Never overwritten.** A change is a new row from a later day; `setPolicyValue` refuses a second row for the same
  key, qualifier and day (CONFLICT), and the API's database role may not update or delete (api/db.ensure_app_role).
- **From today on.** A figure takes effect from today or a later day, at most the end of the next Jalali year
  (rules/policy_values.effective_from_allowed): a past year keeps the values it had, so nothing already computed —
  or approved — from them changes.
- **Once per clientId** (schema/casework/records.once_per_client_id): the same figure (key, qualifier, day, value,
  note) sent again by the same user under its clientId returns the row already made, even once its day has passed;
  anything else under that clientId is a CONFLICT.
"""

from __future__ import annotations

import asyncio
import datetime
import uuid
import weakref
from collections.abc import Sequence
from typing import Annotated, Any

import strawberry
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from auth.roles import Viewer
from models.money import PolicyValue as PolicyValueRow
from rules.policy_values import PolicyKey, PolicyRow, check_policy_value, effective_from_allowed
from schema.casework.records import CLIENT_ID_DESCRIPTION, content_digest, once_per_client_id
from schema.common import clean_text, viewer_of
from schema.context import Info
from schema.errors import Conflict
from schema.loaders import Loaders
from schema.money.types import PolicyValue
from schema.rowtypes import served_as
from schema.scalars import BigInt
from schema.sources import scoped_rows

QUALIFIER_LENGTH = 32  # the column's width (models/money.PolicyValue)
NOTE_LENGTH = 2000


async def load_policy_rows(viewer: Viewer | None) -> list[PolicyRow]:
    """Every row of the policy table, in one query through the scope door (the table is national: every viewer
    reaches all of it), as the rules read them (`rules.policy_values.value_in_force`)."""
    rows = await scoped_rows(viewer, "PolicyValue").order_by("key", "qualifier", "effective_from")
    return [PolicyRow(key=PolicyKey(row.key), qualifier=row.qualifier, effective_from=row.effective_from,
                      value=row.value) for row in rows]


_REQUEST_ROWS: weakref.WeakKeyDictionary[Loaders, asyncio.Future[list[PolicyRow]]] = weakref.WeakKeyDictionary()


async def policy_rows(info: Info) -> list[PolicyRow]:
    """The policy table for this request, read once however many pensions or statement lines ask for it; the rules
    pick the value in force on each day (`value_in_force`, `rules.pension.pension_in_force`)."""
    loaders = info.context.loaders
    pending = _REQUEST_ROWS.get(loaders)
    if pending is None:
        pending = _REQUEST_ROWS[loaders] = asyncio.ensure_future(load_policy_rows(info.context.viewer))
    return await pending


def in_force_on(rows: Sequence[Any], on: datetime.date) -> list[Any]:
    """Of `rows` ordered by key, qualifier and day, the one in force on `on` for each key and qualifier."""
    latest: dict[tuple[str, str], Any] = {}
    for row in rows:
        if row.effective_from <= on:
            latest[(row.key, row.qualifier)] = row
    return list(latest.values())


@strawberry.type
class PolicyQueries:
    @strawberry.field(description="The figures the national office sets (Art. 6, seed 002), ordered by key, qualifier "
                                  "and the day they take effect. Without `onDate`, the whole history — every row ever "
                                  "set, none overwritten; with it, only the value in force on that day for each key "
                                  "and qualifier. Office roles only.")
    async def policy_values(
        self, info: Info,
        key: Annotated[PolicyKey | None, strawberry.argument(description="Only this figure.")] = None,
        on_date: Annotated[datetime.date | None, strawberry.argument(
            description="Only the values in force on this day. Jalali accepted.")] = None,
    ) -> list[PolicyValue]:
        found = scoped_rows(viewer_of(info), "PolicyValue")
        if key is not None:
            found = found.filter(key=key)
        if on_date is not None:
            found = found.filter(effective_from__lte=on_date)
        rows = await found.order_by("key", "qualifier", "effective_from")
        return served_as(PolicyValue, rows if on_date is None else in_force_on(rows, on_date))


@strawberry.input(description="A figure the national office sets from a day on. Never overwrites one already set: a "
                              "change is a new value from a later day.")
class SetPolicyValueInput:
    key: PolicyKey = strawberry.field(description="Which figure.")
    qualifier: str = strawberry.field(default="", description="Which of the key's values (see `PolicyValue.qualifier`);"
                                                              " empty when the key has one value.")
    effective_from: datetime.date = strawberry.field(description="The first day it is in force: today or later, at "
                                                                 "most the end of the next Jalali year (the days gone "
                                                                 "by keep the values they had). Jalali accepted.")
    value: BigInt = strawberry.field(description="The figure in the key's unit: whole rials, basis points (a share, "
                                                 "at most 10 000; a pension 3000–5000) or a whole number; not "
                                                 "negative.")
    note: str = strawberry.field(default="", description="Why: the decision or circular it follows.")
    client_id: uuid.UUID | None = strawberry.field(default=None, description=CLIENT_ID_DESCRIPTION)


@strawberry.type(description="The figure set.")
class PolicyValuePayload:
    policy_value: PolicyValue = strawberry.field(description="The new row (or, for a resending, the row it made).")


@strawberry.type
class PolicyMutations:
    @strawberry.mutation(description="Set a figure of the policy table from a day on (national office only). "
                                     "BAD_USER_INPUT for a qualifier the key does not take, a value out of its bounds "
                                     "or a day in the past; CONFLICT when the key and qualifier already have a value "
                                     "from that day.")
    async def set_policy_value(self, info: Info, input: SetPolicyValueInput) -> PolicyValuePayload:
        viewer = viewer_of(info)
        qualifier = clean_text(input.qualifier, "qualifier", QUALIFIER_LENGTH)
        values: dict[str, Any] = {
            "key": input.key, "qualifier": qualifier, "effective_from": input.effective_from,
            "value": check_policy_value(input.key, qualifier, input.value),
            "note": clean_text(input.note, "note", NOTE_LENGTH)}
        digest = content_digest(values)

        async def create() -> PolicyValueRow:
            # A resending was answered before (once_per_client_id): sent yesterday for yesterday, it is no new value.
            if await _set_on_that_day(viewer, values) is not None:
                raise _day_taken()
            effective_from_allowed(input.effective_from, datetime.date.today(), field="effectiveFrom")
            try:
                async with in_transaction():  # a savepoint: the request stays usable for the look-up
                    return await PolicyValueRow.create(**values, set_by_id=viewer.user_id,
                                                       set_by_username=viewer.username, client_id=input.client_id,
                                                       client_digest=digest)
            except IntegrityError:  # another request set the same key, qualifier and day meanwhile
                raced = await _set_on_that_day(viewer, values)
                if raced is None or (input.client_id is not None and raced.client_id == input.client_id):
                    raise  # no figure raced in, or this sending's own: once_per_client_id answers it
                raise _day_taken() from None

        row, _ = await once_per_client_id(PolicyValueRow, input.client_id, digest, viewer.user_id, create)
        return PolicyValuePayload(policy_value=served_as(PolicyValue, row))


async def _set_on_that_day(viewer: Viewer, values: dict[str, Any]) -> PolicyValueRow | None:
    row: PolicyValueRow | None = await scoped_rows(viewer, "PolicyValue").get_or_none(
        key=values["key"], qualifier=values["qualifier"], effective_from=values["effective_from"])
    return row


def _day_taken() -> Conflict:
    """CONFLICT: a row is never overwritten."""
    return Conflict("This figure already has a value from that day; values are never overwritten: set a new one from a "
                    "later day.", "برای این مورد از همین روز مقداری تعیین شده است؛ مقادیر بازنویسی نمی‌شوند، مقدار "
                    "تازه را از روزی دیگر تعیین کنید.", field="effectiveFrom")

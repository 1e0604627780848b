"""Household changes: a member joins (birth, marriage) or leaves (death, marriage, leaving), and the household's size
is kept as a history, so the pension of any month can be computed (the pension follows the size, seeds 001 and 002;
rules/household.py).

- **Who.** The office, on the files of its area, delegated or not, as it edits members (auth/policy.py,
  HOUSEHOLD_EDITORS). A partner that learns of a birth or a death first records it in an interview or a home visit;
  the office, which pays the pension, changes the household.
- **The family.** Through the caller's scope (NOT_FOUND outside it), in the support cycle, and locked until the
  request ends, so two changes of one household are applied one after the other.
- **The size.** `Family.householdSize` moves by one; the change records the size from its day on, and a change dated
  before later-dated ones shifts their sizes by the same one. The head is never removed, so no size falls below one.
- **The member.** A new one is checked like registerFamily's members (a valid national ID, unique across live files);
  one who leaves is no longer live — their national ID is free for another file — and no longer listed among the
  family's members. Both leave the change history (schema/history.py), as updateMember does.
- **Once per clientId**, as every casework record (schema/casework/records.py).
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import strawberry
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from models.casework import HouseholdChange as HouseholdChangeRow
from models.families import FileStatus, Relation
from models.families import Member as MemberRow
from rules.household import (
    change_reason_allowed,
    household_size_on,
    joining_date_allowed,
    leaving_date_allowed,
)
from rules.services import HouseholdChangeReason
from schema.casework.records import RecordTarget, make_record, sent_before
from schema.casework.types import HouseholdChange
from schema.common import find_scoped, viewer_of
from schema.context import Info
from schema.errors import BadUserInput, Conflict, NotFound
from schema.families.mutations import MemberInput, cleaned_member, member_conflict, member_fields
from schema.families.types import Family, Member
from schema.history import record_change
from schema.node import expect_id
from schema.sources import scoped_rows

_CLIENT_ID = "A UUID your app made for this change: sending it again returns the change already made."


@strawberry.input(description="A member joins a household: by birth, or by marriage (a spouse joins).")
class AddMemberInput:
    family_id: strawberry.ID = strawberry.field(description="The family.")
    member: MemberInput = strawberry.field(description="The new member; not the head (the household has one).")
    reason: HouseholdChangeReason = strawberry.field(description="BIRTH or MARRIAGE.")
    effective_on: datetime.date = strawberry.field(description="The day they joined (a birth: the birth date); not in "
                                                               "the future. Jalali accepted.")
    client_id: uuid.UUID | None = strawberry.field(default=None, description=_CLIENT_ID)


@strawberry.input(description="A member leaves a household: by death, by marriage, or to live elsewhere.")
class RemoveMemberInput:
    member_id: strawberry.ID = strawberry.field(description="The member; never the head.")
    reason: HouseholdChangeReason = strawberry.field(description="DEATH, MARRIAGE or LEAVING.")
    effective_on: datetime.date = strawberry.field(description="The day they left; not in the future, not before they "
                                                               "belonged to the household. Jalali accepted.")
    client_id: uuid.UUID | None = strawberry.field(default=None, description=_CLIENT_ID)


@strawberry.type(description="The household changed: the change, the member and the family with its new size.")
class HouseholdChangePayload:
    household_change: HouseholdChange = strawberry.field(description="The change.")
    member: Member = strawberry.field(description="The member who joined or left.")
    family: Family = strawberry.field(description="The family, with its household size now.")


async def _household(info: Info, family_id: int, field: str) -> Any:
    """The family, within the caller's scope (NOT_FOUND on `field` outside it) and in the support cycle, locked until
    the request ends."""
    family = await scoped_rows(viewer_of(info), "Family").filter(id=family_id).select_for_update().get_or_none()
    if family is None:
        raise NotFound(field=field)
    if family.status is FileStatus.EXITED:
        raise BadUserInput("The file has left the support cycle.", "این پرونده از چرخه حمایت خارج شده است.",
                           field=field)
    return family


async def _changes(info: Info, family_id: int) -> list[Any]:
    """The household's changes in the order they apply."""
    rows = await scoped_rows(viewer_of(info), "HouseholdChange").filter(family_id=family_id)
    return sorted(rows, key=lambda change: (change.effective_on, change.id))


async def _apply(info: Info, family: Any, member: Any, target: RecordTarget, client_id: uuid.UUID | None,
                 sent: dict[str, Any], *, reason: HouseholdChangeReason, effective_on: datetime.date,
                 delta: int) -> HouseholdChangePayload:
    """Record the change, move the later-dated changes' sizes and the family's, and leave the history."""
    viewer = viewer_of(info)
    changes = await _changes(info, family.id)
    size = household_size_on(changes, family.household_size, effective_on) + delta
    await scoped_rows(viewer, "HouseholdChange").filter(family_id=family.id, effective_on__gt=effective_on).update(
        household_size=F("household_size") + delta)
    change, _ = await make_record(info, HouseholdChangeRow, target, client_id, {
        "effective_on": effective_on, "reason": reason, "member_id": member.id, "delta": delta,
        "household_size": size}, sent=sent)
    await scoped_rows(viewer, "Family").filter(id=family.id).update(household_size=F("household_size") + delta,
                                                                    version=F("version") + 1)
    await record_change(viewer, entity="Family", entity_id=family.id, family_id=family.id, child_id=None,
                        operation="add" if delta > 0 else "remove", before={"householdSize": family.household_size},
                        after={"householdSize": family.household_size + delta}, province_id=family.province_id,
                        county_id=family.county_id)
    return await _payload(info, change)


async def _payload(info: Info, change: Any) -> HouseholdChangePayload:
    viewer = viewer_of(info)
    return HouseholdChangePayload(household_change=change,
                                  member=await scoped_rows(viewer, "Member").get(id=change.member_id),
                                  family=await scoped_rows(viewer, "Family").get(id=change.family_id))


def _target(family: Any) -> RecordTarget:
    # The office records the change, on a delegated file too: it is made under no partner.
    return RecordTarget(type_name="Family", row=family, partner_id=None, started_on=datetime.date.min)


@strawberry.type
class HouseholdMutations:
    @strawberry.mutation(description="A member joins a household (birth, marriage): the household's size grows by one "
                                     "from that day. Office only, on the files of its area.")
    async def add_member(self, info: Info, input: AddMemberInput) -> HouseholdChangePayload:
        family = await _household(info, expect_id(input.family_id, "Family", "familyId"), "familyId")
        target = _target(family)
        columns = cleaned_member(input.member)
        sent = {"member": columns, "reason": input.reason, "effective_on": input.effective_on}
        previous = await sent_before(info, HouseholdChangeRow, target, input.client_id, sent)
        if previous is not None:
            return await _payload(info, previous)
        if input.member.relation is Relation.HEAD:
            raise BadUserInput("The household has its head; a new member has another relation.",
                               "خانوار سرپرست دارد؛ عضو جدید نسبت دیگری دارد.", field="relation")
        change_reason_allowed(input.reason, joining=True)
        effective_on = joining_date_allowed(input.effective_on, input.reason, columns["birth_date"],
                                            datetime.date.today(), field="effectiveOn")
        owners = {"province_id": family.province_id, "county_id": family.county_id,
                  "assigned_partner_id": family.assigned_partner_id, "assigned_worker_id": family.assigned_worker_id,
                  "access_until": family.access_until}
        try:
            async with in_transaction():  # a savepoint: a duplicate national ID leaves the request usable
                member = await MemberRow.create(**columns, family_id=family.id, **owners)
        except IntegrityError as error:
            raise await member_conflict(info, [columns["national_id"]], error) from None
        await record_change(viewer_of(info), entity="Member", entity_id=member.id, family_id=family.id,
                            child_id=None, operation="add", before={},
                            after={**member_fields(member), "reason": input.reason, "effectiveOn": effective_on},
                            province_id=family.province_id, county_id=family.county_id)
        return await _apply(info, family, member, target, input.client_id, sent, reason=input.reason,
                            effective_on=effective_on, delta=1)

    @strawberry.mutation(description="A member leaves a household (death, marriage, leaving): the household's size "
                                     "shrinks by one from that day, and their national ID is free for another file. "
                                     "The head is never removed. Office only, on the files of its area.")
    async def remove_member(self, info: Info, input: RemoveMemberInput) -> HouseholdChangePayload:
        found = await find_scoped(info, "Member", input.member_id, "memberId")
        family = await _household(info, found.family_id, "memberId")
        target = _target(family)
        sent = {"member": found.id, "reason": input.reason, "effective_on": input.effective_on}
        previous = await sent_before(info, HouseholdChangeRow, target, input.client_id, sent)
        if previous is not None:
            return await _payload(info, previous)
        member = await scoped_rows(viewer_of(info), "Member").get(id=found.id)  # read again under the family's lock
        if member.is_head:
            raise BadUserInput("The head of the household is not removed.", "سرپرست خانوار حذف نمی‌شود.",
                               field="memberId")
        if member.removed_on is not None:
            raise Conflict("The member has already left the household.", "این عضو پیش‌تر از خانوار جدا شده است.",
                           field="memberId")
        change_reason_allowed(input.reason, joining=False)
        joined = await scoped_rows(viewer_of(info), "HouseholdChange").filter(member_id=member.id, delta=1).first()
        member_since = joined.effective_on if joined is not None else member.birth_date
        effective_on = leaving_date_allowed(input.effective_on, member_since, datetime.date.today(),
                                            field="effectiveOn")
        await scoped_rows(viewer_of(info), "Member").filter(id=member.id).update(
            live=False, removed_on=effective_on, version=F("version") + 1)
        await record_change(viewer_of(info), entity="Member", entity_id=member.id, family_id=family.id,
                            child_id=None, operation="remove", before={"live": True, "removedOn": None},
                            after={"live": False, "removedOn": effective_on, "reason": input.reason},
                            province_id=family.province_id, county_id=family.county_id)
        return await _apply(info, family, member, target, input.client_id, sent, reason=input.reason,
                            effective_on=effective_on, delta=-1)

"""Mutations of the children area: admitting a child in family care (seed 002) and recording that it left care.
Each one is all-or-nothing and leaves its change history (schema/history.py)."""

from __future__ import annotations

import datetime
from typing import Any

import strawberry
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from models.children import Child as ChildRow
from models.children import CustodyReason, Placement
from models.delegation import EndReason
from models.families import FileStatus, Sex
from rules.national_id import validate_national_id
from rules.persian import normalise_search
from rules.services import ExitRoute
from schema.case_files import (
    EXIT_NOTE_LENGTH,
    NOTES_LENGTH,
    county_for_new_file,
    duplicate_national_id,
    is_unique_violation,
    next_file_number,
    not_in_future,
    plain_name,
)
from schema.children.types import Child
from schema.common import clean_text, find_scoped, viewer_of
from schema.context import Info
from schema.delegation.ownership import end_delegation
from schema.errors import BadUserInput
from schema.history import record_change
from schema.rowtypes import served_as
from schema.sources import scoped_rows

COURT_ORDER_LENGTH = 100
# A child in family care is under 18 (docs/domain.md, who is served; seed 002).
ADULT_AGE = 18


@strawberry.input(description="A child in family care to admit (county office or above, in your area).")
class RegisterChildInput:
    county_id: strawberry.ID = strawberry.field(description="The county office that holds the file.")
    national_id: str = strawberry.field(description="National ID (کد ملی); unique among children in care.")
    first_name: str = strawberry.field(description="First name.")
    last_name: str = strawberry.field(description="Last name.")
    birth_date: datetime.date = strawberry.field(description="Birth date; the child must be under 18 today.")
    sex: Sex = strawberry.field(description="Sex.")
    custody_reason: CustodyReason = strawberry.field(description="Why the court gave custody.")
    court_order_reference: str = strawberry.field(description="The court order's reference.")
    placement: Placement = strawberry.field(description="Where the child lives.")
    discharged_on: datetime.date | None = strawberry.field(default=None,
                                                           description="When discharged from a child home.")
    priority: bool = strawberry.field(default=False, description="Problems needing faster attention.")
    guardian_family_id: strawberry.ID | None = strawberry.field(
        default=None, description="The household the child lives with, where it has a file.")
    office_notes: str = strawberry.field(default="", description="The office's internal notes.")


@strawberry.input(description="A child leaves care; a live delegation of its follow-up ends with it.")
class RecordChildExitInput:
    child_id: strawberry.ID = strawberry.field(description="The child.")
    route: ExitRoute = strawberry.field(description="How the child left.")
    exited_on: datetime.date = strawberry.field(description="When the child left.")
    note: str | None = strawberry.field(default=None, description="A note for the history.")


@strawberry.type(description="The child admitted or changed.")
class ChildPayload:
    child: Child = strawberry.field(description="The child.")


def is_minor(birth_date: datetime.date, on: datetime.date) -> bool:
    """Under 18 on `on` (a 29 February birthday comes of age on 1 March)."""
    try:
        coming_of_age = birth_date.replace(year=birth_date.year + ADULT_AGE)
    except ValueError:
        coming_of_age = datetime.date(birth_date.year + ADULT_AGE, 3, 1)
    return on < coming_of_age


def _checked_birth_date(birth_date: datetime.date) -> datetime.date:
    not_in_future(birth_date, "birthDate")
    if not is_minor(birth_date, datetime.date.today()):
        raise BadUserInput("A child in family care is under 18.", "فرزند تحت سرپرستی باید زیر ۱۸ سال باشد.",
                           field="birthDate")
    return birth_date


def _child_fields(child: ChildRow) -> dict[str, Any]:
    """A child's history fields, by GraphQL name."""
    return {"fileNumber": child.file_number, "nationalId": child.national_id, "firstName": child.first_name,
            "lastName": child.last_name, "birthDate": child.birth_date, "sex": child.sex,
            "custodyReason": child.custody_reason, "courtOrderReference": child.court_order_reference,
            "placement": child.placement, "dischargedOn": child.discharged_on, "priority": child.priority,
            "guardianFamilyId": child.guardian_family_id, "status": child.status, "officeNotes": child.office_notes}


async def _child_conflict(info: Info, national_id: str, error: IntegrityError) -> Exception:
    """The CONFLICT for a national ID a child in care already holds, naming the file only if the viewer sees it."""
    if not is_unique_violation(error, "child_live_national_id"):
        return error
    holder = await scoped_rows(info.context.viewer, "Child").get_or_none(national_id=national_id,
                                                                       status=FileStatus.ACTIVE)
    return duplicate_national_id(holder.file_number if holder is not None else None)


@strawberry.type
class ChildMutations:
    @strawberry.mutation(description="Admit a child in family care: opens its file in a county of your area.")
    async def register_child(self, info: Info, input: RegisterChildInput) -> ChildPayload:
        national_id = validate_national_id(input.national_id, "nationalId")
        first_name, last_name = plain_name(input.first_name, "firstName"), plain_name(input.last_name, "lastName")
        birth_date = _checked_birth_date(input.birth_date)
        discharged_on = input.discharged_on
        if discharged_on is not None and (not_in_future(discharged_on, "dischargedOn") < birth_date):
            raise BadUserInput("dischargedOn is before the birth date.", "تاریخ ترخیص پیش از تاریخ تولد است.",
                               field="dischargedOn")
        court_order = clean_text(input.court_order_reference, "courtOrderReference", COURT_ORDER_LENGTH)
        notes = clean_text(input.office_notes, "officeNotes", NOTES_LENGTH)
        guardian = None
        if input.guardian_family_id is not None:
            guardian = await find_scoped(info, "Family", input.guardian_family_id, "guardianFamilyId")
        county = await county_for_new_file(info, input.county_id)
        try:
            async with in_transaction():  # a savepoint: a duplicate leaves the request usable for the look-up
                child = await ChildRow.create(
                    file_number=await next_file_number(info, "Child", county, "C"), national_id=national_id,
                    first_name=first_name, last_name=last_name,
                    name_search=normalise_search(f"{first_name} {last_name}"),
                    last_name_search=normalise_search(last_name), birth_date=birth_date, sex=input.sex,
                    custody_reason=input.custody_reason, court_order_reference=court_order,
                    placement=input.placement, discharged_on=discharged_on, priority=input.priority,
                    guardian_family_id=guardian.id if guardian is not None else None, office_notes=notes,
                    province_id=county.province_id, county_id=county.id,
                )
        except IntegrityError as error:
            raise await _child_conflict(info, national_id, error) from None
        await record_change(viewer_of(info), entity="Child", entity_id=child.id, family_id=None, child_id=child.id,
                            operation="create", before={}, after=_child_fields(child),
                            province_id=child.province_id, county_id=child.county_id)
        return ChildPayload(child=served_as(Child, child))

    @strawberry.mutation(description="Record that a child left care: its national ID is freed for a new file, and a "
                                     "live delegation of its follow-up ends (the partner loses access).")
    async def record_child_exit(self, info: Info, input: RecordChildExitInput) -> ChildPayload:
        child = await find_scoped(info, "Child", input.child_id, "childId")
        if child.status is FileStatus.EXITED:
            raise BadUserInput("The child has already left care.", "این فرزند پیش‌تر از چرخه حمایت خارج شده است.",
                               field="childId")
        exited_on = not_in_future(input.exited_on, "exitedOn")
        if exited_on < child.birth_date:
            raise BadUserInput("exitedOn is before the birth date.", "تاریخ خروج پیش از تاریخ تولد است.",
                               field="exitedOn")
        note = clean_text(input.note or "", "note", EXIT_NOTE_LENGTH)
        await end_delegation(info, child_id=child.id, reason=EndReason.EXITED, note=note)
        await ChildRow.filter(id=child.id).update(
            status=FileStatus.EXITED, exit_route=input.route, exited_on=exited_on, version=F("version") + 1)
        await record_change(viewer_of(info), entity="Child", entity_id=child.id, family_id=None, child_id=child.id,
                            operation="exit", before={"status": child.status},
                            after={"status": FileStatus.EXITED, "exitRoute": input.route, "exitedOn": exited_on,
                                   "note": note or None},
                            province_id=child.province_id, county_id=child.county_id)
        return ChildPayload(child=await scoped_rows(info.context.viewer, "Child").get(id=child.id))

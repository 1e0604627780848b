"""Mutations of the families area: admission (seed 001), member edits, committee classification (Art. 4.1) and exit
from the support cycle. Each one is all-or-nothing and leaves its change history (schema/history.py)."""

from __future__ import annotations

import datetime
from typing import Any

import strawberry
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from models.delegation import EndReason
from models.families import Family as FamilyRow
from models.families import FamilyCategory, FileStatus, Rehabilitability, Relation, Sex
from models.families import Member as MemberRow
from rules.casework import post_rehabilitation_window
from rules.committees import CommitteeSubject
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
from schema.casework.committees import register_decision
from schema.common import (
    ADDRESS_LENGTH,
    check_version,
    clean_text,
    find_scoped,
    given,
    viewer_of,
)
from schema.context import Info
from schema.delegation.ownership import end_delegation, set_file_owners
from schema.errors import BadUserInput, Conflict, StaleVersion
from schema.families.types import Family, Member
from schema.history import record_change
from schema.rowtypes import served_as
from schema.sources import scoped_rows

SHORT_TEXT_LENGTH = 100
HEALTH_LENGTH = 200
SKETCH_LENGTH = 4000


@strawberry.input(description="A member of a household to register.")
class MemberInput:
    national_id: str = strawberry.field(description="National ID (کد ملی), 10 digits with a check digit; unique "
                                                    "across live files.")
    first_name: str = strawberry.field(description="First name.")
    last_name: str = strawberry.field(description="Last name.")
    birth_date: datetime.date = strawberry.field(description="Birth date (ISO or Jalali).")
    sex: Sex = strawberry.field(description="Sex.")
    relation: Relation = strawberry.field(description="Relation to the head; exactly one member is the HEAD.")
    education: str = strawberry.field(default="", description="Education.")
    job: str = strawberry.field(default="", description="Job.")
    health: str = strawberry.field(default="", description="Health and disability.")
    insurance: str = strawberry.field(default="", description="Insurance.")


@strawberry.input(description="A household to admit (county office or above, in your area).")
class RegisterFamilyInput:
    category: FamilyCategory = strawberry.field(description="Why the household is supported.")
    county_id: strawberry.ID = strawberry.field(description="The county office that holds the file.")
    members: list[MemberInput] = strawberry.field(description="The members; exactly one with relation HEAD.")
    address: str = strawberry.field(default="", description="Postal address.")
    location_sketch: str = strawberry.field(default="", description="How to find the home in an emergency.")
    support_started_on: datetime.date | None = strawberry.field(default=None, description="When support started.")
    office_notes: str = strawberry.field(default="", description="The office's internal notes.")


@strawberry.input(description="Changes to a member. Send the `version` you read; omitted fields stay as they are.")
class UpdateMemberInput:
    id: strawberry.ID = strawberry.field(description="The member.")
    version: int = strawberry.field(description="The version you read (CONFLICT if someone changed it since).")
    first_name: str | None = strawberry.field(default=strawberry.UNSET, description="New first name.")
    last_name: str | None = strawberry.field(default=strawberry.UNSET, description="New last name.")
    birth_date: datetime.date | None = strawberry.field(default=strawberry.UNSET, description="New birth date.")
    sex: Sex | None = strawberry.field(default=strawberry.UNSET, description="New sex.")
    relation: Relation | None = strawberry.field(default=strawberry.UNSET,
                                                 description="New relation; the head stays the head.")
    education: str | None = strawberry.field(default=strawberry.UNSET, description="New education.")
    job: str | None = strawberry.field(default=strawberry.UNSET, description="New job.")
    health: str | None = strawberry.field(default=strawberry.UNSET, description="New health and disability.")
    insurance: str | None = strawberry.field(default=strawberry.UNSET, description="New insurance.")
    national_id: str | None = strawberry.field(default=strawberry.UNSET, description="Corrected national ID.")


@strawberry.input(description="A level-2 or level-3 committee decision on a file's rehabilitability (Art. 4.1).")
class ClassifyFamilyInput:
    family_id: strawberry.ID = strawberry.field(description="The family.")
    committee_level: int = strawberry.field(description="2 (county office) or 3 (province office).")
    decided_on: datetime.date = strawberry.field(description="When the committee decided.")
    rehabilitability: Rehabilitability = strawberry.field(description="REHABILITABLE or NON_REHABILITABLE.")
    minutes: str = strawberry.field(default="", description="The committee's minutes.")


@strawberry.input(description="A household leaves the support cycle; a live delegation ends with it.")
class RecordExitInput:
    family_id: strawberry.ID = strawberry.field(description="The family.")
    route: ExitRoute = strawberry.field(description="How it left.")
    exited_on: datetime.date = strawberry.field(description="When it left.")
    note: str | None = strawberry.field(default=None, description="A note for the history.")
    post_rehabilitation_follow_up: bool = strawberry.field(
        default=False, description="On the level-1 committee's proposal, the partner that held the file keeps "
                                   "following it for up to a year from the exit, for services and follow-up visits "
                                   "only; then its access ends by itself (Art. 6.7). Only for a delegated file.")


@strawberry.type(description="The family admitted or changed.")
class FamilyPayload:
    family: Family = strawberry.field(description="The family.")


@strawberry.type(description="The member changed.")
class MemberPayload:
    member: Member = strawberry.field(description="The member.")


# --- families ------------------------------------------------------------------------------------------------


def member_fields(member: Any) -> dict[str, Any]:
    """A member's history fields, by GraphQL name (schema/history.py)."""
    return {"nationalId": member.national_id, "firstName": member.first_name, "lastName": member.last_name,
            "birthDate": member.birth_date, "sex": member.sex, "relation": member.relation, "isHead": member.is_head,
            "education": member.education, "job": member.job, "health": member.health, "insurance": member.insurance}


def _family_fields(family: FamilyRow) -> dict[str, Any]:
    return {"fileNumber": family.file_number, "category": family.category, "status": family.status,
            "rehabilitability": family.rehabilitability, "address": family.address,
            "locationSketch": family.location_sketch, "supportStartedOn": family.support_started_on,
            "householdSize": family.household_size, "officeNotes": family.office_notes}


def _cleaned_members(members: list[MemberInput]) -> list[dict[str, Any]]:
    heads = [member for member in members if member.relation is Relation.HEAD]
    if len(heads) != 1:
        raise BadUserInput("Exactly one member must be the head of the household (relation HEAD).",
                           "دقیقاً یک عضو باید سرپرست خانوار باشد.", field="members")
    cleaned, seen = [], set()
    for member in members:
        columns = cleaned_member(member)
        if columns["national_id"] in seen:
            raise Conflict("The same national ID is given twice.", "یک کد ملی دو بار آمده است.", field="nationalId")
        seen.add(columns["national_id"])
        cleaned.append(columns)
    return cleaned


def cleaned_member(member: MemberInput) -> dict[str, Any]:
    """A member's columns from its input: the national ID checked, names and text normalised (BAD_USER_INPUT on the
    field otherwise). Whether the ID is free across live files is the database's to say (`member_conflict`)."""
    return {
        "national_id": validate_national_id(member.national_id, "nationalId"),
        "first_name": plain_name(member.first_name, "firstName"), "last_name": plain_name(member.last_name, "lastName"),
        "birth_date": not_in_future(member.birth_date, "birthDate"), "sex": member.sex,
        "relation": member.relation, "is_head": member.relation is Relation.HEAD,
        "education": clean_text(member.education, "education", SHORT_TEXT_LENGTH),
        "job": clean_text(member.job, "job", SHORT_TEXT_LENGTH),
        "health": clean_text(member.health, "health", HEALTH_LENGTH),
        "insurance": clean_text(member.insurance, "insurance", SHORT_TEXT_LENGTH),
    }


def _head_search(first_name: str, last_name: str) -> dict[str, str]:
    return {"head_name_search": normalise_search(f"{first_name} {last_name}"),
            "head_last_name_search": normalise_search(last_name)}


async def member_conflict(info: Info, national_ids: list[str], error: IntegrityError) -> Exception:
    """The CONFLICT for a national ID a live member already holds, naming the file only if the viewer sees it."""
    if not is_unique_violation(error, "member_live_national_id"):
        return error
    viewer = info.context.viewer
    holder = await scoped_rows(viewer, "Member").filter(national_id__in=national_ids, live=True).first()
    family = await scoped_rows(viewer, "Family").get_or_none(id=holder.family_id) if holder is not None else None
    return duplicate_national_id(family.file_number if family is not None else None)


async def _create_family(data: dict[str, Any], members: list[dict[str, Any]]) -> tuple[FamilyRow, list[MemberRow]]:
    async with in_transaction():  # a savepoint: a duplicate national ID leaves the request usable for the look-up
        family = await FamilyRow.create(**data)
        created = [await MemberRow.create(**member, family_id=family.id, province_id=family.province_id,
                                          county_id=family.county_id) for member in members]
    return family, created


async def _record_creation(info: Info, family: FamilyRow, members: list[MemberRow]) -> None:
    viewer = viewer_of(info)
    place = {"province_id": family.province_id, "county_id": family.county_id}
    await record_change(viewer, entity="Family", entity_id=family.id, family_id=family.id, child_id=None,
                        operation="create", before={}, after=_family_fields(family), **place)
    for member in members:
        await record_change(viewer, entity="Member", entity_id=member.id, family_id=family.id, child_id=None,
                            operation="create", before={}, after=member_fields(member), **place)


def _member_changes(input: UpdateMemberInput, current: MemberRow) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for field, api_name in (("first_name", "firstName"), ("last_name", "lastName")):
        if given(getattr(input, field)):
            changes[field] = plain_name(getattr(input, field), api_name)
    if given(input.birth_date):
        changes["birth_date"] = not_in_future(input.birth_date, "birthDate")
    if given(input.sex):
        changes["sex"] = input.sex
    if given(input.relation) and input.relation is not current.relation:
        if current.is_head or input.relation is Relation.HEAD:
            raise BadUserInput("The head of the household stays the head; only other relations may change.",
                               "سرپرست خانوار تغییر نمی‌کند؛ فقط نسبت سایر اعضا قابل تغییر است.", field="relation")
        changes["relation"] = input.relation
    for field, length in (("education", SHORT_TEXT_LENGTH), ("job", SHORT_TEXT_LENGTH), ("health", HEALTH_LENGTH),
                          ("insurance", SHORT_TEXT_LENGTH)):
        if given(getattr(input, field)):
            changes[field] = clean_text(getattr(input, field), field, length)
    if given(input.national_id):
        changes["national_id"] = validate_national_id(input.national_id, "nationalId")
    return changes


@strawberry.type
class FamilyMutations:
    @strawberry.mutation(description="Admit a household: opens its file in a county of your area with a new file "
                                     "number. National IDs must be valid and not held by another live file.")
    async def register_family(self, info: Info, input: RegisterFamilyInput) -> FamilyPayload:
        members = _cleaned_members(input.members)
        head = next(member for member in members if member["is_head"])
        if input.category is FamilyCategory.WOMAN_HEADED and head["sex"] is not Sex.FEMALE:
            raise BadUserInput("A woman-headed household's head is a woman.", "سرپرست خانوار زن سرپرست باید زن باشد.",
                               field="category")
        address = clean_text(input.address, "address", ADDRESS_LENGTH)
        sketch = clean_text(input.location_sketch, "locationSketch", SKETCH_LENGTH)
        notes = clean_text(input.office_notes, "officeNotes", NOTES_LENGTH)
        started = not_in_future(input.support_started_on, "supportStartedOn") if input.support_started_on else None
        county = await county_for_new_file(info, input.county_id)
        data = {
            "file_number": await next_file_number(info, "Family", county), "category": input.category,
            "province_id": county.province_id, "county_id": county.id, "address": address, "location_sketch": sketch,
            "support_started_on": started, "household_size": len(members), "office_notes": notes,
            **_head_search(head["first_name"], head["last_name"]),
        }
        try:
            family, created = await _create_family(data, members)
        except IntegrityError as error:
            raise await member_conflict(info, [m["national_id"] for m in members], error) from None
        await _record_creation(info, family, created)
        return FamilyPayload(family=served_as(Family, family))

    @strawberry.mutation(description="Change a member's details. Send the `version` you read.")
    async def update_member(self, info: Info, input: UpdateMemberInput) -> MemberPayload:
        current = await find_scoped(info, "Member", input.id, "id")
        check_version(current, input.version)
        changes = _member_changes(input, current)
        try:
            async with in_transaction():  # a savepoint, as in register_family
                # Compare-and-set on the version: of two concurrent edits from the same version, one wins.
                updated = await scoped_rows(info.context.viewer, "Member").filter(
                    id=current.id, version=input.version).update(**changes, version=F("version") + 1)
        except IntegrityError as error:
            raise await member_conflict(info, [changes.get("national_id", "")], error) from None
        if updated == 0:
            raise StaleVersion()
        member = await scoped_rows(info.context.viewer, "Member").get(id=current.id)
        if member.is_head and ("first_name" in changes or "last_name" in changes):
            await scoped_rows(info.context.viewer, "Family").filter(id=member.family_id).update(
                **_head_search(member.first_name, member.last_name))
        await record_change(viewer_of(info), entity="Member", entity_id=member.id, family_id=member.family_id,
                            child_id=None, operation="update", before=member_fields(current),
                            after=member_fields(member), province_id=member.province_id, county_id=member.county_id)
        return MemberPayload(member=member)

    @strawberry.mutation(description="Record a committee's rehabilitability decision (Art. 4.1). Level 2 sits at the "
                                     "county office, level 3 at the province office (Art. 1.9–1.10); earlier "
                                     "decisions are kept.")
    async def classify_family(self, info: Info, input: ClassifyFamilyInput) -> FamilyPayload:
        if input.committee_level not in (2, 3):
            raise BadUserInput("The committee level is 2 or 3.", "سطح کمیته باید ۲ یا ۳ باشد.", field="committeeLevel")
        if input.rehabilitability is Rehabilitability.UNCLASSIFIED:
            raise BadUserInput("A decision classifies the file as rehabilitable or not.",
                               "تصمیم کمیته باید قابل بازتوان یا غیرقابل بازتوان باشد.", field="rehabilitability")
        decided_on = not_in_future(input.decided_on, "decidedOn")
        minutes = clean_text(input.minutes, "minutes", NOTES_LENGTH)
        viewer = viewer_of(info)
        family = await find_scoped(info, "Family", input.family_id, "familyId")
        if family.status is FileStatus.EXITED:
            raise BadUserInput("The file has left the support cycle.", "این پرونده از چرخه حمایت خارج شده است.",
                               field="familyId")
        await register_decision(viewer, CommitteeSubject.CLASSIFICATION, level=input.committee_level,
                                decided_on=decided_on, minutes=minutes, family_id=family.id, partner_id=None,
                                province_id=family.province_id, county_id=family.county_id,
                                rehabilitability=input.rehabilitability)
        await scoped_rows(viewer, "Family").filter(id=family.id).update(rehabilitability=input.rehabilitability,
                                                                        version=F("version") + 1)
        await record_change(viewer, entity="Family", entity_id=family.id, family_id=family.id, child_id=None,
                            operation="classify", before={"rehabilitability": family.rehabilitability},
                            after={"rehabilitability": input.rehabilitability}, province_id=family.province_id,
                            county_id=family.county_id)
        return FamilyPayload(family=await scoped_rows(info.context.viewer, "Family").get(id=family.id))

    @strawberry.mutation(description="Record that a household left the support cycle: its members' national IDs are "
                                     "freed for a new file, and a live delegation ends (the partner loses access).")
    async def record_exit(self, info: Info, input: RecordExitInput) -> FamilyPayload:
        family = await find_scoped(info, "Family", input.family_id, "familyId")
        if family.status is FileStatus.EXITED:
            raise BadUserInput("The file has already left the support cycle.",
                               "این پرونده پیش‌تر از چرخه حمایت خارج شده است.", field="familyId")
        exited_on = not_in_future(input.exited_on, "exitedOn")
        if family.support_started_on is not None and exited_on < family.support_started_on:
            raise BadUserInput("exitedOn is before support started.", "تاریخ خروج پیش از شروع حمایت است.",
                               field="exitedOn")
        note = clean_text(input.note or "", "note", EXIT_NOTE_LENGTH)
        if input.post_rehabilitation_follow_up and family.assigned_partner_id is None:
            raise BadUserInput("Only a partner that holds the file can follow it up after rehabilitation.",
                               "پیگیری پس از توانمندی فقط برای پرونده واگذارشده به مؤسسه همکار است.",
                               field="postRehabilitationFollowUp")
        members = await scoped_rows(info.context.viewer, "Member").filter(family_id=family.id, live=True)
        # The exit counts for the partner that held the file (Art. 6.3, Art. 6.8). Its access ends with the exit, or,
        # with a post-rehabilitation follow-up, at the end of the year that follows (Art. 6.7).
        ended = await end_delegation(info, family_id=family.id, reason=EndReason.EXITED, note=note)
        if ended is not None and input.post_rehabilitation_follow_up:
            await set_file_owners(family_id=family.id, partner_id=ended.partner_id, worker_id=ended.worker_id,
                                  access_until=post_rehabilitation_window(exited_on)[1])
        await FamilyRow.filter(id=family.id).update(
            status=FileStatus.EXITED, exit_route=input.route, exited_on=exited_on,
            exit_partner_id=ended.partner_id if ended is not None else None, version=F("version") + 1)
        await MemberRow.filter(family_id=family.id).update(live=False)
        viewer = viewer_of(info)
        place = {"province_id": family.province_id, "county_id": family.county_id}
        await record_change(viewer, entity="Family", entity_id=family.id, family_id=family.id, child_id=None,
                            operation="exit", before={"status": family.status},
                            after={"status": FileStatus.EXITED, "exitRoute": input.route, "exitedOn": exited_on,
                                   "note": note or None,
                                   "postRehabilitationFollowUp": input.post_rehabilitation_follow_up or None}, **place)
        for member in members:
            await record_change(viewer, entity="Member", entity_id=member.id, family_id=family.id, child_id=None,
                                operation="exit", before={"live": True}, after={"live": False}, **place)
        if ended is not None and input.post_rehabilitation_follow_up:
            await register_decision(viewer, CommitteeSubject.POST_REHABILITATION_FOLLOW_UP, level=1,
                                    decided_on=exited_on, minutes=note, family_id=family.id,
                                    partner_id=ended.partner_id, **place)
        return FamilyPayload(family=await scoped_rows(info.context.viewer, "Family").get(id=family.id))

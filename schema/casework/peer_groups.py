"""Peer groups (گروه همیار): a partner forms groups of the families delegated to it and records their sessions and
trainings, which its quarterly report counts (Art. 4.8: «تعداد گروه همیار تشکیل شده، تعداد جلسات گروهی، آموزشهای
برگزار شده»); seed 002 describes the groups as clients joined for shared economic, social and cultural activity.

- **Who.** Partner staff only (auth/policy.py, PEER_GROUP_STAFF): the group is the partner's, in the partner's area.
  A worker forms groups of the files assigned to them and alone among the workers reaches the groups they formed;
  the manager forms groups of any file delegated to the partner and reaches all of the partner's groups.
- **The families.** Each is looked up through the caller's scope: a family not delegated to the caller's partner
  (for a worker, not assigned to them) answers NOT_FOUND like a missing one (docs/access.md rules 3–4). A file that has
  left the support cycle joins no group and attends no session.
- **The days.** Not in the future; a group not before every one of its files came to the partner, a session not
  before its group was formed.
- **Once per clientId**, as every casework record (schema/casework/records.py).
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import strawberry

from auth.roles import Role
from models.casework import GroupSession as GroupSessionRow
from models.casework import GroupSessionAttendee as AttendeeRow
from models.casework import PeerGroup as PeerGroupRow
from models.casework import PeerGroupFamily as GroupFamilyRow
from models.families import FileStatus
from rules.casework import MAX_GROUP_FAMILIES, MIN_GROUP_FAMILIES, record_date_allowed
from schema.casework.mutations import CorrectionInput
from schema.casework.records import CLIENT_ID_DESCRIPTION as _CLIENT_ID
from schema.casework.records import NAME_LENGTH, REPORT_LENGTH, RecordTarget, correct_record, make_record
from schema.casework.types import GroupSession, PeerGroup
from schema.common import clean_text, find_scoped, given, viewer_of
from schema.context import Info
from schema.errors import BadUserInput
from schema.node import to_global_id
from schema.rowtypes import served_as
from schema.sources import scoped_rows


@strawberry.input(description="A peer group to form of families delegated to you (Art. 4.8).")
class FormPeerGroupInput:
    name: str = strawberry.field(description="The group's name.")
    formed_on: datetime.date = strawberry.field(description="When it was formed (not in the future, not before each "
                                                            "of its files came to you). Jalali accepted.")
    family_ids: list[strawberry.ID] = strawberry.field(description=f"Its families, {MIN_GROUP_FAMILIES} to "
                                                                   f"{MAX_GROUP_FAMILIES}, each delegated to you.")
    client_id: uuid.UUID | None = strawberry.field(default=None, description=_CLIENT_ID)


@strawberry.input(description="A session of a peer group, or a training held for it (Art. 4.8).")
class RecordGroupSessionInput:
    group_id: strawberry.ID = strawberry.field(description="The group.")
    held_on: datetime.date = strawberry.field(description="When it was held (not in the future, not before the group "
                                                          "was formed). Jalali accepted.")
    topic: str = strawberry.field(description="What it was about.")
    is_training: bool = strawberry.field(default=False, description="It was a training (Art. 4.8 counts them apart).")
    attendee_family_ids: list[strawberry.ID] = strawberry.field(description="The families that attended: at least "
                                                                            "one, each a family of the group.")
    notes: str = strawberry.field(default="", description="The facilitator's notes.")
    client_id: uuid.UUID | None = strawberry.field(default=None, description=_CLIENT_ID)


@strawberry.input(description="A correction of your own group session within 24 hours of recording it; omitted fields "
                              "stay as they are. Send the `version` you read.")
class CorrectGroupSessionInput(CorrectionInput):
    held_on: datetime.date | None = strawberry.field(default=strawberry.UNSET, description="When it was held. Jalali "
                                                                                           "accepted.")
    topic: str | None = strawberry.field(default=strawberry.UNSET, description="What it was about.")
    is_training: bool | None = strawberry.field(default=strawberry.UNSET, description="It was a training.")
    notes: str | None = strawberry.field(default=strawberry.UNSET, description="The facilitator's notes.")


@strawberry.type(description="The peer group formed.")
class PeerGroupPayload:
    peer_group: PeerGroup = strawberry.field(description="The group.")


@strawberry.type(description="The session recorded.")
class GroupSessionPayload:
    group_session: GroupSession = strawberry.field(description="The session.")


async def _families(info: Info, global_ids: list[strawberry.ID], field: str) -> list[Any]:
    """The files an input names, each through the caller's scope (NOT_FOUND outside it), each named once and in the
    support cycle."""
    if len(set(global_ids)) != len(global_ids):
        raise BadUserInput("A family is named twice.", "یک خانوار دو بار آمده است.", field=field)
    families = [await find_scoped(info, "Family", global_id, field) for global_id in global_ids]
    if any(family.status is FileStatus.EXITED for family in families):
        raise BadUserInput("A family has left the support cycle.", "یکی از خانوارها از چرخه حمایت خارج شده است.",
                           field=field)
    return families


async def _delegated_since(info: Info, families: list[Any]) -> datetime.date:
    """The day the last of these files came to the caller's partner."""
    live = await scoped_rows(viewer_of(info), "Assignment").filter(
        family_id__in=[family.id for family in families], ended_at__isnull=True)
    return max((assignment.assigned_on for assignment in live), default=datetime.date.min)


def _session_day(held_on: datetime.date, group: PeerGroupRow) -> datetime.date:
    """A session's day: not in the future, not before its group was formed."""
    day = record_date_allowed(held_on, datetime.date.min, datetime.date.today(), field="heldOn")
    if day < group.formed_on:
        raise BadUserInput("The session is before the group was formed.", "تاریخ جلسه پیش از تشکیل گروه است.",
                           field="heldOn")
    return day


@strawberry.type
class PeerGroupMutations:
    @strawberry.mutation(description="Form a peer group of families delegated to you (Art. 4.8); it is your "
                                     "partner's. A worker reaches the groups they formed, the manager all of them.")
    async def form_peer_group(self, info: Info, input: FormPeerGroupInput) -> PeerGroupPayload:
        viewer = viewer_of(info)
        name = clean_text(input.name, "name", NAME_LENGTH, required=True)
        if not MIN_GROUP_FAMILIES <= len(input.family_ids) <= MAX_GROUP_FAMILIES:
            raise BadUserInput(f"A peer group has {MIN_GROUP_FAMILIES} to {MAX_GROUP_FAMILIES} families.",
                               f"گروه همیار باید {MIN_GROUP_FAMILIES} تا {MAX_GROUP_FAMILIES} خانوار داشته باشد.",
                               field="familyIds")
        families = await _families(info, input.family_ids, "familyIds")
        started_on = await _delegated_since(info, families)
        formed_on = record_date_allowed(input.formed_on, started_on, datetime.date.today(), field="formedOn")
        partner = await scoped_rows(viewer, "Partner").get(id=viewer.organization_id)
        target = RecordTarget(type_name="Partner", row=partner, partner_id=partner.id, started_on=started_on)
        worker_id = viewer.staff_member_id if viewer.role is Role.PARTNER_WORKER else None
        values = {"name": name, "formed_on": formed_on, "worker_id": worker_id}
        family_ids = [family.id for family in families]
        group, made = await make_record(info, PeerGroupRow, target, input.client_id, values,
                                        sent={**values, "families": sorted(family_ids)})
        if made:
            await GroupFamilyRow.bulk_create([GroupFamilyRow(group_id=group.id, family_id=family_id)
                                              for family_id in family_ids])
        return PeerGroupPayload(peer_group=served_as(PeerGroup, group))

    @strawberry.mutation(description="Record a session of one of your peer groups, or a training held for it "
                                     "(Art. 4.8), with the group's families that attended.")
    async def record_group_session(self, info: Info, input: RecordGroupSessionInput) -> GroupSessionPayload:
        group = await find_scoped(info, "PeerGroup", input.group_id, "groupId")
        held_on = _session_day(input.held_on, group)
        values = {"held_on": held_on, "topic": clean_text(input.topic, "topic", NAME_LENGTH, required=True),
                  "is_training": input.is_training, "notes": clean_text(input.notes, "notes", REPORT_LENGTH)}
        if not input.attendee_family_ids:
            raise BadUserInput("A session has at least one attending family.",
                               "جلسه باید دست‌کم یک خانوار حاضر داشته باشد.", field="attendeeFamilyIds")
        attendees = [family.id for family in await _families(info, input.attendee_family_ids, "attendeeFamilyIds")]
        members = await scoped_rows(viewer_of(info), "PeerGroupFamily").filter(
            group_id=group.id, family_id__in=attendees).values_list("family_id", flat=True)
        if set(attendees) - set(members):
            raise BadUserInput("An attendee is not a family of the group.", "یکی از حاضران از خانوارهای گروه نیست.",
                               field="attendeeFamilyIds")
        target = RecordTarget(type_name="PeerGroup", row=group, partner_id=group.partner_id, started_on=group.formed_on)
        session, made = await make_record(info, GroupSessionRow, target, input.client_id, values,
                                          sent={**values, "attendees": sorted(attendees)})
        if made:
            await AttendeeRow.bulk_create([AttendeeRow(session_id=session.id, family_id=family_id)
                                           for family_id in attendees])
        return GroupSessionPayload(group_session=served_as(GroupSession, session))

    @strawberry.mutation(description="Correct your own group session within 24 hours of recording it; the change is "
                                     "kept in the session's history. Records are append-only after that.")
    async def correct_group_session(self, info: Info, input: CorrectGroupSessionInput) -> GroupSessionPayload:
        async def changes(session: GroupSessionRow) -> dict[str, Any]:
            values: dict[str, Any] = {}
            if given(input.held_on):
                group = await find_scoped(info, "PeerGroup", to_global_id("PeerGroup", session.group_id), "id")
                values["held_on"] = _session_day(input.held_on, group)
            if given(input.topic):
                values["topic"] = clean_text(input.topic, "topic", NAME_LENGTH, required=True)
            if given(input.is_training):
                values["is_training"] = bool(input.is_training)
            if given(input.notes):
                values["notes"] = clean_text(input.notes, "notes", REPORT_LENGTH)
            return values

        return GroupSessionPayload(group_session=await correct_record(info, "GroupSession", input.id, input.version,
                                                                      changes))

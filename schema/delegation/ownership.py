"""Who serves a file right now: the live assignment and the owner columns that mirror it.

The scope filter and row-level security read a file's `assigned_partner_id` / `assigned_worker_id` (and its
members'), so every change of delegation — assignment, worker, return, exit — goes through these two functions
and the columns can never drift from the assignment history.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from tortoise import connections, timezone

from auth.roles import Viewer
from models.children import Child as ChildRow
from models.delegation import Assignment as AssignmentRow
from models.delegation import AssignmentEvent as EventRow
from models.delegation import EndReason, Transition
from models.families import Family as FamilyRow
from models.families import Member as MemberRow
from schema.common import viewer_of
from schema.context import Info
from schema.sources import id_set, scoped_rows


async def set_file_owners(*, family_id: int | None = None, child_id: int | None = None, partner_id: int | None,
                          worker_id: int | None, access_until: datetime.date | None = None) -> None:
    """Point a family (and its members) or a child at the partner and worker now serving it (None: the office),
    until `access_until` if given (a post-rehabilitation follow-up, Art. 6.7) or while the delegation lasts."""
    await set_files_owners(family_ids=[] if family_id is None else [family_id],
                           child_ids=[] if child_id is None else [child_id],
                           partner_id=partner_id, worker_id=worker_id, access_until=access_until)


async def set_files_owners(*, family_ids: Sequence[int] = (), child_ids: Sequence[int] = (), partner_id: int | None,
                           worker_id: int | None, access_until: datetime.date | None = None) -> None:
    """`set_file_owners` for many files at once: three statements whatever their number (issue #10, item 4)."""
    owners = {"assigned_partner_id": partner_id, "assigned_worker_id": worker_id, "access_until": access_until}
    if family_ids:
        await FamilyRow.filter(id__in=id_set(family_ids)).update(**owners)
        await MemberRow.filter(family_id__in=id_set(family_ids)).update(**owners)
    if child_ids:
        await ChildRow.filter(id__in=id_set(child_ids)).update(**owners)


async def record_transition(assignment: AssignmentRow, transition: Transition, viewer: Viewer, *, reason: str = "",
                            worker_id: int | None = None) -> None:
    await EventRow.create(assignment_id=assignment.id, transition=transition, worker_id=worker_id, reason=reason,
                          by_user_id=viewer.user_id, by_username=viewer.username, partner_id=assignment.partner_id,
                          province_id=assignment.province_id, county_id=assignment.county_id)


async def record_transitions(assignment_ids: Sequence[int], transition: Transition, viewer: Viewer) -> None:
    """`record_transition` for many assignments at once, in one statement (issue #10, item 4): the event copies
    each assignment's partner and area as the single-row version does."""
    if not assignment_ids:
        return
    await connections.get("default").execute_query(
        "insert into assignment_event (assignment_id, transition, worker_id, reason, by_user_id, by_username,"
        " partner_id, province_id, county_id, at)"
        " select id, $2, null, '', $3, $4, partner_id, province_id, county_id, now()"
        " from assignment where id = any($1::int[])",
        [list(assignment_ids), transition.value, viewer.user_id, viewer.username])


async def live_assignment(viewer: Viewer | None, *, family_id: int | None = None,
                          child_id: int | None = None) -> AssignmentRow | None:
    """The file's live assignment within the viewer's scope; None while the office serves the file."""
    key = {"family_id": family_id} if family_id is not None else {"child_id": child_id}
    found: AssignmentRow | None = await scoped_rows(viewer, "Assignment").filter(**key, ended_at__isnull=True).first()
    return found


async def end_delegation(info: Info, *, family_id: int | None = None, child_id: int | None = None,
                         reason: EndReason, note: str = "", transition: Transition | None = None) -> Any:
    """End the file's live assignment, if any, and give the file back to the office: the partner's and its worker's
    access ends at that instant. Returns the ended assignment (None when the file was with the office)."""
    assignment = await live_assignment(info.context.viewer, family_id=family_id, child_id=child_id)
    if assignment is not None:
        assignment.ended_at, assignment.end_reason, assignment.end_note = timezone.now(), reason, note
        await assignment.save(update_fields=["ended_at", "end_reason", "end_note"])
        if transition is not None:
            await record_transition(assignment, transition, viewer_of(info), reason=note)
    await set_file_owners(family_id=family_id, child_id=child_id, partner_id=None, worker_id=None)
    return assignment

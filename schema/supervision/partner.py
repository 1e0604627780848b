"""What supervision adds to a partner (`Partner` takes these fields from `PartnerSupervision`): its visits and when it
was last visited (Art. 7.2), the violations reported of it (Art. 7.7), the office's decisions to continue or stop
(Art. 4.12), and, once stopped, the files it still holds, to be returned."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from auth.scope import NOTHING
from models.organizations import Organization
from schema.common import jalali
from schema.context import Info
from schema.pagination import DEFAULT_PAGE, MAX_PAGE, Connection, nested_connection_field, paginate
from schema.sources import scoped_rows
from schema.supervision.standing import stops
from schema.supervision.types import PartnerDecision, SupervisionVisit, ViolationReport

if TYPE_CHECKING:
    from schema.delegation.types import Assignment


async def _last_visited_on(root: Organization, info: Info) -> datetime.date | None:
    visits = await info.context.loaders.grouped("SupervisionVisit", "partner_id", order_by="-visited_on").load(root.id)
    return visits[0].visited_on if visits else None


_FIRST = strawberry.argument(description=f"Page size from the start or `after` (default {DEFAULT_PAGE}, at most "
                                         f"{MAX_PAGE}; more is an error, not a silent cut).")
_AFTER = strawberry.argument(description="Items after this cursor (an `endCursor` you were given).")


@strawberry.type
class PartnerSupervision:
    """A partner's supervision fields (auth/policy.py: the office and the partner's manager; violation reports and the
    files to return, the office only)."""

    supervision_visits = nested_connection_field(
        SupervisionVisit, "partner_id", description="Supervising experts' visits to it (Art. 4.11, Art. 7.2), the last "
                                                    "recorded first.")
    violation_reports = nested_connection_field(
        ViolationReport, "partner_id", description="Violations reported of it to the Article 26 commission (Art. 7.7), "
                                                   "the last recorded first (office only).")

    @strawberry.field(description="The day of its latest supervision visit; null when never visited. A visit is due "
                                  "at least every six Jalali months (Art. 7.2); `partners(filter: {supervisionOverdue: "
                                  "true})` lists those past it.")
    async def last_supervised_on(root: Organization, info: Info) -> datetime.date | None:
        return await _last_visited_on(root, info)

    @strawberry.field(description="`lastSupervisedOn` in the Jalali calendar (YYYY/MM/DD), for display; null when it "
                                  "is.")
    async def last_supervised_on_jalali(root: Organization, info: Info) -> str | None:
        return jalali(await _last_visited_on(root, info))

    @strawberry.field(description="The office's decisions to continue or stop working with it (Art. 4.12), the latest "
                                  "— the one in force — first.")
    async def decisions(root: Organization, info: Info) -> list[PartnerDecision]:
        found: list[PartnerDecision] = await info.context.loaders.grouped(
            "PartnerDecision", "partner_id", order_by="-id").load(root.id)
        return found

    @strawberry.field(description="While the decision in force is to stop working with it (Art. 4.12): the files it "
                                  "still holds, as their live assignments (each naming its family or child), to be "
                                  "returned to the office; empty otherwise (office only).")
    async def files_to_return(
        root: Organization, info: Info, first: Annotated[int | None, _FIRST] = None,
        after: Annotated[str | None, _AFTER] = None
    ) -> Connection[Annotated[Assignment, strawberry.lazy("schema.delegation.types")]]:
        decisions = await info.context.loaders.grouped("PartnerDecision", "partner_id", order_by="-id").load(root.id)
        live = scoped_rows(info.context.viewer, "Assignment").filter(partner_id=root.id, ended_at__isnull=True)
        if not stops(decisions[0] if decisions else None):
            live = live.filter(NOTHING)  # nothing to return: an empty page, counted alike
        return await paginate(live, first, after)

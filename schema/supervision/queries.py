"""Queries of the supervision area: the office's complaints list (Art. 7.4), and which partners are overdue for a
visit (Art. 7.2), the narrowing behind `partners(filter: {supervisionOverdue: true})`."""

from __future__ import annotations

import datetime
from typing import Any

import strawberry
from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from auth.roles import Viewer
from rules.supervision import TERMINAL_COMPLAINT_STATUSES, visits_in_force_from
from schema.filters import of_object
from schema.pagination import connection_field
from schema.sources import scoped_rows
from schema.supervision.types import Complaint


def supervision_overdue(viewer: Viewer | None) -> Q:
    """Partners whose supervision visit is overdue today (rules/supervision.supervision_overdue), as one condition on
    the partner rows: no visit still in force, and either an older visit or, never visited, a first agreement signed
    before the six months that would cover today. Visits and agreements are read through the viewer's scope."""
    in_force_from = visits_in_force_from(datetime.date.today())
    visits = scoped_rows(viewer, "SupervisionVisit")
    recent = visits.filter(visited_on__gte=in_force_from).values("partner_id")
    visited = visits.values("partner_id")
    agreed_long_ago = scoped_rows(viewer, "Agreement").filter(signed_on__lt=in_force_from).values("partner_id")
    return Q(~Q(id__in=Subquery(recent)), Q(id__in=Subquery(visited)) | Q(id__in=Subquery(agreed_long_ago)))


@strawberry.input(description="Narrows the complaints list; it never widens your area.")
class ComplaintFilter:
    open: bool | None = strawberry.field(default=None, description="Only complaints not yet upheld or dismissed "
                                                                   "(true), or only those that were (false).")
    partner_id: strawberry.ID | None = strawberry.field(default=None, description="Only complaints about this "
                                                                                  "partner.")

    async def narrow(self, found: QuerySet[Any], _viewer: Viewer | None) -> QuerySet[Any]:
        found = of_object(found, "partner_id", self.partner_id, "Partner", "partnerId")
        if self.open is None:
            return found
        ended = Q(status__in=list(TERMINAL_COMPLAINT_STATUSES))
        return found.filter(~ended) if self.open else found.filter(ended)


@strawberry.type
class SupervisionQueries:
    complaints = connection_field(Complaint, ComplaintFilter, description="Complaints the office received on clients' "
                                                                          "behalf in your area (Art. 7.4), oldest "
                                                                          "first (office only).")

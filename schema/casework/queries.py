"""Queries of the casework area: the office's list of abuse alerts (seed 003), and peer groups (Art. 4.8)."""

from __future__ import annotations

import datetime
from typing import Any

import strawberry
from tortoise.queryset import QuerySet

from auth.roles import Viewer
from schema.casework.types import Alert, PeerGroup
from schema.filters import of_object
from schema.pagination import connection_field


@strawberry.input(description="Narrows the alerts list; it never widens your area.")
class AlertFilter:
    open: bool | None = strawberry.field(default=None, description="Only open alerts (true) or only handled ones "
                                                                   "(false).")

    async def narrow(self, found: QuerySet[Any], _viewer: Viewer | None) -> QuerySet[Any]:
        return found if self.open is None else found.filter(handled_at__isnull=self.open)


@strawberry.input(description="Narrows the peer groups list; it never widens your slice.")
class PeerGroupFilter:
    partner_id: strawberry.ID | None = strawberry.field(default=None, description="Only this partner's groups.")
    formed_from: datetime.date | None = strawberry.field(default=None, description="Only groups formed on or after "
                                                                                   "this day. Jalali accepted.")
    formed_to: datetime.date | None = strawberry.field(default=None, description="Only groups formed on or before "
                                                                                 "this day. Jalali accepted.")

    async def narrow(self, found: QuerySet[Any], _viewer: Viewer | None) -> QuerySet[Any]:
        found = of_object(found, "partner_id", self.partner_id, "Partner", "partnerId")
        if self.formed_from is not None:
            found = found.filter(formed_on__gte=self.formed_from)
        if self.formed_to is not None:
            found = found.filter(formed_on__lte=self.formed_to)
        return found


@strawberry.type
class CaseworkQueries:
    alerts = connection_field(Alert, AlertFilter, description="Abuse concerns raised in children's follow-ups in your "
                                                              "area (seed 003), oldest first; open until handled.")
    peer_groups = connection_field(PeerGroup, PeerGroupFilter, description="Peer groups (Art. 4.8): a partner's staff "
                                                                           "see their partner's (a worker, those they "
                                                                           "formed), the office those of its area; "
                                                                           "oldest first.")

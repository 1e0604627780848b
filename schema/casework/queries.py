"""Queries of the casework area: the office's list of abuse alerts (seed 003)."""

from __future__ import annotations

from typing import Any

import strawberry
from tortoise.queryset import QuerySet

from auth.roles import Viewer
from schema.casework.types import Alert
from schema.pagination import connection_field


@strawberry.input(description="Narrows the alerts list; it never widens your area.")
class AlertFilter:
    open: bool | None = strawberry.field(default=None, description="Only open alerts (true) or only handled ones "
                                                                   "(false).")

    async def narrow(self, found: QuerySet[Any], _viewer: Viewer | None) -> QuerySet[Any]:
        return found if self.open is None else found.filter(handled_at__isnull=self.open)


@strawberry.type
class CaseworkQueries:
    alerts = connection_field(Alert, AlertFilter, description="Abuse concerns raised in children's follow-ups in your "
                                                              "area (seed 003), oldest first; open until handled.")

"""Queries of the audit area."""

from __future__ import annotations

import datetime
from typing import Any

import strawberry
from tortoise.queryset import QuerySet

from auth.roles import Viewer
from schema.audit.types import AuditEvent
from schema.node import from_global_id
from schema.pagination import connection_field


@strawberry.input(description="Narrows the audit trail; it never widens your area.")
class AuditEventFilter:
    object_id: strawberry.ID | None = strawberry.field(default=None, description="Events naming this object.")
    username: str | None = strawberry.field(default=None, description="Events by this user.")
    outcome: str | None = strawberry.field(default=None, description="Events with this outcome (`OK` or an error "
                                                                     "code).")
    since: datetime.datetime | None = strawberry.field(default=None, description="At or after this time.")
    until: datetime.datetime | None = strawberry.field(default=None, description="Before this time.")

    async def narrow(self, found: QuerySet[Any], _viewer: Viewer | None) -> QuerySet[Any]:
        if self.object_id is not None:
            from_global_id(self.object_id, "objectId")  # a malformed ID is the client's error
            found = found.filter(object_ids__contains=[self.object_id])
        if self.username:
            found = found.filter(username=self.username.strip().lower())
        if self.outcome:
            found = found.filter(outcome=self.outcome.strip().upper())
        if self.since is not None:
            found = found.filter(at__gte=self.since)
        if self.until is not None:
            found = found.filter(at__lt=self.until)
        return found


@strawberry.type
class AuditQueries:
    audit_events = connection_field(AuditEvent, AuditEventFilter, description="The audit trail of your area, oldest "
                                                                             "first.")

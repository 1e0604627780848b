"""Queries of the audit area."""

from __future__ import annotations

import datetime

import strawberry

from schema.audit.types import AuditEvent
from schema.node import from_global_id
from schema.pagination import Connection, paginate
from schema.sources import scoped_rows


@strawberry.input(description="Narrows the audit trail; it never widens your area.")
class AuditEventFilter:
    object_id: strawberry.ID | None = strawberry.field(default=None, description="Events naming this object.")
    username: str | None = strawberry.field(default=None, description="Events by this user.")
    since: datetime.datetime | None = strawberry.field(default=None, description="At or after this time.")
    until: datetime.datetime | None = strawberry.field(default=None, description="Before this time.")


@strawberry.type
class AuditQueries:
    @strawberry.field(description="The audit trail of your area, oldest first.")
    async def audit_events(
        self,
        info: strawberry.Info,
        filter: AuditEventFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[AuditEvent]:
        found = scoped_rows(info.context.viewer, "AuditEvent")
        if filter is not None:
            if filter.object_id is not None:
                from_global_id(filter.object_id, "objectId")  # a malformed ID is the client's error
                found = found.filter(object_ids__contains=[filter.object_id])
            if filter.username:
                found = found.filter(username=filter.username.strip().lower())
            if filter.since is not None:
                found = found.filter(at__gte=filter.since)
            if filter.until is not None:
                found = found.filter(at__lt=filter.until)
        return await paginate(found, first, after, last, before)

"""GraphQL types of the audit area."""

from __future__ import annotations

import datetime

import strawberry

from models.audit import AuditEvent as AuditEventRow
from schema.node import Node
from schema.rowtypes import row_type


@row_type(AuditEventRow, description="One mutation, one read of a family's or child's full record, the files a "
                                     "request returned otherwise (lists, nested fields), one export, or one refused "
                                     "attempt (its outcome says which). Visible in the area of its author and in "
                                     "the areas of the objects it names.")
class AuditEvent(Node):
    at: datetime.datetime = strawberry.field(description="When.")
    username: str = strawberry.field(description="Who; for a failed login, the username tried (or `(not a "
                                                 "username)` when what was sent has no username's form).")
    role: str | None = strawberry.field(description="Their role at the time; null for an attempt by no one signed "
                                                     "in (a failed login).")
    operation: str = strawberry.field(description="What: `mutation <fields>`, `read <Type>`, `read case files` (every "
                                                  "family's or child's file a request returned otherwise, one event "
                                                  "per request), or `export <document> <parameters>` for a workbook "
                                                  "downloaded from /exports/….")
    outcome: str = strawberry.field(description="`OK`, or the refused attempt's error code: `UNAUTHENTICATED` (a "
                                                "failed login or refresh), `TOKEN_REUSED` (a refresh token used again, "
                                                "which ended its session), `RATE_LIMITED`, `FORBIDDEN`, `NOT_FOUND`, "
                                                "or the first "
                                                "error of a mutation rolled back (`ROLLED_BACK` when it has none). "
                                                "Refusals are written apart from the request's own transaction, so a "
                                                "rollback does not erase them.")
    object_ids: list[str] = strawberry.field(description="Global IDs of the objects involved (never national IDs).")
    request_id: str = strawberry.field(description="The request's ID (X-Request-ID).")
    client_address: str = strawberry.field(description="The client's address.")

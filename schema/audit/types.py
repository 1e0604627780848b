"""GraphQL types of the audit area."""

from __future__ import annotations

import datetime

import strawberry

from models.audit import AuditEvent as AuditEventRow
from schema.node import Node
from schema.rowtypes import row_type


@row_type(AuditEventRow, description="One mutation, one read of a family's or child's full record, the files a "
                                     "request returned otherwise (lists, nested fields), or one export.")
class AuditEvent(Node):
    at: datetime.datetime = strawberry.field(description="When.")
    username: str = strawberry.field(description="Who.")
    role: str = strawberry.field(description="Their role at the time.")
    operation: str = strawberry.field(description="What: `mutation <fields>`, `read <Type>`, `read case files` (every "
                                                  "family's or child's file a request returned otherwise, one event "
                                                  "per request), or `export <document> <parameters>` for a workbook "
                                                  "downloaded from /exports/….")
    object_ids: list[str] = strawberry.field(description="Global IDs of the objects involved (never national IDs).")
    request_id: str = strawberry.field(description="The request's ID (X-Request-ID).")
    client_address: str = strawberry.field(description="The client's address.")

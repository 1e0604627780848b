"""GraphQL types of the kindergartens area."""

from __future__ import annotations

import strawberry

from models.kindergartens import Kindergarten as KindergartenRow
from schema.context import Info
from schema.enums import KindergartenKind, LicenseStatus
from schema.node import Node
from schema.organizations.types import InArea, KindergartenOperator
from schema.rowtypes import row_type


@row_type(KindergartenRow,
          description="A kindergarten (مهد کودک) licensed by the office, of one of the eight kinds of seed 002.")
class Kindergarten(Node, InArea):
    name: str = strawberry.field(description="Name in Persian.")
    kind: KindergartenKind = strawberry.field(description="One of the eight kinds (seed 002).")
    license_status: LicenseStatus = strawberry.field(
        description="Principal approval, then activity license; may be suspended or dissolved.")
    license_number: str | None = strawberry.field(description="Activity license number, once licensed.")
    capacity: int = strawberry.field(description="Licensed number of children.")
    enrolment: int = strawberry.field(description="Children enrolled now (never above capacity).")
    address: str = strawberry.field(description="Postal address.")
    phone: str = strawberry.field(description="Telephone.")
    version: int = strawberry.field(description="Changes with every edit; send it back to update (CONFLICT if stale).")

    @strawberry.field(description="Who runs it; null if outside your slice.")
    async def operator(root: KindergartenRow, info: Info) -> KindergartenOperator | None:
        return await info.context.loaders.load("KindergartenOperator", root.operator_id)

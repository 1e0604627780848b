"""Queries of the organisations area."""

from __future__ import annotations

from typing import Any

import strawberry
from tortoise.queryset import QuerySet

from auth.roles import Viewer
from schema.context import Info
from schema.enums import PartnerKind
from schema.filters import equal_to, name_starts_with, of_object
from schema.organizations.types import Partner, Province
from schema.pagination import connection_field
from schema.sources import scoped_rows
from schema.supervision.queries import supervision_overdue


@strawberry.input(description="Narrows the partners list; it never widens your slice.")
class PartnerFilter:
    kind: PartnerKind | None = strawberry.field(default=None, description="Only this kind.")
    county_id: strawberry.ID | None = strawberry.field(default=None, description="Only this county.")
    province_id: strawberry.ID | None = strawberry.field(default=None, description="Only this province.")
    name: str | None = strawberry.field(default=None, description="Name starts with (normalised Persian).")
    supervision_overdue: bool | None = strawberry.field(
        default=None, description="Only partners whose supervision visit is overdue (true: the last visit — or, never "
                                  "visited, the first agreement — more than six Jalali months ago; Art. 7.2), or only "
                                  "the others (false). The office's filter.")

    async def narrow(self, found: QuerySet[Any], viewer: Viewer | None) -> QuerySet[Any]:
        found = equal_to(found, "kind", self.kind and self.kind.value)
        found = of_object(found, "county_id", self.county_id, "County", "countyId")
        found = of_object(found, "province_id", self.province_id, "Province", "provinceId")
        if self.supervision_overdue is not None:
            overdue = supervision_overdue(viewer)
            found = found.filter(overdue) if self.supervision_overdue else found.filter(~overdue)
        return name_starts_with(found, "name_search", self.name)


@strawberry.type
class OrganizationQueries:
    @strawberry.field(description="All provinces and their counties (reference data).")
    async def provinces(self, info: Info) -> list[Province]:
        return await scoped_rows(info.context.viewer, "Province").order_by("name")

    partners = connection_field(Partner, PartnerFilter, description="Licensed partners in your slice.")

"""Queries of the organisations area."""

from __future__ import annotations

import strawberry

from rules.persian import normalise_search
from schema.enums import PartnerKind
from schema.node import expect_id
from schema.organizations.types import Partner, Province
from schema.pagination import Connection, paginate
from schema.sources import scoped_rows


@strawberry.input(description="Narrows the partners list; it never widens your slice.")
class PartnerFilter:
    kind: PartnerKind | None = strawberry.field(default=None, description="Only this kind.")
    county_id: strawberry.ID | None = strawberry.field(default=None, description="Only this county.")
    province_id: strawberry.ID | None = strawberry.field(default=None, description="Only this province.")
    name: str | None = strawberry.field(default=None, description="Name starts with (normalised Persian).")


@strawberry.type
class OrganizationQueries:
    @strawberry.field(description="All provinces and their counties (reference data).")
    async def provinces(self, info: strawberry.Info) -> list[Province]:
        return await scoped_rows(info.context.viewer, "Province").order_by("name")

    @strawberry.field(description="Licensed partners in your slice.")
    async def partners(
        self,
        info: strawberry.Info,
        filter: PartnerFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Partner]:
        found = scoped_rows(info.context.viewer, "Partner")
        if filter is not None:
            if filter.kind is not None:
                found = found.filter(kind=filter.kind.value)
            if filter.county_id is not None:
                found = found.filter(county_id=expect_id(filter.county_id, "County", "countyId"))
            if filter.province_id is not None:
                found = found.filter(province_id=expect_id(filter.province_id, "Province", "provinceId"))
            if filter.name:
                found = found.filter(name_search__startswith=normalise_search(filter.name))
        return await paginate(found, first, after, last, before)

"""Queries of the kindergartens area."""

from __future__ import annotations

import strawberry

from rules.persian import normalise_search
from schema.enums import KindergartenKind, LicenseStatus
from schema.kindergartens.types import Kindergarten
from schema.node import expect_id
from schema.organizations.types import KindergartenOperator
from schema.pagination import Connection, paginate
from schema.sources import scoped_rows


@strawberry.input(description="Narrows the kindergartens list; it never widens your slice.")
class KindergartenFilter:
    kind: KindergartenKind | None = strawberry.field(default=None, description="Only this kind.")
    license_status: LicenseStatus | None = strawberry.field(default=None, description="Only this licence status.")
    county_id: strawberry.ID | None = strawberry.field(default=None, description="Only this county.")
    operator_id: strawberry.ID | None = strawberry.field(default=None, description="Only this operator's.")
    name: str | None = strawberry.field(default=None, description="Name starts with (normalised Persian).")


@strawberry.input(description="Narrows the operators list; it never widens your slice.")
class KindergartenOperatorFilter:
    county_id: strawberry.ID | None = strawberry.field(default=None, description="Only this county.")
    name: str | None = strawberry.field(default=None, description="Name starts with (normalised Persian).")


@strawberry.type
class KindergartenQueries:
    @strawberry.field(description="Kindergartens in your slice (an operator sees only its own).")
    async def kindergartens(
        self,
        info: strawberry.Info,
        filter: KindergartenFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Kindergarten]:
        found = scoped_rows(info.context.viewer, "Kindergarten")
        if filter is not None:
            if filter.kind is not None:
                found = found.filter(kind=filter.kind)
            if filter.license_status is not None:
                found = found.filter(license_status=filter.license_status)
            if filter.county_id is not None:
                found = found.filter(county_id=expect_id(filter.county_id, "County", "countyId"))
            if filter.operator_id is not None:
                found = found.filter(operator_id=expect_id(filter.operator_id, "KindergartenOperator", "operatorId"))
            if filter.name:
                found = found.filter(name_search__startswith=normalise_search(filter.name))
        return await paginate(found, first, after, last, before)

    @strawberry.field(description="Kindergarten operators in your area.")
    async def kindergarten_operators(
        self,
        info: strawberry.Info,
        filter: KindergartenOperatorFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[KindergartenOperator]:
        found = scoped_rows(info.context.viewer, "KindergartenOperator")
        if filter is not None:
            if filter.county_id is not None:
                found = found.filter(county_id=expect_id(filter.county_id, "County", "countyId"))
            if filter.name:
                found = found.filter(name_search__startswith=normalise_search(filter.name))
        return await paginate(found, first, after, last, before)

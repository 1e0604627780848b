"""Queries of the kindergartens area."""

from __future__ import annotations

from typing import Any

import strawberry
from tortoise.queryset import QuerySet

from auth.roles import Viewer
from schema.enums import KindergartenKind, LicenseStatus
from schema.filters import equal_to, name_starts_with, of_object
from schema.kindergartens.types import Kindergarten
from schema.organizations.types import KindergartenOperator
from schema.pagination import connection_field


@strawberry.input(description="Narrows the kindergartens list; it never widens your slice.")
class KindergartenFilter:
    kind: KindergartenKind | None = strawberry.field(default=None, description="Only this kind.")
    license_status: LicenseStatus | None = strawberry.field(default=None, description="Only this license status.")
    county_id: strawberry.ID | None = strawberry.field(default=None, description="Only this county.")
    operator_id: strawberry.ID | None = strawberry.field(default=None, description="Only this operator's.")
    name: str | None = strawberry.field(default=None, description="Name starts with (normalised Persian).")

    async def narrow(self, found: QuerySet[Any], _viewer: Viewer | None) -> QuerySet[Any]:
        found = equal_to(found, "kind", self.kind)
        found = equal_to(found, "license_status", self.license_status)
        found = of_object(found, "county_id", self.county_id, "County", "countyId")
        found = of_object(found, "operator_id", self.operator_id, "KindergartenOperator", "operatorId")
        return name_starts_with(found, "name_search", self.name)


@strawberry.input(description="Narrows the operators list; it never widens your slice.")
class KindergartenOperatorFilter:
    county_id: strawberry.ID | None = strawberry.field(default=None, description="Only this county.")
    name: str | None = strawberry.field(default=None, description="Name starts with (normalised Persian).")

    async def narrow(self, found: QuerySet[Any], _viewer: Viewer | None) -> QuerySet[Any]:
        found = of_object(found, "county_id", self.county_id, "County", "countyId")
        return name_starts_with(found, "name_search", self.name)


@strawberry.type
class KindergartenQueries:
    kindergartens = connection_field(Kindergarten, KindergartenFilter,
                                     description="Kindergartens in your slice (an operator sees only its own).")
    kindergarten_operators = connection_field(KindergartenOperator, KindergartenOperatorFilter,
                                              description="Kindergarten operators in your area.")

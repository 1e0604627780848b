"""Queries of the families area: the case-file list and one full file (its read is audited, ACCESS.md rule 7)."""

from __future__ import annotations

from typing import Any

import strawberry
from tortoise.queryset import QuerySet

from auth.roles import Viewer
from models.families import FamilyCategory, Rehabilitability
from rules.national_id import national_id_digits
from schema.case_files import CaseFileFilter, case_file_field, load_case_file_page, name_prefix
from schema.context import Info
from schema.families.types import Family
from schema.filters import equal_to
from schema.pagination import Connection, connection_field
from schema.sources import scoped_rows


@strawberry.input(description="Narrows the families list; it never widens your slice.")
class FamilyFilter(CaseFileFilter):
    category: FamilyCategory | None = strawberry.field(default=None, description="Only this category.")
    rehabilitability: Rehabilitability | None = strawberry.field(default=None,
                                                                 description="Only this classification.")
    name: str | None = strawberry.field(default=None, description="The head's full name or last name starts with "
                                                                  "this (normalised Persian).")
    national_id: str | None = strawberry.field(default=None, description="Only the file with a live member of "
                                                                         "this national ID (Persian digits accepted).")

    async def narrow(self, found: QuerySet[Any], viewer: Viewer | None) -> QuerySet[Any]:
        found = await super().narrow(found, viewer)
        found = equal_to(found, "category", self.category)
        found = equal_to(found, "rehabilitability", self.rehabilitability)
        if self.name:
            found = found.filter(name_prefix("head_name_search", "head_last_name_search", self.name))
        if self.national_id is not None:
            members = scoped_rows(viewer, "Member").filter(national_id=national_id_digits(self.national_id), live=True)
            found = found.filter(id__in=await members.values_list("family_id", flat=True))
        return found


async def load_family_page(info: Info, page: Connection[Any]) -> None:
    await load_case_file_page(info, "family_id", [edge.node.id for edge in page.edges], members=True)


@strawberry.type
class FamilyQueries:
    families = connection_field(Family, FamilyFilter, load_page=load_family_page,
                                description="Household case files in your slice (a partner sees only files delegated "
                                            "to it).")
    family = case_file_field(Family, description="One household's full file; null when absent or outside your slice. "
                                                 "Each read is written to the audit trail.")

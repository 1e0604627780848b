"""Queries of the families area: the case-file list and one full file (its read is audited, docs/access.md rule 7)."""

from __future__ import annotations

import datetime
from typing import Any

import strawberry
from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from auth.roles import Viewer
from models.families import FamilyCategory, FileStatus, Rehabilitability
from rules.casework import assessment_overdue_bounds
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
    assessment_overdue: bool | None = strawberry.field(
        default=None, description="Only files in the support cycle whose yearly assessment is overdue (true: none 30 "
                                  "days after the file came to its current partner or office, or the last one more "
                                  "than a Jalali year old; Art. 5), or only the others (false).")

    async def narrow(self, found: QuerySet[Any], viewer: Viewer | None) -> QuerySet[Any]:
        found = await super().narrow(found, viewer)
        found = equal_to(found, "category", self.category)
        found = equal_to(found, "rehabilitability", self.rehabilitability)
        if self.name:
            found = found.filter(name_prefix("head_name_search", "head_last_name_search", self.name))
        if self.national_id is not None:
            members = scoped_rows(viewer, "Member").filter(national_id=national_id_digits(self.national_id), live=True)
            found = found.filter(id__in=await members.values_list("family_id", flat=True))
        if self.assessment_overdue is not None:
            overdue = assessment_overdue(viewer)
            found = found.filter(overdue) if self.assessment_overdue else found.filter(~overdue)
        return found


def assessment_overdue(viewer: Viewer | None) -> Q:
    """Files in the support cycle whose yearly assessment is overdue today (rules/casework.assessment_overdue): the
    intake days since the current assignment — or, for a file the office serves, since support started — are over,
    and no assessment is recent enough."""
    assigned_before, assessed_before = assessment_overdue_bounds(datetime.date.today())
    recent = scoped_rows(viewer, "Assessment").filter(assessed_on__gte=assessed_before).values("family_id")
    came_long_ago = scoped_rows(viewer, "Assignment").filter(
        ended_at__isnull=True, family_id__isnull=False, assigned_on__lt=assigned_before).values("family_id")
    delegated_long_ago = Q(assigned_partner_id__isnull=False, id__in=Subquery(came_long_ago))
    served_long_ago = Q(assigned_partner_id__isnull=True) & (
        Q(support_started_on__lt=assigned_before)
        | Q(support_started_on__isnull=True,
            created_at__lt=datetime.datetime.combine(assigned_before, datetime.time(), tzinfo=datetime.UTC)))
    return Q(Q(status=FileStatus.ACTIVE), delegated_long_ago | served_long_ago, ~Q(id__in=Subquery(recent)))


async def load_family_page(info: Info, page: Connection[Any]) -> None:
    await load_case_file_page(info, "family_id", [edge.node.id for edge in page.edges], members=True)


@strawberry.type
class FamilyQueries:
    families = connection_field(Family, FamilyFilter, load_page=load_family_page,
                                description="Household case files in your slice (a partner sees only files delegated "
                                            "to it).")
    family = case_file_field(Family, description="One household's full file; null when absent or outside your slice. "
                                                 "Each read is written to the audit trail.")

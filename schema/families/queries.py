"""Queries of the families area: the case-file list and one full file (its read is audited, ACCESS.md rule 7)."""

from __future__ import annotations

import re
from typing import Any

import strawberry
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from models.families import FamilyCategory, FileStatus, Rehabilitability
from rules.persian import normalise_search, to_latin_digits
from schema.families.loaders import preload
from schema.families.types import Family
from schema.node import expect_id, from_global_id, to_global_id
from schema.pagination import Connection, paginate
from schema.sources import scoped_rows

_SEPARATORS = re.compile("[\\s\u200c\\-]+")


def national_id_key(value: str) -> str:
    """A national ID as stored: Latin digits, no spaces or dashes (Persian digits are accepted)."""
    return _SEPARATORS.sub("", to_latin_digits(value))


def file_number_key(value: str) -> str:
    """A file number as stored: Latin digits, upper-case county code."""
    return to_latin_digits(value).strip().upper()


def narrow_case_files(found: QuerySet[Any], filter: Any) -> QuerySet[Any]:
    """The filters families and children share: county, partner, worker, status, delegation, file number."""
    if filter.county_id is not None:
        found = found.filter(county_id=expect_id(filter.county_id, "County", "countyId"))
    if filter.partner_id is not None:
        found = found.filter(assigned_partner_id=expect_id(filter.partner_id, "Partner", "partnerId"))
    if filter.worker_id is not None:
        found = found.filter(assigned_worker_id=expect_id(filter.worker_id, "StaffMember", "workerId"))
    if filter.status is not None:
        found = found.filter(status=filter.status)
    if filter.assigned is not None:
        found = found.filter(assigned_partner_id__isnull=not filter.assigned)
    if filter.file_number:
        found = found.filter(file_number__startswith=file_number_key(filter.file_number))
    return found


def name_prefix(first_and_last: str, last: str, name: str) -> Q:
    """Full name or last name starts with `name`, compared in normalised form (Arabic ي/ك match ی/ک)."""
    prefix = normalise_search(name)
    return Q(**{f"{first_and_last}__startswith": prefix}) | Q(**{f"{last}__startswith": prefix})


@strawberry.input(description="Narrows the families list; it never widens your slice.")
class FamilyFilter:
    county_id: strawberry.ID | None = strawberry.field(default=None, description="Only this county's files.")
    partner_id: strawberry.ID | None = strawberry.field(default=None, description="Only files delegated to "
                                                                                  "this partner now.")
    worker_id: strawberry.ID | None = strawberry.field(default=None, description="Only files assigned to this "
                                                                                 "partner worker now.")
    category: FamilyCategory | None = strawberry.field(default=None, description="Only this category.")
    status: FileStatus | None = strawberry.field(default=None, description="Only active or only exited files.")
    rehabilitability: Rehabilitability | None = strawberry.field(default=None,
                                                                 description="Only this classification.")
    assigned: bool | None = strawberry.field(default=None, description="Only files delegated to a partner now "
                                                                       "(true) or served by the office (false).")
    name: str | None = strawberry.field(default=None, description="The head's full name or last name starts with "
                                                                  "this (normalised Persian).")
    national_id: str | None = strawberry.field(default=None, description="Only the file with a live member of "
                                                                         "this national ID (Persian digits accepted).")
    file_number: str | None = strawberry.field(default=None, description="File number, exact or a prefix.")


@strawberry.type
class FamilyQueries:
    @strawberry.field(description="Household case files in your slice (a partner sees only files delegated to it).")
    async def families(
        self,
        info: strawberry.Info,
        filter: FamilyFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Family]:
        found = scoped_rows(info.context.viewer, "Family")
        if filter is not None:
            found = narrow_case_files(found, filter)
            if filter.category is not None:
                found = found.filter(category=filter.category)
            if filter.rehabilitability is not None:
                found = found.filter(rehabilitability=filter.rehabilitability)
            if filter.name:
                found = found.filter(name_prefix("head_name_search", "head_last_name_search", filter.name))
            if filter.national_id is not None:
                members = scoped_rows(info.context.viewer, "Member").filter(
                    national_id=national_id_key(filter.national_id), live=True)
                found = found.filter(id__in=await members.values_list("family_id", flat=True))
        page = await paginate(found, first, after, last, before)
        await preload(info, "family_id", [edge.node.id for edge in page.edges], members=True)
        return page

    @strawberry.field(description="One household's full file; null when absent or outside your slice. Each read "
                                  "is written to the audit trail.")
    async def family(self, info: strawberry.Info, id: strawberry.ID) -> Family | None:
        type_name, pk = from_global_id(id)
        found = await scoped_rows(info.context.viewer, "Family").get_or_none(id=pk) if type_name == "Family" else None
        if found is not None:
            info.context.audit_reads.append(("read Family", [to_global_id("Family", pk)]))
        return found

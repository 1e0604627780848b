"""A partner's caseload: its agreed quotas, its staff's capacity under the norms, and the files it holds live.

The norms are policy data (the `caseload_norm` table, Art. 2.2 and Art. 3), the capacity rule is
`rules.delegation.capacity`, and the live load comes from `partner_live_load` — a database function that counts
every live assignment of the partner whatever the caller may see, since a quota covers all of them.
"""

from __future__ import annotations

import datetime

import strawberry
from tortoise import connections
from tortoise.queryset import QuerySet

from models.delegation import Agreement as AgreementRow
from models.delegation import CaseloadNormRow, FileLoad
from models.organizations import Organization, OrganizationKind
from models.organizations import StaffMember as StaffRow
from rules.delegation import Capacity, capacity
from rules.staffing import StaffFacts, counts_for_caseload


async def live_load(partner_id: int) -> dict[FileLoad, int]:
    """Live files of the partner per load, over all its live assignments (ignores the caller's scope)."""
    found = await connections.get("default").execute_query_dict(
        "select load, files from partner_live_load($1)", [partner_id])
    counts = dict.fromkeys(FileLoad, 0)
    for row in found:
        counts[FileLoad(row["load"])] = int(row["files"])
    return counts


async def eligible_workers(partner_id: int) -> int:
    """Active staff who carry a caseload (Art. 2.2, note 1: rules.staffing.counts_for_caseload)."""
    staff = await StaffRow.filter(organization_id=partner_id, is_active=True)
    return sum(counts_for_caseload(StaffFacts(degree=s.degree, years_of_experience=s.years_of_experience,
                                              position=s.position)) for s in staff)


async def county_has_licensed_clinic(county_id: int | None, on: datetime.date) -> bool:
    """Whether a clinic with a licence valid on `on` works in the county (Art. 3, note 3)."""
    if county_id is None:
        return False
    return await Organization.filter(kind=OrganizationKind.CLINIC, county_id=county_id, license_number__isnull=False,
                                     license_valid_from__lte=on, license_valid_until__gte=on).exists()


async def caseload_norm(partner: Organization, on: datetime.date) -> CaseloadNormRow | None:
    """The norm row that applies to the partner: by kind, by the clinic's method (Art. 2.2), and for charities and
    complexes by whether the county has a licensed clinic (Art. 3.1, note 3). None: no norm (no capacity)."""
    norms = CaseloadNormRow.filter(partner_kind=partner.kind.value)
    if partner.kind is OrganizationKind.CLINIC:
        if partner.caseload_method is None:
            return None
        norms = norms.filter(method=partner.caseload_method)
    elif partner.kind in (OrganizationKind.CHARITY, OrganizationKind.SERVICE_COMPLEX):
        norms = norms.filter(county_has_clinic=await county_has_licensed_clinic(partner.county_id, on))
    return await norms.order_by("id").first()


async def partner_capacity(partner: Organization, on: datetime.date) -> tuple[Capacity, int]:
    """(capacity, eligible workers) of the partner on `on`: the norm times its eligible workers."""
    workers = await eligible_workers(partner.id)
    norm = await caseload_norm(partner, on)
    if norm is None:
        return Capacity(0, 0), workers
    return capacity(norm.rehabilitable, norm.non_rehabilitable, workers), workers


@strawberry.type(description="A partner's caseload for a Jalali year: the quotas of its agreement (Art. 4.2), the "
                             "capacity of its eligible workers under the norms (Art. 2.2, Art. 3), and the files it "
                             "holds now. Capacity and live counts are as of today.")
class Caseload:
    jalali_year: int = strawberry.field(description="The Jalali year of the agreement the quotas come from.")
    method: int | None = strawberry.field(description="A clinic's caseload method (Art. 2.2: 1, 2 or 3); null for "
                                                      "other partners and for a clinic with none set yet.")
    eligible_workers: int = strawberry.field(description="Active staff who carry a caseload (Art. 2, note 1).")
    quota_rehabilitable: int | None = strawberry.field(
        description="Rehabilitable family files the agreement allows; null without an agreement for the year.")
    quota_non_rehabilitable: int | None = strawberry.field(
        description="Non-rehabilitable family files the agreement allows; null without an agreement.")
    quota_children: int | None = strawberry.field(
        description="Children's follow-up files the agreement allows (seed 003); null without an agreement.")
    capacity_rehabilitable: int = strawberry.field(
        description="Rehabilitable files its eligible workers may carry: the norm times the workers.")
    capacity_non_rehabilitable: int = strawberry.field(
        description="Non-rehabilitable files its eligible workers may carry.")
    live_rehabilitable: int = strawberry.field(description="Rehabilitable family files delegated to it now.")
    live_non_rehabilitable: int = strawberry.field(description="Non-rehabilitable family files delegated to it now.")
    live_children: int = strawberry.field(description="Children's files delegated to it now.")


async def partner_caseload(partner: Organization, agreements: QuerySet[AgreementRow], jalali_year: int,
                           on: datetime.date) -> Caseload:
    """The caseload of a partner the caller may see: the quotas of `jalali_year`'s agreement (from `agreements`, the
    caller's scoped rows), the rest as of `on`."""
    agreement = await agreements.filter(partner_id=partner.id, jalali_year=jalali_year).first()
    limits, workers = await partner_capacity(partner, on)
    live = await live_load(partner.id)
    return Caseload(
        jalali_year=jalali_year,
        method=partner.caseload_method,
        eligible_workers=workers,
        quota_rehabilitable=agreement.quota_rehabilitable if agreement else None,
        quota_non_rehabilitable=agreement.quota_non_rehabilitable if agreement else None,
        quota_children=agreement.quota_children if agreement else None,
        capacity_rehabilitable=limits.rehabilitable,
        capacity_non_rehabilitable=limits.non_rehabilitable,
        live_rehabilitable=live[FileLoad.REHABILITABLE],
        live_non_rehabilitable=live[FileLoad.NON_REHABILITABLE],
        live_children=live[FileLoad.CHILD],
    )

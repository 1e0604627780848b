"""A partner's caseload: its agreed quotas, what the caseload norms say of its staff, and the files it holds live.

The norms' numbers are policy data (the `caseload_norm` table) and what they mean is `rules.caseload`: a clinic's norm
is a minimum load per worker (Art. 2.2), a charity's or complex's a cap per expert shared pro rata between the two
loads (Art. 3.1, note 3). The live load comes from `partner_live_load` — a database function that counts every live
assignment of the partner whatever the caller may see, since a quota and a cap cover all of them.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import strawberry
from tortoise import connections
from tortoise.queryset import QuerySet

from models.delegation import Agreement as AgreementRow
from models.delegation import CaseloadNormRow, FileLoad
from models.organizations import Organization, OrganizationKind
from models.organizations import StaffMember as StaffRow
from rules.caseload import FileCounts, clinic_minimum, experts_in_use, note_3_applies, under_loaded
from rules.staffing import StaffFacts, counts_for_caseload

if TYPE_CHECKING:
    from _typeshed import SupportsGetItem

CHARITY_KINDS = (OrganizationKind.CHARITY, OrganizationKind.SERVICE_COMPLEX)


async def live_load(partner_id: int) -> dict[FileLoad, int]:
    """Live files of the partner per load, over all its live assignments (ignores the caller's scope)."""
    return (await live_loads([partner_id]))[partner_id]


async def live_loads(partner_ids: Collection[int]) -> dict[int, dict[FileLoad, int]]:
    """`live_load` of each partner, in one statement whatever their number (issue 8 item 6)."""
    counts = {partner_id: dict.fromkeys(FileLoad, 0) for partner_id in partner_ids}
    if counts:
        found = await connections.get("default").execute_query_dict(
            "select p.id, l.load, l.files from unnest($1::int[]) as p(id), lateral partner_live_load(p.id) as l",
            [sorted(counts)])
        for row in found:
            counts[row["id"]][FileLoad(row["load"])] = int(row["files"])
    return counts


def family_files(load: SupportsGetItem[FileLoad, int]) -> FileCounts:
    """The family files of a load count (children count against their own quota only, seed 003)."""
    return FileCounts(load[FileLoad.REHABILITABLE], load[FileLoad.NON_REHABILITABLE])


async def eligible_workers(partners: Sequence[Organization]) -> dict[int, int]:
    """Each partner's active staff who carry a caseload at its kind of partner (rules.staffing.counts_for_caseload: at
    a clinic Art. 2.2 and note 1; at a charity or complex bachelor-level experts only, Art. 3.1), in one statement."""
    kinds = {partner.id: partner.kind.value for partner in partners}
    counts = dict.fromkeys(kinds, 0)
    if kinds:
        for member in await StaffRow.filter(organization_id__in=sorted(kinds), is_active=True):
            counts[member.organization_id] += counts_for_caseload(StaffFacts.of(member), kinds[member.organization_id])
    return counts


async def county_has_licensed_clinic(county_id: int | None, on: datetime.date) -> bool:
    """Whether a clinic with a license valid on `on` works in the county (Art. 3, note 3), whichever clinics the caller
    may see: a charity's manager, who sees no other partner (row-level security on `organization`), asks it of its
    own caseload. The database function answers that question alone (migration 0018)."""
    if county_id is None:
        return False
    found = await connections.get("default").execute_query_dict(
        "select county_has_licensed_clinic($1, $2) as found", [county_id, on])
    return bool(found[0]["found"])


async def counties_with_licensed_clinic(county_ids: Collection[int], on: datetime.date) -> set[int]:
    """Those of the counties where a clinic with a license valid on `on` works (Art. 3, note 3), in one statement
    that asks the database function `county_has_licensed_clinic` (migration 0018) of each: it answers whichever
    clinics the caller may see."""
    if not county_ids:
        return set()
    found = await connections.get("default").execute_query_dict(
        "select c.id from unnest($1::int[]) as c(id) where county_has_licensed_clinic(c.id, $2)",
        [sorted(county_ids), on])
    return {row["id"] for row in found}


async def caseload_norms(partners: Sequence[Organization]) -> dict[int, FileCounts | None]:
    """Each partner's per-worker norm from the policy table, in one statement: a clinic's by the method of its
    agreement (Art. 2.2), a charity's or complex's (Art. 3.1, note 3). None: no norm (a child home, a clinic with no
    method yet). Where several rows match, the first by ID."""
    kinds = sorted({partner.kind.value for partner in partners})
    rows = await CaseloadNormRow.filter(partner_kind__in=kinds).order_by("id") if kinds else []

    def norm(partner: Organization) -> FileCounts | None:
        clinic = partner.kind is OrganizationKind.CLINIC
        if clinic and partner.caseload_method is None:
            return None
        row = next((row for row in rows if row.partner_kind == partner.kind.value
                    and (not clinic or row.method == partner.caseload_method)), None)
        return None if row is None else FileCounts(row.rehabilitable, row.non_rehabilitable)

    return {partner.id: norm(partner) for partner in partners}


@dataclass(frozen=True)
class PartnerNorms:
    """What the caseload norms say of a partner on a day."""

    norm: FileCounts | None
    eligible_workers: int
    note_3: bool
    """Art. 3 note 3 applies (charities and complexes; always False for others)."""


async def partner_norms(partner: Organization, agreement: AgreementRow | None, on: datetime.date) -> PartnerNorms:
    """The partner's norm, its eligible workers, and — for a charity or complex — whether note 3 lets it take
    rehabilitable files on `on`: no licensed clinic in its county and `agreement` records no applicant."""
    return (await partners_norms([partner], {partner.id: agreement}, on))[partner.id]


async def partners_norms(partners: Sequence[Organization], agreements: Mapping[int, AgreementRow | None],
                         on: datetime.date) -> dict[int, PartnerNorms]:
    """`partner_norms` of each partner (its agreement from `agreements`, by partner ID), in three statements at
    most whatever their number."""
    charities = [partner for partner in partners if partner.kind in CHARITY_KINDS]
    licensed = await counties_with_licensed_clinic({c.county_id for c in charities if c.county_id is not None}, on)
    norms = await caseload_norms(partners)
    workers = await eligible_workers(partners)

    def note_3(partner: Organization) -> bool:
        agreement = agreements.get(partner.id)
        return partner.kind in CHARITY_KINDS and note_3_applies(partner.county_id in licensed,
                                                                bool(agreement and agreement.no_clinic_applicant))

    return {partner.id: PartnerNorms(norms[partner.id], workers[partner.id], note_3(partner)) for partner in partners}


@strawberry.type(description="A partner's caseload for a Jalali year: the quotas of its agreement (Art. 4.2) — the cap "
                             "on every partner —, what the caseload norms say of its eligible workers (a clinic's "
                             "minimum load, Art. 2.2; a charity's or complex's cap, Art. 3.1 and note 3), and the "
                             "files it holds now. Norms and live counts are as of today.")
class Caseload:
    jalali_year: int = strawberry.field(description="The Jalali year of the agreement the quotas come from.")
    method: int | None = strawberry.field(description="A clinic's caseload method (Art. 2.2: 1, 2 or 3); null for "
                                                      "other partners and for a clinic with none set yet.")
    eligible_workers: int = strawberry.field(
        description="Active staff who carry a caseload: at a clinic its social workers, the associate-degree one "
                    "with two years included (Art. 2, note 1); at a charity or complex its bachelor-level experts "
                    "(Art. 3.1).")
    quota_rehabilitable: int | None = strawberry.field(
        description="Rehabilitable family files the agreement allows; null without an agreement for the year.")
    quota_non_rehabilitable: int | None = strawberry.field(
        description="Non-rehabilitable family files the agreement allows; null without an agreement.")
    quota_children: int | None = strawberry.field(
        description="Children's follow-up files the agreement allows (seed 003); null without an agreement.")
    norm_rehabilitable: int | None = strawberry.field(
        description="Rehabilitable files per eligible worker in the policy table: a clinic's minimum by its method "
                    "(Art. 2.2); a charity's or complex's cap per expert when it carries rehabilitable files only "
                    "(Art. 3 note 3, where note 3 applies). Null where no norm applies (child homes).")
    norm_non_rehabilitable: int | None = strawberry.field(
        description="Non-rehabilitable files per eligible worker: a clinic's minimum by its method (Art. 2.2); a "
                    "charity's or complex's cap per expert when it carries non-rehabilitable files only (Art. 3.1). "
                    "Null where no norm applies.")
    minimum_rehabilitable: int | None = strawberry.field(
        description="Clinics: the rehabilitable files its eligible workers should carry at least — the norm times the "
                    "workers (Art. 2.2, «حداقل»). A minimum, never a cap. Null for other partners.")
    minimum_non_rehabilitable: int | None = strawberry.field(
        description="Clinics: the non-rehabilitable files its eligible workers should carry at least (Art. 2.2). Null "
                    "for other partners.")
    under_loaded: bool | None = strawberry.field(
        description="Clinics: whether it holds fewer live files of either kind than its minimum (Art. 2.2), so its "
                    "staff are not fully used. Null for other partners.")
    note3_applies: bool | None = strawberry.field(
        name="note3Applies",
        description="Charities and complexes: whether they may take rehabilitable files today (Art. 3 note 3): no "
                    "clinic holds a valid license in the county and the year's agreement records that no one applied "
                    "to found one. Null for other partners.")
    experts_in_use: float | None = strawberry.field(
        description="Charities and complexes: the experts the live files take, pro rata — rehabilitable / norm + "
                    "non-rehabilitable / norm (e.g. 50/100 + 75/150 = 1.0). New files are refused past "
                    "`eligibleWorkers` (RULE_VIOLATION `ART_2_CASELOAD`). Null for other partners, and when files of "
                    "a kind the norm gives none are held.")
    capacity_rehabilitable: int = strawberry.field(
        description="The norm times the eligible workers, rehabilitable files (for a charity 0 unless note 3 "
                    "applies).",
        deprecation_reason="Art. 2.2's norms are minimum loads, not a capacity: read minimumRehabilitable for a "
                           "clinic, and expertsInUse against eligibleWorkers for a charity or complex.")
    capacity_non_rehabilitable: int = strawberry.field(
        description="The norm times the eligible workers, non-rehabilitable files.",
        deprecation_reason="Art. 2.2's norms are minimum loads, not a capacity: read minimumNonRehabilitable for a "
                           "clinic, and expertsInUse against eligibleWorkers for a charity or complex.")
    live_rehabilitable: int = strawberry.field(description="Rehabilitable family files delegated to it now.")
    live_non_rehabilitable: int = strawberry.field(description="Non-rehabilitable family files delegated to it now.")
    live_children: int = strawberry.field(description="Children's files delegated to it now.")


async def partner_caseloads(partners: Sequence[Organization], agreements: QuerySet[AgreementRow], jalali_year: int,
                            on: datetime.date) -> list[Caseload]:
    """The caseloads of partners the caller may see, in the same statements for one partner as for a page of them
    (issue 8 item 6; Partner.caseload loads them in a batch): the quotas of `jalali_year`'s agreement (from
    `agreements`, the caller's scoped rows), the rest as of `on`."""
    ids = [partner.id for partner in partners]
    found = await agreements.filter(partner_id__in=ids, jalali_year=jalali_year) if ids else []
    by_partner = {agreement.partner_id: agreement for agreement in found}  # one a year (unique with the partner)
    norms = await partners_norms(partners, by_partner, on)
    live = await live_loads(ids)
    return [_caseload(partner, by_partner.get(partner.id), norms[partner.id], live[partner.id], jalali_year)
            for partner in partners]


def _caseload(partner: Organization, agreement: AgreementRow | None, norms: PartnerNorms, live: dict[FileLoad, int],
              jalali_year: int) -> Caseload:
    held = family_files(live)
    norm, workers = norms.norm, norms.eligible_workers
    is_clinic = partner.kind is OrganizationKind.CLINIC
    is_charity = partner.kind in CHARITY_KINDS
    minimum = clinic_minimum(norm, workers) if is_clinic and norm is not None else None
    in_use = experts_in_use(held, norm) if is_charity and norm is not None else None
    # The deprecated capacity: the norm times the workers, a charity's rehabilitable share only under note 3.
    capped = None if norm is None else FileCounts(
        norm.rehabilitable if not is_charity or norms.note_3 else 0, norm.non_rehabilitable)
    return Caseload(
        jalali_year=jalali_year,
        method=partner.caseload_method,
        eligible_workers=workers,
        quota_rehabilitable=agreement.quota_rehabilitable if agreement else None,
        quota_non_rehabilitable=agreement.quota_non_rehabilitable if agreement else None,
        quota_children=agreement.quota_children if agreement else None,
        norm_rehabilitable=None if norm is None else norm.rehabilitable,
        norm_non_rehabilitable=None if norm is None else norm.non_rehabilitable,
        minimum_rehabilitable=None if minimum is None else minimum.rehabilitable,
        minimum_non_rehabilitable=None if minimum is None else minimum.non_rehabilitable,
        under_loaded=None if minimum is None else under_loaded(minimum, held),
        note3_applies=norms.note_3 if is_charity else None,
        experts_in_use=None if in_use is None else float(in_use),
        capacity_rehabilitable=0 if capped is None else capped.rehabilitable * workers,
        capacity_non_rehabilitable=0 if capped is None else capped.non_rehabilitable * workers,
        live_rehabilitable=live[FileLoad.REHABILITABLE],
        live_non_rehabilitable=live[FileLoad.NON_REHABILITABLE],
        live_children=live[FileLoad.CHILD],
    )

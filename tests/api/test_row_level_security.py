"""ACCESS.md rule 6, defence in depth: with the application's filter removed, the database still returns no
foreign case rows, because each request's transaction carries the viewer's scope for row-level security."""

from __future__ import annotations

import asyncpg
import pytest
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

import schema.sources
from api import db
from auth.rls import database_settings
from auth.roles import Role, Viewer
from models.families import Family
from models.organizations import OrganizationKind


async def make_files(database_url: str) -> dict[str, int]:
    """Three families as the owner: one delegated to clinic 1 and its first worker, one in Yazd with the office,
    one in Meybod with the office."""
    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))
    try:
        clinic = await conn.fetchval("select organization_id from app_user where username = 'clinic.manager'")
        worker = await conn.fetchval("select staff_member_id from app_user where username = 'clinic.worker1'")
        counties = dict(await conn.fetch("select code, id from county"))
        province = await conn.fetchval("select id from province where code = 'YZD'")
        ids = {}
        for name, county, partner, staff in (("delegated", "YZD-YAZD", clinic, worker),
                                             ("yazd_office", "YZD-YAZD", None, None),
                                             ("meybod_office", "YZD-MEYBOD", None, None)):
            ids[name] = await conn.fetchval(
                "insert into family (file_number, category, status, rehabilitability, address, location_sketch,"
                " household_size, head_name_search, head_last_name_search, office_notes, abuse_flag, version,"
                " created_at, updated_at, province_id, county_id, assigned_partner_id, assigned_worker_id)"
                " values ($1, 'NEEDY_FAMILY', 'ACTIVE', 'REHABILITABLE', '', '', 0, '', '', '', false, 1, now(),"
                " now(), $2, $3, $4, $5) returning id",
                f"RLS-{name}", province, counties[county], partner, staff)
        ids["clinic"], ids["worker"] = clinic, worker
        ids["province"], ids["yazd"], ids["meybod"] = province, counties["YZD-YAZD"], counties["YZD-MEYBOD"]
        return ids
    finally:
        await conn.close()


def viewer(role: Role, kind: OrganizationKind, *, org: int, province: int | None, county: int | None,
           staff: int | None = None) -> Viewer:
    return Viewer(user_id=1, username="x", role=role, organization_id=org, organization_kind=kind,
                  province_id=province, county_id=county, staff_member_id=staff)


async def rls_families(who: Viewer | None) -> set[str]:
    """An unfiltered ORM query in a transaction scoped as the API scopes each request."""
    settings = database_settings(who)
    async with in_transaction() as conn:
        for name, value in settings.items():
            await conn.execute_query("select set_config($1, $2, true)", [name, value])
        return {f.file_number for f in await Family.filter(file_number__startswith="RLS-")}


async def test_an_unfiltered_query_sees_only_the_scope_of_the_transaction(app, database_url):
    ids = await make_files(database_url)
    manager = viewer(Role.PARTNER_MANAGER, OrganizationKind.CLINIC, org=ids["clinic"], province=ids["province"],
                     county=ids["yazd"])
    worker = viewer(Role.PARTNER_WORKER, OrganizationKind.CLINIC, org=ids["clinic"], province=ids["province"],
                    county=ids["yazd"], staff=ids["worker"])
    other_worker = viewer(Role.PARTNER_WORKER, OrganizationKind.CLINIC, org=ids["clinic"],
                          province=ids["province"], county=ids["yazd"], staff=ids["worker"] + 1000)
    meybod = viewer(Role.COUNTY_OFFICER, OrganizationKind.COUNTY_OFFICE, org=1, province=ids["province"],
                    county=ids["meybod"])
    auditor = viewer(Role.AUDITOR, OrganizationKind.PROVINCE_OFFICE, org=1, province=ids["province"], county=None)
    assert await rls_families(manager) == {"RLS-delegated"}
    assert await rls_families(worker) == {"RLS-delegated"}
    assert await rls_families(other_worker) == set()
    assert await rls_families(meybod) == {"RLS-meybod_office"}
    assert await rls_families(auditor) == set()
    assert await rls_families(None) == set()
    # Outside any scoped transaction the API's role sees nothing at all: it fails closed.
    assert await Family.filter(file_number__startswith="RLS-").count() == 0


@pytest.fixture
def without_the_first_wall(monkeypatch):
    """Remove the application's scope filter everywhere: every type's rows, unfiltered. `scoped_rows` is the one
    door to rows by type (lists, look-ups, loaders, mutations), so one patch removes the first wall whole."""
    monkeypatch.setattr(schema.sources, "type_scope_filter", lambda _viewer, _type_name: Q())


async def test_a_request_that_forgot_its_filter_still_returns_nothing_foreign(
        api, database_url, without_the_first_wall):
    await make_files(database_url)
    query = '{ families(first: 200, filter: {fileNumber: "RLS-"}) { totalCount edges { node { fileNumber } } } }'
    manager = await api.ok("clinic.manager", query)
    assert {e["node"]["fileNumber"] for e in manager["families"]["edges"]} == {"RLS-delegated"}
    assert manager["families"]["totalCount"] == 1
    office = await api.ok("meybod.county", query)
    assert {e["node"]["fileNumber"] for e in office["families"]["edges"]} == {"RLS-meybod_office"}


async def test_every_table_with_an_area_has_row_level_security(database_url):
    """A new table that carries an area (province_id) without row-level security would be open to every role."""
    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))
    try:
        open_tables = await conn.fetch(
            "select c.relname from pg_class c join information_schema.columns col on col.table_name = c.relname"
            " and col.table_schema = 'public' and col.column_name = 'province_id'"
            " where c.relkind = 'r' and not c.relrowsecurity")
    finally:
        await conn.close()
    # The geography and the organisations are public registers (ACCESS.md: everyone reads partners' names); the
    # agreements are read across counties by the quota check and wait for the hardening issue (#8, "RLS on more
    # tables"). Nothing else may be added here without its policy.
    assert {row["relname"] for row in open_tables} <= {"county", "organization", "app_user", "kindergarten",
                                                       "agreement"}


@pytest.mark.parametrize("statement", [
    "update policy_value set value = 0", "delete from policy_value",
    "update ledger_entry set amount_rials = 0", "delete from ledger_entry",
    "update audit_event set username = 'x'",
    # The files' history and the delegation's events are part of the trail too (issue #8, item 5).
    "update change_record set operation = 'x'", "delete from change_record",
    "update assignment_event set reason = 'x'", "delete from assignment_event",
])
async def test_the_policy_figures_and_the_books_are_append_only_for_the_api(app, statement):
    """A figure is changed by a new row from a later day, a ledger mistake by a reversing entry (models/money.py)."""
    with pytest.raises(Exception, match="permission denied"):
        async with in_transaction() as conn:
            await conn.execute_query(statement)

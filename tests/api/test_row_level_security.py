"""docs/access.md rule 6, defence in depth: with the application's filter removed, the database still returns no
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
    # The supervisor: only the files of its area a partner serves now (issue #8, item 13).
    yazd_supervisor = viewer(Role.SUPERVISOR, OrganizationKind.COUNTY_OFFICE, org=1, province=ids["province"],
                             county=ids["yazd"])
    province_supervisor = viewer(Role.SUPERVISOR, OrganizationKind.PROVINCE_OFFICE, org=1, province=ids["province"],
                                 county=None)
    assert await rls_families(manager) == {"RLS-delegated"}
    assert await rls_families(worker) == {"RLS-delegated"}
    assert await rls_families(other_worker) == set()
    assert await rls_families(meybod) == {"RLS-meybod_office"}
    assert await rls_families(auditor) == set()
    assert await rls_families(yazd_supervisor) == {"RLS-delegated"}
    assert await rls_families(province_supervisor) == {"RLS-delegated"}
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


# The tables open to every role: the public map of provinces and counties (names and codes, no person and no case;
# every role, the login payload and every file number read it), and the migrations' own table, which the API's role
# may not touch at all (api/db.ensure_app_role). Nothing else may be added here (issue #8, item 14).
PUBLIC_TABLES = {"province", "county", "tortoise_migrations"}


async def test_every_table_has_row_level_security(database_url):
    """A new table without row-level security would be open to every role, whatever it holds: every table has it,
    but the public geography."""
    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))
    try:
        open_tables = await conn.fetch(
            "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            " where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relrowsecurity")
    finally:
        await conn.close()
    assert {row["relname"] for row in open_tables} <= PUBLIC_TABLES


# --- every register, per role (issue #8, items 13 and 14) --------------------------------------------------------

OFFICES = "kind in ('NATIONAL_OFFICE', 'PROVINCE_OFFICE', 'COUNTY_OFFICE')"
PARTNERS = "kind in ('CLINIC', 'CHARITY', 'SERVICE_COMPLEX', 'CHILD_HOME')"
NOBODY_ELSE = {"organization": f"id = {{org}} or {OFFICES}", "app_user": "id = {user}", "staff_member": "false",
               "agreement": "false", "kindergarten": "false"}
DELEGATED_IN_COUNTY = "county_id = {county} and assigned_partner_id is not null and access_until is null"

# Which rows of each table every demo role reaches, restated as SQL over the owner columns (docs/access.md and the
# policy table, independently of the migrations): the registers of issue #8 item 14, and the supervisor's case slice
# (item 13).
SEEN = {
    "admin": dict.fromkeys(("organization", "app_user", "staff_member", "agreement", "kindergarten"), "true"),
    "yazd.province": {
        "organization": f"{OFFICES} or province_id = {{province}}",
        "app_user": "id = {user} or organization_id in (select id from organization where province_id = {province})",
        "staff_member": "organization_id in (select id from organization where province_id = {province})",
        "agreement": "province_id = {province}",
        "kindergarten": "province_id = {province}",
    },
    "meybod.county": {
        "organization": f"{OFFICES} or county_id = {{county}}",
        "app_user": "id = {user} or organization_id in (select id from organization where county_id = {county})",
        "staff_member": "organization_id in (select id from organization where county_id = {county})",
        "agreement": "county_id = {county}",
        "kindergarten": "county_id = {county}",
    },
    # Partner records of its area; its own account only; no kindergarten; files only while a partner serves them, and
    # nothing that is the office's alone (committee minutes, the history with its notes, abuse alerts).
    "meybod.supervisor": {
        "organization": f"id = {{org}} or {OFFICES} or ({PARTNERS} and county_id = {{county}})",
        "app_user": "id = {user}",
        "staff_member": f"organization_id in (select id from organization where {PARTNERS} and county_id = {{county}})",
        "agreement": "county_id = {county}",
        "kindergarten": "false",
        "family": DELEGATED_IN_COUNTY,
        "member": DELEGATED_IN_COUNTY,
        "child": DELEGATED_IN_COUNTY,
        "interview": f"family_id in (select id from family where {DELEGATED_IN_COUNTY})",
        "home_visit": f"family_id in (select id from family where {DELEGATED_IN_COUNTY})",
        "child_follow_up": f"child_id in (select id from child where {DELEGATED_IN_COUNTY})",
        "committee_decision": "false",
        "change_record": "false",
        "alert": "false",
        "complaint": "county_id = {county}",
        "supervision_visit": "county_id = {county}",
        "assignment": "county_id = {county}",
    },
    "clinic.manager": {**NOBODY_ELSE, "staff_member": "organization_id = {org}", "agreement": "partner_id = {org}"},
    "clinic.worker1": {**NOBODY_ELSE, "staff_member": "id = {staff}"},
    "kindergarten.operator": {**NOBODY_ELSE, "kindergarten": "operator_id = {org}"},
    "auditor": NOBODY_ELSE,
}


async def seen_by(who: Viewer | None, table: str) -> set[int]:
    """The IDs of `table` an unfiltered query returns in a transaction scoped as the API scopes `who`'s requests."""
    async with in_transaction() as conn:
        for name, value in database_settings(who).items():
            await conn.execute_query("select set_config($1, $2, true)", [name, value])
        return {row["id"] for row in await conn.execute_query_dict(f"select id from {table}")}


@pytest.mark.parametrize("username", sorted(SEEN))
async def test_each_role_reaches_exactly_its_rows_of_every_register(app, database_url, username):
    from auth.identity import load_viewer

    who = await load_viewer(username, demo_mode=True)
    assert who is not None
    values = {"user": who.user_id, "org": who.organization_id, "staff": who.staff_member_id or "null",
              "province": who.province_id or "null", "county": who.county_id or "null"}
    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))
    try:
        for table, rule in SEEN[username].items():
            want = {row["id"] for row in await conn.fetch(f"select id from {table} where {rule.format(**values)}")}
            assert await seen_by(who, table) == want, (username, table)
        # The rules above reach something where they should, so that equality proves the policies bite.
        total = {table: await conn.fetchval(f"select count(*) from {table}") for table in SEEN[username]}
    finally:
        await conn.close()
    if username not in ("admin", "yazd.province"):  # the demo has one province: its office reaches every row
        for table in SEEN[username]:
            assert len(await seen_by(who, table)) < total[table], (username, table)
    # Public to every role: the map, and the caseload norms (national policy data, like policy_value).
    assert await seen_by(who, "county") and await seen_by(who, "caseload_norm")


async def test_a_request_without_a_token_reaches_no_register_but_the_offices(app, database_url):
    """The login and the user cache read accounts through `app_account` alone; without a viewer nothing else shows
    but the directory of offices (auth/policy.py: not secret)."""
    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))
    try:
        offices = {row["id"] for row in await conn.fetch(f"select id from organization where {OFFICES}")}
    finally:
        await conn.close()
    assert await seen_by(None, "organization") == offices
    for table in ("app_user", "staff_member", "agreement", "kindergarten"):
        assert await seen_by(None, table) == set(), table


async def test_the_registers_forgot_by_a_request_still_show_nothing_foreign(api, database_url, without_the_first_wall):
    """The first wall removed, each role's lists of partners, users and kindergartens — and the supervisor's files —
    still hold only its rows."""
    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))
    try:
        meybod = await conn.fetchval("select id from county where code = 'YZD-MEYBOD'")
        meybod_users = {r["username"] for r in await conn.fetch(
            "select username from app_user u join organization o on o.id = u.organization_id"
            " where o.county_id = $1", meybod)}
        delegated = await conn.fetchval(
            f"select count(*) from family where {DELEGATED_IN_COUNTY.format(county=meybod)}")
        operated = await conn.fetchval("select count(*) from kindergarten where operator_id = (select organization_id"
                                       " from app_user where username = 'kindergarten.operator')")
    finally:
        await conn.close()
    partners = await api.ok("clinic.manager", "{ partners(first: 200) { edges { node { name } } } }")
    assert [e["node"]["name"] for e in partners["partners"]["edges"]] == ["کلینیک مددکاری اجتماعی مهرآفرین"]
    users = await api.ok("meybod.county", "{ users(first: 200) { totalCount edges { node { username } } } }")
    assert {e["node"]["username"] for e in users["users"]["edges"]} == meybod_users
    kindergartens = await api.ok("kindergarten.operator", "{ kindergartens(first: 200) { totalCount } }")
    assert kindergartens["kindergartens"]["totalCount"] == operated
    families = await api.ok("meybod.supervisor", '{ families(first: 200, filter: {fileNumber: "YZD-MEYBOD"}) {'
                                                 ' totalCount } }')
    assert families["families"]["totalCount"] == delegated


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


async def test_a_question_across_slices_gets_the_same_answer_from_a_partner_and_its_office(api, database_url):
    """Whether the county has a licensed clinic (Art. 3 note 3) decides a charity's caseload: its manager, who sees no
    other partner, gets the answer its office gets, from `county_has_licensed_clinic` (migration 0018)."""
    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))
    try:
        await conn.execute(
            "insert into organization (kind, name, name_search, province_id, county_id, address, phone, license_number,"
            " license_valid_from, license_valid_until, version, created_at, updated_at)"
            " select 'CLINIC', 'کلینیک میبد', 'کلینیک میبد', province_id, id, '', '', 'YZD-CL-RLS-1',"
            " current_date - 30, current_date + 30, 1, now(), now() from county where code = 'YZD-MEYBOD'")
    finally:
        await conn.close()
    caseload = "id caseload { note3Applies capacityRehabilitable }"
    listed = await api.ok("charity.manager", f"{{ partners {{ edges {{ node {{ {caseload} }} }} }} }}")
    [own] = [edge["node"] for edge in listed["partners"]["edges"]]
    by_id = f"query($id: ID!) {{ node(id: $id) {{ ... on Partner {{ {caseload} }} }} }}"
    office = (await api.ok("meybod.county", by_id, {"id": own["id"]}))["node"]
    assert own == office and own["caseload"]["note3Applies"] is False

"""Nested fields load through DataLoaders: the number of SQL statements for a page of families with their members,
current assignment and casework records does not grow with the page size (issues #3 and #7, lists that scale)."""

from __future__ import annotations

import logging

import asyncpg
import pytest

from api import db

PAGE = """query($n: Int!) { families(first: $n, filter: {fileNumber: "QC-"}) { totalCount edges { node {
  id fileNumber householdSize head { firstName lastName }
  members { id firstName lastName nationalId birthDate relation }
  currentAssignment { id assignedOn partner { id name } worker { id fullName } }
  homeVisits(first: 5) { totalCount edges { node { id visitedOn visitedOnJalali report recordedBy } } }
  assessments(first: 1) { edges { node { id assessedOn total level scores { domain score } } } } } } } }"""


async def delegated_families(database_url: str, count: int) -> None:
    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))
    try:
        clinic = await conn.fetchval("select organization_id from app_user where username = 'clinic.manager'")
        worker = await conn.fetchval("select staff_member_id from app_user where username = 'clinic.worker1'")
        county, province = await conn.fetchrow("select id, province_id from county where code = 'YZD-YAZD'")
        officer = await conn.fetchval("select id from app_user where username = 'yazd.county'")
        for i in range(count):
            family = await conn.fetchval(
                "insert into family (file_number, category, status, rehabilitability, address, location_sketch,"
                " household_size, head_name_search, head_last_name_search, office_notes, abuse_flag, version,"
                " created_at, updated_at, province_id, county_id, assigned_partner_id, assigned_worker_id)"
                " values ($1, 'NEEDY_FAMILY', 'ACTIVE', 'REHABILITABLE', '', '', 3, '', '', '', false, 1, now(),"
                " now(), $2, $3, $4, $5) returning id", f"QC-{i:04d}", province, county, clinic, worker)
            for j in range(3):
                await conn.execute(
                    "insert into member (family_id, national_id, first_name, last_name, birth_date, sex, relation,"
                    " is_head, education, job, health, insurance, live, version, created_at, updated_at,"
                    " province_id, county_id, assigned_partner_id, assigned_worker_id) values ($1, $2, 'علی',"
                    " 'رضایی', '1990-01-01', 'MALE', $3, $4, '', '', '', '', true, 1, now(), now(), $5, $6, $7, $8)",
                    family, f"9{i:05d}{j:04d}"[:10], "HEAD" if j == 0 else "CHILD", j == 0, province, county,
                    clinic, worker)
            for day in (3, 2, 1):
                await conn.execute(
                    "insert into home_visit (family_id, province_id, county_id, partner_id, author_id,"
                    " author_username, client_digest, version, created_at, updated_at, visited_on, present, findings,"
                    " report) values ($1, $2, $3, $4, $5, 'clinic.worker1', '', 1, now(), now(),"
                    " current_date - $6::int, '', '', 'گزارش')", family, province, county, clinic, officer, day)
            await conn.execute(
                "insert into assessment (family_id, province_id, county_id, partner_id, author_id, author_username,"
                " client_digest, version, created_at, updated_at, assessed_on, scores, total, level, notes) values"
                " ($1, $2, $3, $4, $5, 'clinic.worker1', '', 1, now(), now(), current_date, $6, 16, 'LOW', '')",
                family, province, county, clinic, officer,
                '{"DECISION_MAKING": 2, "SOCIAL_MOBILITY": 2, "EDUCATION": 2, "JOB_SKILLS": 2, '
                '"EMPLOYMENT_STATUS": 2, "INCOME": 2, "HOUSING": 2, "INSURANCE": 2}')
            await conn.execute(
                "insert into assignment (family_id, partner_id, worker_id, load, assigned_on, assigned_at,"
                " assigned_by_id, end_note, province_id, county_id) values ($1, $2, $3, 'REHABILITABLE',"
                " current_date, now(), $4, '', $5, $6)", family, clinic, worker, officer, province, county)
    finally:
        await conn.close()


async def statements(api, caplog, size: int) -> int:
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
        data = await api.ok("clinic.manager", PAGE, {"n": size})
    assert len(data["families"]["edges"]) == size
    assert all(len(e["node"]["members"]) == 3 and e["node"]["currentAssignment"] for e in data["families"]["edges"])
    assert all(e["node"]["homeVisits"]["totalCount"] == 3 and len(e["node"]["assessments"]["edges"]) == 1
               for e in data["families"]["edges"])
    return page_statements(caplog)


def page_statements(caplog) -> int:
    """Statements of the page itself: not the pool's bookkeeping, not the viewer's look-up (cached per process)."""
    return sum(1 for r in caplog.records if r.name == "tortoise.db_client" and not any(
        word in r.getMessage() for word in ("pool", "app_user", "app_account")))


@pytest.mark.parametrize("small", [5, 10])
async def test_statement_count_does_not_grow_with_the_page(api, database_url, caplog, small):
    await delegated_families(database_url, 50)
    await api.token("clinic.manager")  # log in first: the count is of the page alone
    few = await statements(api, caplog, small)
    many = await statements(api, caplog, 50)
    assert many == few, (few, many)
    assert many <= 15


BATCHED = """query($n: Int!) {
  partners(first: $n) { edges { node { id staff { id isActive } } } }
  families(first: $n, filter: {fileNumber: "QC-"}) {
    edges { node { id currentAssignment { id events { transition } } } } }
  provinces { id counties { id } } }"""


async def test_staff_counties_and_events_load_in_batches(api, database_url, caplog):
    """Partner.staff, Province.counties and Assignment.events (issue 8 item 6): a page of 1 and a page of many take
    the same statements."""
    await delegated_families(database_url, 10)
    await api.token("yazd.province")
    counts = []
    for size in (1, 10):
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
            data = await api.ok("yazd.province", BATCHED, {"n": size})
        assert len(data["families"]["edges"]) == size and len(data["partners"]["edges"]) >= min(size, 2)
        assert all(e["node"]["currentAssignment"] is not None for e in data["families"]["edges"])
        counts.append(page_statements(caplog))
    assert counts[0] == counts[1], counts
    assert sum(1 for r in caplog.records if 'FROM "county"' in r.getMessage()) == 1  # every province's at once



async def more_partners(database_url: str, copies: int) -> int:
    """`copies` more of every demo partner in Yazd, each with its staff and agreements (and a license number of its
    own); the number of partners in Yazd afterwards."""
    in_yazd = ("from organization o join province p on p.id = o.province_id where p.code = 'YZD'"
               " and o.kind in ('CLINIC', 'CHARITY', 'SERVICE_COMPLEX', 'CHILD_HOME')")
    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))
    try:
        columns = {table: [r["column_name"] for r in await conn.fetch(
            "select column_name from information_schema.columns where table_name = $1 and column_name <> 'id'"
            " order by ordinal_position", table)] for table in ("organization", "staff_member", "agreement")}
        copied = ", ".join("license_number || '-' || $2::text" if c == "license_number" else c
                           for c in columns["organization"])
        for source in [r["id"] for r in await conn.fetch(f"select o.id {in_yazd} order by o.id")]:
            for n in range(copies):
                new = await conn.fetchval(f"insert into organization ({', '.join(columns['organization'])})"
                                          f" select {copied} from organization where id = $1 returning id",
                                          source, str(n))
                for table, owner in (("staff_member", "organization_id"), ("agreement", "partner_id")):
                    values = ", ".join("$2" if c == owner else c for c in columns[table])
                    await conn.execute(f"insert into {table} ({', '.join(columns[table])}) select {values}"
                                       f" from {table} where {owner} = $1", source, new)
        return int(await conn.fetchval(f"select count(*) {in_yazd}"))
    finally:
        await conn.close()


PARTNER = """id kind ledgerBalance caseload { eligibleWorkers quotaRehabilitable normRehabilitable minimumRehabilitable
  underLoaded note3Applies expertsInUse liveRehabilitable liveChildren }"""
CASELOADS = f"query($n: Int!) {{ partners(first: $n) {{ edges {{ node {{ {PARTNER} }} }} }} }}"
ALONE = f"query($id: ID!) {{ node(id: $id) {{ ... on Partner {{ {PARTNER} }} }} }}"


async def test_caseloads_and_balances_load_in_batches(api, database_url, caplog):
    """Partner.caseload and Partner.ledgerBalance (issue 8 item 6): a page of the demo's partners in Yazd and a page
    five times as long take the same statements, and a partner's caseload and balance in a page are those it shows
    alone."""
    partners = await more_partners(database_url, 4)
    demo = partners // 5  # the first page: the demo's own, of every kind (a charity's county costs one statement)
    assert demo >= 4
    await api.token("yazd.province")
    counts, pages = [], []
    for size in (demo, partners):
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
            data = await api.ok("yazd.province", CASELOADS, {"n": size})
        pages.append([edge["node"] for edge in data["partners"]["edges"]])
        counts.append(page_statements(caplog))
    assert [len(page) for page in pages] == [demo, partners]
    assert counts[0] == counts[1], counts
    assert pages[1][:demo] == pages[0]
    kinds = {node["kind"]: node for node in pages[1]}
    assert {"CLINIC", "CHARITY"} <= set(kinds)
    for node in kinds.values():  # one of each kind, alone
        assert (await api.ok("yazd.province", ALONE, {"id": node["id"]}))["node"] == node


OTHER_LISTS = """query($n: Int!) {
  users(first: $n) { edges { node { id organization { __typename id } } } }
  peerGroups(first: $n) { edges { node { id
    sessions(first: 5) { edges { node { id history { operation } } } } } } } }"""


async def test_users_organizations_and_session_histories_load_in_batches(api, caplog):
    """User.organization and GroupSession.history, which cost a statement a row (issue 8 item 6): a page of one and a
    page of five take the same statements. The demo's first five users all work at offices: each type of organisation
    shown costs one statement (its own scope), so a page of users of three kinds would cost two more, however long."""
    await api.token("admin")
    counts, sizes = [], []
    for size in (1, 5):
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
            data = await api.ok("admin", OTHER_LISTS, {"n": size})
        counts.append(page_statements(caplog))
        sessions = [s for g in data["peerGroups"]["edges"] for s in g["node"]["sessions"]["edges"]]
        sizes.append((len(data["users"]["edges"]), len(sessions)))
        assert {e["node"]["organization"]["__typename"] for e in data["users"]["edges"]} == {"Office"}
    assert sizes[0] < sizes[1] and sizes[1][0] == 5 and sizes[1][1] > 1, sizes
    assert counts[0] == counts[1], counts

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
    # Statements of the page itself: not the pool's bookkeeping, not the viewer's look-up (cached per process).
    return sum(1 for r in caplog.records if r.name == "tortoise.db_client"
               and "pool" not in r.getMessage() and "app_user" not in r.getMessage())


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
        counts.append(sum(1 for r in caplog.records if r.name == "tortoise.db_client"
                          and "pool" not in r.getMessage() and "app_user" not in r.getMessage()))
    assert counts[0] == counts[1], counts
    assert sum(1 for r in caplog.records if 'FROM "county"' in r.getMessage()) == 1  # every province's at once

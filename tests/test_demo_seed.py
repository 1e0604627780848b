"""The demo case files (demo/cases.py, issue #3): counted and cross-checked in the seeded database as its owner."""

from __future__ import annotations

import datetime
import random
from collections.abc import AsyncIterator

import asyncpg
import pytest

from api import db
from demo.cases import build_cases
from demo.seed import partner_staff
from rules.jalali import jalali_year
from rules.national_id import is_valid_national_id


@pytest.fixture
async def owner(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    """The seeded database as its owner: row-level security does not hide anything from it."""
    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))
    yield conn
    await conn.close()


async def _staff_of(owner: asyncpg.Connection, username: str) -> int:
    return await owner.fetchval("select staff_member_id from app_user where username = $1", username)


async def test_households_and_children_are_there(owner: asyncpg.Connection) -> None:
    families = await owner.fetchval("select count(*) from family")
    woman_headed = await owner.fetchval("select count(*) from family where category = 'WOMAN_HEADED'")
    assert families >= 300
    assert abs(woman_headed / families - 1 / 3) <= 0.05
    assert await owner.fetchval("select count(*) from child") >= 40
    assert await owner.fetchval("select count(distinct category) from family") == 4


async def test_every_family_has_one_head_and_its_size(owner: asyncpg.Connection) -> None:
    rows = await owner.fetch("""
        select f.file_number, f.category, f.household_size, count(m.id) as members,
               count(m.id) filter (where m.is_head) as heads,
               count(m.id) filter (where m.is_head and m.relation = 'HEAD') as head_relations,
               bool_and(not m.is_head or f.category <> 'WOMAN_HEADED' or m.sex = 'FEMALE') as woman_heads
        from family f join member m on m.family_id = f.id group by f.id""")
    assert rows
    for row in rows:
        assert row["heads"] == row["head_relations"] == 1, row
        assert 1 <= row["members"] <= 6 and row["household_size"] == row["members"], row
        assert row["woman_heads"], row


async def test_owner_columns_follow_the_live_assignment(owner: asyncpg.Connection) -> None:
    for table, key in (("family", "family_id"), ("child", "child_id")):
        mismatched = await owner.fetchval(f"""
            select count(*) from {table} t left join assignment a on a.{key} = t.id and a.ended_at is null
            where t.assigned_partner_id is distinct from a.partner_id
               or t.assigned_worker_id is distinct from a.worker_id
               or (a.id is not null and (a.province_id <> t.province_id or a.county_id <> t.county_id))""")
        assert mismatched == 0, table
    members_out_of_step = await owner.fetchval("""
        select count(*) from member m join family f on f.id = m.family_id
        where (m.province_id, m.county_id) <> (f.province_id, f.county_id)
           or m.assigned_partner_id is distinct from f.assigned_partner_id
           or m.assigned_worker_id is distinct from f.assigned_worker_id""")
    assert members_out_of_step == 0
    assert await owner.fetchval("select count(*) from assignment") > 0
    # Every assignment was recorded as ASSIGNED, and with WORKER_ASSIGNED where a worker is named.
    missing_events = await owner.fetchval("""
        select count(*) from assignment a where not exists (
            select 1 from assignment_event e where e.assignment_id = a.id and e.transition = 'ASSIGNED')
          or (a.worker_id is not null and not exists (select 1 from assignment_event e where e.assignment_id = a.id
              and e.transition = 'WORKER_ASSIGNED' and e.worker_id = a.worker_id))""")
    assert missing_events == 0


async def test_clinic_workers_hold_some_of_the_clinic_files(owner: asyncpg.Connection) -> None:
    clinic = await owner.fetchval("select organization_id from app_user where username = 'clinic.manager'")
    clinic_files = await owner.fetchval("select count(*) from family where assigned_partner_id = $1", clinic)
    for username in ("clinic.worker1", "clinic.worker2"):
        held = await owner.fetchval("select count(*) from family where assigned_partner_id = $1 "
                                    "and assigned_worker_id = $2", clinic, await _staff_of(owner, username))
        assert 1 <= held < clinic_files, username
    assert await owner.fetchval("select count(*) from family where assigned_partner_id = $1 "
                                "and assigned_worker_id is null", clinic) >= 1


async def test_some_files_stay_with_the_office(owner: asyncpg.Connection) -> None:
    assert await owner.fetchval("select count(*) from family where assigned_partner_id is null") > 0
    assert await owner.fetchval("select count(*) from child where assigned_partner_id is null") > 0
    # Unclassified files are never delegated: there is no quota to count them against.
    assert await owner.fetchval("select count(*) from family where rehabilitability = 'UNCLASSIFIED'") > 0
    assert await owner.fetchval("select count(*) from family where rehabilitability = 'UNCLASSIFIED' "
                                "and assigned_partner_id is not null") == 0


async def test_no_partner_is_over_its_agreement_quotas(owner: asyncpg.Connection) -> None:
    rows = await owner.fetch("""
        select a.partner_id, a.load, count(*) as files, g.quota_rehabilitable, g.quota_non_rehabilitable,
               g.quota_children
        from assignment a join agreement g on g.partner_id = a.partner_id and g.jalali_year = $1
        where a.ended_at is null group by a.partner_id, a.load, g.id""", jalali_year(datetime.date.today()))
    live = await owner.fetchval("select count(distinct (partner_id, load)) from assignment where ended_at is null")
    assert len(rows) == live  # every partner holding files has this year's agreement
    quota_of = {"REHABILITABLE": "quota_rehabilitable", "NON_REHABILITABLE": "quota_non_rehabilitable",
                "CHILD": "quota_children"}
    for row in rows:
        assert row["files"] <= row[quota_of[row["load"]]], dict(row)


async def test_children_are_delegated_a_year_after_discharge(owner: asyncpg.Connection) -> None:
    too_early = await owner.fetchval("""
        select count(*) from assignment a join child c on c.id = a.child_id
        where a.assigned_on < c.discharged_on + interval '1 year'""")
    assert too_early == 0
    assert await owner.fetchval("select count(*) from child where discharged_on > current_date - 365") > 0


async def test_every_national_id_is_valid_and_unique(owner: asyncpg.Connection) -> None:
    ids = [r["national_id"] for r in await owner.fetch("select national_id from member union all "
                                                       "select national_id from child")]
    assert ids and all(is_valid_national_id(n) for n in ids)
    assert len(set(ids)) == len(ids)


async def test_classified_families_have_their_decision(owner: asyncpg.Connection) -> None:
    undecided = await owner.fetchval("""
        select count(*) from family f where f.rehabilitability <> 'UNCLASSIFIED' and not exists (
            select 1 from classification_decision d where d.family_id = f.id and d.committee_level = 2
              and d.rehabilitability = f.rehabilitability and d.county_id = f.county_id)""")
    assert undecided == 0


def test_the_case_files_are_deterministic() -> None:
    day = datetime.date(2026, 3, 1)
    first = build_cases(day, partner_staff())
    random.seed(99)  # the generator owns its randomness: global state does not leak in
    assert build_cases(day, partner_staff()) == first
    assert len({f.file_number for f in first.families}) == len(first.families)
    assert len({c.file_number for c in first.children}) == len(first.children)

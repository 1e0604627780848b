"""Benchmark databases: `welfare_bench_<size>`, migrated, demo-seeded, then filled to `size` families in SQL.

The bulk rows are made by `INSERT … SELECT` over `generate_series`, so a million households with about three
members each take minutes, not hours. Every generated value is a function of the row number: the data are the
same on every run. A database that already holds its size (the `bench_generated` marker) is reused unless
`fresh` is asked for.

Of the generated households, 1 % go to clinic 1 (clinic.manager's partner, spread over its four workers and
none), 1 % to clinic 2 and 1 % to the Meybod charity, with a live assignment each; the rest stay with the office.
Quotas are not respected here: this is a load test, not demo data.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import asyncpg

from api import db

__all__ = ["bench_database", "prepare"]

GENERATED_PREFIX = "BENCH-"
NATIONAL_ID_BASE = 500_000_000
"""Generated national IDs are 500000000 + family id × 8 + member index (+ check digit): clear of the demo's 443…"""

FEMALE = ["فاطمه", "زهرا", "مریم", "معصومه", "زینب", "طاهره", "اعظم", "سمیه", "نرگس", "لیلا", "اکرم", "رقیه"]
MALE = ["محمد", "علی", "حسین", "حسن", "رضا", "مهدی", "احمد", "ابوالفضل", "مجید", "جواد", "سعید", "عباس"]
LAST = ["دهقان", "زارع", "میرجلیلی", "شریفی", "زارعی", "حاتمی", "کریمی", "امیری", "رحیمی", "صالحی", "عسکری",
        "طالبی", "خادمی", "اسلامی", "جعفری", "کاظمی", "سلطانی", "رستگار", "وحیدی", "نوری", "حیدری", "قاسمی"]


def bench_database(size: int) -> str:
    return f"welfare_bench_{size}"


def _array(values: list[str]) -> str:
    return "array[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]::text[]"


def _national_id_sql(n: str) -> str:
    """SQL for the national ID whose first nine digits are the integer `n` (rules/national_id.py's check digit)."""
    weighted = " + ".join(f"(({n}) / {10 ** (8 - i)} % 10) * {10 - i}" for i in range(9))
    r = f"(({weighted}) % 11)"
    return f"lpad(({n})::text, 9, '0') || (case when {r} < 2 then {r} else 11 - {r} end)::text"


def _first_name(sex_is_female: str, k: str) -> str:
    return (f"case when {sex_is_female} then (fem)[1 + ({k}) % {len(FEMALE)}] "
            f"else (mal)[1 + ({k}) % {len(MALE)}] end")


FAMILIES = f"""
with names as (select {_array(FEMALE)} as fem, {_array(MALE)} as mal, {_array(LAST)} as lst),
src as (
  select g, (g % 3 = 0 or g % 7 = 0) as head_female, (g % 10 < 6) as rehab,
         ($3::int[])[1 + g % array_length($3::int[], 1)] as county_id,
         case g % 100 when 0 then $4::int when 1 then $5::int when 7 then $6::int end as partner_id,
         case when g % 100 = 0 then ($7::int[])[1 + (g / 100) % array_length($7::int[], 1)] end as worker_id
  from generate_series($1::int, $2::int) g
)
insert into family (file_number, category, status, rehabilitability, address, location_sketch, support_started_on,
  household_size, head_name_search, head_last_name_search, office_notes, abuse_flag, version, created_at, updated_at,
  province_id, county_id, assigned_partner_id, assigned_worker_id)
select '{GENERATED_PREFIX}' || lpad(g::text, 8, '0'),
  case when g % 3 = 0 then 'WOMAN_HEADED' when g % 5 = 0 then 'ELDERLY_DISABLED' when g % 11 = 0 then 'ORPHANS'
       else 'NEEDY_FAMILY' end,
  'ACTIVE', case when rehab then 'REHABILITABLE' else 'NON_REHABILITABLE' end,
  'یزد، کوچه ' || (g % 60 + 1) || '، پلاک ' || (g % 180 + 1), '', current_date - (g % 2000),
  1 + g % 5,
  {_first_name("head_female", "g")} || ' ' || (lst)[1 + (g / 7) % {len(LAST)}],
  (lst)[1 + (g / 7) % {len(LAST)}],
  '', false, 1, now(), now(), $8::int, county_id, partner_id, worker_id
from src, names
"""

MEMBERS = f"""
with names as (select {_array(FEMALE)} as fem, {_array(MALE)} as mal, {_array(LAST)} as lst),
src as (
  select f.id, f.province_id, f.county_id, f.assigned_partner_id, f.assigned_worker_id, j,
         substr(f.file_number, {len(GENERATED_PREFIX) + 1})::int as g,
         {NATIONAL_ID_BASE}::bigint + f.id::bigint * 8 + j as n
  from family f cross join lateral generate_series(0, f.household_size - 1) j
  where f.id > $1 and f.file_number like '{GENERATED_PREFIX}%'
)
insert into member (family_id, national_id, first_name, last_name, birth_date, sex, relation, is_head, education,
  job, health, insurance, live, version, created_at, updated_at, province_id, county_id, assigned_partner_id,
  assigned_worker_id)
select id, {_national_id_sql("n")},
  case when j = 0 then {_first_name("(g % 3 = 0 or g % 7 = 0)", "g")}
       else {_first_name("j % 2 = 1", "g + j * 5")} end,
  (lst)[1 + (g / 7) % {len(LAST)}],
  case when j = 0 then date '1960-01-01' + (g % 12000) else date '2000-01-01' + ((g * 7 + j * 131) % 7000) end,
  case when (j = 0 and (g % 3 = 0 or g % 7 = 0)) or (j > 0 and j % 2 = 1) then 'FEMALE' else 'MALE' end,
  case when j = 0 then 'HEAD' when j = 1 and g % 3 <> 0 then 'SPOUSE' else 'CHILD' end,
  j = 0, '', '', '', '', true, 1, now(), now(), province_id, county_id, assigned_partner_id, assigned_worker_id
from src, names
"""

ASSIGNMENTS = f"""
insert into assignment (family_id, partner_id, worker_id, load, assigned_on, assigned_at, assigned_by_id, end_note,
  province_id, county_id)
select id, assigned_partner_id, assigned_worker_id, rehabilitability, current_date - (id % 300), now(), $2, '',
  province_id, county_id
from family where id > $1 and file_number like '{GENERATED_PREFIX}%' and assigned_partner_id is not null
"""


async def _exists(server_url: str, name: str) -> bool:
    conn = await asyncpg.connect(db.asyncpg_dsn(server_url))
    try:
        return bool(await conn.fetchval("select 1 from pg_database where datname = $1", name))
    finally:
        await conn.close()


async def _complete(url: str, size: int) -> bool:
    conn = await asyncpg.connect(db.asyncpg_dsn(url))
    try:
        if not await conn.fetchval("select to_regclass('bench_generated') is not null"):
            return False
        generated: int = await conn.fetchval("select size from bench_generated")
        return generated == size
    finally:
        await conn.close()


async def _recreate(server_url: str, name: str) -> None:
    conn = await asyncpg.connect(db.asyncpg_dsn(server_url))
    try:
        await conn.execute(f'drop database if exists "{name}" with (force)')
        await conn.execute(f'create database "{name}"')
    finally:
        await conn.close()


async def fill(url: str, size: int, log: Callable[[str], None] = print) -> None:
    """Add generated households (with members and live assignments) until the database holds `size` families."""
    conn = await asyncpg.connect(db.asyncpg_dsn(url))
    try:
        have = await conn.fetchval("select count(*) from family")
        last_id = await conn.fetchval("select coalesce(max(id), 0) from family")
        missing = size - have
        refs = await conn.fetchrow("""
            select (select id from province where code = 'YZD') as province,
                   (select array_agg(id order by id) from county) as counties,
                   (select organization_id from app_user where username = 'clinic.manager') as clinic1,
                   (select organization_id from app_user where username = 'clinic2.manager') as clinic2,
                   (select organization_id from app_user where username = 'charity.manager') as charity,
                   (select id from app_user where username = 'yazd.county') as officer""")
        assert refs is not None  # a select without from always gives one row
        workers = await conn.fetchval(
            "select array_agg(id order by id) from staff_member where organization_id = $1 "
            "and position = 'SOCIAL_WORKER'", refs["clinic1"])
        workers = [*workers, None]  # some of clinic 1's files have no worker yet
        if missing > 0:
            async with conn.transaction():
                await conn.execute("set local synchronous_commit = off")
                await conn.execute("set local maintenance_work_mem = '256MB'")
                # The rows are consistent by construction: skip the per-row foreign-key triggers where allowed.
                if await conn.fetchval("select rolsuper from pg_roles where rolname = current_user"):
                    await conn.execute("set local session_replication_role = replica")
                started = time.perf_counter()
                await conn.execute(FAMILIES, 1, missing, refs["counties"], refs["clinic1"], refs["clinic2"],
                                   refs["charity"], workers, refs["province"])
                log(f"  {missing} families in {time.perf_counter() - started:.1f} s")
                started = time.perf_counter()
                status = await conn.execute(MEMBERS, last_id)
                log(f"  {status.split()[-1]} members in {time.perf_counter() - started:.1f} s")
                started = time.perf_counter()
                status = await conn.execute(ASSIGNMENTS, last_id, refs["officer"])
                log(f"  {status.split()[-1]} live assignments in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        await conn.execute("analyze family; analyze member; analyze assignment; analyze staff_member")
        await conn.execute("drop table if exists bench_generated; create table bench_generated (size int not null)")
        await conn.execute("insert into bench_generated values ($1)", size)
        log(f"  analysed in {time.perf_counter() - started:.1f} s")
    finally:
        await conn.close()


async def prepare(server_url: str, size: int, *, fresh: bool = False, log: Callable[[str], None] = print) -> str:
    """The URL of `welfare_bench_<size>` on the server, built (or rebuilt with `fresh`) when it is not complete."""
    from demo.seed import seed_demo

    name = bench_database(size)
    url = db.with_database(server_url, name)
    if not fresh and await _exists(server_url, name) and await _complete(url, size):
        log(f"{name}: reusing ({size} families)")
        return url
    log(f"{name}: creating")
    started = time.perf_counter()
    await _recreate(server_url, name)
    await db.migrate(url)
    async with db.connected(url):
        await seed_demo()
    await fill(url, size, log)
    log(f"{name}: ready in {time.perf_counter() - started:.1f} s")
    return url

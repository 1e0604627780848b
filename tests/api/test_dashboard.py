"""The office dashboard through /graphql (issue 9): each row's figures against a computation made here from the
database as its owner (SQL alone), and against the API's own lists where the dashboard promises to agree with them
(`families(filter: {assessmentOverdue: true})`, `partners(filter: {supervisionOverdue: true})`,
`Partner.lateReports`, `Partner.subsidyStatement`); who may read it; and that its statement count does not grow with
the number of partners."""

from __future__ import annotations

import datetime
import logging
from collections import Counter
from collections.abc import AsyncIterator
from fractions import Fraction
from typing import Any

import asyncpg
import jdatetime
import pytest

from api import db
from tests.conftest import Api, error_code

TODAY = datetime.date.today()
THIS_YEAR = jdatetime.date.fromgregorian(date=TODAY).year
YEAR_FIRST = jdatetime.date(THIS_YEAR, 1, 1).togregorian()
YEAR_LAST = jdatetime.date(THIS_YEAR + 1, 1, 1).togregorian() - datetime.timedelta(days=1)
CHARITY = "مؤسسه خیریه نیکوکاران میبد"

ROW_FIELDS = """rehabilitableFiles nonRehabilitableFiles unclassifiedFiles childFiles rehabilitableHeld
  rehabilitableExited nonRehabilitableExited exitRate exitTarget exitTargetMet overdueAssessments supervisionOverdue
  lastSupervisedOn lastSupervisedOnJalali lateReports subsidyPaidRials"""
DASHBOARD = f"""{{ officeDashboard {{ jalaliYear asOf asOfJalali partners {{ partner {{ id name }} {ROW_FIELDS}
  openAlerts }} }} }}"""
WITHOUT_ALERTS = f"{{ officeDashboard {{ partners {{ partner {{ name }} {ROW_FIELDS} }} }} }}"
OVERDUE_FILES = """query($after: String) { families(first: 100, after: $after, filter: {assessmentOverdue: true}) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { id currentAssignment { partner { id } } } } } }"""
PARTNER_LISTS = """{ overdue: partners(filter: {supervisionOverdue: true}) { edges { node { id } } }
  all: partners { edges { node { id lateReports { kind } } } } }"""
STATEMENT = """query($id: ID!, $y: Int!) { node(id: $id) { ... on Partner { subsidyStatement(jalaliYear: $y) {
  rehabilitableHeld rehabilitableExited nonRehabilitableExited exitRate } } } }"""
REGISTER = """mutation($input: RegisterPartnerInput!) { registerPartner(input: $input) { partner { id } } }"""


@pytest.fixture
async def owner(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))
    yield conn
    await conn.close()


# --- each figure in SQL, as the owner, within the reader's area (`area` is a column name: county_id or province_id)

def files_sql(area: str) -> str:
    return f"""select coalesce(f.rehabilitability, 'CHILD') as kind, count(*) as n
               from assignment a left join family f on f.id = a.family_id
               where a.partner_id = $1 and a.ended_at is null and a.{area} = $2 group by 1"""


def held_sql(area: str) -> str:
    """Rehabilitable families held on any day of the year and not out of the cycle before it, or whose exit in the
    year is credited to the partner (rules/file_months.py's definition, restated in SQL)."""
    return f"""select count(*) from (
        select a.family_id from assignment a join family f on f.id = a.family_id
        where a.partner_id = $1 and a.{area} = $4 and f.{area} = $4 and f.rehabilitability = 'REHABILITABLE'
          and a.assigned_on <= $3 and (a.ended_at is null or (a.ended_at at time zone 'UTC')::date >= $2)
          and (f.exited_on is null or f.exited_on >= $2)
        union
        select id from family where exit_partner_id = $1 and {area} = $4 and rehabilitability = 'REHABILITABLE'
          and exited_on between $2 and $3) held"""


def exited_sql(area: str) -> str:
    return f"""select rehabilitability, count(*) as n from family where exit_partner_id = $1 and {area} = $4
               and exited_on between $2 and $3 group by 1"""


def alerts_sql(area: str) -> str:
    return f"""select count(*) from alert al join child c on c.id = al.child_id
               where al.handled_at is null and c.assigned_partner_id = $1 and al.{area} = $2"""


def paid_sql(area: str) -> str:
    return f"""select coalesce(sum(case when reverses_id is null then amount_rials else -amount_rials end), 0)
               from ledger_entry where partner_id = $1 and kind = 'RECEIPT' and entered_on between $2 and $3
               and {area} = $4"""


def last_visit_sql(area: str) -> str:
    return f"select max(visited_on) from supervision_visit where partner_id = $1 and {area} = $2"


async def expected_row(conn: asyncpg.Connection, partner: int, area: str, place: int,
                       target: Fraction) -> dict[str, Any]:
    files = Counter({row["kind"]: row["n"] for row in await conn.fetch(files_sql(area), partner, place)})
    held = await conn.fetchval(held_sql(area), partner, YEAR_FIRST, YEAR_LAST, place)
    exited = Counter({row["rehabilitability"]: row["n"]
                      for row in await conn.fetch(exited_sql(area), partner, YEAR_FIRST, YEAR_LAST, place)})
    rate = Fraction(exited["REHABILITABLE"], held) if held else None
    last = await conn.fetchval(last_visit_sql(area), partner, place)
    return {
        "rehabilitableFiles": files["REHABILITABLE"], "nonRehabilitableFiles": files["NON_REHABILITABLE"],
        "unclassifiedFiles": files["UNCLASSIFIED"], "childFiles": files["CHILD"], "rehabilitableHeld": held,
        "rehabilitableExited": exited["REHABILITABLE"], "nonRehabilitableExited": exited["NON_REHABILITABLE"],
        "exitRate": None if rate is None else str(rate), "exitTarget": str(target),
        "exitTargetMet": None if rate is None else rate >= target,
        "lastSupervisedOn": None if last is None else last.isoformat(),
        "lastSupervisedOnJalali": None if last is None else jdatetime.date.fromgregorian(date=last).strftime(
            "%Y/%m/%d"),
        "openAlerts": await conn.fetchval(alerts_sql(area), partner, place),
        "subsidyPaidRials": int(await conn.fetchval(paid_sql(area), partner, YEAR_FIRST, YEAR_LAST, place)),
    }


async def a_delegated_file_never_assessed(conn: asyncpg.Connection) -> None:
    """A file delegated to clinic 1 for more than 60 days loses its assessments: overdue whatever day the demo was
    built on, so that the overdue count is not trivially 0."""
    family = await conn.fetchval(
        "select f.id from family f join assignment a on a.family_id = f.id and a.ended_at is null"
        " where f.status = 'ACTIVE' and a.partner_id = (select organization_id from app_user"
        " where username = 'clinic.manager') and a.assigned_on < current_date - 60 order by f.id limit 1")
    assert family is not None
    await conn.execute("delete from assessment where family_id = $1", family)


@pytest.mark.parametrize(("username", "area"), [("yazd.county", "county_id"), ("yazd.province", "province_id")])
async def test_each_row_agrees_with_the_records_and_the_api_lists(api, owner, username, area):
    await a_delegated_file_never_assessed(owner)
    place = await owner.fetchval(f"select o.{area} from app_user u join organization o on o.id = u.organization_id"
                                 " where u.username = $1", username)
    partners = {row["id"]: row["name"] for row in await owner.fetch(
        f"select id, name from organization where kind in ('CLINIC', 'CHARITY', 'SERVICE_COMPLEX', 'CHILD_HOME')"
        f" and {area} = $1", place)}
    target_bp = await owner.fetchval("select value from policy_value where key = 'EXIT_TARGET' and qualifier = ''"
                                     " and effective_from <= $1 order by effective_from desc limit 1", YEAR_FIRST)
    target = Fraction(target_bp, 10_000)

    board = (await api.ok(username, DASHBOARD))["officeDashboard"]
    assert (board["jalaliYear"], board["asOf"]) == (THIS_YEAR, TODAY.isoformat())
    rows = {row["partner"]["id"]: row for row in board["partners"]}
    assert len(rows) == len(board["partners"])
    assert {row["partner"]["name"] for row in board["partners"]} == set(partners.values())

    overdue_files, _ = await api.every_node(username, OVERDUE_FILES, "families")
    overdue_by_partner = Counter(node["currentAssignment"]["partner"]["id"] for node in overdue_files
                                 if node["currentAssignment"] is not None)
    lists = await api.ok(username, PARTNER_LISTS)
    unsupervised = {edge["node"]["id"] for edge in lists["overdue"]["edges"]}
    late = {edge["node"]["id"]: len(edge["node"]["lateReports"]) for edge in lists["all"]["edges"]}
    assert set(late) == set(rows)

    from schema.node import from_global_id

    for global_id, row in rows.items():
        partner = int(from_global_id(global_id)[1])
        expected = await expected_row(owner, partner, area, place, target)
        assert {name: row[name] for name in expected} == expected, partners[partner]
        assert row["overdueAssessments"] == overdue_by_partner[global_id]
        assert row["supervisionOverdue"] is (global_id in unsupervised)
        assert row["lateReports"] == late[global_id]
        # The same exits and rate as the partner's statement for the year, read by the same office.
        statement = (await api.ok(username, STATEMENT, {"id": global_id, "y": THIS_YEAR}))["node"]["subsidyStatement"]
        assert statement == {name: row[name] for name in statement}

    # The demo gives the dashboard something to show: files, exits, an overdue file, an open alert, late reports,
    # receipts this year.
    assert sum(row["rehabilitableFiles"] for row in rows.values()) > 0
    assert sum(row["rehabilitableExited"] for row in rows.values()) > 0
    assert sum(row["overdueAssessments"] for row in rows.values()) > 0
    assert sum(row["openAlerts"] for row in rows.values()) > 0
    assert sum(row["lateReports"] for row in rows.values()) > 0
    assert sum(row["subsidyPaidRials"] for row in rows.values()) > 0


async def test_a_county_office_and_its_supervisor_see_their_countys_partners_only(api):
    meybod = (await api.ok("meybod.county", DASHBOARD))["officeDashboard"]["partners"]
    assert [row["partner"]["name"] for row in meybod] == [CHARITY]
    # The supervisor reads the same partners, without the alerts: those are the office's.
    supervised = (await api.ok("meybod.supervisor", WITHOUT_ALERTS))["officeDashboard"]["partners"]
    assert [row["partner"]["name"] for row in supervised] == [CHARITY]
    assert error_code(await api.as_user("meybod.supervisor", DASHBOARD)) == "FORBIDDEN"


@pytest.mark.parametrize("username", ["clinic.manager", "clinic.worker1", "auditor", "kindergarten.operator"])
async def test_partners_and_the_auditor_are_refused(api, username):
    result = await api.as_user(username, WITHOUT_ALERTS)
    assert error_code(result) == "FORBIDDEN"
    assert result["data"] is None


async def statements(api: Api, caplog: pytest.LogCaptureFixture) -> tuple[int, int]:
    """The SQL statements one dashboard request runs (not the pool's bookkeeping, not the viewer's look-up), and
    its rows."""
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
        rows = len((await api.ok("yazd.province", DASHBOARD))["officeDashboard"]["partners"])
    return sum(1 for r in caplog.records if r.name == "tortoise.db_client"
               and "pool" not in r.getMessage() and "app_user" not in r.getMessage()), rows


async def test_the_statement_count_does_not_grow_with_the_partners(api, caplog):
    counties = {c["code"]: c["id"] for p in (await api.ok("admin", "{ provinces { counties { id code } } }"))[
        "provinces"] for c in p["counties"]}
    await api.token("yazd.province")  # logged in first: the count is of the dashboard alone
    few, demo_rows = await statements(api, caplog)
    for n in range(5):
        await api.ok("yazd.province", REGISTER, {"input": {
            "kind": "CHARITY", "name": f"مؤسسه خیریه آزمایشی {n}", "countyId": counties["YZD-YAZD"],
            "licenseNumber": f"YZD-CH-DASH-{n}", "licenseValidFrom": "2025-03-21", "licenseValidUntil": "2030-03-20"}})
    many, more_rows = await statements(api, caplog)
    assert more_rows == demo_rows + 5
    assert many == few, (few, many)
    assert many <= 16, many

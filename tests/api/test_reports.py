"""A partner's computed reports through /graphql (issue 9): the quarterly report of Art. 4.8 and the children's monthly
report of seed 003. Every count is checked against one made directly in the database, as its owner, for what the
viewer may reach: the county office every record of its county, the partner's manager the records of the files it
holds now (or follows after rehabilitation). Who may read a report, and the periods refused.

The demo holds a Jalali year of casework up to yesterday (demo/casework.py), so the periods are taken relative to
today: the last whole quarter, and the quarter (month) holding yesterday for what a test adds."""

from __future__ import annotations

import datetime
import logging
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import jdatetime
import pytest

from api import db
from schema.node import to_global_id
from tests.conftest import Api, error_code

TODAY = datetime.date.today()
YESTERDAY = TODAY - datetime.timedelta(days=1)
DAY = datetime.timedelta(days=1)

QUARTERLY = """query($id: ID!, $y: Int!, $q: Int!) { node(id: $id) { ... on Partner {
  quarterlyReport(jalaliYear: $y, quarter: $q) { jalaliYear quarter startsOn startsOnJalali endsOn endsOnJalali dueOn
    dueOnJalali interviews homeVisits individualEmployment groupEmployment peerGroupsFormed groupSessions trainings
    exits exitsByRoute { route count } filesHeld assessments servicesByKind { kind count } } } } }"""
MONTHLY = """query($id: ID!, $y: Int!, $m: Int!) { node(id: $id) { ... on Partner {
  childFollowUpReport(jalaliYear: $y, month: $m) { jalaliYear month startsOn startsOnJalali endsOn endsOnJalali dueOn
    dueOnJalali childrenFollowed followUps followUpsByKind { kind count } abuseConcerns } } } }"""
HANDLED = """query($id: ID!, $y: Int!, $m: Int!) { node(id: $id) { ... on Partner {
  childFollowUpReport(jalaliYear: $y, month: $m) { abuseConcerns abuseConcernsHandled } } } }"""


# --- periods, from jdatetime alone (not rules/reports.py)

def jalali(d: datetime.date) -> jdatetime.date:
    return jdatetime.date.fromgregorian(date=d)


def gregorian(year: int, month: int, day: int = 1) -> datetime.date:
    return jdatetime.date(year, month, day).togregorian()


def quarter_of(d: datetime.date) -> tuple[int, int]:
    j = jalali(d)
    return j.year, (j.month - 1) // 3 + 1


def quarter_days(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    first = gregorian(year, 3 * quarter - 2)
    following = gregorian(year + 1, 1) if quarter == 4 else gregorian(year, 3 * quarter + 1)
    return first, following - DAY


def month_days(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    following = gregorian(year + 1, 1) if month == 12 else gregorian(year, month + 1)
    return gregorian(year, month), following - DAY


def last_whole_quarter() -> tuple[int, int]:
    year, quarter = quarter_of(TODAY)
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


# --- the database, as its owner

@pytest.fixture
async def owner(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))
    yield conn
    await conn.close()


async def organization_of(conn: asyncpg.Connection, username: str) -> int:
    return int(await conn.fetchval("select organization_id from app_user where username = $1", username))


async def county_of(conn: asyncpg.Connection, username: str) -> int:
    return int(await conn.fetchval(
        "select o.county_id from app_user u join organization o on o.id = u.organization_id where u.username = $1",
        username))


def partner_id(pk: int) -> str:
    return to_global_id("Partner", pk)


# A report counts every record of the partner, whoever reads it (schema/organizations/reports.py): no restriction
# on the files the records are on. The keys let a test narrow it when it wants to (none does now).
REACH = {"county": {"file": "true", "family": "true", "own": "true"},
         "manager": {"file": "true", "family": "true", "own": "true"}}


async def expected_quarter(conn: asyncpg.Connection, partner: int, year: int, quarter: int, reach: dict[str, str],
                           county: int) -> dict[str, Any]:
    start, end = quarter_days(year, quarter)
    file, family, own = (reach[key].replace("{county}", str(int(county))) for key in ("file", "family", "own"))
    args = (partner, start, end)
    counts = await conn.fetchrow(
        f"""select
          (select count(*) from interview where partner_id = $1 and held_on between $2 and $3 and {file}) interviews,
          (select count(*) from home_visit where partner_id = $1 and visited_on between $2 and $3 and {file}) visits,
          (select count(*) from assessment where partner_id = $1 and assessed_on between $2 and $3 and {file}) scales,
          (select count(*) from peer_group where partner_id = $1 and formed_on between $2 and $3 and {own}) groups,
          (select count(*) from group_session where partner_id = $1 and held_on between $2 and $3 and {own}) sessions,
          (select count(*) from group_session where partner_id = $1 and held_on between $2 and $3 and is_training
             and {own}) trainings,
          (select count(*) from assignment where partner_id = $1 and assigned_on <= $3
             and (ended_at is null or (ended_at at time zone 'UTC')::date > $3) and {own}) held""", *args)
    employed = await conn.fetchrow(
        f"""select count(distinct family_id) as families,
                   count(distinct family_id) filter (where family_id in (
                     select m.family_id from peer_group_family m join peer_group g on g.id = m.group_id
                     where g.partner_id = $1 and g.formed_on <= $3 and {own.replace("county_id", "g.county_id")}
                       and m.family_id in (select id from family where {family}))) as grouped
            from service_record where partner_id = $1 and kind = 'JOB_AND_RESOURCE_FINDING'
              and given_on between $2 and $3 and {file}""", *args)
    services = dict(await conn.fetch(
        f"select kind, count(*) from service_record where partner_id = $1 and given_on between $2 and $3 and {file}"
        " group by kind", *args))
    exits = dict(await conn.fetch(
        f"select exit_route, count(*) from family where exit_partner_id = $1 and exited_on between $2 and $3"
        f" and {family} group by exit_route", *args))
    return {
        "interviews": counts["interviews"], "homeVisits": counts["visits"],
        "individualEmployment": employed["families"] - employed["grouped"], "groupEmployment": employed["grouped"],
        "peerGroupsFormed": counts["groups"], "groupSessions": counts["sessions"], "trainings": counts["trainings"],
        "exits": sum(exits.values()), "exitsByRoute": exits, "filesHeld": counts["held"],
        "assessments": counts["scales"], "servicesByKind": services,
    }


def counts_of(report: dict[str, Any]) -> dict[str, Any]:
    """The report's counts, its by-kind lists as dicts without the zeros (as a GROUP BY gives them)."""
    found = {k: v for k, v in report.items() if not k.startswith(("jalaliYear", "quarter", "month", "startsOn",
                                                                   "endsOn", "dueOn"))}
    for key, name in (("exitsByRoute", "route"), ("servicesByKind", "kind"), ("followUpsByKind", "kind")):
        if key in found:
            found[key] = {row[name]: row["count"] for row in found[key] if row["count"]}
    return found


async def quarterly(api: Api, username: str, partner: int, year: int, quarter: int) -> dict[str, Any]:
    return (await api.ok(username, QUARTERLY, {"id": partner_id(partner), "y": year, "q": quarter}))["node"][
        "quarterlyReport"]


async def test_the_last_quarter_counts_what_the_records_hold(api, owner):
    clinic, county = await organization_of(owner, "clinic.manager"), await county_of(owner, "yazd.county")
    year, quarter = last_whole_quarter()
    start, end = quarter_days(year, quarter)
    for username, reach in (("yazd.county", "county"), ("clinic.manager", "manager")):
        report = await quarterly(api, username, clinic, year, quarter)
        assert (report["jalaliYear"], report["quarter"]) == (year, quarter)
        assert (report["startsOn"], report["endsOn"]) == (start.isoformat(), end.isoformat())
        assert report["dueOn"] == (end + 15 * DAY).isoformat()
        assert report["startsOnJalali"] == f"{year}/{3 * quarter - 2:02d}/01"
        assert report["endsOnJalali"] == f"{year}/{3 * quarter:02d}/{jalali(end).day:02d}"
        assert counts_of(report) == await expected_quarter(owner, clinic, year, quarter, REACH[reach], county), username
        # every kind and route listed, zeros included
        assert len(report["servicesByKind"]) == 14 and len(report["exitsByRoute"]) == 5
        # the demo fills the quarter
        assert min(report["interviews"] + report["homeVisits"], report["assessments"], report["filesHeld"],
                   sum(row["count"] for row in report["servicesByKind"])) > 0, report
    assert report["groupSessions"] > 0 or report["peerGroupsFormed"] > 0


async def test_every_quarter_of_the_demo_year_agrees_with_the_database(api, owner):
    """The charity (another county, its own peer group) over the four quarters up to today's, as its county office and
    its manager read them."""
    charity, county = await organization_of(owner, "charity.manager"), await county_of(owner, "meybod.county")
    year, quarter = quarter_of(TODAY)
    for _ in range(4):
        for username, reach in (("meybod.county", "county"), ("charity.manager", "manager")):
            report = await quarterly(api, username, charity, year, quarter)
            expected = await expected_quarter(owner, charity, year, quarter, REACH[reach], county)
            assert counts_of(report) == expected, (username, year, quarter)
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)


async def test_records_added_in_the_quarter_change_its_counts(api, owner):
    clinic, county = await organization_of(owner, "clinic.manager"), await county_of(owner, "yazd.county")
    year, quarter = quarter_of(YESTERDAY)
    before = {u: await quarterly(api, u, clinic, year, quarter) for u in ("yazd.county", "clinic.manager")}
    files = (await api.ok("clinic.worker1", "{ families(first: 50, filter: {status: ACTIVE}) { edges { node { id "
                                            "currentAssignment { assignedOn } } } } }"))["families"]["edges"]
    family = next(e["node"]["id"] for e in files if e["node"]["currentAssignment"]["assignedOn"] < str(YESTERDAY))
    await api.ok("clinic.worker1", """mutation($i: RecordHomeVisitInput!) { recordHomeVisit(input: $i) {
      homeVisit { id } } }""", {"i": {"familyId": family, "visitedOn": YESTERDAY.isoformat(), "report": "گزارش"}})
    await api.ok("clinic.worker1", "mutation($i: RecordServiceInput!) { recordService(input: $i) { service { id } } }",
                 {"i": {"familyId": family, "kind": "JOB_AND_RESOURCE_FINDING", "givenOn": YESTERDAY.isoformat()}})
    await api.ok("yazd.county", """mutation($i: RecordExitInput!) { recordExit(input: $i) { family { id } } }""",
                 {"i": {"familyId": family, "route": "GROUP_JOB", "exitedOn": YESTERDAY.isoformat(),
                        "postRehabilitationFollowUp": True}})
    for username, reach in (("yazd.county", "county"), ("clinic.manager", "manager")):
        after = await quarterly(api, username, clinic, year, quarter)
        assert after["homeVisits"] == before[username]["homeVisits"] + 1
        job = {r["kind"]: r["count"] for r in after["servicesByKind"]}["JOB_AND_RESOURCE_FINDING"]
        assert job == {r["kind"]: r["count"] for r in before[username]["servicesByKind"]}[
            "JOB_AND_RESOURCE_FINDING"] + 1
        assert after["exits"] == before[username]["exits"] + 1
        assert counts_of(after)["exitsByRoute"]["GROUP_JOB"] == counts_of(before[username])["exitsByRoute"].get(
            "GROUP_JOB", 0) + 1
        assert after["individualEmployment"] + after["groupEmployment"] >= 1
        assert counts_of(after) == await expected_quarter(owner, clinic, year, quarter, REACH[reach], county), username


async def test_a_returned_files_records_stay_in_the_partners_report_for_its_manager_too(api, owner):
    """The manager no longer reaches a returned file's records, yet they are its work: its report still counts them,
    as the office's does."""
    clinic = await organization_of(owner, "clinic.manager")
    year, quarter = quarter_of(YESTERDAY)
    files = (await api.ok("clinic.worker1", "{ families(first: 50, filter: {status: ACTIVE}) { edges { node { id "
                                            "currentAssignment { assignedOn } } } } }"))["families"]["edges"]
    family = next(e["node"]["id"] for e in files if e["node"]["currentAssignment"]["assignedOn"] < str(YESTERDAY))
    await api.ok("clinic.worker1", """mutation($i: RecordHomeVisitInput!) { recordHomeVisit(input: $i) {
      homeVisit { id } } }""", {"i": {"familyId": family, "visitedOn": YESTERDAY.isoformat(), "report": "گزارش"}})
    before = await quarterly(api, "clinic.manager", clinic, year, quarter)
    await api.ok("yazd.county", "mutation($i: ReturnFileInput!) { returnFile(input: $i) { assignment { id } } }",
                 {"i": {"familyId": family, "reason": "بازگشت به اداره"}})
    after = {u: await quarterly(api, u, clinic, year, quarter) for u in ("clinic.manager", "yazd.county")}
    assert after["clinic.manager"]["homeVisits"] == before["homeVisits"]
    assert counts_of(after["clinic.manager"]) == counts_of(after["yazd.county"])
    assert after["clinic.manager"]["filesHeld"] == before["filesHeld"] - (1 if quarter_of(TODAY) == (year, quarter)
                                                                         else 0)


# --- the children's monthly report

async def expected_month(conn: asyncpg.Connection, partner: int, year: int, month: int,
                         reach: str) -> dict[str, Any]:
    start, end = month_days(year, month)
    seen = "true"  # every follow-up of the partner, whoever reads (`reach` names the reader, for the message)
    args = (partner, start, end)
    kinds = dict(await conn.fetch(
        f"select kind, count(*) from child_follow_up where partner_id = $1 and followed_up_on between $2 and $3"
        f" and {seen} group by kind", *args))
    row = await conn.fetchrow(
        f"""select count(distinct child_id) children, count(*) filter (where abuse_concern) concerns,
              (select count(*) from alert a join child_follow_up f on f.id = a.follow_up_id where f.partner_id = $1
                 and f.followed_up_on between $2 and $3 and a.handled_at is not null) handled
            from child_follow_up where partner_id = $1 and followed_up_on between $2 and $3 and {seen}""", *args)
    return {"childrenFollowed": row["children"], "followUps": sum(kinds.values()), "followUpsByKind": kinds,
            "abuseConcerns": row["concerns"], "handled": row["handled"]}


async def handled_concern(conn: asyncpg.Connection) -> tuple[int, int, int]:
    """(partner, Jalali year, month) of the demo's handled abuse concern."""
    partner, on = await conn.fetchrow(
        "select f.partner_id, f.followed_up_on from alert a join child_follow_up f on f.id = a.follow_up_id"
        " where a.handled_at is not null order by a.id limit 1")
    assert partner is not None
    return partner, jalali(on).year, jalali(on).month


async def test_the_month_of_a_handled_concern(api, owner):
    partner, year, month = await handled_concern(owner)
    expected = await expected_month(owner, partner, year, month, "province")
    variables = {"id": partner_id(partner), "y": year, "m": month}
    report = (await api.ok("yazd.province", MONTHLY, variables))["node"]["childFollowUpReport"]
    assert (report["jalaliYear"], report["month"]) == (year, month)
    start, end = month_days(year, month)
    assert (report["startsOn"], report["endsOn"], report["dueOn"]) == (
        start.isoformat(), end.isoformat(), (end + 15 * DAY).isoformat())
    assert report["startsOnJalali"] == f"{year}/{month:02d}/01"
    handled = expected.pop("handled")
    assert counts_of(report) == expected
    assert report["childrenFollowed"] > 0 and report["abuseConcerns"] >= 1 and handled >= 1
    both = (await api.ok("yazd.province", HANDLED, variables))["node"]["childFollowUpReport"]
    assert both == {"abuseConcerns": expected["abuseConcerns"], "abuseConcernsHandled": handled}


async def test_the_child_homes_last_months_agree_with_the_database(api, owner):
    home = await organization_of(owner, "childhome.manager")
    j = jalali(TODAY)
    year, month = j.year, j.month
    for _ in range(3):
        report = (await api.ok("childhome.manager", MONTHLY, {"id": partner_id(home), "y": year, "m": month}))[
            "node"]["childFollowUpReport"]
        expected = await expected_month(owner, home, year, month, "manager")
        expected.pop("handled")
        assert counts_of(report) == expected, (year, month)
        assert len(report["followUpsByKind"]) == 11
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    assert report["followUps"] > 0


async def test_a_concern_raised_and_handled_changes_the_month(api, owner):
    home = await organization_of(owner, "childhome.manager")
    j = jalali(YESTERDAY)
    variables = {"id": partner_id(home), "y": j.year, "m": j.month}
    before = (await api.ok("yazd.county", HANDLED, variables))["node"]["childFollowUpReport"]
    children = (await api.ok("childhome.manager", "{ children(first: 50) { edges { node { id currentAssignment {"
                                                  " assignedOn } } } } }"))["children"]["edges"]
    child = next(e["node"]["id"] for e in children
                 if e["node"]["currentAssignment"] and e["node"]["currentAssignment"]["assignedOn"] < str(YESTERDAY))
    await api.ok("childhome.manager", """mutation($i: RecordFollowUpInput!) { recordFollowUp(input: $i) {
      followUp { id } } }""", {"i": {"childId": child, "kind": "CHILD_ABUSE", "followedUpOn": YESTERDAY.isoformat(),
                                   "notes": "نشانه‌های آزار", "abuseConcern": True}})
    raised = (await api.ok("yazd.county", HANDLED, variables))["node"]["childFollowUpReport"]
    assert raised == {"abuseConcerns": before["abuseConcerns"] + 1,
                      "abuseConcernsHandled": before["abuseConcernsHandled"]}
    alerts = (await api.ok("yazd.county", "{ alerts(filter: {open: true}) { edges { node { id version child { id } }"
                                          " } } }"))["alerts"]["edges"]
    alert = next(e["node"] for e in alerts if e["node"]["child"]["id"] == child)
    await api.ok("yazd.county", """mutation($i: HandleAlertInput!) { handleAlert(input: $i) { alert { id } } }""",
                 {"i": {"alertId": alert["id"], "handling": "ارجاع به اورژانس اجتماعی", "version": alert["version"]}})
    handled = (await api.ok("yazd.county", HANDLED, variables))["node"]["childFollowUpReport"]
    assert handled["abuseConcernsHandled"] == before["abuseConcernsHandled"] + 1


# --- who may read a report

@pytest.mark.parametrize("username", ["clinic.worker1", "auditor", "kindergarten.operator"])
async def test_other_roles_are_forbidden(api, owner, username):
    clinic = await organization_of(owner, "clinic.manager")
    year, quarter = last_whole_quarter()
    result = await api.as_user(username, QUARTERLY, {"id": partner_id(clinic), "y": year, "q": quarter})
    assert error_code(result) == "FORBIDDEN"
    j = jalali(YESTERDAY)
    result = await api.as_user(username, MONTHLY, {"id": partner_id(clinic), "y": j.year, "m": j.month})
    assert error_code(result) == "FORBIDDEN"


@pytest.mark.parametrize("username", ["clinic.manager", "childhome.manager", "meybod.supervisor"])
async def test_only_the_office_reads_how_concerns_were_handled(api, owner, username):
    home = await organization_of(owner, "childhome.manager")
    j = jalali(YESTERDAY)
    result = await api.as_user(username, HANDLED, {"id": partner_id(home), "y": j.year, "m": j.month})
    assert error_code(result) == "FORBIDDEN"


@pytest.mark.parametrize("username", ["clinic2.manager", "charity.manager", "childhome.manager", "meybod.county",
                                      "meybod.supervisor"])
async def test_a_foreign_partner_is_not_there(api, owner, username):
    clinic = await organization_of(owner, "clinic.manager")
    year, quarter = last_whole_quarter()
    assert (await api.ok(username, QUARTERLY, {"id": partner_id(clinic), "y": year, "q": quarter}))["node"] is None
    j = jalali(YESTERDAY)
    assert (await api.ok(username, MONTHLY, {"id": partner_id(clinic), "y": j.year, "m": j.month}))["node"] is None


@pytest.mark.parametrize("username", ["admin", "yazd.province", "yazd.county"])
async def test_the_offices_of_its_area_read_it(api, owner, username):
    clinic = await organization_of(owner, "clinic.manager")
    year, quarter = last_whole_quarter()
    assert (await quarterly(api, username, clinic, year, quarter))["interviews"] >= 0


async def test_the_supervisor_reads_the_reports_of_its_area(api, owner):
    charity = await organization_of(owner, "charity.manager")
    year, quarter = quarter_of(YESTERDAY)
    report = await quarterly(api, "meybod.supervisor", charity, year, quarter)
    assert report["filesHeld"] > 0


# --- periods refused

@pytest.mark.parametrize(("year", "quarter", "field"), [
    (None, 0, "quarter"), (None, 5, "quarter"), (2025, 1, "jalaliYear"), (1299, 1, "jalaliYear"),
    (1403, 4, "jalaliYear"),   # the demo's partners are licensed from 1404/01/01 and sign this year's agreement
])
async def test_bad_quarters_are_bad_user_input(api, owner, year, quarter, field):
    clinic = await organization_of(owner, "clinic.manager")
    year = year or quarter_of(TODAY)[0]
    result = await api.as_user("clinic.manager", QUARTERLY, {"id": partner_id(clinic), "y": year, "q": quarter})
    assert error_code(result) == "BAD_USER_INPUT", result
    assert result["errors"][0]["extensions"]["field"] == field
    assert result["errors"][0]["extensions"]["messageFa"]
    if year == 2025:
        assert "a Jalali year such as 1404" in result["errors"][0]["message"]


@pytest.mark.parametrize(("year", "month", "field"), [(None, 0, "month"), (None, 13, "month"), (2025, 1, "jalaliYear"),
                                                      (1403, 12, "jalaliYear")])
async def test_bad_months_are_bad_user_input(api, owner, year, month, field):
    home = await organization_of(owner, "childhome.manager")
    year = year or quarter_of(TODAY)[0]
    result = await api.as_user("childhome.manager", MONTHLY, {"id": partner_id(home), "y": year, "m": month})
    assert error_code(result) == "BAD_USER_INPUT", result
    assert result["errors"][0]["extensions"]["field"] == field


async def test_a_period_not_yet_begun_is_refused(api, owner):
    clinic = await organization_of(owner, "clinic.manager")
    year, quarter = quarter_of(TODAY)
    year, quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    result = await api.as_user("clinic.manager", QUARTERLY, {"id": partner_id(clinic), "y": year, "q": quarter})
    assert error_code(result) == "BAD_USER_INPUT"
    j = jalali(TODAY)
    year, month = (j.year, j.month + 1) if j.month < 12 else (j.year + 1, 1)
    result = await api.as_user("clinic.manager", MONTHLY, {"id": partner_id(clinic), "y": year, "m": month})
    assert error_code(result) == "BAD_USER_INPUT"


# --- cost

async def test_a_report_takes_a_fixed_number_of_statements(api, owner, caplog):
    """Grouped counts, none per record: the same statements for a partner with many records and one with few."""
    year, quarter = last_whole_quarter()
    found = []
    for username in ("clinic.manager", "clinic2.manager"):
        partner = await organization_of(owner, username)
        await api.token(username)  # log in first: the count is of the report alone
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
            await quarterly(api, username, partner, year, quarter)
        found.append(sum(1 for r in caplog.records if r.name == "tortoise.db_client"
                         and "pool" not in r.getMessage() and "app_user" not in r.getMessage()))
    assert found[0] == found[1] <= 14, found


# --- submission: frozen figures, acknowledgement, late reports ---------------------------------------------------

SUBMIT = """mutation($i: SubmitReportInput!) { submitReport(input: $i) { submission { id kind jalaliYear period
  submittedByUsername acknowledgedAt version } } }"""
ACKNOWLEDGE = """mutation($i: AcknowledgeReportInput!) { acknowledgeReport(input: $i) { submission { id
  acknowledgedAt acknowledgedByUsername version } } }"""
SUBMITTED = """query($id: ID!, $y: Int!, $q: Int!) { node(id: $id) { ... on Partner {
  quarterlyReport(jalaliYear: $y, quarter: $q) { homeVisits submission { id submittedByUsername }
    differences { figure submitted now } }
  lateReports { kind jalaliYear period dueOn } } } }"""


async def test_a_submitted_report_keeps_its_figures_and_shows_what_changed_since(api, owner):
    clinic = await organization_of(owner, "clinic.manager")
    year, quarter = last_whole_quarter()
    start, end = quarter_days(year, quarter)
    await owner.execute("delete from report_submission where partner_id = $1 and kind = 'QUARTERLY'"
                        " and jalali_year = $2 and period = $3", clinic, year, quarter)  # the demo submitted it
    before = (await api.ok("clinic.manager", SUBMITTED, {"id": partner_id(clinic), "y": year, "q": quarter}))["node"]
    assert before["quarterlyReport"]["submission"] is None
    key = {"partnerId": partner_id(clinic), "kind": "QUARTERLY", "jalaliYear": year, "period": quarter}
    assert error_code(await api.as_user("clinic.worker1", SUBMIT, {"i": key})) == "FORBIDDEN"
    made = (await api.ok("clinic.manager", SUBMIT, {"i": key}))["submitReport"]["submission"]
    assert (made["kind"], made["jalaliYear"], made["period"], made["submittedByUsername"]) == (
        "QUARTERLY", year, quarter, "clinic.manager")
    assert error_code(await api.as_user("clinic.manager", SUBMIT, {"i": key})) == "CONFLICT"
    # A visit recorded now for a day of that quarter, on a file the clinic held then.
    family = await owner.fetchval(
        "select a.family_id from assignment a join family f on f.id = a.family_id where a.partner_id = $1"
        " and a.ended_at is null and a.assigned_on <= $2 and f.assigned_worker_id = (select staff_member_id from"
        " app_user where username = 'clinic.worker1') and f.status = 'ACTIVE' order by a.id limit 1", clinic, start)
    await api.ok("clinic.worker1", """mutation($i: RecordHomeVisitInput!) { recordHomeVisit(input: $i) {
      homeVisit { id } } }""", {"i": {"familyId": to_global_id("Family", family), "visitedOn": end.isoformat(),
                                      "report": "گزارش دیرهنگام"}})
    for reader in ("clinic.manager", "yazd.county"):
        after = (await api.ok(reader, SUBMITTED, {"id": partner_id(clinic), "y": year, "q": quarter}))["node"]
        report = after["quarterlyReport"]
        assert report["homeVisits"] == before["quarterlyReport"]["homeVisits"]  # as submitted
        assert report["submission"]["id"] == made["id"]
        assert {"figure": "homeVisits", "submitted": report["homeVisits"],
                "now": report["homeVisits"] + 1} in report["differences"]
        assert (year, quarter) not in {(r["jalaliYear"], r["period"]) for r in after["lateReports"]
                                       if r["kind"] == "QUARTERLY"}
    # The county office acknowledges it, once; another county's office does not reach it.
    assert error_code(await api.as_user("meybod.county", ACKNOWLEDGE, {"i": {"id": made["id"], "version": 1}})) == \
        "NOT_FOUND"
    assert error_code(await api.as_user("clinic.manager", ACKNOWLEDGE, {"i": {"id": made["id"], "version": 1}})) == \
        "FORBIDDEN"
    done = (await api.ok("yazd.county", ACKNOWLEDGE, {"i": {"id": made["id"], "version": 1}}))["acknowledgeReport"]
    assert done["submission"]["acknowledgedByUsername"] == "yazd.county" and done["submission"]["version"] == 2
    again = await api.as_user("yazd.county", ACKNOWLEDGE, {"i": {"id": made["id"], "version": 2}})
    assert error_code(again) == "CONFLICT"


async def test_an_open_period_or_a_report_not_owed_is_not_submitted(api, owner):
    clinic = await organization_of(owner, "clinic.manager")
    year, quarter = quarter_of(TODAY)
    result = await api.as_user("clinic.manager", SUBMIT, {"i": {"partnerId": partner_id(clinic), "kind": "QUARTERLY",
                                                                "jalaliYear": year, "period": quarter}})
    assert error_code(result) == "RULE_VIOLATION" and result["errors"][0]["extensions"]["rule"] == "REPORT_PERIOD_OPEN"
    last_year, last_quarter = last_whole_quarter()
    month = 3 * last_quarter
    result = await api.as_user("clinic.manager", SUBMIT, {"i": {"partnerId": partner_id(clinic),
                                                                "kind": "CHILD_MONTHLY", "jalaliYear": last_year,
                                                                "period": month}})
    assert error_code(result) == "RULE_VIOLATION" and result["errors"][0]["extensions"]["rule"] == "REPORT_NOT_OWED"


async def test_a_report_due_and_not_submitted_is_listed_as_late(api, owner):
    clinic = await organization_of(owner, "clinic.manager")
    year, quarter = last_whole_quarter()
    await owner.execute("delete from report_submission where partner_id = $1 and kind = 'QUARTERLY'"
                        " and jalali_year = $2 and period = $3", clinic, year, quarter)
    due = quarter_days(year, quarter)[1] + 15 * DAY
    late = (await api.ok("yazd.county", SUBMITTED, {"id": partner_id(clinic), "y": year, "q": quarter}))["node"][
        "lateReports"]
    listed = (year, quarter) in {(r["jalaliYear"], r["period"]) for r in late if r["kind"] == "QUARTERLY"}
    assert listed is (due < TODAY)
    assert all(r["dueOn"] < TODAY.isoformat() for r in late)


async def test_the_demo_shows_a_late_report_a_pending_one_and_acknowledged_ones(api, owner):
    late = {}
    for manager in ("clinic.manager", "clinic2.manager", "charity.manager", "childhome.manager"):
        partner = await organization_of(owner, manager)
        year, quarter = last_whole_quarter()
        late[manager] = (await api.ok(manager, SUBMITTED, {"id": partner_id(partner), "y": year, "q": quarter}))[
            "node"]["lateReports"]
    assert [r["kind"] for r in late["clinic2.manager"]] == ["QUARTERLY"]
    assert late["clinic.manager"] == [] and late["charity.manager"] == [] and late["childhome.manager"] == []
    states = await owner.fetch("select kind, count(*) filter (where acknowledged_at is null) as pending,"
                               " count(*) filter (where acknowledged_at is not null) as acknowledged"
                               " from report_submission group by kind")
    assert {row["kind"] for row in states} == {"QUARTERLY", "CHILD_MONTHLY"}
    assert all(row["pending"] >= 1 and row["acknowledged"] >= 1 for row in states)

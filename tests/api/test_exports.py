"""The XLSX exports (issue 9, api/exports.py): each workbook, opened with openpyxl, holds what the GraphQL answer to the
same question holds, laid out right to left under Persian headers with Jalali dates; the same token reaches the same
slice (no token 401, a worker 403, another partner's manager 404, a bad period 400), and a served export is audited.

The GraphQL queries here are written apart from the ones the exports run, and the headers are the Persian words
themselves, so that a column reading the wrong field or a header lost fails here."""

from __future__ import annotations

import datetime
from io import BytesIO
from typing import Any

import jdatetime
import pytest
from openpyxl import load_workbook
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from api import exports, workbooks
from rules.services import CHILD_FOLLOW_UP_KINDS, EXIT_ROUTES, SERVICE_KINDS, ChildFollowUpKind
from schema.node import to_global_id
from tests.conftest import Api

TODAY = datetime.date.today()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

REPORT = """query($id: ID!, $y: Int!, $q: Int!) { node(id: $id) { ... on Partner { name
  quarterlyReport(jalaliYear: $y, quarter: $q) { startsOnJalali endsOnJalali dueOnJalali interviews homeVisits
    individualEmployment groupEmployment peerGroupsFormed groupSessions trainings exits exitsByRoute { route count }
    filesHeld assessments servicesByKind { kind count } submission { submittedByUsername } }
  yearlyReport(jalaliYear: $y) { startsOnJalali endsOnJalali interviews homeVisits exits filesHeld assessments }
} } }"""
MONTHLY = """query($id: ID!, $y: Int!, $m: Int!) { node(id: $id) { ... on Partner { name
  childFollowUpReport(jalaliYear: $y, month: $m) { startsOnJalali childrenFollowed followUps
    followUpsByKind { kind count } abuseConcerns } } } }"""
HANDLED = """query($id: ID!, $y: Int!, $m: Int!) { node(id: $id) { ... on Partner {
  childFollowUpReport(jalaliYear: $y, month: $m) { abuseConcernsHandled } } } }"""
STATEMENT = """query($id: ID!, $y: Int!) { node(id: $id) { ... on Partner { name subsidyStatement(jalaliYear: $y) {
  subsidyRials proposedBonusRials totalRials rehabilitableHeld missedYears exitOutcome approved
  lines { month { year month } basis amountRials } } } } }"""
LEDGER = """query($id: ID!, $after: String) { node(id: $id) { ... on Partner { name ledgerBalance
  ledger(first: 200, after: $after) { totalCount pageInfo { hasNextPage endCursor }
    edges { node { enteredOnJalali kind amountRials signedAmountRials description } } } } } }"""
EVENTS = """query($f: AuditEventFilter) { auditEvents(filter: $f, first: 200) { edges { node { username operation
  objectIds } } } }"""


def last_whole_quarter() -> tuple[int, int]:
    today = jdatetime.date.fromgregorian(date=TODAY)
    quarter = (today.month - 1) // 3 + 1
    return (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)


def last_whole_month() -> tuple[int, int]:
    today = jdatetime.date.fromgregorian(date=TODAY)
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


async def own_partner(api: Api, manager: str) -> str:
    return (await api.ok(manager, "{ me { organization { id } } }"))["me"]["organization"]["id"]


async def download(api: Api, username: str | None, path: str, token: str | None = None):
    if username is not None:
        token = await api.token(username)
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return await api.client.get(path, headers=headers)


async def workbook(api: Api, username: str, path: str) -> Workbook:
    response = await download(api, username, path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert response.headers["content-disposition"].endswith('.xlsx"')
    wb = load_workbook(BytesIO(response.content))
    for ws in wb.worksheets:
        assert ws.sheet_view.rightToLeft, ws.title
    return wb


def record(ws: Worksheet) -> dict[str, Any]:
    """A record sheet: the title row, then (header, value) rows under a header row."""
    assert [ws.cell(3, 1).value, ws.cell(3, 2).value] == ["عنوان", "مقدار"]
    return {ws.cell(row, 1).value: ws.cell(row, 2).value for row in range(4, ws.max_row + 1)}


def table(ws: Worksheet) -> list[dict[str, Any]]:
    """A table sheet: the title row, a header row, one row per item."""
    headers = [cell.value for cell in ws[3]]
    return [dict(zip(headers, (cell.value for cell in row), strict=True)) for row in ws.iter_rows(min_row=4)]


def by(rows: list[dict[str, Any]], key: str) -> dict[str, int]:
    return {row[key]: row["count"] for row in rows}


async def export_events(api: Api, partner: str) -> list[dict[str, Any]]:
    edges = (await api.ok("admin", EVENTS, {"f": {"objectId": partner}}))["auditEvents"]["edges"]
    return [e["node"] for e in edges if e["node"]["operation"].startswith("export")]


async def test_the_quarterly_and_yearly_reports_hold_the_graphql_answer_and_are_audited(api):
    partner = await own_partner(api, "clinic.manager")
    year, quarter = last_whole_quarter()
    answer = (await api.ok("clinic.manager", REPORT, {"id": partner, "y": year, "q": quarter}))["node"]
    report = answer["quarterlyReport"]
    wb = await workbook(api, "clinic.manager",
                        f"/exports/partners/{partner}/quarterly-report.xlsx?jalaliYear={year}&quarter={quarter}")
    sheet = wb.worksheets[0]
    title = sheet.cell(1, 1).value
    assert answer["name"] in title and str(year) in title and report["startsOnJalali"] in title
    shown = record(sheet)
    assert {name: shown[header] for header, name in (
        ("تعداد مصاحبه انجام شده", "interviews"), ("بازدید منزل", "homeVisits"),
        ("اشتغال فردی", "individualEmployment"), ("اشتغال گروهی", "groupEmployment"),
        ("تعداد گروه همیار تشکیل شده", "peerGroupsFormed"), ("تعداد جلسات گروهی", "groupSessions"),
        ("آموزش‌های برگزار شده", "trainings"), ("تعداد افراد خارج شده از چرخه حمایت", "exits"),
        ("پرونده‌های در اختیار در پایان دوره", "filesHeld"),
        ("ارزیابی‌های انجام شده با مقیاس توانمندسازی", "assessments"))} == {
        name: report[name] for name in ("interviews", "homeVisits", "individualEmployment", "groupEmployment",
                                        "peerGroupsFormed", "groupSessions", "trainings", "exits", "filesHeld",
                                        "assessments")}
    assert report["interviews"] + report["homeVisits"] > 0  # the demo fills the quarter: not a sheet of zeros
    assert {kind: shown[f"خدمت — {label.fa}"] for kind, label in SERVICE_KINDS.items()} == by(
        report["servicesByKind"], "kind")
    assert {route: shown[f"خروج از چرخه حمایت — {label.fa}"] for route, label in EXIT_ROUTES.items()} == by(
        report["exitsByRoute"], "route")
    assert (shown["از تاریخ"], shown["تا تاریخ"], shown["مهلت ارسال گزارش"]) == (
        report["startsOnJalali"], report["endsOnJalali"], report["dueOnJalali"])
    assert shown["ارسال‌شده توسط"] == (report["submission"] or {}).get("submittedByUsername")

    yearly = answer["yearlyReport"]
    shown = record((await workbook(api, "clinic.manager",
                                   f"/exports/partners/{partner}/yearly-report.xlsx?jalaliYear={year}")).worksheets[0])
    assert (shown["از تاریخ"], shown["بازدید منزل"], shown["تعداد افراد خارج شده از چرخه حمایت"],
            shown["پرونده‌های در اختیار در پایان دوره"]) == (
        yearly["startsOnJalali"], yearly["homeVisits"], yearly["exits"], yearly["filesHeld"])

    events = await export_events(api, partner)
    assert [(e["username"], e["operation"]) for e in events] == [
        ("clinic.manager", f"export quarterly-report jalaliYear={year} quarter={quarter}"),
        ("clinic.manager", f"export yearly-report jalaliYear={year}")]
    assert all(e["objectIds"] == [partner] for e in events)


@pytest.mark.parametrize(("username", "handled"), [("yazd.county", True), ("childhome.manager", False)])
async def test_the_childrens_month_holds_what_the_reader_may_read(api, username, handled):
    """The office's export has how the concerns were handled, as its GraphQL answer does; the manager's has not, as
    the manager may not ask for it."""
    partner = await own_partner(api, "childhome.manager")
    year, month = last_whole_month()
    variables = {"id": partner, "y": year, "m": month}
    report = (await api.ok(username, MONTHLY, variables))["node"]["childFollowUpReport"]
    shown = record((await workbook(
        api, username, f"/exports/partners/{partner}/child-follow-up-report.xlsx?jalaliYear={year}&month={month}",
    )).worksheets[0])
    assert (shown["ماه"], shown["از تاریخ"], shown["فرزندان پیگیری‌شده"], shown["تعداد پیگیری‌ها"],
            shown["موارد مشکوک به کودک‌آزاری"]) == (month, report["startsOnJalali"], report["childrenFollowed"],
                                                   report["followUps"], report["abuseConcerns"])
    assert {kind: shown[f"پیگیری — {label.fa}"] for kind, label in CHILD_FOLLOW_UP_KINDS.items()} == by(
        report["followUpsByKind"], "kind")
    assert ("موارد کودک‌آزاری رسیدگی‌شده" in shown) is handled
    if handled:
        again = (await api.ok(username, HANDLED, variables))["node"]["childFollowUpReport"]
        assert shown["موارد کودک‌آزاری رسیدگی‌شده"] == again["abuseConcernsHandled"]


async def test_the_statement_holds_its_total_and_every_line(api):
    """Clinic 1's statement for 1404 (the demo partners' first, ended year), as the province office and its manager
    read it."""
    partner = await own_partner(api, "clinic.manager")
    statement = (await api.ok("yazd.province", STATEMENT, {"id": partner, "y": 1404}))["node"]["subsidyStatement"]
    wb = await workbook(api, "yazd.province", f"/exports/partners/{partner}/subsidy-statement.xlsx?jalaliYear=1404")
    summary, lines = wb.worksheets
    shown = record(summary)
    assert (shown["یارانه (ریال)"], shown["پاداش پیشنهادی (ریال)"], shown["جمع کل (ریال)"]) == (
        statement["subsidyRials"], statement["proposedBonusRials"], statement["totalRials"])
    assert statement["totalRials"] > 0 and summary.cell(*_row_of(summary, "جمع کل (ریال)")).number_format == "#,##0"
    assert (shown["پرونده‌های قابل بازتوان در اختیار در طول سال"], shown["سال‌های پیاپی عدم تحقق"],
            shown["تأیید شده"]) == (statement["rehabilitableHeld"], statement["missedYears"], "خیر")
    assert shown["نتیجه بررسی حداقل خروج (ماده ۶-۳)"].startswith("عدم تحقق")  # clinic 1 missed the target in 1404
    rows = table(lines)
    assert len(rows) == len(statement["lines"]) > 0
    assert [row["مبلغ (ریال)"] for row in rows] == [line["amountRials"] for line in statement["lines"]]
    assert sum(row["مبلغ (ریال)"] for row in rows) == statement["totalRials"]
    first = statement["lines"][0]["month"]
    assert rows[0]["ماه"] == f"{first['year']}/{first['month']:02d}"

    # The manager's export is the manager's answer: a statement it reads, or none (NOT_FOUND) while it may read none.
    mine = (await api.ok("clinic.manager", STATEMENT, {"id": partner, "y": 1404}))["node"]["subsidyStatement"]
    manager = await download(api, "clinic.manager",
                             f"/exports/partners/{partner}/subsidy-statement.xlsx?jalaliYear=1404")
    if mine is None:
        assert manager.status_code == 404, manager.text
        assert manager.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    else:
        assert record(load_workbook(BytesIO(manager.content)).worksheets[0])["جمع کل (ریال)"] == mine["totalRials"]


def _row_of(ws: Worksheet, header: str) -> tuple[int, int]:
    return next((row, 2) for row in range(4, ws.max_row + 1) if ws.cell(row, 1).value == header)


async def test_the_books_hold_every_entry_page_by_page_and_their_balance(api, monkeypatch):
    """Paged through small pages, the export still lists every entry once, in order, and is audited once."""
    monkeypatch.setattr(exports, "LEDGER_PAGE", 7)
    partner = await own_partner(api, "clinic.manager")
    answer = (await api.ok("clinic.manager", LEDGER, {"id": partner}))["node"]
    entries = [edge["node"] for edge in answer["ledger"]["edges"]]
    assert answer["ledger"]["totalCount"] == len(entries) > 7  # more than one page
    wb = await workbook(api, "clinic.manager", f"/exports/partners/{partner}/ledger.xlsx")
    summary, book = wb.worksheets
    assert answer["name"] in summary.cell(1, 1).value
    shown = record(summary)
    assert (shown["مانده حساب (ریال)"], shown["تعداد ردیف‌ها"]) == (answer["ledgerBalance"], len(entries))
    rows = table(book)
    assert [(r["تاریخ"], r["مبلغ (ریال)"], r["اثر در مانده (ریال)"], r["شرح"]) for r in rows] == [
        (e["enteredOnJalali"], e["amountRials"], e["signedAmountRials"], e["description"]) for e in entries]
    assert sum(r["اثر در مانده (ریال)"] for r in rows) == answer["ledgerBalance"]
    assert {r["نوع"] for r in rows} == {"دریافت از سازمان", "پرداخت به مددجو"}
    events = await export_events(api, partner)
    assert [e["operation"] for e in events] == ["export ledger"]


async def test_the_same_token_reaches_the_same_slice(api):
    """Each refusal in the contract's body with its HTTP status, and none audited as an export."""
    partner = await own_partner(api, "clinic.manager")
    year, quarter = last_whole_quarter()
    quarterly = f"/exports/partners/{partner}/quarterly-report.xlsx?jalaliYear={year}&quarter={quarter}"
    cases = [
        (None, None, quarterly, 401, "UNAUTHENTICATED", None),
        (None, "not-a-token", quarterly, 401, "UNAUTHENTICATED", None),
        ("clinic.worker1", None, quarterly, 403, "FORBIDDEN", None),
        ("clinic.worker1", None, f"/exports/partners/{partner}/ledger.xlsx", 403, "FORBIDDEN", None),
        ("charity.manager", None, quarterly, 404, "NOT_FOUND", "partnerId"),
        ("charity.manager", None, f"/exports/partners/{partner}/ledger.xlsx", 404, "NOT_FOUND", "partnerId"),
        ("clinic.manager", None, f"/exports/partners/{partner}/quarterly-report.xlsx?jalaliYear={year}&quarter=5",
         400, "BAD_USER_INPUT", "quarter"),
        ("clinic.manager", None, f"/exports/partners/{partner}/yearly-report.xlsx?jalaliYear=2025", 400,
         "BAD_USER_INPUT", "jalaliYear"),
        ("clinic.manager", None, f"/exports/partners/{partner}/yearly-report.xlsx", 400, "BAD_USER_INPUT",
         "jalaliYear"),
        ("clinic.manager", None, f"/exports/partners/{to_global_id('Family', 1)}/ledger.xlsx", 400,
         "BAD_USER_INPUT", "partnerId"),
    ]
    for username, token, path, status, code, field in cases:
        response = await download(api, username, path, token)
        assert response.status_code == status, (username, path, response.text)
        assert response.headers["content-type"] == "application/json"
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == code and error["extensions"]["messageFa"], (username, path)
        assert error["extensions"].get("field") == field, (username, path, error)
        if status == 401:
            assert response.headers["www-authenticate"] == "Bearer"
    assert await export_events(api, partner) == []


def test_a_submitted_reports_differences_are_named_in_persian_and_unselected_fields_left_out():
    """The layout alone, on an answer made here: what changed since submission under the report's own headers; a field
    the query did not select (the office's `abuseConcernsHandled`, for a manager) is no row at all."""
    answer = {"name": "کلینیک نمونه", "document": {
        "jalaliYear": 1404, "month": 5, "startsOnJalali": "1404/05/01", "endsOnJalali": "1404/05/31",
        "dueOnJalali": "1404/06/15", "childrenFollowed": 2, "followUps": 3, "followUpsByKind": [], "abuseConcerns": 1,
        "submission": {"submittedByUsername": "childhome.manager", "acknowledgedByUsername": ""},
        "differences": [{"figure": "followUps", "submitted": 3, "now": 4},
                        {"figure": "followUpsByKind.SCHOOLING", "submitted": 0, "now": 1}]}}
    report, changed = workbooks.child_follow_up_report(answer).worksheets
    assert "موارد کودک‌آزاری رسیدگی‌شده" not in record(report)
    assert record(report)["ارسال‌شده توسط"] == "childhome.manager"
    assert table(changed) == [
        {"شاخص": "تعداد پیگیری‌ها", "مقدار ارسال‌شده": 3, "شمارش امروز": 4},
        {"شاخص": f"پیگیری — {CHILD_FOLLOW_UP_KINDS[ChildFollowUpKind.SCHOOLING].fa}", "مقدار ارسال‌شده": 0,
         "شمارش امروز": 1}]

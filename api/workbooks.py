"""The exports' workbooks (api/exports.py): a partner's reports, subsidy statement and books, laid out as right-to-left
sheets with Persian headers from the JSON answer of the GraphQL query each export runs.

Layout only: no figure is computed here, every value written is a field of the answer. Each document is a declarative
list of :class:`Column` — its Persian header, the JSON path of its value in the answer, how the value is written: a
record's columns go down the sheet (header, value), a list's across it (one row per item). A column whose path the
answer lacks (a field the reader's role may not select, so the query left it out) is left out of the sheet.

- **Dates** are the Jalali strings the API gives (the ``…Jalali`` fields, ``1404/03/31``); a statement line's month is
  ``1404/03``.
- **Money** is whole rials, written as numbers with a thousands separator; counts as plain numbers.
- **Enum values** are written as their Persian labels, the ones the schema's enums are described by (rules/).
- Every sheet opens with a title row naming the partner, the document and its period.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from rules.file_months import FILE_KIND_LABELS
from rules.labels import Label
from rules.ledger import PAYMENT, RECEIPT
from rules.services import CHILD_FOLLOW_UP_KINDS, EXIT_ROUTES, SERVICE_KINDS
from rules.subsidy import BASIS_LABELS, EXIT_OUTCOME_LABELS

MONEY_FORMAT = "#,##0"
"""Whole rials with a thousands separator (Excel shows it as the reader's locale writes thousands)."""


class Kind(Enum):
    """How a column's value is written."""

    TEXT = "text"
    COUNT = "count"
    RIALS = "rials"
    JALALI = "jalali"  # a `…Jalali` string of the answer, written as it is
    MONTH = "month"  # a JalaliMonth object {year, month}, written 1404/03
    LABEL = "label"  # an enum value, written as its Persian label (Column.labels)
    YES_NO = "yes_no"


@dataclass(frozen=True)
class Column:
    """One header and the value at ``path`` in the answer: dotted keys, and ``list[key=VALUE]`` for the item of a list
    whose ``key`` is ``VALUE`` (``servicesByKind[kind=TRAINING].count``)."""

    header: str
    path: str
    kind: Kind = Kind.COUNT
    labels: Mapping[str, str] | None = None


def labels_of(table: Mapping[Any, Label]) -> dict[str, str]:
    """An enum's values → their Persian words, from a rules table of labels."""
    return {getattr(member, "value", member): label.fa for member, label in table.items()}


LEDGER_KINDS = {RECEIPT: "دریافت از سازمان", PAYMENT: "پرداخت به مددجو"}
"""The words `LedgerKind`'s values are described by (schema/money/ledger_types.py; Art. 6.9)."""
YES, NO = "بله", "خیر"

_ABSENT = object()
_STEP = re.compile(r"^(\w+)(?:\[(\w+)=(\w+)\])?$")
_BY_KIND = re.compile(r"^(\w+)\[\w+=(\w+)\]\.count$")


def value_at(data: Any, path: str) -> Any:
    """The value at ``path`` in ``data``; None where the answer holds null on the way, ``_ABSENT`` where it has no such
    key (the field was not selected) or no such item."""
    for step in path.split("."):
        if data is None:
            return None
        matched = _STEP.match(step)
        if matched is None or not isinstance(data, Mapping) or matched.group(1) not in data:
            return _ABSENT
        data = data[matched.group(1)]
        if matched.group(2) is not None:
            key, wanted = matched.group(2), matched.group(3)
            data = next((item for item in data or () if isinstance(item, Mapping) and item.get(key) == wanted),
                        _ABSENT)
            if data is _ABSENT:
                return _ABSENT
    return data


def _cell_value(column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.kind is Kind.MONTH:
        return f"{value['year']}/{value['month']:02d}"
    if column.kind is Kind.LABEL:
        return (column.labels or {}).get(value, value)
    if column.kind is Kind.YES_NO:
        return YES if value else NO
    if column.kind in (Kind.COUNT, Kind.RIALS):
        return int(value)
    return str(value)


def _write(ws: Worksheet, row: int, col: int, column: Column, value: Any) -> None:
    cell = ws.cell(row=row, column=col, value=_cell_value(column, value))
    if column.kind is Kind.RIALS:
        cell.number_format = MONEY_FORMAT


_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)


def _sheet(wb: Workbook, name: str) -> Worksheet:
    ws: Worksheet = wb.create_sheet(name[:31])
    ws.sheet_view.rightToLeft = True
    return ws


def _title(ws: Worksheet, title: str, width: int) -> None:
    ws.cell(row=1, column=1, value=title).font = _TITLE
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(width, 2))
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="right")


def _record_sheet(wb: Workbook, name: str, title: str, columns: Sequence[Column], data: Any) -> Worksheet:
    """A record down the sheet: a header row, then one row per column (its header, its value)."""
    ws = _sheet(wb, name)
    _title(ws, title, 2)
    for col, header in enumerate(("عنوان", "مقدار"), start=1):
        ws.cell(row=3, column=col, value=header).font = _BOLD
    row = 4
    for column in columns:
        value = value_at(data, column.path)
        if value is _ABSENT:
            continue
        ws.cell(row=row, column=1, value=column.header)
        _write(ws, row, 2, column, value)
        row += 1
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 24
    return ws


def _table_sheet(wb: Workbook, name: str, title: str, columns: Sequence[Column], items: Sequence[Any]) -> Worksheet:
    """A list across the sheet: a header row, then one row per item; the header row stays in view."""
    ws = _sheet(wb, name)
    shown = [c for c in columns if not items or any(value_at(item, c.path) is not _ABSENT for item in items)]
    _title(ws, title, len(shown))
    for col, column in enumerate(shown, start=1):
        ws.cell(row=3, column=col, value=column.header).font = _BOLD
        ws.column_dimensions[get_column_letter(col)].width = max(12, min(40, len(column.header) + 4))
    for row, item in enumerate(items, start=4):
        for col, column in enumerate(shown, start=1):
            value = value_at(item, column.path)
            _write(ws, row, col, column, None if value is _ABSENT else value)
    ws.freeze_panes = "A4"
    return ws


def _workbook() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]  # the default sheet: each document makes its own
    return wb


def _by_kind(prefix: str, path: str, key: str, labels: Mapping[Any, Label]) -> list[Column]:
    """One column per value of an enum that a report lists with a count (every value listed, zeros included)."""
    return [Column(f"{prefix} — {label.fa}", f"{path}[{key}={getattr(member, 'value', member)}].count")
            for member, label in labels.items()]


# --- the documents ---------------------------------------------------------------------------------------------------

SUBMISSION = (
    Column("ارسال‌شده توسط", "submission.submittedByUsername", Kind.TEXT),
    Column("تأیید دریافت توسط اداره", "submission.acknowledgedByUsername", Kind.TEXT),
)

PERIOD = (
    Column("سال", "jalaliYear"),
    Column("از تاریخ", "startsOnJalali", Kind.JALALI),
    Column("تا تاریخ", "endsOnJalali", Kind.JALALI),
    Column("مهلت ارسال گزارش", "dueOnJalali", Kind.JALALI),
)

ACTIVITY: tuple[Column, ...] = (
    *PERIOD,
    Column("تعداد مصاحبه انجام شده", "interviews"),
    Column("بازدید منزل", "homeVisits"),
    Column("اشتغال فردی", "individualEmployment"),
    Column("اشتغال گروهی", "groupEmployment"),
    Column("تعداد گروه همیار تشکیل شده", "peerGroupsFormed"),
    Column("تعداد جلسات گروهی", "groupSessions"),
    Column("آموزش‌های برگزار شده", "trainings"),
    Column("تعداد افراد خارج شده از چرخه حمایت", "exits"),
    *_by_kind("خروج از چرخه حمایت", "exitsByRoute", "route", EXIT_ROUTES),
    Column("پرونده‌های در اختیار در پایان دوره", "filesHeld"),
    Column("ارزیابی‌های انجام شده با مقیاس توانمندسازی", "assessments"),
    *_by_kind("خدمت", "servicesByKind", "kind", SERVICE_KINDS),
    *SUBMISSION,
)
"""The quarterly report of Art. 4.8, in its words (and the yearly figures of Art. 7.6, counted alike)."""



def differences(report: Sequence[Column]) -> tuple[Column, ...]:
    """A submitted report's figures that today's records count otherwise, each figure (`homeVisits`,
    `servicesByKind.TRAINING`) under the header the report's sheet gives it."""
    headers = {}
    for column in report:
        by_kind = _BY_KIND.match(column.path)
        headers[f"{by_kind.group(1)}.{by_kind.group(2)}" if by_kind else column.path] = column.header
    return (
        Column("شاخص", "figure", Kind.LABEL, headers),
        Column("مقدار ارسال‌شده", "submitted"),
        Column("شمارش امروز", "now"),
    )

CHILD_FOLLOW_UP: tuple[Column, ...] = (
    Column("ماه", "month"),
    *PERIOD,
    Column("فرزندان پیگیری‌شده", "childrenFollowed"),
    Column("تعداد پیگیری‌ها", "followUps"),
    *_by_kind("پیگیری", "followUpsByKind", "kind", CHILD_FOLLOW_UP_KINDS),
    Column("موارد مشکوک به کودک‌آزاری", "abuseConcerns"),
    Column("موارد کودک‌آزاری رسیدگی‌شده", "abuseConcernsHandled"),
    *SUBMISSION,
)
"""The children's monthly report of seed 003."""

STATEMENT: tuple[Column, ...] = (
    Column("سال", "jalaliYear"),
    Column("پرونده‌های قابل بازتوان در اختیار در طول سال", "rehabilitableHeld"),
    Column("خروج پرونده‌های قابل بازتوان از چرخه حمایت", "rehabilitableExited"),
    Column("خروج پرونده‌های غیرقابل بازتوان از چرخه حمایت", "nonRehabilitableExited"),
    Column("نرخ خروج (کسر)", "exitRate", Kind.TEXT),
    Column("نتیجه بررسی حداقل خروج (ماده ۶-۳)", "exitOutcome", Kind.LABEL, labels_of(EXIT_OUTCOME_LABELS)),
    Column("سال‌های پیاپی عدم تحقق", "missedYears"),
    Column("عودت پرونده‌ها", "filesToReturn", Kind.YES_NO),
    Column("ماه-پرونده‌های طبقه‌بندی‌نشده (کنار گذاشته)", "unclassifiedFileMonths"),
    Column("یارانه (ریال)", "subsidyRials", Kind.RIALS),
    Column("پاداش پیشنهادی (ریال)", "proposedBonusRials", Kind.RIALS),
    Column("جمع کل (ریال)", "totalRials", Kind.RIALS),
    Column("تأیید شده", "approved", Kind.YES_NO),
    Column("تاریخ تأیید", "approvedOnJalali", Kind.JALALI),
    Column("تأییدکننده", "approvedBy", Kind.TEXT),
)
"""A subsidy statement's figures (Art. 6)."""

STATEMENT_LINES: tuple[Column, ...] = (
    Column("ماه", "month", Kind.MONTH),
    Column("شناسه پرونده", "fileId", Kind.TEXT),
    Column("نوع پرونده", "kind", Kind.LABEL, labels_of(FILE_KIND_LABELS)),
    Column("مبنا", "basis", Kind.LABEL, labels_of(BASIS_LABELS)),
    Column("ماده", "article", Kind.TEXT),
    Column("تعداد", "count"),
    Column("نرخ پایه (ریال)", "baseRials", Kind.RIALS),
    Column("ضریب", "factor", Kind.TEXT),
    Column("مبلغ (ریال)", "amountRials", Kind.RIALS),
)
"""A statement's lines: each file-month, then the proposed bonus lines."""

LEDGER_SUMMARY: tuple[Column, ...] = (
    Column("مانده حساب (ریال)", "ledgerBalance", Kind.RIALS),
    Column("تعداد ردیف‌ها", "ledger.totalCount"),
)

LEDGER_ENTRIES: tuple[Column, ...] = (
    Column("تاریخ", "enteredOnJalali", Kind.JALALI),
    Column("نوع", "kind", Kind.LABEL, LEDGER_KINDS),
    Column("شرح", "description", Kind.TEXT),
    Column("شماره پرونده مددجو", "family.fileNumber", Kind.TEXT),
    Column("مبلغ (ریال)", "amountRials", Kind.RIALS),
    Column("اثر در مانده (ریال)", "signedAmountRials", Kind.RIALS),
    Column("برگشت ثبتِ مورخ", "reverses.enteredOnJalali", Kind.JALALI),
    Column("ثبت‌کننده", "recordedBy", Kind.TEXT),
)
"""The partner's books (Art. 6.9), in the order entered."""


def _period(document: Mapping[str, Any]) -> str:
    return f"{document['startsOnJalali']} تا {document['endsOnJalali']}"


def _report(partner: Mapping[str, Any], columns: Sequence[Column], title: str) -> Workbook:
    report = partner["document"]
    wb = _workbook()
    _record_sheet(wb, "گزارش", f"{title} — {partner['name']} — {_period(report)}", columns, report)
    if report.get("differences"):
        _table_sheet(wb, "تفاوت با ارسال‌شده", f"{title} — {partner['name']} — تفاوت شمارش امروز با گزارش ارسال‌شده",
                     differences(columns), report["differences"])
    return wb


def quarterly_report(partner: Mapping[str, Any]) -> Workbook:
    """`Partner.quarterlyReport` (Art. 4.8): ``partner`` is the answer's Partner, the report under ``document``."""
    report = partner["document"]
    return _report(partner, ACTIVITY, f"گزارش فصلی (ماده ۴-۸) — فصل {report['quarter']} سال {report['jalaliYear']}")


def yearly_report(partner: Mapping[str, Any]) -> Workbook:
    """`Partner.yearlyReport` (Art. 7.6)."""
    return _report(partner, ACTIVITY, f"گزارش سالانه (ماده ۷-۶) — سال {partner['document']['jalaliYear']}")


def child_follow_up_report(partner: Mapping[str, Any]) -> Workbook:
    """`Partner.childFollowUpReport` (seed 003)."""
    report = partner["document"]
    return _report(partner, CHILD_FOLLOW_UP,
                   f"گزارش ماهانه پیگیری فرزندان — ماه {report['month']} سال {report['jalaliYear']}")


def subsidy_statement(partner: Mapping[str, Any]) -> Workbook:
    """`Partner.subsidyStatement` (Art. 6): its figures, then its lines on a sheet of their own."""
    statement = partner["document"]
    title = f"صورت‌حساب یارانه (ماده ۶) — {partner['name']} — سال {statement['jalaliYear']}"
    wb = _workbook()
    _record_sheet(wb, "صورت‌حساب", title, STATEMENT, statement)
    _table_sheet(wb, "ردیف‌ها", title, STATEMENT_LINES, statement["lines"])
    return wb


def ledger(partner: Mapping[str, Any], entries: Iterable[Mapping[str, Any]]) -> Workbook:
    """`Partner.ledger` (Art. 6.9): the balance, then every entry, oldest first."""
    title = f"دفتر استناد مالی (ماده ۶-۹) — {partner['name']}"
    wb = _workbook()
    _record_sheet(wb, "مانده", title, LEDGER_SUMMARY, partner)
    _table_sheet(wb, "دفتر", title, LEDGER_ENTRIES, list(entries))
    return wb

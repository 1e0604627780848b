"""The demo partners' reports, submitted as their managers would (issue 9): every quarterly report due, frozen with
the figures the database counts for its quarter (the functions of migration 0014), and acknowledged by the county
office but the newest; the child home's monthly reports on its children too (seed 003). So the demo shows every kind
of state: one report late (clinic 2's last quarter, never submitted), one submitted and not yet acknowledged (each
partner's last submitted one), the rest acknowledged."""

from __future__ import annotations

import datetime
import json

from tortoise.backends.base.client import BaseDBAsyncClient

from demo.cases import CaseRefs
from models.organizations import Organization, OrganizationKind
from models.reports import ReportKind, ReportSubmission
from rules.reports import late_periods, month_figures, quarter_figures

LATE_PARTNER = "clinic2"
"""The partner whose last quarterly report is left unsubmitted: late."""

FUNCTIONS = {ReportKind.QUARTERLY: ("partner_quarter_counts", quarter_figures),
             ReportKind.CHILD_MONTHLY: ("partner_month_child_counts", month_figures)}


async def write_reports(conn: BaseDBAsyncClient, today: datetime.date, refs: CaseRefs) -> dict[str, int]:
    """Submit the demo partners' reports due by `today`, inside the caller's transaction."""
    # The counting functions answer a caller whose scope reaches the partner: the seed counts as the national office.
    await conn.execute_query("select set_config('app.case_scope', 'NATIONAL', true)")
    rows = []
    for key, partner_id in refs.partners.items():
        partner = await Organization.filter(id=partner_id).using_db(conn).get()
        years = {row["jalali_year"] for row in await conn.execute_query_dict(
            "select jalali_year from agreement where partner_id = $1", [partner_id])}
        kinds = [ReportKind.QUARTERLY] + ([ReportKind.CHILD_MONTHLY] if partner.kind is OrganizationKind.CHILD_HOME
                                          else [])
        for kind in kinds:
            due = late_periods(kind.value, years=years, today=today, submitted=set())
            if key == LATE_PARTNER and kind is ReportKind.QUARTERLY:
                due = due[:-1]
            function, figures = FUNCTIONS[kind]
            for number, (year, period, days) in enumerate(due):
                found = await conn.execute_query_dict(f"select {function}($1, $2, $3) as counts",
                                                      [partner_id, days.starts_on, days.ends_on])
                counts = found[0]["counts"]
                counts = json.loads(counts) if isinstance(counts, str) else counts
                submitted_at = datetime.datetime.combine(days.due_on - datetime.timedelta(days=3), datetime.time(9),
                                                         tzinfo=datetime.UTC)
                last = number == len(due) - 1
                rows.append(ReportSubmission(
                    partner_id=partner_id, province_id=partner.province_id, county_id=partner.county_id, kind=kind,
                    jalali_year=year, period=period, numbers=figures(counts), submitted_at=submitted_at,
                    submitted_by_id=refs.partner_managers[key],
                    submitted_by_username=refs.usernames[refs.partner_managers[key]],
                    acknowledged_at=None if last else submitted_at + datetime.timedelta(days=2),
                    acknowledged_by_id=None if last else refs.officer(refs.partner_counties[key]),
                    acknowledged_by_username="" if last else refs.usernames[refs.officer(refs.partner_counties[key])],
                    version=1 if last else 2))
    await ReportSubmission.bulk_create(rows, using_db=conn)
    await conn.execute_query("select set_config('app.case_scope', '', true)")
    return {"report_submission": len(rows)}

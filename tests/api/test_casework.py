"""Casework through /graphql (issue 7): records on delegated files, who may make and read them, the input they
refuse, the clientId of offline apps, aid plans' level-1 decisions and abuse alerts."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest

from schema.node import from_global_id, to_global_id
from tests.conftest import Api, error_code

TODAY = datetime.date.today()
YESTERDAY = (TODAY - datetime.timedelta(days=1)).isoformat()

FILES = "query($f: FamilyFilter) { families(first: 200, filter: $f) { edges { node { id currentAssignment { " \
        "assignedOn } } } } }"
HOME_VISIT = """mutation($input: RecordHomeVisitInput!) { recordHomeVisit(input: $input) {
  homeVisit { id visitedOn visitedOnJalali present findings report recordedBy version } } }"""
VISITS = """query($id: ID!) { family(id: $id) { homeVisits(first: 5) { totalCount edges { node { id report } } } } }"""
ASSESS = """mutation($input: RecordAssessmentInput!) { recordAssessment(input: $input) {
  assessment { id assessedOn total level scores { domain score } } } }"""
SUBMIT = """mutation($input: SubmitAidPlanInput!) { submitAidPlan(input: $input) {
  aidPlan { id status plannedServices version } } }"""
DECIDE = """mutation($input: DecideAidPlanInput!) { decideAidPlan(input: $input) {
  aidPlan { id status decidedOn decisionMinutes decidedBy version } } }"""
SERVICE = """mutation($input: RecordServiceInput!) { recordService(input: $input) {
  service { id kind amountRials } } }"""
LOAN = """mutation($input: RecordLoanInput!) { recordLoan(input: $input) {
  loan { id kind amountRials grantedOn followUpDueOn followUpPending version } } }"""
FOLLOW_UP = """mutation($input: RecordFollowUpInput!) { recordFollowUp(input: $input) {
  followUp { id kind abuseConcern } } }"""
ALERTS = "{ alerts(filter: {open: true}) { totalCount edges { node { id isOpen child { id } followUp { id } } } } }"
HANDLE = """mutation($input: HandleAlertInput!) { handleAlert(input: $input) { alert { id isOpen handledBy } } }"""
SCORES = {"decisionMaking": 3, "socialMobility": 2, "education": 4, "jobSkills": 1, "employmentStatus": 2, "income": 1,
          "housing": 3, "insurance": 5}


async def files_of(api: Api, username: str, **narrowed: Any) -> list[dict[str, Any]]:
    return [e["node"] for e in (await api.ok(username, FILES, {"f": narrowed or None}))["families"]["edges"]]


async def worker_file(api: Api) -> str:
    return (await files_of(api, "clinic.worker1"))[0]["id"]


def visit(family: str, **changes: Any) -> dict[str, Any]:
    return {"input": {"familyId": family, "visitedOn": YESTERDAY, "present": "مادر خانواده", "findings": "منزل اجاره‌ای",
                      "report": "گزارش مددکاری", **changes}}


async def visits_on(api: Api, username: str, family: str) -> int:
    """How many home visits `username` reads on the file (the demo's own casework included)."""
    return (await api.ok(username, VISITS, {"id": family}))["family"]["homeVisits"]["totalCount"]


async def test_a_worker_records_a_home_visit_and_reads_it_on_the_file(api):
    family = await worker_file(api)
    before = await visits_on(api, "clinic.worker1", family)
    made = (await api.ok("clinic.worker1", HOME_VISIT, visit(family)))["recordHomeVisit"]["homeVisit"]
    assert made["visitedOn"] == YESTERDAY and made["recordedBy"] == "clinic.worker1" and made["version"] == 1
    assert made["visitedOnJalali"].count("/") == 2
    for reader in ("clinic.worker1", "clinic.manager", "yazd.county"):
        visits = (await api.ok(reader, VISITS, {"id": family}))["family"]["homeVisits"]
        assert visits["totalCount"] == before + 1 and visits["edges"][0]["node"]["id"] == made["id"], reader
    node = await api.ok("clinic.manager", "query($id: ID!) { node(id: $id) { __typename } }", {"id": made["id"]})
    assert node["node"] == {"__typename": "HomeVisit"}


@pytest.mark.parametrize("username", ["auditor", "meybod.supervisor", "kindergarten.operator"])
async def test_roles_that_record_no_casework_are_forbidden(api, username):
    family = await worker_file(api)
    assert error_code(await api.as_user(username, HOME_VISIT, visit(family))) == "FORBIDDEN"


async def test_a_file_outside_the_slice_looks_like_a_missing_one(api):
    others = await files_of(api, "clinic.worker2")
    foreign = await api.as_user("clinic.worker1", HOME_VISIT, visit(others[0]["id"]))
    missing = await api.as_user("clinic.worker1", HOME_VISIT, visit(to_global_id("Family", 987654)))
    assert error_code(foreign) == "NOT_FOUND" and foreign["errors"][0]["extensions"]["field"] == "familyId"
    assert foreign["errors"][0]["message"] == missing["errors"][0]["message"]
    assert foreign["errors"][0]["extensions"] == missing["errors"][0]["extensions"]


async def test_a_returned_file_takes_its_records_with_it(api):
    family = await worker_file(api)
    before = await visits_on(api, "yazd.county", family)
    await api.ok("clinic.worker1", HOME_VISIT, visit(family))
    await api.ok("yazd.county", "mutation($i: ReturnFileInput!) { returnFile(input: $i) { assignment { id } } }",
                 {"i": {"familyId": family, "reason": "بازگشت"}})
    assert error_code(await api.as_user("clinic.worker1", HOME_VISIT, visit(family))) == "NOT_FOUND"
    assert (await api.ok("clinic.manager", VISITS, {"id": family}))["family"] is None
    # The office, serving the file again, still reads what the partner recorded, and may now record itself.
    assert await visits_on(api, "yazd.county", family) == before + 1
    await api.ok("yazd.county", HOME_VISIT, visit(family))


async def test_the_office_records_only_on_files_it_serves(api):
    delegated = await worker_file(api)
    assert error_code(await api.as_user("yazd.county", HOME_VISIT, visit(delegated))) == "FORBIDDEN"
    served = (await files_of(api, "yazd.county", assigned=False, status="ACTIVE"))[0]["id"]
    made = (await api.ok("yazd.county", HOME_VISIT, visit(served)))["recordHomeVisit"]["homeVisit"]
    assert made["recordedBy"] == "yazd.county"


@pytest.mark.parametrize(("changes", "field"), [
    ({"visitedOn": (TODAY + datetime.timedelta(days=1)).isoformat()}, "visitedOn"),
    ({"report": "ب" * 10000}, "report"),
    ({"findings": "ب" * 10000}, "findings"),
    ({"present": "ب" * 2001}, "present"),
])
async def test_bad_visits_are_bad_user_input(api, changes, field):
    result = await api.as_user("clinic.worker1", HOME_VISIT, visit(await worker_file(api), **changes))
    assert error_code(result) == "BAD_USER_INPUT"
    assert result["errors"][0]["extensions"]["field"] == field


async def test_a_visit_before_the_file_came_to_the_partner_is_refused(api):
    file = (await files_of(api, "clinic.worker1"))[0]
    before = datetime.date.fromisoformat(file["currentAssignment"]["assignedOn"]) - datetime.timedelta(days=1)
    result = await api.as_user("clinic.worker1", HOME_VISIT, visit(file["id"], visitedOn=before.isoformat()))
    assert error_code(result) == "BAD_USER_INPUT" and result["errors"][0]["extensions"]["field"] == "visitedOn"


async def test_a_jalali_date_is_accepted(api):
    file = (await files_of(api, "clinic.worker1"))[0]
    result = await api.ok("clinic.worker1", HOME_VISIT, visit(file["id"], visitedOn=YESTERDAY))
    jalali = result["recordHomeVisit"]["homeVisit"]["visitedOnJalali"]
    again = await api.ok("clinic.worker1", HOME_VISIT, visit(file["id"], visitedOn=jalali.replace("/", "-")))
    assert again["recordHomeVisit"]["homeVisit"]["visitedOn"] == YESTERDAY


async def test_the_same_client_id_makes_one_record_and_other_content_is_a_conflict(api):
    family = await worker_file(api)
    before = await visits_on(api, "clinic.worker1", family)
    sent = visit(family, clientId=str(uuid.uuid4()))
    first = (await api.ok("clinic.worker1", HOME_VISIT, sent))["recordHomeVisit"]["homeVisit"]
    again = (await api.ok("clinic.worker1", HOME_VISIT, sent))["recordHomeVisit"]["homeVisit"]
    assert again["id"] == first["id"]
    assert await visits_on(api, "clinic.worker1", family) == before + 1
    changed = {"input": {**sent["input"], "report": "گزارشی دیگر"}}
    conflict = await api.as_user("clinic.worker1", HOME_VISIT, changed)
    assert error_code(conflict) == "CONFLICT" and conflict["errors"][0]["extensions"]["field"] == "clientId"
    by_someone_else = await api.as_user("clinic.manager", HOME_VISIT, sent)
    assert error_code(by_someone_else) == "CONFLICT"
    bad = await api.as_user("clinic.worker1", HOME_VISIT, visit(family, clientId="not-a-uuid"))
    assert error_code(bad) == "BAD_USER_INPUT"


async def test_an_assessment_computes_its_total_and_level(api):
    family = await worker_file(api)
    made = await api.ok("clinic.worker1", ASSESS, {"input": {"familyId": family, "assessedOn": YESTERDAY,
                                                             "scores": SCORES}})
    assessment = made["recordAssessment"]["assessment"]
    assert (assessment["total"], assessment["level"]) == (21, "MEDIUM")
    assert assessment["scores"][0] == {"domain": "DECISION_MAKING", "score": 3}
    assert len(assessment["scores"]) == 8


@pytest.mark.parametrize(("score", "code"), [(0, "BAD_USER_INPUT"), (6, "BAD_USER_INPUT"), (2.5, "BAD_USER_INPUT")])
async def test_scores_outside_one_to_five_are_refused(api, score, code):
    family = await worker_file(api)
    result = await api.as_user("clinic.worker1", ASSESS, {"input": {
        "familyId": family, "assessedOn": YESTERDAY, "scores": {**SCORES, "income": score}}})
    assert error_code(result) == code
    if isinstance(score, int):
        assert result["errors"][0]["extensions"]["field"] == "income"


async def test_an_aid_plan_is_decided_by_the_partners_committee_never_by_its_author(api):
    family = await worker_file(api)
    plan = {"familyId": family, "submittedOn": YESTERDAY, "goals": "اشتغال سرپرست", "resources": "وام اشتغال",
            "plannedServices": ["JOB_AND_RESOURCE_FINDING", "TRAINING"], "targetDate": "2030-01-01"}
    made = (await api.ok("clinic.worker1", SUBMIT, {"input": plan}))["submitAidPlan"]["aidPlan"]
    assert made["status"] == "SUBMITTED"
    decision = {"aidPlanId": made["id"], "approved": True, "decidedOn": TODAY.isoformat(), "minutes": "تصویب شد",
                "version": made["version"]}
    assert error_code(await api.as_user("clinic.worker1", DECIDE, {"input": decision})) == "FORBIDDEN"
    assert error_code(await api.as_user("yazd.county", DECIDE, {"input": decision})) == "FORBIDDEN"
    decided = (await api.ok("clinic.manager", DECIDE, {"input": decision}))["decideAidPlan"]["aidPlan"]
    assert (decided["status"], decided["decidedBy"], decided["version"]) == ("APPROVED", "clinic.manager", 2)
    again = await api.as_user("clinic.manager", DECIDE, {"input": {**decision, "version": 2}})
    assert error_code(again) == "CONFLICT"
    own = (await api.ok("clinic.manager", SUBMIT, {"input": plan}))["submitAidPlan"]["aidPlan"]
    result = await api.as_user("clinic.manager", DECIDE, {"input": {**decision, "aidPlanId": own["id"], "version": 1}})
    assert error_code(result) == "RULE_VIOLATION"
    assert result["errors"][0]["extensions"]["rule"] == "ART_4_7_MAKER_CHECKER"


async def test_an_office_served_plan_is_decided_by_the_office(api):
    served = (await files_of(api, "yazd.county", assigned=False, status="ACTIVE"))[0]["id"]
    plan = {"familyId": served, "submittedOn": YESTERDAY, "goals": "مسکن", "plannedServices": ["HOUSING"],
            "targetDate": "2030-01-01"}
    made = (await api.ok("yazd.county", SUBMIT, {"input": plan}))["submitAidPlan"]["aidPlan"]
    decision = {"aidPlanId": made["id"], "approved": False, "decidedOn": TODAY.isoformat(), "minutes": "رد شد",
                "version": 1}
    decided = (await api.ok("admin", DECIDE, {"input": decision}))["decideAidPlan"]["aidPlan"]
    assert decided["status"] == "REJECTED"


@pytest.mark.parametrize("amount", [-1, 1.5, "100"])
async def test_money_is_whole_non_negative_rials(api, amount):
    family = await worker_file(api)
    result = await api.as_user("clinic.worker1", SERVICE, {"input": {
        "familyId": family, "kind": "FOOD_AND_CLOTHING", "givenOn": YESTERDAY, "amountRials": amount}})
    assert error_code(result) == "BAD_USER_INPUT"


async def test_sums_above_two_billion_rials_are_kept_whole(api):
    """A business loan of 300 million tomans is 3 billion rials: past GraphQL's 32-bit Int, so money is a BigInt."""
    family = await worker_file(api)
    loan = (await api.ok("clinic.worker1", LOAN, {"input": {
        "familyId": family, "kind": "EMPLOYMENT_LOAN", "amountRials": 3_000_000_000, "lender": "بانک",
        "grantedOn": YESTERDAY}}))["recordLoan"]["loan"]
    assert loan["amountRials"] == 3_000_000_000


async def test_an_unknown_service_kind_is_bad_input(api):
    family = await worker_file(api)
    result = await api.as_user("clinic.worker1", SERVICE, {"input": {
        "familyId": family, "kind": "HOLIDAY_TRIP", "givenOn": YESTERDAY}})
    assert error_code(result) == "BAD_USER_INPUT"


async def test_a_loan_falls_due_for_its_follow_up_six_jalali_months_on(api):
    family = await worker_file(api)
    granted = (await files_of(api, "clinic.worker1"))[0]["currentAssignment"]["assignedOn"]
    loan = (await api.ok("clinic.worker1", LOAN, {"input": {
        "familyId": family, "kind": "EMPLOYMENT_LOAN", "amountRials": 500_000_000, "lender": "بانک",
        "grantedOn": granted}}))["recordLoan"]["loan"]
    from rules.casework import loan_follow_up_due

    due = loan_follow_up_due(datetime.date.fromisoformat(granted))
    assert loan["followUpDueOn"] == due.isoformat()
    assert loan["followUpPending"] is (due <= TODAY)


async def test_an_abuse_concern_opens_an_alert_the_county_office_handles(api):
    child = (await api.ok("childhome.manager", "{ children(first: 1) { edges { node { id } } } }"))
    child_id = child["children"]["edges"][0]["node"]["id"]

    async def open_alerts() -> dict[tuple[str, str], str]:
        """(child, follow-up) -> alert, of the alerts yazd.county lists as open (the demo's own one among them)."""
        edges = (await api.ok("yazd.county", ALERTS))["alerts"]["edges"]
        return {(e["node"]["child"]["id"], e["node"]["followUp"]["id"]): e["node"]["id"] for e in edges}

    before = await open_alerts()
    sent = {"input": {"childId": child_id, "kind": "FAMILY_RELATIONS", "followedUpOn": YESTERDAY,
                      "notes": "نشانه‌های آزار", "abuseConcern": True, "clientId": str(uuid.uuid4())}}
    made = (await api.ok("childhome.manager", FOLLOW_UP, sent))["recordFollowUp"]
    await api.ok("childhome.manager", FOLLOW_UP, sent)  # synced twice from a phone: still one alert
    assert made["followUp"]["abuseConcern"] is True
    flag = await api.ok("childhome.manager", "query($id: ID!) { child(id: $id) { abuseFlag } }", {"id": child_id})
    assert flag["child"]["abuseFlag"] is True
    assert error_code(await api.as_user("childhome.manager", ALERTS)) == "FORBIDDEN"
    raised = await open_alerts()
    assert set(raised) == set(before) | {(child_id, made["followUp"]["id"])} and len(raised) == len(before) + 1
    alert = raised[(child_id, made["followUp"]["id"])]
    handled = await api.ok("yazd.county", HANDLE, {"input": {"alertId": alert, "handling": "ارجاع به اورژانس اجتماعی",
                                                             "version": 1}})
    assert handled["handleAlert"]["alert"] == {"id": alert, "isOpen": False, "handledBy": "yazd.county"}
    assert await open_alerts() == before


async def test_the_supervisor_reads_records_of_delegated_files_only(api):
    served = (await files_of(api, "meybod.county", assigned=False, status="ACTIVE"))[0]["id"]
    await api.ok("meybod.county", HOME_VISIT, visit(served))
    # A file the office serves is not the supervisor's at all (issue #8, item 13), its records with it.
    assert (await api.ok("meybod.supervisor", VISITS, {"id": served}))["family"] is None


OVERDUE = """query($overdue: Boolean!) { families(first: 200, filter: {assessmentOverdue: $overdue}) { edges { node {
  id status supportStartedOn currentAssignment { assignedOn } assessments(first: 1) { edges { node { assessedOn } } } }
} } }"""


async def a_file_never_assessed(database_url: str, username: str) -> None:
    """A file the user reaches — for a partner's manager one delegated to it, for a county officer one the office
    serves — in the cycle or delegated for more than 60 days, with its assessments taken away (as the owner): overdue
    whatever day the demo was built on."""
    import asyncpg

    from api import db

    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))
    try:
        family = await conn.fetchval(
            "select f.id from family f join app_user u on u.username = $1 where f.status = 'ACTIVE' and ("
            " (u.role = 'PARTNER_MANAGER' and f.assigned_partner_id = u.organization_id and exists (select 1 from"
            "  assignment a where a.family_id = f.id and a.ended_at is null and a.assigned_on < current_date - 60))"
            " or (u.role = 'COUNTY_OFFICER' and f.assigned_partner_id is null"
            "  and f.county_id = (select county_id from organization where id = u.organization_id)"
            "  and f.support_started_on < current_date - 60)) order by f.id limit 1", username)
        assert family is not None
        await conn.execute("delete from assessment where family_id = $1", family)
    finally:
        await conn.close()


@pytest.mark.parametrize("username", ["clinic.manager", "meybod.county"])
async def test_the_overdue_filter_agrees_with_the_rule_and_an_assessment_clears_it(api, database_url, username):
    from rules.casework import assessment_overdue

    await a_file_never_assessed(database_url, username)

    def overdue_by_rule(node: dict[str, Any]) -> bool:
        started = (node["currentAssignment"] or {}).get("assignedOn") or node["supportStartedOn"]
        last = [e["node"]["assessedOn"] for e in node["assessments"]["edges"]]
        return node["status"] == "ACTIVE" and started is not None and assessment_overdue(
            datetime.date.fromisoformat(started), datetime.date.fromisoformat(last[0]) if last else None, TODAY)

    async def split() -> tuple[set[str], set[str]]:
        overdue = (await api.ok(username, OVERDUE, {"overdue": True}))["families"]["edges"]
        others = (await api.ok(username, OVERDUE, {"overdue": False}))["families"]["edges"]
        assert all(overdue_by_rule(e["node"]) for e in overdue)
        assert not any(overdue_by_rule(e["node"]) for e in others)
        served[:] = [e["node"]["id"] for e in overdue if e["node"]["currentAssignment"] is None]
        return {e["node"]["id"] for e in overdue}, {e["node"]["id"] for e in others}

    served: list[str] = []
    overdue, others = await split()
    assert overdue
    # One the caller may assess: any of a partner's files, an office-served one for the office.
    late = sorted(overdue)[0] if username == "clinic.manager" else served[0]
    await api.ok(username, ASSESS, {"input": {"familyId": late, "assessedOn": YESTERDAY, "scores": SCORES}})
    assert await split() == (overdue - {late}, others | {late})


EXIT = """mutation($input: RecordExitInput!) { recordExit(input: $input) { family { id status
  postRehabilitationUntil postRehabilitationUntilJalali exitPartner { id } currentAssignment { id } } } }"""
SEEN = """query($id: ID!, $record: ID!) { family(id: $id) { id status services(first: 5) { totalCount } }
  node(id: $record) { id } }"""


async def exit_with_follow_up(api: Api, family: str) -> dict[str, Any]:
    return (await api.ok("yazd.county", EXIT, {"input": {
        "familyId": family, "route": "INDIVIDUAL_JOB", "exitedOn": YESTERDAY,
        "postRehabilitationFollowUp": True}}))["recordExit"]["family"]


async def test_after_rehabilitation_the_partner_follows_the_file_for_a_year_with_services_only(api):
    from rules.casework import post_rehabilitation_window

    family = await worker_file(api)
    exited = await exit_with_follow_up(api, family)
    last_day = post_rehabilitation_window(datetime.date.fromisoformat(YESTERDAY))[1]
    assert exited["status"] == "EXITED" and exited["currentAssignment"] is None
    assert exited["postRehabilitationUntil"] == last_day.isoformat()
    assert exited["exitPartner"] is not None
    service = (await api.ok("clinic.worker1", SERVICE, {"input": {
        "familyId": family, "kind": "JOB_AND_RESOURCE_FINDING", "givenOn": TODAY.isoformat()}}))["recordService"]
    await api.ok("clinic.worker1", HOME_VISIT, visit(family, visitedOn=TODAY.isoformat()))
    for reader in ("clinic.worker1", "clinic.manager"):
        seen = await api.ok(reader, SEEN, {"id": family, "record": service["service"]["id"]})
        assert seen["family"]["status"] == "EXITED" and seen["node"] == {"id": service["service"]["id"]}
    plan = await api.as_user("clinic.worker1", ASSESS, {"input": {"familyId": family, "assessedOn": TODAY.isoformat(),
                                                                  "scores": SCORES}})
    assert error_code(plan) == "RULE_VIOLATION"
    assert plan["errors"][0]["extensions"]["rule"] == "ART_6_7_FOLLOW_UP_ONLY"
    before_exit = await api.as_user("clinic.worker1", HOME_VISIT, visit(family, visitedOn=(
        TODAY - datetime.timedelta(days=2)).isoformat()))
    assert error_code(before_exit) == "BAD_USER_INPUT"


async def test_when_the_follow_up_year_is_over_access_ends_by_itself(api, database_url, monkeypatch):
    import asyncpg
    from tortoise.expressions import Q

    import schema.sources
    from api import db

    family = await worker_file(api)
    await exit_with_follow_up(api, family)
    service = (await api.ok("clinic.worker1", SERVICE, {"input": {
        "familyId": family, "kind": "TRAINING", "givenOn": TODAY.isoformat()}}))["recordService"]["service"]
    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))  # the year runs out (as the owner)
    try:
        pk = from_global_id(family)[1]
        await conn.execute("update family set access_until = current_date - 1 where id = $1", pk)
        await conn.execute("update member set access_until = current_date - 1 where family_id = $1", pk)
    finally:
        await conn.close()
    gone = {"family": None, "node": None}
    for reader in ("clinic.worker1", "clinic.manager"):
        assert await api.ok(reader, SEEN, {"id": family, "record": service["id"]}) == gone
        assert family not in {f["id"] for f in await files_of(api, reader)}
    refused = await api.as_user("clinic.worker1", SERVICE, {"input": {
        "familyId": family, "kind": "TRAINING", "givenOn": TODAY.isoformat()}})
    assert error_code(refused) == "NOT_FOUND"
    assert (await api.ok("yazd.county", SEEN, {"id": family, "record": service["id"]}))["node"] == {
        "id": service["id"]}
    # The database's wall alone, with the application's filter removed, ends it too.
    monkeypatch.setattr(schema.sources, "type_scope_filter", lambda _viewer, _type_name: Q())
    assert await api.ok("clinic.manager", SEEN, {"id": family, "record": service["id"]}) == gone


async def test_only_a_partners_file_is_followed_after_rehabilitation(api):
    served = (await files_of(api, "yazd.county", assigned=False, status="ACTIVE"))[0]["id"]
    result = await api.as_user("yazd.county", EXIT, {"input": {
        "familyId": served, "route": "GROUP_JOB", "exitedOn": YESTERDAY, "postRehabilitationFollowUp": True}})
    assert error_code(result) == "BAD_USER_INPUT"
    assert result["errors"][0]["extensions"]["field"] == "postRehabilitationFollowUp"


CORRECT = """mutation($input: CorrectReportInput!) { correctHomeVisit(input: $input) {
  homeVisit { id report findings version } } }"""
HISTORY = ("query($id: ID!) { family(id: $id) { history { entity operation byUsername changes { field before after } "
           "} } }")


async def test_the_author_corrects_a_visit_within_24_hours_and_the_change_is_kept(api, database_url):
    import asyncpg

    from api import db

    family = await worker_file(api)
    made = (await api.ok("clinic.worker1", HOME_VISIT, visit(family)))["recordHomeVisit"]["homeVisit"]
    fixed = (await api.ok("clinic.worker1", CORRECT, {"input": {"id": made["id"], "version": 1,
                                                               "report": "گزارش اصلاح‌شده"}}))["correctHomeVisit"]
    assert fixed["homeVisit"] == {"id": made["id"], "report": "گزارش اصلاح‌شده", "findings": "منزل اجاره‌ای",
                                  "version": 2}
    history = (await api.ok("yazd.county", HISTORY, {"id": family}))["family"]["history"]
    assert history[-1] == {"entity": "HomeVisit", "operation": "correct", "byUsername": "clinic.worker1",
                           "changes": [{"field": "report", "before": "گزارش مددکاری", "after": "گزارش اصلاح‌شده"}]}
    stale = await api.as_user("clinic.worker1", CORRECT, {"input": {"id": made["id"], "version": 1, "report": "x"}})
    assert error_code(stale) == "CONFLICT"
    by_another = await api.as_user("clinic.manager", CORRECT, {"input": {"id": made["id"], "version": 2,
                                                                         "report": "x"}})
    assert error_code(by_another) == "RULE_VIOLATION"
    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))
    try:
        await conn.execute("update home_visit set created_at = now() - interval '24 hours' where id = $1",
                           from_global_id(made["id"])[1])
    finally:
        await conn.close()
    late = await api.as_user("clinic.worker1", CORRECT, {"input": {"id": made["id"], "version": 2, "report": "x"}})
    assert error_code(late) == "RULE_VIOLATION"
    assert late["errors"][0]["extensions"]["rule"] == "RECORD_APPEND_ONLY"


async def test_a_record_is_audited_by_its_objects_not_by_the_apps_client_id(api):
    """docs/access.md rule 7: the trail names objects by global ID only; the app's clientId is not an object."""
    family = await worker_file(api)
    client_id = str(uuid.uuid4())
    made = (await api.ok("clinic.worker1", HOME_VISIT, visit(family, clientId=client_id)))["recordHomeVisit"]
    events = await api.ok("auditor", "query($f: AuditEventFilter) { auditEvents(filter: $f) { edges { node { "
                                     "operation objectIds } } } }", {"f": {"objectId": made["homeVisit"]["id"]}})
    [event] = [e["node"] for e in events["auditEvents"]["edges"]]
    assert event["operation"] == "mutation recordHomeVisit"
    assert set(event["objectIds"]) == {family, made["homeVisit"]["id"]}


# Every record a partner makes on a family, with a valid input for it: each must refuse alike the wrong role, a file
# of another worker, a file returned to the office, and take the right one (issue 7, "Done when").
RECORDS: dict[str, tuple[str, Any]] = {
    "recordInterview": ("RecordInterviewInput", lambda f: {"familyId": f, "heldOn": YESTERDAY, "report": "گزارش"}),
    "recordHomeVisit": ("RecordHomeVisitInput", lambda f: {"familyId": f, "visitedOn": YESTERDAY}),
    "recordAssessment": ("RecordAssessmentInput", lambda f: {"familyId": f, "assessedOn": YESTERDAY,
                                                             "scores": SCORES}),
    "submitAidPlan": ("SubmitAidPlanInput", lambda f: {"familyId": f, "submittedOn": YESTERDAY, "goals": "اشتغال",
                                                       "plannedServices": ["TRAINING"], "targetDate": "2030-01-01"}),
    "recordService": ("RecordServiceInput", lambda f: {"familyId": f, "kind": "HOUSING", "givenOn": YESTERDAY,
                                                       "amountRials": 1000}),
    "recordReferral": ("RecordReferralInput", lambda f: {"familyId": f, "referredOn": YESTERDAY,
                                                         "referredTo": "بانک"}),
    "recordLoan": ("RecordLoanInput", lambda f: {"familyId": f, "kind": "WORK_CAPITAL", "amountRials": 1000,
                                                 "grantedOn": YESTERDAY}),
}


def record_mutation(name: str) -> str:
    return f"mutation($input: {RECORDS[name][0]}!) {{ {name}(input: $input) {{ __typename }} }}"


@pytest.mark.parametrize("name", sorted(RECORDS))
async def test_every_record_refuses_alike_and_takes_the_right_caller(api, name):
    mine = await files_of(api, "clinic.worker1")
    family = next(f["id"] for f in mine if f["currentAssignment"]["assignedOn"] < YESTERDAY)
    sent = {"input": RECORDS[name][1](family)}
    for wrong in ("auditor", "meybod.supervisor", "kindergarten.operator"):
        assert error_code(await api.as_user(wrong, record_mutation(name), sent)) == "FORBIDDEN", wrong
    foreign = {"input": RECORDS[name][1]((await files_of(api, "clinic.worker2"))[0]["id"])}
    assert error_code(await api.as_user("clinic.worker1", record_mutation(name), foreign)) == "NOT_FOUND"
    await api.ok("clinic.worker1", record_mutation(name), sent)
    await api.ok("yazd.county", "mutation($i: ReturnFileInput!) { returnFile(input: $i) { assignment { id } } }",
                 {"i": {"familyId": family, "reason": "بازگشت"}})
    assert error_code(await api.as_user("clinic.worker1", record_mutation(name), sent)) == "NOT_FOUND"


@pytest.mark.parametrize(("made", "correct", "change", "field"), [
    ("recordService", "correctService", {"description": "کمک هزینه اجاره", "amountRials": 2000}, "amountRials"),
    ("recordReferral", "correctReferral", {"outcome": "وام پرداخت شد"}, "outcome"),
])
async def test_the_author_corrects_a_service_or_referral_within_24_hours(api, made, correct, change, field):
    family = (await files_of(api, "clinic.worker1"))[0]["id"]
    record = (await api.ok("clinic.worker1", f"mutation($input: {RECORDS[made][0]}!) {{ {made}(input: $input) {{ "
                                             f"{'service' if made == 'recordService' else 'referral'} {{ id }} }} }}",
                           {"input": RECORDS[made][1](family)}))[made]
    [(key, value)] = record.items()
    kind = correct.removeprefix("correct")
    query = (f"mutation($input: Correct{kind}Input!) {{ {correct}(input: $input) {{ {key} {{ id version {field} }} "
             f"}} }}")
    fixed = (await api.ok("clinic.worker1", query, {"input": {"id": value["id"], "version": 1, **change}}))[correct]
    assert fixed[key] == {"id": value["id"], "version": 2, field: change[field]}
    by_another = await api.as_user("clinic.manager", query, {"input": {"id": value["id"], "version": 2, **change}})
    assert error_code(by_another) == "RULE_VIOLATION"
    bad = await api.as_user("clinic.worker1", query, {"input": {"id": value["id"], "version": 2,
                                                                field: -1 if field == "amountRials" else "ب" * 2001}})
    assert error_code(bad) == "BAD_USER_INPUT" and bad["errors"][0]["extensions"]["field"] == field


DECISION = """mutation($i: RecordCommitteeDecisionInput!) { recordCommitteeDecision(input: $i) {
  committeeDecision { id level subject decidedOn decidedOnJalali minutes recordedBy family { id } partner { id } }
} }"""


async def test_committee_decisions_are_recorded_by_the_level_that_decides_and_read_by_the_office(api):
    family = (await files_of(api, "yazd.county"))[0]["id"]
    partner = (await api.ok("yazd.county", "{ partners(first: 1) { edges { node { id } } } }"))["partners"]
    partner_id = partner["edges"][0]["node"]["id"]
    review = {"subject": "BONUS_REVIEW", "decidedOn": YESTERDAY, "minutes": "واجد شرایط پاداش", "familyId": family,
              "clientId": str(uuid.uuid4())}
    made = (await api.ok("yazd.county", DECISION, {"i": review}))["recordCommitteeDecision"]["committeeDecision"]
    again = (await api.ok("yazd.county", DECISION, {"i": review}))["recordCommitteeDecision"]["committeeDecision"]
    assert again == made  # sent twice, recorded once
    changed = await api.as_user("yazd.county", DECISION, {"i": {**review, "minutes": "متن دیگر"}})
    assert error_code(changed) == "CONFLICT"
    assert (made["level"], made["subject"], made["family"], made["partner"]) == (2, "BONUS_REVIEW", {"id": family},
                                                                                 None)
    # Level 3 sits at the province office (Art. 1.10): the county office may not record it, the province may.
    approval = {"subject": "BONUS_APPROVAL", "decidedOn": YESTERDAY, "minutes": "موافقت", "partnerId": partner_id}
    assert error_code(await api.as_user("yazd.county", DECISION, {"i": approval})) == "FORBIDDEN"
    approved = (await api.ok("yazd.province", DECISION, {"i": approval}))["recordCommitteeDecision"]
    assert approved["committeeDecision"]["level"] == 3
    listed = await api.ok("yazd.county", "query($id: ID!) { family(id: $id) { committeeDecisions(first: 5) { edges { "
                                         "node { id } } } } }", {"id": family})
    assert made["id"] in {e["node"]["id"] for e in listed["family"]["committeeDecisions"]["edges"]}
    # Committee minutes stay with the office: not the supervisor's, not a partner's.
    for reader in ("meybod.supervisor", "clinic.manager"):
        result = await api.as_user(reader, "query($id: ID!) { node(id: $id) { ... on CommitteeDecision { minutes } } }",
                                   {"id": made["id"]})
        assert error_code(result) == "FORBIDDEN"
    for wrong, field in (({**review, "clientId": None, "partnerId": partner_id}, "partnerId"),
                         ({**approval, "familyId": family},
                                                                             "familyId")):
        result = await api.as_user("admin", DECISION, {"i": wrong})
        assert error_code(result) == "BAD_USER_INPUT" and result["errors"][0]["extensions"]["field"] == field
    elsewhere = await api.as_user("meybod.county", DECISION, {"i": {**review, "clientId": None}})
    assert error_code(elsewhere) == "NOT_FOUND"


REGISTER = """query($id: ID!) { family(id: $id) { committeeDecisions(first: 10) { edges { node {
  level subject decidedOn minutes recordedBy partner { id } aidPlan { id status } rehabilitability } } } } }"""


async def registered(api, family: str) -> list[dict]:
    data = await api.ok("yazd.county", REGISTER, {"id": family})
    return [e["node"] for e in data["family"]["committeeDecisions"]["edges"]]


async def test_a_partners_aid_plan_decision_enters_the_offices_committee_register(api):
    family = await worker_file(api)
    plan = {"familyId": family, "submittedOn": YESTERDAY, "goals": "اشتغال", "plannedServices": ["TRAINING"],
            "targetDate": "2030-01-01"}
    made = (await api.ok("clinic.worker1", SUBMIT, {"input": plan}))["submitAidPlan"]["aidPlan"]
    before = await registered(api, family)
    await api.ok("clinic.manager", DECIDE, {"input": {"aidPlanId": made["id"], "approved": False, "version": 1,
                                                      "decidedOn": TODAY.isoformat(), "minutes": "منابع کافی نیست"}})
    after = await registered(api, family)
    assert len(after) == len(before) + 1
    clinic = (await api.ok("clinic.manager", "{ me { organization { id } } }"))["me"]["organization"]["id"]
    assert after[0] == {"level": 1, "subject": "AID_PLAN", "decidedOn": TODAY.isoformat(), "minutes": "منابع کافی نیست",
                        "recordedBy": "clinic.manager", "partner": {"id": clinic},
                        "aidPlan": {"id": made["id"], "status": "REJECTED"}, "rehabilitability": None}
    # The register stays the office's: the partner reads its decision on the plan, not the register.
    result = await api.as_user("clinic.manager", REGISTER, {"id": family})
    assert error_code(result) == "FORBIDDEN"


async def test_decisions_with_their_own_mutation_are_not_recorded_twice_by_hand(api):
    family = (await files_of(api, "yazd.county"))[0]["id"]
    for subject in ("CLASSIFICATION", "AID_PLAN", "POST_REHABILITATION_FOLLOW_UP"):
        result = await api.as_user("yazd.county", DECISION, {"i": {"subject": subject, "decidedOn": YESTERDAY,
                                                                   "minutes": "x", "familyId": family}})
        assert error_code(result) == "BAD_USER_INPUT" and result["errors"][0]["extensions"]["field"] == "subject"


async def test_a_follow_up_year_after_rehabilitation_is_the_level_1_committees_decision_in_the_register(api):
    family = await worker_file(api)
    exited = await exit_with_follow_up(api, family)
    follow_ups = [d for d in await registered(api, family) if d["subject"] == "POST_REHABILITATION_FOLLOW_UP"]
    assert [(d["level"], d["decidedOn"], d["partner"], d["recordedBy"]) for d in follow_ups] == [
        (1, YESTERDAY, exited["exitPartner"], "yazd.county")]

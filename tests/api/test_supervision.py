"""Supervision through /graphql (issue 9; Art. 4.10–4.13, Art. 7): visits and the files they sample, the partners'
action plans, complaints, violation reports, the overdue-visit filter, and a decision to stop working with a partner
— who may do each, the rows they reach, the input they refuse."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from tortoise.expressions import Q

import schema.sources
from api import db
from rules.periods import add_jalali_months
from schema.node import to_global_id
from tests.conftest import Api, error_code

TODAY = datetime.date.today()
YESTERDAY = (TODAY - datetime.timedelta(days=1)).isoformat()
TOMORROW = (TODAY + datetime.timedelta(days=1)).isoformat()
LONG = "ب" * 8001

CLINIC1 = "YZD-CL-1390-014"  # Yazd
CLINIC2 = "YZD-CL-1403-027"  # Yazd
CHARITY = "YZD-CH-1395-006"  # Meybod
CHILD_HOME = "YZD-CHH-1398-011"  # Yazd; the demo's last visit to it was seven months ago

PARTNERS = "query($f: PartnerFilter) { partners(first: 50, filter: $f) { edges { node { id licenseNumber } } } }"
FILES = "query($f: FamilyFilter) { families(first: 200, filter: $f) { edges { node { id } } } }"
VISIT = """mutation($i: RecordSupervisionVisitInput!) { recordSupervisionVisit(input: $i) { supervisionVisit {
  id visitedOn visitedOnJalali findings suggestions recordedBy recordedAt partner { id } sampledFiles { id }
  actionPlan { id } } } }"""
VISITS = """query($f: PartnerFilter) { partners(first: 50, filter: $f) { edges { node { licenseNumber
  lastSupervisedOn lastSupervisedOnJalali
  supervisionVisits(first: 20) { totalCount edges { node { id visitedOn sampledFiles { id }
    actionPlan { id actions isClosed } } } } } } } }"""
PLAN = """mutation($i: SubmitActionPlanInput!) { submitActionPlan(input: $i) { actionPlan {
  id actions dueOn dueOnJalali submittedBy isClosed closedAt closedBy version visit { id } } } }"""
CLOSE = """mutation($i: CloseActionPlanInput!) { closeActionPlan(input: $i) { actionPlan {
  id isClosed closedBy closingNotes closedAt version } } }"""
FILE_COMPLAINT = """mutation($i: FileComplaintInput!) { fileComplaint(input: $i) { complaint {
  id status isOpen receivedOn summary filedBy handledBy outcome version family { id } partner { id } } } }"""
UPDATE_COMPLAINT = """mutation($i: UpdateComplaintInput!) { updateComplaint(input: $i) { complaint {
  id status isOpen handledBy outcome version } } }"""
COMPLAINTS = """query($f: ComplaintFilter) { complaints(first: 100, filter: $f) { totalCount edges { node {
  id status partner { id } } } } }"""
REPORT = """mutation($i: ReportViolationInput!) { reportViolation(input: $i) { violationReport {
  id reportedOn description outcome outcomeOn reportedBy version partner { id } } } }"""
OUTCOME = """mutation($i: RecordViolationOutcomeInput!) { recordViolationOutcome(input: $i) { violationReport {
  id outcome outcomeOn outcomeOnJalali version } } }"""
DECIDE = """mutation($i: DecidePartnerContinuationInput!) { decidePartnerContinuation(input: $i) {
  partnerDecision { id decidedOn continues reasons decidedBy partner { id } }
  endedAgreements { id jalaliYear status } } }"""
ASSIGN = """mutation($i: AssignFilesInput!) { assignFiles(input: $i) { assignments { id } } }"""
AUDIT = """query($id: ID!) { auditEvents(first: 10, filter: {objectId: $id}) { edges { node {
  operation username } } } }"""


@pytest.fixture
async def owner(api: Api, database_url: str) -> AsyncIterator[asyncpg.Connection]:
    """The test's database as its owner (row-level security hides nothing): for independent counts."""
    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))
    yield conn
    await conn.close()


async def partner_ids(api: Api, username: str = "yazd.province") -> dict[str, str]:
    edges = (await api.ok(username, PARTNERS))["partners"]["edges"]
    return {edge["node"]["licenseNumber"]: edge["node"]["id"] for edge in edges}


async def files_of(api: Api, username: str, **narrowed: Any) -> list[str]:
    return [edge["node"]["id"] for edge in (await api.ok(username, FILES, {"f": narrowed}))["families"]["edges"]]


def ext(result: dict[str, Any]) -> dict[str, Any]:
    """The extensions of a refused request's first error."""
    assert result.get("errors"), result
    extensions: dict[str, Any] = result["errors"][0]["extensions"]
    return extensions


def visit(partner: str, **changes: Any) -> dict[str, Any]:
    return {"i": {"partnerId": partner, "visitedOn": YESTERDAY, "findings": "دفتر مالی ناقص است",
                  "suggestions": "تکمیل دفتر اسناد مالی", **changes}}


async def audited(api: Api, object_id: str, operation: str) -> bool:
    events = (await api.ok("admin", AUDIT, {"id": object_id}))["auditEvents"]["edges"]
    return any(edge["node"]["operation"] == f"mutation {operation}" for edge in events)


# --- who may write at all --------------------------------------------------------------------------------------------

SOME_ID = to_global_id("Partner", 1)
EVERY_MUTATION = [
    (VISIT, {"i": {"partnerId": SOME_ID, "visitedOn": YESTERDAY, "findings": "x"}}),
    (PLAN, {"i": {"visitId": SOME_ID, "actions": "x", "dueOn": TOMORROW}}),
    (CLOSE, {"i": {"id": SOME_ID, "version": 1, "notes": "x"}}),
    (FILE_COMPLAINT, {"i": {"partnerId": SOME_ID, "receivedOn": YESTERDAY, "summary": "x"}}),
    (UPDATE_COMPLAINT, {"i": {"id": SOME_ID, "version": 1, "status": "IN_PROGRESS"}}),
    (REPORT, {"i": {"partnerId": SOME_ID, "reportedOn": YESTERDAY, "description": "x"}}),
    (OUTCOME, {"i": {"id": SOME_ID, "version": 1, "outcome": "x", "outcomeOn": YESTERDAY}}),
    (DECIDE, {"i": {"partnerId": SOME_ID, "decidedOn": YESTERDAY, "continues": False, "reasons": "x"}}),
]


@pytest.mark.parametrize(("mutation", "variables"), EVERY_MUTATION)
@pytest.mark.parametrize("username", ["clinic.worker1", "auditor", "kindergarten.operator"])
async def test_a_partner_worker_and_an_auditor_may_use_no_supervision_mutation(api, username, mutation, variables):
    assert error_code(await api.as_user(username, mutation, variables)) == "FORBIDDEN"


# --- visits -----------------------------------------------------------------------------------------------------------


async def test_a_supervisor_records_a_visit_that_the_partner_reads(api):
    charity = (await partner_ids(api, "meybod.supervisor"))[CHARITY]
    sampled = (await files_of(api, "meybod.supervisor", partnerId=charity))[:2]
    made = (await api.ok("meybod.supervisor", VISIT, visit(charity, sampledFamilyIds=sampled)))
    made = made["recordSupervisionVisit"]["supervisionVisit"]
    assert made["recordedBy"] == "meybod.supervisor" and made["partner"]["id"] == charity
    assert made["visitedOn"] == YESTERDAY and made["visitedOnJalali"].count("/") == 2
    assert [f["id"] for f in made["sampledFiles"]] == sampled and made["actionPlan"] is None
    assert await audited(api, made["id"], "recordSupervisionVisit")
    for reader in ("charity.manager", "meybod.county", "yazd.province"):
        partners = (await api.ok(reader, VISITS, {"f": None}))["partners"]["edges"]
        node = next(e["node"] for e in partners if e["node"]["licenseNumber"] == CHARITY)
        assert node["supervisionVisits"]["edges"][0]["node"]["id"] == made["id"], reader
        assert node["lastSupervisedOn"] == YESTERDAY, reader
    node = await api.ok("charity.manager", "query($id: ID!) { node(id: $id) { __typename } }", {"id": made["id"]})
    assert node["node"] == {"__typename": "SupervisionVisit"}
    # Another partner's manager reaches neither the visit nor its partner.
    assert (await api.ok("clinic.manager", "query($id: ID!) { node(id: $id) { id } }", {"id": made["id"]}))[
        "node"] is None


async def test_the_province_office_visits_the_partners_of_its_province(api):
    clinic1 = (await partner_ids(api))[CLINIC1]
    sampled = (await files_of(api, "yazd.province", partnerId=clinic1))[:3]
    made = (await api.ok("yazd.province", VISIT, visit(clinic1, sampledFamilyIds=sampled, visitedOn="1405-01-15")))
    assert made["recordSupervisionVisit"]["supervisionVisit"]["visitedOnJalali"] == "1405/01/15"


@pytest.mark.parametrize("username", ["yazd.county", "clinic.manager", "clinic.worker1", "auditor",
                                      "kindergarten.operator"])
async def test_roles_that_do_not_supervise_may_not_record_a_visit(api, username):
    clinic1 = (await partner_ids(api))[CLINIC1]
    assert error_code(await api.as_user(username, VISIT, visit(clinic1))) == "FORBIDDEN"


async def test_a_partner_or_a_file_outside_the_slice_looks_like_a_missing_one(api):
    clinic1 = (await partner_ids(api))[CLINIC1]
    charity = (await partner_ids(api, "meybod.supervisor"))[CHARITY]
    foreign = await api.as_user("meybod.supervisor", VISIT, visit(clinic1))
    missing = await api.as_user("meybod.supervisor", VISIT, visit(to_global_id("Partner", 987654)))
    assert error_code(foreign) == "NOT_FOUND" and ext(foreign)["field"] == "partnerId"
    assert foreign["errors"][0]["message"] == missing["errors"][0]["message"]
    # A file of another partner, and a file of the county the office serves itself, are no sample of this one.
    others = (await files_of(api, "yazd.province", partnerId=clinic1))[:1]
    served = (await files_of(api, "meybod.county", assigned=False))[:1]
    assert served, "the demo's Meybod office serves files itself"
    for sampled in (others, served):
        result = await api.as_user("meybod.supervisor", VISIT, visit(charity, sampledFamilyIds=sampled))
        assert error_code(result) == "NOT_FOUND" and ext(result)["field"] == "sampledFamilyIds"


@pytest.mark.parametrize(("changes", "field"), [
    ({"visitedOn": TOMORROW}, "visitedOn"),
    ({"findings": LONG}, "findings"),
    ({"findings": "  "}, "findings"),
    ({"suggestions": LONG}, "suggestions"),
])
async def test_bad_visits_are_bad_user_input(api, changes, field):
    charity = (await partner_ids(api, "meybod.supervisor"))[CHARITY]
    result = await api.as_user("meybod.supervisor", VISIT, visit(charity, **changes))
    assert error_code(result) == "BAD_USER_INPUT" and ext(result)["field"] == field


async def test_a_file_sampled_twice_is_bad_user_input(api):
    charity = (await partner_ids(api, "meybod.supervisor"))[CHARITY]
    file = (await files_of(api, "meybod.supervisor", partnerId=charity))[0]
    result = await api.as_user("meybod.supervisor", VISIT, visit(charity, sampledFamilyIds=[file, file]))
    assert error_code(result) == "BAD_USER_INPUT" and ext(result)["field"] == "sampledFamilyIds"


async def test_the_same_client_id_records_one_visit(api):
    charity = (await partner_ids(api, "meybod.supervisor"))[CHARITY]
    sent = visit(charity, clientId=str(uuid.uuid4()))
    first = (await api.ok("meybod.supervisor", VISIT, sent))["recordSupervisionVisit"]["supervisionVisit"]
    again = (await api.ok("meybod.supervisor", VISIT, sent))["recordSupervisionVisit"]["supervisionVisit"]
    assert again["id"] == first["id"]
    changed = {"i": {**sent["i"], "findings": "یافته دیگر"}}
    assert error_code(await api.as_user("meybod.supervisor", VISIT, changed)) == "CONFLICT"


# --- action plans (Art. 4.13) ----------------------------------------------------------------------------------------


async def new_charity_visit(api: Api) -> str:
    charity = (await partner_ids(api, "meybod.supervisor"))[CHARITY]
    made = await api.ok("meybod.supervisor", VISIT, visit(charity))
    return made["recordSupervisionVisit"]["supervisionVisit"]["id"]


def plan(visit_id: str, **changes: Any) -> dict[str, Any]:
    due = (TODAY + datetime.timedelta(days=30)).isoformat()
    return {"i": {"visitId": visit_id, "actions": "تکمیل دفتر تا پایان ماه", "dueOn": due, **changes}}


async def test_the_partner_manager_answers_a_visit_with_one_action_plan(api):
    visit_id = await new_charity_visit(api)
    sent = plan(visit_id, clientId=str(uuid.uuid4()))
    made = (await api.ok("charity.manager", PLAN, sent))["submitActionPlan"]["actionPlan"]
    assert made["submittedBy"] == "charity.manager" and not made["isClosed"] and made["visit"]["id"] == visit_id
    assert await audited(api, made["id"], "submitActionPlan")
    # Sent again as it was: the plan already made. Any other plan for the visit: CONFLICT.
    again = (await api.ok("charity.manager", PLAN, sent))["submitActionPlan"]["actionPlan"]
    assert again["id"] == made["id"]
    second = await api.as_user("charity.manager", PLAN, plan(visit_id, actions="برنامه دیگر"))
    assert error_code(second) == "CONFLICT" and ext(second)["field"] == "visitId"
    assert error_code(await api.as_user("charity.manager", PLAN, plan(visit_id))) == "CONFLICT"
    read = (await api.ok("charity.manager", VISITS, {"f": None}))["partners"]["edges"][0]["node"]
    answered = next(e["node"] for e in read["supervisionVisits"]["edges"] if e["node"]["id"] == visit_id)
    assert answered["actionPlan"]["id"] == made["id"]


async def test_an_action_plan_refuses_a_past_due_day_and_long_text(api):
    visit_id = await new_charity_visit(api)
    for changes, field in (({"dueOn": YESTERDAY}, "dueOn"), ({"actions": LONG}, "actions"),
                           ({"actions": ""}, "actions")):
        result = await api.as_user("charity.manager", PLAN, plan(visit_id, **changes))
        assert error_code(result) == "BAD_USER_INPUT" and ext(result)["field"] == field


async def test_only_the_visited_partners_manager_submits_its_plan(api):
    visit_id = await new_charity_visit(api)
    other = await api.as_user("clinic.manager", PLAN, plan(visit_id))
    assert error_code(other) == "NOT_FOUND" and ext(other)["field"] == "visitId"
    for username in ("meybod.supervisor", "clinic.worker1", "auditor", "meybod.county"):
        assert error_code(await api.as_user(username, PLAN, plan(visit_id))) == "FORBIDDEN", username


async def test_the_supervisor_closes_a_plan_once(api):
    visit_id = await new_charity_visit(api)
    made = (await api.ok("charity.manager", PLAN, plan(visit_id)))["submitActionPlan"]["actionPlan"]
    close = {"i": {"id": made["id"], "version": made["version"], "notes": "اجرا شد"}}
    assert error_code(await api.as_user("charity.manager", CLOSE, close)) == "FORBIDDEN"
    assert error_code(await api.as_user("auditor", CLOSE, close)) == "FORBIDDEN"
    stale = await api.as_user("meybod.supervisor", CLOSE, {"i": {**close["i"], "version": made["version"] + 1}})
    assert error_code(stale) == "CONFLICT"
    closed = (await api.ok("meybod.supervisor", CLOSE, close))["closeActionPlan"]["actionPlan"]
    assert closed["isClosed"] and closed["closedBy"] == "meybod.supervisor" and closed["version"] == made["version"] + 1
    assert await audited(api, made["id"], "closeActionPlan")
    again = await api.as_user("meybod.supervisor", CLOSE, {"i": {**close["i"], "version": closed["version"]}})
    assert error_code(again) == "RULE_VIOLATION" and ext(again)["rule"] == "ART_4_13_PLAN_CLOSED"
    # The partner reads its plan closed.
    read = (await api.ok("charity.manager", VISITS, {"f": None}))["partners"]["edges"][0]["node"]
    assert next(e["node"] for e in read["supervisionVisits"]["edges"] if e["node"]["id"] == visit_id)[
        "actionPlan"]["isClosed"]


# --- what a partner reads, and what it does not ----------------------------------------------------------------------


@pytest.mark.parametrize("query", [
    "{ complaints { totalCount } }",
    "{ partners { edges { node { violationReports { totalCount } } } } }",
    "{ partners { edges { node { filesToReturn { totalCount } } } } }",
    '{ partners(filter: {supervisionOverdue: true}) { totalCount } }',
])
@pytest.mark.parametrize("username", ["charity.manager", "clinic.worker1", "auditor"])
async def test_complaints_violations_and_the_office_lists_stay_with_the_office(api, query, username):
    assert error_code(await api.as_user(username, query)) == "FORBIDDEN"


@pytest.mark.parametrize("field", ["supervisionVisits { totalCount }", "decisions { id }", "lastSupervisedOn"])
async def test_a_worker_reads_no_supervision_of_its_partner(api, field):
    result = await api.as_user("clinic.worker1", f"{{ partners {{ edges {{ node {{ {field} }} }} }} }}")
    assert error_code(result) == "FORBIDDEN"


async def test_a_manager_reads_its_own_partners_visits_and_decisions_only(api):
    read = (await api.ok("clinic.manager", "{ partners { edges { node { licenseNumber supervisionVisits { totalCount "
                                           "} decisions { continues decidedBy } } } } }"))["partners"]["edges"]
    assert [e["node"]["licenseNumber"] for e in read] == [CLINIC1]
    assert read[0]["node"]["supervisionVisits"]["totalCount"] == 2  # the demo's two visits to clinic 1
    assert read[0]["node"]["decisions"] == [{"continues": True, "decidedBy": "yazd.province"}]


# --- the overdue filter (Art. 7.2) -----------------------------------------------------------------------------------


def first_day_in_force(today: datetime.date) -> datetime.date:
    """Independently of rules/supervision.visits_in_force_from: the first day whose six Jalali months reach today,
    found by trying every day of the year before."""
    return next(day for day in (today - datetime.timedelta(days=n) for n in range(400, -1, -1))
                if add_jalali_months(day, 6) >= today)


OVERDUE_SQL = """
select o.license_number from organization o
where o.kind in ('CLINIC', 'CHARITY', 'SERVICE_COMPLEX', 'CHILD_HOME') and o.province_id = (
    select province_id from organization where license_number = $2)
  and coalesce((select max(v.visited_on) from supervision_visit v where v.partner_id = o.id),
               (select min(a.signed_on) from agreement a where a.partner_id = o.id)) < $1"""


async def overdue(api: Api, username: str, value: bool = True) -> set[str]:
    edges = (await api.ok(username, PARTNERS, {"f": {"supervisionOverdue": value}}))["partners"]["edges"]
    return {edge["node"]["licenseNumber"] for edge in edges}


async def test_the_overdue_filter_lists_exactly_the_partners_unvisited_for_six_months(api, owner):
    expected = {row["license_number"] for row in await owner.fetch(OVERDUE_SQL, first_day_in_force(TODAY), CLINIC1)}
    assert expected == {CHILD_HOME}  # the demo's last visit to the child home was seven months ago
    assert await overdue(api, "yazd.province") == expected
    assert await overdue(api, "yazd.province", False) == {CLINIC1, CLINIC2, CHARITY}
    assert await overdue(api, "yazd.county") == {CHILD_HOME}
    assert await overdue(api, "meybod.supervisor") == set()
    # Clinic 2 never visited: overdue six months after its first agreement, as the SQL says for today.
    await owner.execute("delete from supervision_visit where partner_id = (select id from organization"
                        " where license_number = $1)", CLINIC2)
    expected = {row["license_number"] for row in await owner.fetch(OVERDUE_SQL, first_day_in_force(TODAY), CLINIC1)}
    assert await overdue(api, "yazd.province") == expected
    # A visit today takes the child home off the list.
    child_home = (await partner_ids(api))[CHILD_HOME]
    await api.ok("yazd.province", VISIT, visit(child_home, visitedOn=TODAY.isoformat()))
    assert await overdue(api, "yazd.province") == expected - {CHILD_HOME}


# --- complaints (Art. 7.4) -------------------------------------------------------------------------------------------


def complaint(**fields: Any) -> dict[str, Any]:
    return {"i": {"receivedOn": YESTERDAY, "summary": "مددکار پاسخگو نیست", **fields}}


async def test_the_county_office_files_a_complaint_that_stays_with_the_office(api):
    clinic1 = (await partner_ids(api))[CLINIC1]
    family = (await files_of(api, "yazd.county", partnerId=clinic1))[0]
    made = (await api.ok("yazd.county", FILE_COMPLAINT, complaint(partnerId=clinic1, familyId=family)))
    made = made["fileComplaint"]["complaint"]
    assert made["status"] == "OPEN" and made["isOpen"] and made["filedBy"] == "yazd.county"
    assert made["family"]["id"] == family and made["partner"]["id"] == clinic1 and made["handledBy"] is None
    assert await audited(api, made["id"], "fileComplaint")
    for reader, sees in (("yazd.province", True), ("yazd.county", True), ("meybod.county", False),
                         ("meybod.supervisor", False)):
        ids = [e["node"]["id"] for e in (await api.ok(reader, COMPLAINTS, {"f": None}))["complaints"]["edges"]]
        assert (made["id"] in ids) is sees, reader
    listed = (await api.ok("yazd.county", COMPLAINTS, {"f": {"open": True, "partnerId": clinic1}}))["complaints"]
    assert made["id"] in [e["node"]["id"] for e in listed["edges"]]
    assert all(e["node"]["partner"]["id"] == clinic1 for e in listed["edges"])
    closed = (await api.ok("yazd.county", COMPLAINTS, {"f": {"open": False}}))["complaints"]["edges"]
    assert made["id"] not in [e["node"]["id"] for e in closed]


async def test_filing_a_complaint_checks_who_what_and_where(api):
    clinic1 = (await partner_ids(api))[CLINIC1]
    for username in ("meybod.supervisor", "clinic.manager", "auditor", "yazd.province"):
        assert error_code(await api.as_user(username, FILE_COMPLAINT, complaint(partnerId=clinic1))) == "FORBIDDEN"
    foreign = await api.as_user("meybod.county", FILE_COMPLAINT, complaint(partnerId=clinic1))
    assert error_code(foreign) == "NOT_FOUND" and ext(foreign)["field"] == "partnerId"
    for changes, field in (({"partnerId": clinic1, "receivedOn": TOMORROW}, "receivedOn"),
                           ({"partnerId": clinic1, "summary": LONG}, "summary"), ({}, "familyId")):
        result = await api.as_user("yazd.county", FILE_COMPLAINT, complaint(**changes))
        assert error_code(result) == "BAD_USER_INPUT" and ext(result)["field"] == field


async def meybod_complaint(api: Api) -> dict[str, Any]:
    charity = (await partner_ids(api, "meybod.county"))[CHARITY]
    made = await api.ok("meybod.county", FILE_COMPLAINT, complaint(partnerId=charity, clientId=str(uuid.uuid4())))
    return made["fileComplaint"]["complaint"]


def update(made: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"i": {"id": made["id"], "version": made["version"], **fields}}


async def test_the_supervisor_takes_a_complaint_up_and_ends_it_for_good(api):
    made = await meybod_complaint(api)
    assert error_code(await api.as_user("meybod.county", UPDATE_COMPLAINT, update(made, status="IN_PROGRESS"))) \
        == "FORBIDDEN"
    jump = await api.as_user("meybod.supervisor", UPDATE_COMPLAINT, update(made, status="UPHELD", outcome="وارد است"))
    assert error_code(jump) == "RULE_VIOLATION" and ext(jump)["rule"] == "ART_7_4_COMPLAINT_STATUS"
    taken = (await api.ok("meybod.supervisor", UPDATE_COMPLAINT, update(made, status="IN_PROGRESS")))
    taken = taken["updateComplaint"]["complaint"]
    assert taken["status"] == "IN_PROGRESS" and taken["handledBy"] == "meybod.supervisor" and taken["isOpen"]
    assert error_code(await api.as_user("meybod.supervisor", UPDATE_COMPLAINT, update(made, status="IN_PROGRESS"))) \
        == "CONFLICT"  # the version it was read at is stale
    no_outcome = await api.as_user("meybod.supervisor", UPDATE_COMPLAINT, update(taken, status="DISMISSED"))
    assert error_code(no_outcome) == "BAD_USER_INPUT" and ext(no_outcome)["field"] == "outcome"
    too_long = await api.as_user("meybod.supervisor", UPDATE_COMPLAINT, update(taken, status="DISMISSED",
                                                                               outcome=LONG))
    assert error_code(too_long) == "BAD_USER_INPUT"
    ended = (await api.ok("meybod.supervisor", UPDATE_COMPLAINT, update(taken, status="DISMISSED",
                                                                        outcome="شکایت وارد نیست")))
    ended = ended["updateComplaint"]["complaint"]
    assert ended["status"] == "DISMISSED" and not ended["isOpen"] and ended["outcome"] == "شکایت وارد نیست"
    reopened = await api.as_user("meybod.supervisor", UPDATE_COMPLAINT, update(ended, status="IN_PROGRESS"))
    assert error_code(reopened) == "RULE_VIOLATION"
    assert await audited(api, made["id"], "updateComplaint")


async def test_a_complaint_goes_only_to_a_supervising_expert_of_its_area(api):
    made = await meybod_complaint(api)
    me = "{ me { user { id } } }"
    supervisor = (await api.ok("meybod.supervisor", me))["me"]["user"]["id"]
    county = (await api.ok("meybod.county", me))["me"]["user"]["id"]
    admin = (await api.ok("admin", me))["me"]["user"]["id"]
    # The supervisor reaches no other user: naming one is naming no one.
    result = await api.as_user("meybod.supervisor", UPDATE_COMPLAINT,
                               update(made, status="IN_PROGRESS", handlerId=admin))
    assert error_code(result) == "NOT_FOUND" and ext(result)["field"] == "handlerId"
    refused = await api.as_user("admin", UPDATE_COMPLAINT, update(made, status="IN_PROGRESS", handlerId=county))
    assert error_code(refused) == "BAD_USER_INPUT" and ext(refused)["field"] == "handlerId"
    clinic1 = (await partner_ids(api))[CLINIC1]
    yazd = (await api.ok("yazd.county", FILE_COMPLAINT, complaint(partnerId=clinic1)))["fileComplaint"]["complaint"]
    elsewhere = await api.as_user("admin", UPDATE_COMPLAINT, update(yazd, status="IN_PROGRESS", handlerId=supervisor))
    assert error_code(elsewhere) == "BAD_USER_INPUT"
    given = (await api.ok("admin", UPDATE_COMPLAINT, update(made, status="IN_PROGRESS", handlerId=supervisor)))
    assert given["updateComplaint"]["complaint"]["handledBy"] == "meybod.supervisor"


# --- violation reports (Art. 7.7) ------------------------------------------------------------------------------------


async def test_a_violation_is_reported_and_its_outcome_recorded_once(api):
    clinic2 = (await partner_ids(api))[CLINIC2]
    sent = {"i": {"partnerId": clinic2, "reportedOn": YESTERDAY, "description": "گزارش خلاف واقع"}}
    for username in ("yazd.county", "clinic2.manager", "auditor"):
        assert error_code(await api.as_user(username, REPORT, sent)) == "FORBIDDEN", username
    assert error_code(await api.as_user("meybod.supervisor", REPORT, sent)) == "NOT_FOUND"
    future = await api.as_user("yazd.province", REPORT, {"i": {**sent["i"], "reportedOn": TOMORROW}})
    assert error_code(future) == "BAD_USER_INPUT" and ext(future)["field"] == "reportedOn"
    made = (await api.ok("yazd.province", REPORT, sent))["reportViolation"]["violationReport"]
    assert made["reportedBy"] == "yazd.province" and made["outcomeOn"] is None
    assert await audited(api, made["id"], "reportViolation")
    listing = "{ partners { edges { node { licenseNumber violationReports { edges { node { id } } } } } } }"
    partners = (await api.ok("yazd.county", listing))["partners"]["edges"]
    reports = next(e["node"] for e in partners if e["node"]["licenseNumber"] == CLINIC2)["violationReports"]
    assert [e["node"]["id"] for e in reports["edges"]] == [made["id"]]
    outcome = {"i": {"id": made["id"], "version": made["version"], "outcome": "تذکر کتبی", "outcomeOn": YESTERDAY}}
    before = await api.as_user("yazd.province", OUTCOME, {"i": {**outcome["i"], "outcomeOn": "2020-01-01"}})
    assert error_code(before) == "BAD_USER_INPUT" and ext(before)["field"] == "outcomeOn"
    recorded = (await api.ok("yazd.province", OUTCOME, outcome))["recordViolationOutcome"]["violationReport"]
    assert recorded["outcome"] == "تذکر کتبی" and recorded["outcomeOn"] == YESTERDAY
    assert await audited(api, made["id"], "recordViolationOutcome")
    again = await api.as_user("yazd.province", OUTCOME, {"i": {**outcome["i"], "version": recorded["version"]}})
    assert error_code(again) == "RULE_VIOLATION" and ext(again)["rule"] == "ART_7_7_OUTCOME_RECORDED"


# --- continue or stop (Art. 4.12) ------------------------------------------------------------------------------------


def decision(partner: str, continues: bool, **fields: Any) -> dict[str, Any]:
    return {"i": {"partnerId": partner, "decidedOn": TODAY.isoformat(), "continues": continues,
                  "reasons": "عملکرد ضعیف در دو بازدید پیاپی", **fields}}


FILES_TO_RETURN = """query($f: PartnerFilter) { partners(filter: $f) { edges { node { licenseNumber
  agreements { jalaliYear status } filesToReturn(first: 200) { totalCount edges { node { family { id } child { id }
  } } } } } } }"""


async def clinic2_standing(api: Api) -> dict[str, Any]:
    partners = (await api.ok("yazd.province", FILES_TO_RETURN, {"f": None}))["partners"]["edges"]
    return next(e["node"] for e in partners if e["node"]["licenseNumber"] == CLINIC2)


async def test_a_stopped_partner_gets_no_new_files_and_lists_those_to_return(api, owner):
    clinic2 = (await partner_ids(api))[CLINIC2]
    assert (await clinic2_standing(api))["filesToReturn"]["totalCount"] == 0
    for username in ("yazd.county", "meybod.supervisor", "clinic2.manager", "auditor"):
        assert error_code(await api.as_user(username, DECIDE, decision(clinic2, False))) == "FORBIDDEN", username
    for bad, field in (({"decidedOn": TOMORROW}, "decidedOn"), ({"reasons": LONG}, "reasons")):
        result = await api.as_user("yazd.province", DECIDE, decision(clinic2, False, **bad))
        assert error_code(result) == "BAD_USER_INPUT" and ext(result)["field"] == field
    missing = await api.as_user("yazd.province", DECIDE, decision(to_global_id("Partner", 987654), False))
    assert error_code(missing) == "NOT_FOUND"

    stopped = (await api.ok("yazd.province", DECIDE, decision(clinic2, False)))["decidePartnerContinuation"]
    assert stopped["partnerDecision"]["continues"] is False
    assert stopped["partnerDecision"]["decidedBy"] == "yazd.province"
    assert [a["status"] for a in stopped["endedAgreements"]] == ["ENDED"]
    assert await audited(api, stopped["partnerDecision"]["id"], "decidePartnerContinuation")
    history = await owner.fetch("select operation, changes from change_record where entity = 'Agreement'")
    assert [(row["operation"], row["changes"]) for row in history] == [("end", '{"status": ["ACTIVE", "ENDED"]}')]

    # Its live files, as the office lists them, against an independent count.
    standing = await clinic2_standing(api)
    live = await owner.fetchval("select count(*) from assignment a join organization o on o.id = a.partner_id"
                                " where o.license_number = $1 and a.ended_at is null", CLINIC2)
    assert live > 0 and standing["filesToReturn"]["totalCount"] == live
    assert {a["status"] for a in standing["agreements"]} == {"ENDED"}
    own = await api.ok("clinic2.manager", "{ partners { edges { node { agreements { status } } } } }")
    assert own["partners"]["edges"][0]["node"]["agreements"][0]["status"] == "ENDED"
    assert error_code(await api.as_user("clinic2.manager", FILES_TO_RETURN, {"f": None})) == "FORBIDDEN"

    # No new file: the refusal names the stop, not only the ended agreement.
    family = (await files_of(api, "yazd.county", assigned=False, status="ACTIVE", rehabilitability="REHABILITABLE"))[0]
    refused = await api.as_user("yazd.county", ASSIGN, {"i": {"partnerId": clinic2, "familyIds": [family]}})
    assert error_code(refused) == "RULE_VIOLATION" and ext(refused)["rule"] == "ART_4_12_STOPPED"
    again = await api.as_user("yazd.province", DECIDE, decision(clinic2, False))
    assert error_code(again) == "RULE_VIOLATION" and ext(again)["rule"] == "ART_4_12_ALREADY_STOPPED"

    # A file returned leaves the list.
    returned = standing["filesToReturn"]["edges"][0]["node"]
    key = {"familyId": returned["family"]["id"]} if returned["family"] else {"childId": returned["child"]["id"]}
    await api.ok("yazd.county", "mutation($i: ReturnFileInput!) { returnFile(input: $i) { assignment { id } } }",
                 {"i": {**key, "reason": "توقف همکاری (بند ۱۲ ماده ۴)"}})
    assert (await clinic2_standing(api))["filesToReturn"]["totalCount"] == live - 1

    # A later decision to continue lifts the stop; the ended agreement stays ended.
    await api.ok("yazd.province", DECIDE, decision(clinic2, True, reasons="اصلاح روند کار"))
    assert (await clinic2_standing(api))["filesToReturn"]["totalCount"] == 0
    refused = await api.as_user("yazd.county", ASSIGN, {"i": {"partnerId": clinic2, "familyIds": [family]}})
    assert ext(refused)["rule"] == "ART_6_1_AGREEMENT"
    decisions = (await api.ok("clinic2.manager", "{ partners { edges { node { decisions { continues } } } } }"))
    assert [d["continues"] for d in decisions["partners"]["edges"][0]["node"]["decisions"]] == [True, False]


async def test_a_partner_that_continues_keeps_its_agreement(api):
    clinic1 = (await partner_ids(api))[CLINIC1]
    made = (await api.ok("yazd.province", DECIDE, decision(clinic1, True)))["decidePartnerContinuation"]
    assert made["endedAgreements"] == [] and made["partnerDecision"]["continues"] is True
    earlier = await api.as_user("yazd.province", DECIDE, decision(clinic1, True, decidedOn="2020-01-01"))
    assert error_code(earlier) == "BAD_USER_INPUT" and ext(earlier)["field"] == "decidedOn"


# --- the second wall (docs/access.md rule 6)
# ------------------------------------------------------------------------------


async def test_with_the_application_filter_removed_the_database_still_keeps_supervision_apart(api, monkeypatch):
    """Row-level security on the supervision tables (migration 0013): a manager reads only its own partner's visits
    and decisions, an office only the complaints and violation reports of its area."""
    await meybod_complaint(api)
    monkeypatch.setattr(schema.sources, "type_scope_filter", lambda _viewer, _type_name: Q())
    read = (await api.ok("clinic.manager", "{ partners { edges { node { licenseNumber supervisionVisits { totalCount "
                                           "} decisions { id } } } } }"))["partners"]["edges"]
    seen = {e["node"]["licenseNumber"]: (e["node"]["supervisionVisits"]["totalCount"], len(e["node"]["decisions"]))
            for e in read}
    # The organisation register is under row-level security too (migration 0018): the manager's own partner alone.
    assert seen == {CLINIC1: (2, 1)}
    complaints = (await api.ok("meybod.supervisor", COMPLAINTS, {"f": None}))["complaints"]
    partners = {e["node"]["partner"]["id"] for e in complaints["edges"]}
    assert complaints["totalCount"] == 2 and len(partners) == 1  # the demo's and this test's, both the charity's
    reports = "{ partners { edges { node { violationReports { totalCount } } } } }"
    assert all(e["node"]["violationReports"]["totalCount"] == 0
               for e in (await api.ok("meybod.supervisor", reports))["partners"]["edges"])

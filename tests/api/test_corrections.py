"""Corrections of casework records through /graphql: their author may correct an assessment, an aid plan not yet
decided, a loan not yet followed up and a child's follow-up within 24 hours of recording it; the change goes to the
file's history. After that, or by anyone else, records are append-only (schema/casework/records.correct_record)."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

import asyncpg
import pytest

from api import db
from rules.casework import loan_follow_up_due
from schema.node import from_global_id
from tests.conftest import Api, error_code

TODAY = datetime.date.today()
YESTERDAY = (TODAY - datetime.timedelta(days=1)).isoformat()
TOMORROW = (TODAY + datetime.timedelta(days=1)).isoformat()

SCORES = {"decisionMaking": 3, "socialMobility": 2, "education": 4, "jobSkills": 1, "employmentStatus": 2, "income": 1,
          "housing": 3, "insurance": 5}  # 21, MEDIUM
FAMILIES = "{ families(first: 200) { edges { node { id currentAssignment { assignedOn } } } } }"
CHILDREN = "{ children(first: 1) { edges { node { id } } } }"
HISTORY = "query($id: ID!) {{ {owner}(id: $id) {{ history {{ entity operation byUsername changes {{ field before " \
          "after }} }} }} }}"


@dataclass(frozen=True)
class Kind:
    """One kind of correctable record: how to make one, and who makes and who merely reaches it."""

    record: str  # the record mutation
    key: str  # its payload's field, and the GraphQL type's name in camelCase
    entity: str  # the GraphQL type, as the history names it
    table: str
    owner: str  # "family" or "child": the file it is on
    author: str
    other: str  # another user who reaches the record, in a role that corrects records
    sent: dict[str, Any]  # the record's input, less its file
    fields: str  # what the tests read back

    @property
    def correct(self) -> str:
        return "correct" + self.entity

    def mutation(self) -> str:
        return (f"mutation($input: Correct{self.entity}Input!) {{ {self.correct}(input: $input) {{ {self.key} {{ "
                f"id version {self.fields} }} }} }}")


KINDS = {kind.correct: kind for kind in (
    Kind("recordAssessment", "assessment", "Assessment", "assessment", "family", "clinic.worker1", "clinic.manager",
         {"assessedOn": YESTERDAY, "scores": SCORES, "notes": "یادداشت"}, "total level notes scores { domain score }"),
    Kind("submitAidPlan", "aidPlan", "AidPlan", "aid_plan", "family", "clinic.worker1", "clinic.manager",
         {"submittedOn": YESTERDAY, "goals": "اشتغال سرپرست", "plannedServices": ["TRAINING"],
          "targetDate": "2030-01-01"}, "status goals plannedServices resources targetDate"),
    Kind("recordLoan", "loan", "Loan", "loan", "family", "clinic.worker1", "clinic.manager",
         {"kind": "WORK_CAPITAL", "amountRials": 1000, "lender": "بانک", "grantedOn": YESTERDAY},
         "kind amountRials lender grantedOn followUpDueOn"),
    Kind("recordFollowUp", "followUp", "FollowUp", "child_follow_up", "child", "childhome.manager", "yazd.county",
         {"kind": "HEALTH", "followedUpOn": YESTERDAY, "notes": "سالم"}, "followedUpOn notes abuseConcern"),
)}


async def file_of(api: Api, kind: Kind) -> str:
    if kind.owner == "child":
        return (await api.ok(kind.author, CHILDREN))["children"]["edges"][0]["node"]["id"]
    edges = (await api.ok(kind.author, FAMILIES))["families"]["edges"]
    return next(e["node"]["id"] for e in edges if e["node"]["currentAssignment"]["assignedOn"] < YESTERDAY)


async def make(api: Api, kind: Kind, **changes: Any) -> tuple[str, dict[str, Any]]:
    """A new record of `kind` by its author: its file, and the record as the tests read it."""
    file = await file_of(api, kind)
    input_type = kind.record[0].upper() + kind.record[1:] + "Input"
    query = f"mutation($input: {input_type}!) {{ {kind.record}(input: $input) {{ {kind.key} {{ id version " \
            f"{kind.fields} }} }} }}"
    sent = {f"{kind.owner}Id": file, **kind.sent, **changes}
    return file, (await api.ok(kind.author, query, {"input": sent}))[kind.record][kind.key]


async def correct(api: Api, username: str, kind: Kind, record: dict[str, Any], version: int, /,
                  **changes: Any) -> dict[str, Any]:
    return await api.as_user(username, kind.mutation(), {"input": {"id": record["id"], "version": version,
                                                                   **changes}})


async def corrected(api: Api, kind: Kind, record: dict[str, Any], version: int, /,
                    **changes: Any) -> dict[str, Any]:
    """The record as its author's correction left it (which must succeed)."""
    result = await correct(api, kind.author, kind, record, version, **changes)
    assert "errors" not in result, result
    return result["data"][kind.correct][kind.key]


async def corrections_in_history(api: Api, kind: Kind, file: str) -> list[dict[str, Any]]:
    """The corrections of `kind` in the file's history, as the county office reads it, each as {field: (before,
    after)} with JSON values decoded."""
    history = (await api.ok("yazd.county", HISTORY.format(owner=kind.owner), {"id": file}))[kind.owner]["history"]
    return [{c["field"]: (_decoded(c["before"]), _decoded(c["after"])) for c in entry["changes"]}
            for entry in history
            if (entry["entity"], entry["operation"], entry["byUsername"]) == (kind.entity, "correct", kind.author)]


def _decoded(value: str | None) -> Any:
    try:
        return json.loads(value) if value is not None else None
    except json.JSONDecodeError:
        return value


async def age(database_url: str, kind: Kind, record: dict[str, Any], hours: int) -> None:
    """Make the record `hours` old (as the owner: no role of the app changes created_at)."""
    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))
    try:
        await conn.execute(f"update {kind.table} set created_at = now() - make_interval(hours => $2) where id = $1",
                           from_global_id(record["id"])[1], hours)
    finally:
        await conn.close()


# A correction each kind takes, and a field of it the tests watch.
CHANGES = {
    "correctAssessment": ({"notes": "یادداشت اصلاح‌شده"}, "notes"),
    "correctAidPlan": ({"goals": "مسکن"}, "goals"),
    "correctLoan": ({"lender": "صندوق قرض‌الحسنه"}, "lender"),
    "correctFollowUp": ({"notes": "سالم، با واکسن کامل"}, "notes"),
}


async def test_the_author_corrects_an_assessment_and_its_total_and_level_are_computed_again(api):
    kind = KINDS["correctAssessment"]
    family, made = await make(api, kind)
    assert (made["total"], made["level"]) == (21, "MEDIUM")
    high = dict.fromkeys(SCORES, 5)
    fixed = await corrected(api, kind, made, 1, scores=high)
    assert (fixed["total"], fixed["level"], fixed["version"], fixed["notes"]) == (40, "HIGH", 2, "یادداشت")
    assert {s["score"] for s in fixed["scores"]} == {5} and len(fixed["scores"]) == 8
    low = await corrected(api, kind, fixed, 2, scores={**dict.fromkeys(SCORES, 1), "income": 2}, notes="بازبینی")
    assert (low["total"], low["level"], low["notes"]) == (9, "LOW", "بازبینی")
    [first, second] = await corrections_in_history(api, kind, family)
    assert first["total"] == (21, 40) and first["level"] == ("MEDIUM", "HIGH")
    assert first["scores"][0]["INCOME"] == 1 and first["scores"][1] == dict.fromkeys(
        ("DECISION_MAKING", "SOCIAL_MOBILITY", "EDUCATION", "JOB_SKILLS", "EMPLOYMENT_STATUS", "INCOME", "HOUSING",
         "INSURANCE"), 5)
    assert set(first) == {"scores", "total", "level"}
    assert second["notes"] == ("یادداشت", "بازبینی") and second["total"] == (40, 9)
    notes_only = await corrected(api, kind, low, 3, notes="فقط یادداشت")
    assert (notes_only["total"], notes_only["level"]) == (9, "LOW")


async def test_the_author_corrects_an_undecided_aid_plan_and_a_decided_one_is_refused(api):
    kind = KINDS["correctAidPlan"]
    family, made = await make(api, kind)
    fixed = await corrected(api, kind, made, 1, goals="اشتغال و مسکن", plannedServices=["HOUSING", "TRAINING",
                                                                                       "HOUSING"],
                            resources="وام مسکن", targetDate="1410-01-01")  # Jalali, 2031-03-21
    assert fixed == {**made, "version": 2, "goals": "اشتغال و مسکن", "plannedServices": ["HOUSING", "TRAINING"],
                     "resources": "وام مسکن", "targetDate": "2031-03-21"}
    [change] = await corrections_in_history(api, kind, family)
    assert change == {"goals": ("اشتغال سرپرست", "اشتغال و مسکن"), "plannedServices": (["TRAINING"],
                                                                                      ["HOUSING", "TRAINING"]),
                      "resources": ("", "وام مسکن"), "targetDate": ("2030-01-01", "2031-03-21")}
    decided = await api.ok("clinic.manager", """mutation($input: DecideAidPlanInput!) { decideAidPlan(input: $input) {
      aidPlan { version } } }""", {"input": {"aidPlanId": made["id"], "approved": True, "decidedOn": TODAY.isoformat(),
                                              "minutes": "تصویب شد", "version": 2}})
    version = decided["decideAidPlan"]["aidPlan"]["version"]
    refused = await correct(api, kind.author, kind, made, version, goals="هدفی دیگر")
    assert error_code(refused) == "RULE_VIOLATION"
    assert refused["errors"][0]["extensions"]["rule"] == "AID_PLAN_DECIDED"
    assert len(await corrections_in_history(api, kind, family)) == 1


async def test_the_author_corrects_a_loan_and_its_follow_up_falls_due_again(api):
    kind = KINDS["correctLoan"]
    family, made = await make(api, kind)
    assert made["followUpDueOn"] == loan_follow_up_due(datetime.date.fromisoformat(YESTERDAY)).isoformat()
    moved = await corrected(api, kind, made, 1, grantedOn=TODAY.isoformat(), amountRials=2_500_000)
    assert (moved["grantedOn"], moved["amountRials"], moved["kind"]) == (TODAY.isoformat(), 2_500_000, "WORK_CAPITAL")
    assert moved["followUpDueOn"] == loan_follow_up_due(TODAY).isoformat()
    deposit = await corrected(api, kind, moved, 2, kind="HOUSING_DEPOSIT_LOAN")
    assert (deposit["kind"], deposit["followUpDueOn"], deposit["version"]) == ("HOUSING_DEPOSIT_LOAN", None, 3)
    [first, second] = await corrections_in_history(api, kind, family)
    assert first == {"grantedOn": (YESTERDAY, TODAY.isoformat()), "amountRials": (1000, 2_500_000),
                     "followUpDueOn": (made["followUpDueOn"], moved["followUpDueOn"])}
    assert second == {"kind": ("WORK_CAPITAL", "HOUSING_DEPOSIT_LOAN"), "followUpDueOn": (moved["followUpDueOn"], None)}


FOLLOW_LOAN_UP = """mutation($input: RecordLoanFollowUpInput!) { recordLoanFollowUp(input: $input) {
  loan { version followedUpOn } } }"""


async def test_a_loan_whose_follow_up_is_recorded_is_not_corrected(api):
    kind = KINDS["correctLoan"]
    family, made = await make(api, kind)
    followed = await api.ok(kind.author, FOLLOW_LOAN_UP, {"input": {
        "loanId": made["id"], "followedUpOn": TODAY.isoformat(), "notes": "شغل پابرجاست", "version": 1}})
    loan = followed["recordLoanFollowUp"]["loan"]
    assert loan["followedUpOn"] == TODAY.isoformat()
    refused = await correct(api, kind.author, kind, made, loan["version"], amountRials=5000)
    assert error_code(refused) == "RULE_VIOLATION"
    assert refused["errors"][0]["extensions"]["rule"] == "LOAN_FOLLOWED_UP"
    assert await corrections_in_history(api, kind, family) == []


async def test_the_author_corrects_a_childs_follow_up_but_not_its_abuse_concern(api):
    kind = KINDS["correctFollowUp"]
    child, made = await make(api, kind, abuseConcern=True)
    fixed = await corrected(api, kind, made, 1, followedUpOn=TODAY.isoformat(), notes="نشانه‌های آزار، ارجاع شد")
    assert fixed == {**made, "version": 2, "followedUpOn": TODAY.isoformat(), "notes": "نشانه‌های آزار، ارجاع شد",
                     "abuseConcern": True}
    [change] = await corrections_in_history(api, kind, child)
    assert change == {"followedUpOn": (YESTERDAY, TODAY.isoformat()), "notes": ("سالم", "نشانه‌های آزار، ارجاع شد")}
    fields = await api.ok("admin", '{ __type(name: "CorrectFollowUpInput") { inputFields { name } } }')
    assert {f["name"] for f in fields["__type"]["inputFields"]} == {"id", "version", "followedUpOn", "notes"}
    unset = await api.as_user(kind.author, kind.mutation(), {"input": {"id": made["id"], "version": 2,
                                                                       "abuseConcern": False}})
    assert unset.get("errors") and not unset.get("data")
    alerts = await api.ok("yazd.county", "{ alerts(filter: {open: true}) { edges { node { followUp { id } } } } }")
    assert made["id"] in {e["node"]["followUp"]["id"] for e in alerts["alerts"]["edges"]}


@pytest.mark.parametrize("name", sorted(KINDS))
async def test_another_user_or_a_role_that_records_nothing_may_not_correct(api, name):
    kind = KINDS[name]
    _, made = await make(api, kind)
    change, _ = CHANGES[name]
    by_another = await correct(api, kind.other, kind, made, 1, **change)
    assert error_code(by_another) == "RULE_VIOLATION"
    assert by_another["errors"][0]["extensions"]["rule"] == "RECORD_APPEND_ONLY"
    for wrong in ("auditor", "meybod.supervisor", "kindergarten.operator"):
        assert error_code(await correct(api, wrong, kind, made, 1, **change)) == "FORBIDDEN", wrong
    assert (await corrected(api, kind, made, 1, **change))["version"] == 2  # untouched until then


@pytest.mark.parametrize("name", sorted(KINDS))
async def test_a_record_is_corrected_for_24_hours_and_no_longer(api, database_url, name):
    kind = KINDS[name]
    _, made = await make(api, kind)
    change, field = CHANGES[name]
    await age(database_url, kind, made, 23)
    assert (await corrected(api, kind, made, 1, **change))[field] == change[field]
    await age(database_url, kind, made, 24)
    late = await correct(api, kind.author, kind, made, 2, **change)
    assert error_code(late) == "RULE_VIOLATION"
    assert late["errors"][0]["extensions"]["rule"] == "RECORD_APPEND_ONLY"


@pytest.mark.parametrize("name", sorted(KINDS))
async def test_a_stale_version_is_a_conflict(api, name):
    kind = KINDS[name]
    file, made = await make(api, kind)
    change, field = CHANGES[name]
    await corrected(api, kind, made, 1, **change)
    stale = await correct(api, kind.author, kind, made, 1, **{field: "دوباره"})
    assert error_code(stale) == "CONFLICT"
    assert len(await corrections_in_history(api, kind, file)) == 1


@pytest.mark.parametrize(("name", "change", "field"), [
    ("correctAssessment", {"scores": {**SCORES, "income": 0}}, "income"),
    ("correctAssessment", {"scores": {**SCORES, "housing": 6}}, "housing"),
    ("correctAssessment", {"notes": "ب" * 8001}, "notes"),
    ("correctAidPlan", {"targetDate": YESTERDAY}, "targetDate"),
    ("correctAidPlan", {"plannedServices": []}, "plannedServices"),
    ("correctAidPlan", {"goals": "  "}, "goals"),
    ("correctAidPlan", {"resources": "ب" * 2001}, "resources"),
    ("correctLoan", {"amountRials": -1}, "amountRials"),
    ("correctLoan", {"grantedOn": TOMORROW}, "grantedOn"),
    ("correctLoan", {"lender": "ب" * 201}, "lender"),
    ("correctFollowUp", {"followedUpOn": TOMORROW}, "followedUpOn"),
    ("correctFollowUp", {"notes": "ب" * 8001}, "notes"),
])
async def test_bad_corrections_are_bad_user_input(api, name, change, field):
    kind = KINDS[name]
    file, made = await make(api, kind)
    bad = await correct(api, kind.author, kind, made, 1, **change)
    assert error_code(bad) == "BAD_USER_INPUT" and bad["errors"][0]["extensions"]["field"] == field
    assert await corrections_in_history(api, kind, file) == []
    assert (await corrected(api, kind, made, 1, **CHANGES[name][0]))["version"] == 2  # nothing was changed


async def test_a_loan_is_not_moved_before_the_file_came_to_the_partner(api):
    kind = KINDS["correctLoan"]
    family, made = await make(api, kind)
    file = await api.ok(kind.author, "query($id: ID!) { family(id: $id) { currentAssignment { assignedOn } } }",
                        {"id": family})
    before = datetime.date.fromisoformat(file["family"]["currentAssignment"]["assignedOn"]) - datetime.timedelta(days=1)
    bad = await correct(api, kind.author, kind, made, 1, grantedOn=before.isoformat())
    assert error_code(bad) == "BAD_USER_INPUT" and bad["errors"][0]["extensions"]["field"] == "grantedOn"

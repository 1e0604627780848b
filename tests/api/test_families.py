"""Household case files through /graphql (issue #3): who sees which files and which fields (docs/access.md rules 1–4),
admission rules, committee decisions, member edits with history, filters, exit, and the audited full-file read."""

from __future__ import annotations

import base64
import datetime

import asyncpg
import pytest

from api import db
from rules.jalali import jalali_year
from rules.national_id import make_national_id
from tests.conftest import error_code

YEAR = jalali_year(datetime.date.today())

REGISTER = """
mutation($input: RegisterFamilyInput!) {
  registerFamily(input: $input) {
    family {
      id fileNumber category status rehabilitability householdSize address version
      head { id nationalId firstName lastName isHead relation version }
      members { id nationalId firstName relation isHead birthDate birthDateJalali }
      county { code } province { code }
    }
  }
}"""

FAMILIES = """
query($filter: FamilyFilter, $first: Int, $after: String) {
  families(filter: $filter, first: $first, after: $after) {
    totalCount edges { node { id fileNumber } } pageInfo { hasNextPage endCursor }
  }
}"""

FAMILY = "query($id: ID!) { family(id: $id) { id fileNumber members { nationalId } } }"
NODE = "query($id: ID!) { node(id: $id) { id ... on Family { fileNumber } ... on Member { nationalId } } }"

CLASSIFY = """
mutation($input: ClassifyFamilyInput!) {
  classifyFamily(input: $input) {
    family { rehabilitability version committeeDecisions(first: 10) {
      edges { node { level subject rehabilitability decidedOn minutes recordedBy } } } }
  }
}"""

UPDATE_MEMBER = """
mutation($input: UpdateMemberInput!) {
  updateMember(input: $input) { member { id firstName lastName relation version } }
}"""

RECORD_EXIT = """
mutation($input: RecordExitInput!) {
  recordExit(input: $input) {
    family { status exitRoute exitedOn exitPartner { id } currentAssignment { id } assignments { endReason endedOn } }
  }
}"""

HISTORY = """
query($id: ID!) {
  family(id: $id) { history { entity operation byUsername changes { field before after } } }
}"""

AUDIT = """query($f: AuditEventFilter) { auditEvents(filter: $f, first: 200) {
  edges { node { username operation objectIds } } } }"""


def national_id(n: int) -> str:
    return make_national_id(f"{271000000 + n:09d}")


def persian_digits(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def pk_of(global_id: str) -> int:
    return int(base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode().partition(":")[2])


def global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def member(nid: str, first: str = "مریم", last: str = "یزدانی", relation: str = "HEAD", sex: str = "FEMALE",
           birth: str = "1360-05-10") -> dict:
    return {"nationalId": nid, "firstName": first, "lastName": last, "birthDate": birth, "sex": sex,
            "relation": relation}


async def county_ids(api) -> dict[str, str]:
    data = await api.ok("admin", "{ provinces { counties { id code } } }")
    return {c["code"]: c["id"] for p in data["provinces"] for c in p["counties"]}


async def register(api, username: str, county_code: str, members: list[dict], **extra) -> dict:
    """Admit a household; the family as the mutation returns it."""
    counties = await county_ids(api)
    data = await api.ok(username, REGISTER, {"input": {
        "category": "WOMAN_HEADED", "countyId": counties[county_code], "members": members,
        "address": "یزد، خیابان قیام", "officeNotes": "یادداشت داخلی اداره", **extra}})
    return data["registerFamily"]["family"]


async def register_result(api, username: str, county_code: str, members: list[dict], **extra) -> dict:
    counties = await county_ids(api)
    return await api.as_user(username, REGISTER, {"input": {
        "category": "WOMAN_HEADED", "countyId": counties[county_code], "members": members, **extra}})


async def listed(api, username: str, filter: dict | None = None) -> list[str]:
    """Every file number of a user's `families` list, page by page; asserts totalCount agrees with the pages."""
    nodes, _ = await api.every_node(username, FAMILIES, "families", {"filter": filter, "first": 200})
    numbers = [node["fileNumber"] for node in nodes]
    assert len(numbers) == len(set(numbers)), (username, filter)
    return numbers


async def file_numbers(api, username: str, mine: set[str], filter: dict | None = None) -> set[str]:
    """Which of this test's files (`mine`) a user's list holds; the demo seed's files are there too."""
    return set(await listed(api, username, filter)) & mine


async def total(api, username: str, filter: dict | None = None) -> int:
    return (await api.ok(username, FAMILIES, {"filter": filter, "first": 1}))["families"]["totalCount"]


async def owner(database_url: str) -> asyncpg.Connection:
    """The tables' owner, for setting up delegations the way the delegation service leaves them."""
    return await asyncpg.connect(db.asyncpg_dsn(database_url))


async def delegate(database_url: str, table: str, file_id: str, manager: str, worker: str | None = None) -> str:
    """Delegate a family or child file to `manager`'s partner (and `worker`): a live assignment plus the owner
    columns of the file (and of a family's members). Returns the Assignment's global ID."""
    pk = pk_of(file_id)
    conn = await owner(database_url)
    try:
        partner = await conn.fetchval("select organization_id from app_user where username = $1", manager)
        staff = await conn.fetchval("select staff_member_id from app_user where username = $1", worker) \
            if worker else None
        officer = await conn.fetchval("select id from app_user where username = 'admin'")
        province, county = await conn.fetchrow(f"select province_id, county_id from {table} where id = $1", pk)
        await conn.execute(f"update {table} set assigned_partner_id = $2, assigned_worker_id = $3 where id = $1",
                           pk, partner, staff)
        if table == "family":
            await conn.execute("update member set assigned_partner_id = $2, assigned_worker_id = $3 "
                               "where family_id = $1", pk, partner, staff)
        assignment = await conn.fetchval(
            f"insert into assignment ({table}_id, partner_id, worker_id, load, assigned_on, assigned_at,"
            " assigned_by_id, end_note, province_id, county_id) values ($1, $2, $3, $4, current_date, now(), $5, '',"
            " $6, $7) returning id", pk, partner, staff, "CHILD" if table == "child" else "NON_REHABILITABLE",
            officer, province, county)
        return global_id("Assignment", assignment)
    finally:
        await conn.close()


async def return_file(database_url: str, table: str, file_id: str) -> None:
    """End the live delegation and clear the owner columns, as a return to the office does."""
    pk = pk_of(file_id)
    conn = await owner(database_url)
    try:
        await conn.execute(f"update assignment set ended_at = now(), end_reason = 'RETURNED' where {table}_id = $1 "
                           "and ended_at is null", pk)
        await conn.execute(f"update {table} set assigned_partner_id = null, assigned_worker_id = null where id = $1",
                           pk)
        if table == "family":
            await conn.execute("update member set assigned_partner_id = null, assigned_worker_id = null "
                               "where family_id = $1", pk)
    finally:
        await conn.close()


async def set_abuse_flag(database_url: str, family_id: str) -> None:
    conn = await owner(database_url)
    try:
        await conn.execute("update family set abuse_flag = true where id = $1", pk_of(family_id))
    finally:
        await conn.close()


# --- rows: who sees which files --------------------------------------------------------------------------------


async def test_office_slices_follow_the_county_and_province(api):
    yazd = await register(api, "yazd.county", "YZD-YAZD", [member(national_id(1))])
    meybod = await register(api, "meybod.county", "YZD-MEYBOD", [member(national_id(2))])
    y, m = yazd["fileNumber"], meybod["fileNumber"]
    seen = {username: await file_numbers(api, username, {y, m}) for username in (
        "admin", "yazd.province", "yazd.county", "meybod.county", "meybod.supervisor", "clinic.manager",
        "clinic.worker1", "charity.manager")}
    assert seen == {"admin": {y, m}, "yazd.province": {y, m}, "yazd.county": {y}, "meybod.county": {m},
                    "meybod.supervisor": set(), "clinic.manager": set(), "clinic.worker1": set(),
                    "charity.manager": set()}


@pytest.mark.parametrize("username", ["kindergarten.operator", "auditor"])
async def test_families_are_forbidden_to_operators_and_auditors(api, username):
    yazd = await register(api, "yazd.county", "YZD-YAZD", [member(national_id(1))])
    for query, variables in ((FAMILIES, {}), (FAMILY, {"id": yazd["id"]})):
        result = await api.as_user(username, query, variables)
        assert error_code(result) == "FORBIDDEN"
        assert result["data"] is None


async def test_partners_see_only_live_assignments_to_them(api, database_url):
    first = await register(api, "yazd.county", "YZD-YAZD", [member(national_id(1))])
    second = await register(api, "yazd.county", "YZD-YAZD", [member(national_id(2))])
    third = await register(api, "yazd.county", "YZD-YAZD", [member(national_id(3))])
    await delegate(database_url, "family", first["id"], "clinic.manager", "clinic.worker1")
    await delegate(database_url, "family", second["id"], "clinic.manager", "clinic.worker2")
    a, b, c = first["fileNumber"], second["fileNumber"], third["fileNumber"]
    seen = {username: await file_numbers(api, username, {a, b, c}) for username in (
        "clinic.manager", "clinic.worker1", "clinic.worker2", "clinic2.manager", "charity.manager", "yazd.county")}
    assert seen == {"clinic.manager": {a, b}, "clinic.worker1": {a}, "clinic.worker2": {b}, "clinic2.manager": set(),
                    "charity.manager": set(), "yazd.county": {a, b, c}}
    # Nested members follow the file: the worker reads its family's national IDs, and no one else's.
    data = await api.ok("clinic.worker1", FAMILY, {"id": first["id"]})
    assert data["family"]["members"] == [{"nationalId": national_id(1)}]
    assert (await api.ok("clinic.worker1", FAMILY, {"id": second["id"]}))["family"] is None
    assert (await api.ok("clinic2.manager", NODE, {"id": first["head"]["id"]}))["node"] is None


async def test_ending_the_assignment_ends_access_at_once(api, database_url):
    family = await register(api, "yazd.county", "YZD-YAZD", [member(national_id(1))])
    assignment = await delegate(database_url, "family", family["id"], "clinic.manager", "clinic.worker1")
    nested = ("query($id: ID!) { node(id: $id) { ... on Assignment { endedOn family { fileNumber "
              "members { nationalId } } } } }")
    mine = {family["fileNumber"]}
    before = {username: await total(api, username) for username in ("clinic.manager", "clinic.worker1")}
    for username in ("clinic.manager", "clinic.worker1"):
        assert await file_numbers(api, username, mine) == mine
        assert (await api.ok(username, nested, {"id": assignment}))["node"]["family"]["members"] == [
            {"nationalId": national_id(1)}]
    await return_file(database_url, "family", family["id"])
    for username in ("clinic.manager", "clinic.worker1"):
        assert await file_numbers(api, username, mine) == set()
        assert await total(api, username) == before[username] - 1
        assert (await api.ok(username, FAMILIES, {"filter": {"nationalId": national_id(1)}}))["families"] == {
            "totalCount": 0, "edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}
        assert (await api.ok(username, FAMILY, {"id": family["id"]}))["family"] is None
        assert (await api.ok(username, NODE, {"id": family["id"]}))["node"] is None
        assert (await api.ok(username, NODE, {"id": family["head"]["id"]}))["node"] is None
        # The partner keeps its own (ended) assignment record, but not the family behind it.
        node = (await api.ok("clinic.manager", nested, {"id": assignment}))["node"]
        assert node["family"] is None and node["endedOn"] is not None
    assert await file_numbers(api, "yazd.county", mine) == mine


async def test_out_of_slice_reads_exactly_like_absent(api):
    yazd = await register(api, "yazd.county", "YZD-YAZD", [member(national_id(1))])
    made_up = global_id("Family", pk_of(yazd["id"]) + 9999)
    for query in (FAMILY, NODE):
        hidden = await api.as_user("meybod.county", query, {"id": yazd["id"]})
        absent = await api.as_user("meybod.county", query, {"id": made_up})
        assert hidden == absent
        assert "errors" not in hidden and list(hidden["data"].values()) == [None]


# --- fields: the case summary ----------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["officeNotes", "committeeDecisions { totalCount }",
                                   "history { operation }",
                                   "assignments { id }"])
@pytest.mark.parametrize("username", ["clinic.manager", "clinic.worker1"])
async def test_partners_get_no_office_fields(api, database_url, username, field):
    family = await register(api, "yazd.county", "YZD-YAZD", [member(national_id(1))])
    await delegate(database_url, "family", family["id"], "clinic.manager", "clinic.worker1")
    result = await api.as_user(username, f"query($id: ID!) {{ family(id: $id) {{ fileNumber {field} }} }}",
                               {"id": family["id"]})
    assert error_code(result) == "FORBIDDEN"
    assert result["data"] is None


async def test_abuse_flag_is_shown_to_the_assigned_worker_and_manager(api, database_url):
    family = await register(api, "yazd.county", "YZD-YAZD", [member(national_id(1))])
    await delegate(database_url, "family", family["id"], "clinic.manager", "clinic.worker1")
    await set_abuse_flag(database_url, family["id"])
    query = "query($id: ID!) { family(id: $id) { abuseFlag currentAssignment { partner { name } } } }"
    for username in ("clinic.manager", "clinic.worker1", "yazd.county"):
        data = await api.ok(username, query, {"id": family["id"]})
        assert data["family"] == {"abuseFlag": True,
                                  "currentAssignment": {"partner": {"name": "کلینیک مددکاری اجتماعی مهرآفرین"}}}
    assert (await api.ok("clinic.worker2", query, {"id": family["id"]}))["family"] is None


# --- registerFamily ----------------------------------------------------------------------------------------------


async def next_sequence(api, county_code: str) -> int:
    """The sequence the county's next family file gets: one past the highest so far (the demo's included)."""
    counties = await county_ids(api)
    return max((int(number[-6:]) for number in await listed(api, "admin", {"countyId": counties[county_code]})),
               default=0) + 1


async def test_register_family_numbers_files_per_county(api):
    yazd, meybod_next = await next_sequence(api, "YZD-YAZD"), await next_sequence(api, "YZD-MEYBOD")
    first = await register(api, "yazd.county", "YZD-YAZD", [
        member(national_id(1)),
        member(national_id(2), first="علی", relation="CHILD", sex="MALE", birth="2010-02-03"),
    ])
    second = await register(api, "yazd.county", "YZD-YAZD", [member(national_id(3))])
    meybod = await register(api, "meybod.county", "YZD-MEYBOD", [member(national_id(4))])
    assert [first["fileNumber"], second["fileNumber"], meybod["fileNumber"]] == [
        f"YZD-YAZD-{YEAR}-{yazd:06d}", f"YZD-YAZD-{YEAR}-{yazd + 1:06d}", f"YZD-MEYBOD-{YEAR}-{meybod_next:06d}"]
    assert first["householdSize"] == 2
    assert first["status"] == "ACTIVE" and first["rehabilitability"] == "UNCLASSIFIED" and first["version"] == 1
    assert first["head"]["nationalId"] == national_id(1) and first["head"]["isHead"] is True
    assert [(m["nationalId"], m["relation"], m["isHead"]) for m in first["members"]] == [
        (national_id(1), "HEAD", True), (national_id(2), "CHILD", False)]
    assert first["members"][1]["birthDate"] == "2010-02-03"
    assert first["members"][0]["birthDate"] == "1981-08-01"  # Jalali 1360-05-10 in
    assert first["members"][0]["birthDateJalali"] == "1360/05/10"
    assert first["county"] == {"code": "YZD-YAZD"} and first["province"] == {"code": "YZD"}


@pytest.mark.parametrize(("members", "code", "field"), [
    ([], "BAD_USER_INPUT", "members"),
    ([member(national_id(1), relation="SPOUSE")], "BAD_USER_INPUT", "members"),
    ([member(national_id(1)), member(national_id(2))], "BAD_USER_INPUT", "members"),
    ([member("1234567890")], "BAD_USER_INPUT", "nationalId"),
    ([member("12345")], "BAD_USER_INPUT", "nationalId"),
    ([member(national_id(1)), member(national_id(1), relation="CHILD")], "CONFLICT", "nationalId"),
    ([member(national_id(1), birth="2999-01-01")], "BAD_USER_INPUT", "birthDate"),
    ([member(national_id(1), first="  ")], "BAD_USER_INPUT", "firstName"),
    ([member(national_id(1), sex="MALE")], "BAD_USER_INPUT", "category"),  # a woman-headed household
])
async def test_register_family_refuses_bad_members(api, members, code, field):
    before = await total(api, "admin")
    result = await register_result(api, "yazd.county", "YZD-YAZD", members)
    assert error_code(result) == code
    assert result["errors"][0]["extensions"]["field"] == field
    assert await total(api, "admin") == before


async def test_register_family_only_in_the_callers_area(api):
    before, sequence = await total(api, "admin"), await next_sequence(api, "YZD-MEYBOD")
    result = await register_result(api, "yazd.county", "YZD-MEYBOD", [member(national_id(1))])
    assert error_code(result) == "NOT_FOUND"
    assert result["errors"][0]["extensions"]["field"] == "countyId"
    for username in ("clinic.manager", "meybod.supervisor", "auditor"):
        assert error_code(await register_result(api, username, "YZD-YAZD", [member(national_id(1))])) == "FORBIDDEN"
    assert await total(api, "admin") == before
    # The province office admits in any of its counties.
    family = await register(api, "yazd.province", "YZD-MEYBOD", [member(national_id(1))])
    assert family["fileNumber"] == f"YZD-MEYBOD-{YEAR}-{sequence:06d}"


async def test_duplicate_national_id_names_the_file_only_to_those_who_see_it(api):
    before = await total(api, "admin")
    existing = await register(api, "yazd.county", "YZD-YAZD", [member(national_id(1))])
    number = existing["fileNumber"]
    seen = await register_result(api, "yazd.county", "YZD-YAZD", [
        member(national_id(5)), member(national_id(1), relation="CHILD")])
    assert error_code(seen) == "CONFLICT"
    assert seen["errors"][0]["extensions"]["fileNumber"] == number
    assert number in seen["errors"][0]["message"] and number in seen["errors"][0]["extensions"]["messageFa"]
    hidden = await register_result(api, "meybod.county", "YZD-MEYBOD", [member(national_id(1))])
    assert error_code(hidden) == "CONFLICT"
    assert "fileNumber" not in hidden["errors"][0]["extensions"]
    assert number not in str(hidden)
    # Nothing of the refused files was kept; the national ID given in the first refusal is still free.
    assert await total(api, "admin") == before + 1
    await register(api, "meybod.county", "YZD-MEYBOD", [member(national_id(5))])


# --- classifyFamily ----------------------------------------------------------------------------------------------


async def test_classification_keeps_every_decision_and_level_3_is_the_province_offices(api):
    family = await register(api, "yazd.county", "YZD-YAZD", [member(national_id(1))])
    decision = {"familyId": family["id"], "decidedOn": "1403-02-10", "minutes": "صورتجلسه کمیته"}
    data = await api.ok("yazd.county", CLASSIFY, {"input": {**decision, "committeeLevel": 2,
                                                            "rehabilitability": "REHABILITABLE"}})
    assert data["classifyFamily"]["family"]["rehabilitability"] == "REHABILITABLE"
    level_3 = {**decision, "committeeLevel": 3, "rehabilitability": "NON_REHABILITABLE"}
    assert error_code(await api.as_user("yazd.county", CLASSIFY, {"input": level_3})) == "FORBIDDEN"
    family_after = (await api.ok("yazd.province", CLASSIFY, {"input": level_3}))["classifyFamily"]["family"]
    assert family_after["rehabilitability"] == "NON_REHABILITABLE"
    assert family_after["version"] == 3
    decisions = [e["node"] for e in family_after["committeeDecisions"]["edges"]]
    assert [(d["level"], d["subject"], d["rehabilitability"], d["decidedOn"], d["recordedBy"]) for d in decisions] == [
        (3, "CLASSIFICATION", "NON_REHABILITABLE", "2024-04-29", "yazd.province"),
        (2, "CLASSIFICATION", "REHABILITABLE", "2024-04-29", "yazd.county")]  # newest first


@pytest.mark.parametrize(("username", "change", "code", "field"), [
    ("yazd.county", {"committeeLevel": 1}, "BAD_USER_INPUT", "committeeLevel"),
    ("yazd.county", {"committeeLevel": 4}, "BAD_USER_INPUT", "committeeLevel"),
    ("yazd.county", {"rehabilitability": "UNCLASSIFIED"}, "BAD_USER_INPUT", "rehabilitability"),
    ("meybod.county", {}, "NOT_FOUND", "familyId"),
    ("meybod.supervisor", {}, "FORBIDDEN", None),
])
async def test_classification_refusals(api, username, change, code, field):
    family = await register(api, "yazd.county", "YZD-YAZD", [member(national_id(1))])
    decision = {"familyId": family["id"], "decidedOn": "2024-05-01", "committeeLevel": 2,
                "rehabilitability": "REHABILITABLE", **change}
    result = await api.as_user(username, CLASSIFY, {"input": decision})
    assert error_code(result) == code
    assert result["errors"][0]["extensions"].get("field") == field
    data = await api.ok("yazd.county", "query($id: ID!) { family(id: $id) { rehabilitability "
                        "committeeDecisions { totalCount } } }", {"id": family["id"]})
    assert data["family"] == {"rehabilitability": "UNCLASSIFIED", "committeeDecisions": {"totalCount": 0}}


# --- updateMember and history ----------------------------------------------------------------------------------


async def test_update_member_is_compare_and_set_and_leaves_history(api):
    family = await register(api, "yazd.county", "YZD-YAZD", [
        member(national_id(1)), member(national_id(2), first="علی", relation="CHILD", sex="MALE", birth="2010-02-03")])
    head = family["head"]
    data = await api.ok("yazd.county", UPDATE_MEMBER, {"input": {"id": head["id"], "version": 1,
                                                                 "firstName": "ريحانه", "job": "خياط"}})
    assert data["updateMember"]["member"] == {"id": head["id"], "firstName": "ریحانه", "lastName": "یزدانی",
                                              "relation": "HEAD", "version": 2}
    stale = await api.as_user("yazd.county", UPDATE_MEMBER, {"input": {"id": head["id"], "version": 1,
                                                                       "lastName": "کریمی"}})
    assert error_code(stale) == "CONFLICT"
    assert stale["errors"][0]["extensions"]["field"] == "version"
    # The head's new name is what the name filter searches.
    mine = {family["fileNumber"]}
    assert await file_numbers(api, "yazd.county", mine, {"name": "ریحانه یزد"}) == mine
    assert await file_numbers(api, "yazd.county", mine, {"name": "مریم یزدانی"}) == set()
    history = (await api.ok("yazd.county", HISTORY, {"id": family["id"]}))["family"]["history"]
    assert [(h["entity"], h["operation"], h["byUsername"]) for h in history] == [
        ("Family", "create", "yazd.county"), ("Member", "create", "yazd.county"),
        ("Member", "create", "yazd.county"), ("Member", "update", "yazd.county")]
    assert history[-1]["changes"] == [{"field": "firstName", "before": "مریم", "after": "ریحانه"},
                                      {"field": "job", "before": "", "after": "خیاط"}]
    created = {c["field"]: c for c in history[1]["changes"]}
    assert created["birthDate"] == {"field": "birthDate", "before": None, "after": "1981-08-01"}
    assert created["isHead"]["after"] == "true"


@pytest.mark.parametrize(("username", "change", "code", "field"), [
    ("yazd.county", {"relation": "SPOUSE"}, "BAD_USER_INPUT", "relation"),  # the head stays the head
    ("yazd.county", {"nationalId": "1111111111"}, "BAD_USER_INPUT", "nationalId"),
    ("yazd.county", {"nationalId": "other"}, "CONFLICT", "nationalId"),
    ("meybod.county", {"firstName": "زهرا"}, "NOT_FOUND", "id"),
    ("meybod.supervisor", {"firstName": "زهرا"}, "FORBIDDEN", None),
])
async def test_update_member_refusals(api, username, change, code, field):
    family = await register(api, "yazd.county", "YZD-YAZD", [member(national_id(1))])
    other = await register(api, "yazd.county", "YZD-YAZD", [member(national_id(2))])
    if change.get("nationalId") == "other":
        change = {"nationalId": persian_digits(national_id(2))}
    result = await api.as_user(username, UPDATE_MEMBER, {"input": {"id": family["head"]["id"], "version": 1,
                                                                   **change}})
    assert error_code(result) == code
    assert result["errors"][0]["extensions"].get("field") == field
    if code == "CONFLICT":
        assert result["errors"][0]["extensions"]["fileNumber"] == other["fileNumber"]
    data = await api.ok("yazd.county", HISTORY, {"id": family["id"]})
    assert [h["operation"] for h in data["family"]["history"]] == ["create", "create"]


# --- filters -----------------------------------------------------------------------------------------------------


async def test_filters_narrow_the_list(api, database_url):
    counties = await county_ids(api)
    karimi = await register(api, "yazd.county", "YZD-YAZD", [member(national_id(1), first="یاسمن", last="کیانی")])
    other = await register(api, "yazd.county", "YZD-YAZD", [
        member(national_id(2), first="محمد", last="رضایی", sex="MALE"),
        member(national_id(3), first="یاسمن", last="رضایی", relation="SPOUSE")], category="NEEDY_FAMILY")
    meybod = await register(api, "meybod.county", "YZD-MEYBOD", [member(national_id(4), first="یاسمن")])
    k, o, m = karimi["fileNumber"], other["fileNumber"], meybod["fileNumber"]
    mine = {k, o, m}
    clinic = (await api.ok("admin", "{ partners(filter: {kind: CLINIC}) { edges { node { id name } } } }"))
    clinic_id = next(e["node"]["id"] for e in clinic["partners"]["edges"]
                     if e["node"]["name"] == "کلینیک مددکاری اجتماعی مهرآفرین")
    await delegate(database_url, "family", karimi["id"], "clinic.manager", "clinic.worker1")
    cases = [
        ({"name": "ياسمن"}, {k, m}),  # Arabic ي matches the stored Persian ی; the head's name only
        ({"name": "كياني"}, {k}),  # last name prefix, Arabic ك and ي
        ({"name": "ياسمن كي"}, {k}),  # full name prefix
        ({"name": "رضا"}, {o}),
        ({"name": "کیانی یاسمن"}, set()),
        ({"nationalId": persian_digits(national_id(3))}, {o}),  # any live member, Persian digits
        ({"nationalId": national_id(9)}, set()),
        ({"fileNumber": k}, {k}),
        ({"fileNumber": f"YZD-YAZD-{YEAR}-"}, {k, o}),
        ({"fileNumber": "yzd-meybod"}, {m}),
        ({"countyId": counties["YZD-MEYBOD"]}, {m}),
        ({"category": "NEEDY_FAMILY"}, {o}),
        ({"assigned": True}, {k}),
        ({"assigned": False}, {o, m}),
        ({"partnerId": clinic_id}, {k}),
        ({"status": "ACTIVE"}, {k, o, m}),
        ({"status": "EXITED"}, set()),
        ({"rehabilitability": "UNCLASSIFIED", "countyId": counties["YZD-YAZD"]}, {k, o}),
        ({"rehabilitability": "REHABILITABLE"}, set()),
    ]
    results = [(f, await file_numbers(api, "admin", mine, f)) for f, _ in cases]
    assert results == [(f, expected) for f, expected in cases]
    # A filter narrows, never widens: the Meybod office asking for Yazd gets nothing.
    assert await listed(api, "meybod.county", {"countyId": counties["YZD-YAZD"]}) == []
    assert await file_numbers(api, "clinic.worker1", mine, {"name": "یاسمن"}) == {k}


# --- recordExit ------------------------------------------------------------------------------------------------


async def test_record_exit_ends_the_delegation_and_frees_the_national_ids(api, database_url):
    family = await register(api, "yazd.county", "YZD-YAZD", [
        member(national_id(1)), member(national_id(2), first="علی", relation="CHILD", sex="MALE", birth="2010-02-03")])
    await delegate(database_url, "family", family["id"], "clinic.manager", "clinic.worker1")
    data = await api.ok("yazd.county", RECORD_EXIT, {"input": {
        "familyId": family["id"], "route": "INDIVIDUAL_JOB", "exitedOn": "1404-01-20", "note": "اشتغال در کارگاه"}})
    exited = data["recordExit"]["family"]
    assert exited["status"] == "EXITED" and exited["exitRoute"] == "INDIVIDUAL_JOB"
    clinic = (await api.ok("clinic.manager", "{ me { organization { id } } }"))["me"]["organization"]["id"]
    assert exited["exitPartner"] == {"id": clinic}
    assert exited["exitedOn"] == "2025-04-09"
    assert exited["currentAssignment"] is None
    assert [a["endReason"] for a in exited["assignments"]] == ["EXITED"]
    mine = {family["fileNumber"]}
    for username in ("clinic.manager", "clinic.worker1"):
        assert await file_numbers(api, username, mine) == set()
        assert (await api.ok(username, FAMILY, {"id": family["id"]}))["family"] is None
    assert await file_numbers(api, "yazd.county", mine, {"status": "EXITED"}) == mine
    assert await file_numbers(api, "yazd.county", mine, {"status": "ACTIVE"}) == set()
    assert await listed(api, "yazd.county", {"nationalId": national_id(1)}) == []
    again = await api.as_user("yazd.county", RECORD_EXIT, {"input": {
        "familyId": family["id"], "route": "OTHER", "exitedOn": "1404-01-21"}})
    assert error_code(again) == "BAD_USER_INPUT"
    assert again["errors"][0]["extensions"]["field"] == "familyId"
    # The national IDs are free for a new file.
    new = await register(api, "yazd.county", "YZD-YAZD", [member(national_id(2), first="علی", sex="MALE")],
                         category="NEEDY_FAMILY")
    assert await listed(api, "yazd.county", {"nationalId": national_id(2)}) == [new["fileNumber"]]
    history = (await api.ok("yazd.county", HISTORY, {"id": family["id"]}))["family"]["history"]
    assert [(h["entity"], h["operation"]) for h in history[-3:]] == [
        ("Family", "exit"), ("Member", "exit"), ("Member", "exit")]
    assert {c["field"]: c["after"] for c in history[-3]["changes"]} == {
        "status": "EXITED", "exitRoute": "INDIVIDUAL_JOB", "exitedOn": "2025-04-09", "note": "اشتغال در کارگاه"}


async def test_job_placement_is_an_exit_route(api):
    """Art. 4.8's process chart ends in «کاریابی» as well as individual and group employment."""
    family = await register(api, "yazd.county", "YZD-YAZD", [member(national_id(1))])
    data = await api.ok("yazd.county", RECORD_EXIT, {"input": {
        "familyId": family["id"], "route": "JOB_PLACEMENT", "exitedOn": "1404-01-20"}})
    assert data["recordExit"]["family"]["exitRoute"] == "JOB_PLACEMENT"
    assert data["recordExit"]["family"]["exitPartner"] is None  # the office served it


async def test_record_exit_only_in_the_callers_area(api):
    family = await register(api, "yazd.county", "YZD-YAZD", [member(national_id(1))])
    exit_input = {"familyId": family["id"], "route": "MARRIAGE", "exitedOn": "2025-01-01"}
    result = await api.as_user("meybod.county", RECORD_EXIT, {"input": exit_input})
    assert error_code(result) == "NOT_FOUND"
    assert result["errors"][0]["extensions"]["field"] == "familyId"
    assert error_code(await api.as_user("clinic.manager", RECORD_EXIT, {"input": exit_input})) == "FORBIDDEN"
    mine = {family["fileNumber"]}
    assert await file_numbers(api, "yazd.county", mine, {"status": "ACTIVE"}) == mine


# --- audit -------------------------------------------------------------------------------------------------------


async def test_reading_a_full_family_file_is_audited(api):
    family = await register(api, "yazd.county", "YZD-YAZD", [member(national_id(1))])
    await api.ok("yazd.county", FAMILY, {"id": family["id"]})
    await api.ok("meybod.county", FAMILY, {"id": family["id"]})  # null: nothing read, nothing traced
    # A list names the files it returned, in one event (issue #8).
    await api.ok("yazd.province", FAMILIES, {"filter": {"fileNumber": family["fileNumber"]}})
    data = await api.ok("admin", AUDIT, {"f": {"objectId": family["id"]}})
    events = sorted((e["node"]["username"], e["node"]["operation"]) for e in data["auditEvents"]["edges"])
    assert events == [("yazd.county", "mutation registerFamily"), ("yazd.county", "read Family"),
                      ("yazd.province", "read case files")]
    read = next(e["node"] for e in data["auditEvents"]["edges"] if e["node"]["operation"] == "read Family")
    assert read["objectIds"] == [family["id"]]

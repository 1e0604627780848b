"""Children in family care through /graphql (issue #3): slices and the partners' case summary (docs/access.md rules
1–4), the under-18 rule, unique national IDs among children in care, filters, exit, and the audited full-file
read."""

from __future__ import annotations

import datetime

import pytest

from rules.jalali import jalali_year
from rules.national_id import make_national_id
from tests.api.test_families import (
    county_ids,
    delegate,
    global_id,
    member,
    persian_digits,
    pk_of,
    register,
    return_file,
)
from tests.conftest import error_code

YEAR = jalali_year(datetime.date.today())
TODAY = datetime.date.today()

REGISTER = """
mutation($input: RegisterChildInput!) {
  registerChild(input: $input) {
    child {
      id fileNumber nationalId firstName lastName birthDate birthDateJalali sex placement dischargedOn
      dischargedOnJalali priority status custodyReason courtOrderReference officeNotes abuseFlag version
      guardianFamily { fileNumber } county { code } currentAssignment { id }
    }
  }
}"""

CHILDREN = """
query($filter: ChildFilter, $first: Int, $after: String) {
  children(filter: $filter, first: $first, after: $after) {
    totalCount edges { node { id fileNumber } } pageInfo { hasNextPage endCursor }
  }
}"""

CHILD = "query($id: ID!) { child(id: $id) { id fileNumber nationalId } }"
NODE = "query($id: ID!) { node(id: $id) { id ... on Child { fileNumber } } }"

RECORD_EXIT = """
mutation($input: RecordChildExitInput!) {
  recordChildExit(input: $input) {
    child { status exitRoute exitedOn exitedOnJalali currentAssignment { id } assignments { endReason } }
  }
}"""

AUDIT = """query($f: AuditEventFilter) { auditEvents(filter: $f, first: 200) {
  edges { node { username operation objectIds } } } }"""


def national_id(n: int) -> str:
    return make_national_id(f"{272000000 + n:09d}")


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def child_input(counties: dict[str, str], county_code: str, nid: str, **overrides) -> dict:
    child = {
        "countyId": counties[county_code], "nationalId": nid, "firstName": "سارا", "lastName": "رحیمی",
        "birthDate": years_before(TODAY, 10).isoformat(), "sex": "FEMALE", "custodyReason": "PARENTS_UNFIT",
        "courtOrderReference": "دادنامه ۱۴۰۲۱۲۳۴۵ شعبه ۲ دادگاه خانواده", "placement": "RELATIVES",
        "dischargedOn": "1401-03-15", "priority": False, "officeNotes": "یادداشت داخلی اداره",
    }
    child.update(overrides)
    return child


async def register_child(api, username: str, county_code: str, nid: str, **overrides) -> dict:
    counties = await county_ids(api)
    data = await api.ok(username, REGISTER, {"input": child_input(counties, county_code, nid, **overrides)})
    return data["registerChild"]["child"]


async def register_child_result(api, username: str, county_code: str, nid: str, **overrides) -> dict:
    counties = await county_ids(api)
    return await api.as_user(username, REGISTER, {"input": child_input(counties, county_code, nid, **overrides)})


async def listed(api, username: str, filter: dict | None = None) -> list[str]:
    """Every file number of a user's `children` list, page by page; asserts totalCount agrees with the pages."""
    nodes, _ = await api.every_node(username, CHILDREN, "children", {"filter": filter, "first": 200})
    numbers = [node["fileNumber"] for node in nodes]
    assert len(numbers) == len(set(numbers)), (username, filter)
    return numbers


async def file_numbers(api, username: str, mine: set[str], filter: dict | None = None) -> set[str]:
    """Which of this test's files (`mine`) a user's list holds; the demo seed's children are there too."""
    return set(await listed(api, username, filter)) & mine


async def total(api, username: str) -> int:
    return (await api.ok(username, CHILDREN, {"first": 1}))["children"]["totalCount"]


# --- registerChild -----------------------------------------------------------------------------------------------


async def test_register_child_opens_a_numbered_file(api):
    counties = await county_ids(api)
    sequence = max((int(n[-6:]) for n in await listed(api, "admin", {"countyId": counties["YZD-YAZD"]})),
                   default=0) + 1
    family = await register(api, "yazd.county", "YZD-YAZD", [member(make_national_id("271500001"))])
    child = await register_child(api, "yazd.county", "YZD-YAZD", persian_digits(national_id(1)),
                                 firstName="سارا", lastName="رحيمي", guardianFamilyId=family["id"], priority=True)
    assert child["fileNumber"] == f"YZD-YAZD-C-{YEAR}-{sequence:06d}"
    assert {k: v for k, v in child.items() if k not in ("id", "fileNumber", "birthDate")} == {
        "nationalId": national_id(1), "firstName": "سارا", "lastName": "رحیمی", "birthDateJalali":
        child["birthDateJalali"], "sex": "FEMALE", "placement": "RELATIVES", "dischargedOn": "2022-06-05",
        "dischargedOnJalali": "1401/03/15", "priority": True, "status": "ACTIVE", "custodyReason": "PARENTS_UNFIT",
        "courtOrderReference": "دادنامه 140212345 شعبه 2 دادگاه خانواده", "officeNotes": "یادداشت داخلی اداره",
        "abuseFlag": False, "version": 1, "guardianFamily": {"fileNumber": family["fileNumber"]},
        "county": {"code": "YZD-YAZD"}, "currentAssignment": None}
    second = await register_child(api, "yazd.county", "YZD-YAZD", national_id(2))
    assert second["fileNumber"] == f"YZD-YAZD-C-{YEAR}-{sequence + 1:06d}"
    history = await api.ok("yazd.county", "query($id: ID!) { child(id: $id) { history { entity operation "
                                          "byUsername changes { field after } } } }", {"id": child["id"]})
    [created] = history["child"]["history"]
    assert (created["entity"], created["operation"], created["byUsername"]) == ("Child", "create", "yazd.county")
    assert {"field": "custodyReason", "after": "PARENTS_UNFIT"} in created["changes"]


@pytest.mark.parametrize(("birth", "ok"), [
    (years_before(TODAY, 18) + datetime.timedelta(days=1), True),  # 18 tomorrow: still a child today
    (years_before(TODAY, 18), False),  # 18 today
    (years_before(TODAY, 30), False),
    (TODAY + datetime.timedelta(days=1), False),  # not born yet
])
async def test_a_child_in_care_is_under_18(api, birth, ok):
    result = await register_child_result(api, "yazd.county", "YZD-YAZD", national_id(1), birthDate=birth.isoformat(),
                                         dischargedOn=None)
    if ok:
        assert "errors" not in result, result
    else:
        assert error_code(result) == "BAD_USER_INPUT"
        assert result["errors"][0]["extensions"]["field"] == "birthDate"


@pytest.mark.parametrize(("username", "change", "code", "field"), [
    ("yazd.county", {"nationalId": "1234567890"}, "BAD_USER_INPUT", "nationalId"),
    ("yazd.county", {"firstName": " "}, "BAD_USER_INPUT", "firstName"),
    ("yazd.county", {"dischargedOn": "2000-01-01"}, "BAD_USER_INPUT", "dischargedOn"),  # before the birth
    ("yazd.county", {"county": "YZD-MEYBOD"}, "NOT_FOUND", "countyId"),
    ("meybod.county", {"county": "YZD-MEYBOD", "guardian": True}, "NOT_FOUND", "guardianFamilyId"),
    ("meybod.supervisor", {"county": "YZD-MEYBOD"}, "FORBIDDEN", None),
    ("childhome.manager", {}, "FORBIDDEN", None),
])
async def test_register_child_refusals(api, username, change, code, field):
    family = await register(api, "yazd.county", "YZD-YAZD", [member(make_national_id("271500001"))])
    county = change.pop("county", "YZD-YAZD")
    if change.pop("guardian", False):
        change["guardianFamilyId"] = family["id"]  # a Yazd family, outside the Meybod office's slice
    before = await total(api, "admin")
    result = await register_child_result(api, username, county, national_id(1), **change)
    assert error_code(result) == code
    assert result["errors"][0]["extensions"].get("field") == field
    assert await total(api, "admin") == before


async def test_duplicate_national_id_names_the_file_only_to_those_who_see_it(api):
    existing = await register_child(api, "yazd.county", "YZD-YAZD", national_id(1))
    number = existing["fileNumber"]
    seen = await register_child_result(api, "yazd.county", "YZD-YAZD", national_id(1))
    assert error_code(seen) == "CONFLICT"
    assert seen["errors"][0]["extensions"]["fileNumber"] == number
    assert number in seen["errors"][0]["message"]
    hidden = await register_child_result(api, "meybod.county", "YZD-MEYBOD", persian_digits(national_id(1)))
    assert error_code(hidden) == "CONFLICT"
    assert "fileNumber" not in hidden["errors"][0]["extensions"]
    assert number not in str(hidden)
    assert await listed(api, "admin", {"nationalId": national_id(1)}) == [number]


# --- rows and fields -----------------------------------------------------------------------------------------------


async def test_office_and_partner_slices(api, database_url):
    yazd = await register_child(api, "yazd.county", "YZD-YAZD", national_id(1))
    meybod = await register_child(api, "meybod.county", "YZD-MEYBOD", national_id(2))
    y, m = yazd["fileNumber"], meybod["fileNumber"]
    await delegate(database_url, "child", yazd["id"], "childhome.manager")
    users = ("admin", "yazd.province", "yazd.county", "meybod.county", "meybod.supervisor", "childhome.manager",
             "clinic.manager", "clinic.worker1")
    seen = {username: await file_numbers(api, username, {y, m}) for username in users}
    assert seen == {"admin": {y, m}, "yazd.province": {y, m}, "yazd.county": {y}, "meybod.county": {m},
                    "meybod.supervisor": set(), "childhome.manager": {y}, "clinic.manager": set(),
                    "clinic.worker1": set()}
    assert (await api.ok("childhome.manager", CHILD, {"id": yazd["id"]}))["child"]["nationalId"] == national_id(1)
    before = await total(api, "childhome.manager")
    await return_file(database_url, "child", yazd["id"])
    assert await file_numbers(api, "childhome.manager", {y, m}) == set()
    assert await total(api, "childhome.manager") == before - 1
    assert (await api.ok("childhome.manager", CHILD, {"id": yazd["id"]}))["child"] is None
    assert (await api.ok("childhome.manager", NODE, {"id": yazd["id"]}))["node"] is None


@pytest.mark.parametrize("username", ["kindergarten.operator", "auditor"])
async def test_children_are_forbidden_to_operators_and_auditors(api, username):
    child = await register_child(api, "yazd.county", "YZD-YAZD", national_id(1))
    for query, variables in ((CHILDREN, {}), (CHILD, {"id": child["id"]})):
        result = await api.as_user(username, query, variables)
        assert error_code(result) == "FORBIDDEN"
        assert result["data"] is None


@pytest.mark.parametrize("field", ["courtOrderReference", "custodyReason", "officeNotes", "history { at }",
                                   "assignments { id }"])
async def test_partners_get_no_court_papers_or_office_notes(api, database_url, field):
    child = await register_child(api, "yazd.county", "YZD-YAZD", national_id(1))
    await delegate(database_url, "child", child["id"], "childhome.manager")
    result = await api.as_user("childhome.manager", f"query($id: ID!) {{ child(id: $id) {{ fileNumber {field} }} }}",
                               {"id": child["id"]})
    assert error_code(result) == "FORBIDDEN"
    assert result["data"] is None


async def test_the_partner_sees_the_case_summary_but_not_an_undelegated_guardian_family(api, database_url):
    family = await register(api, "yazd.county", "YZD-YAZD", [member(make_national_id("271500001"))])
    child = await register_child(api, "yazd.county", "YZD-YAZD", national_id(1), guardianFamilyId=family["id"])
    await delegate(database_url, "child", child["id"], "childhome.manager")
    query = """query($id: ID!) { child(id: $id) { abuseFlag placement priority dischargedOn
      guardianFamily { fileNumber } currentAssignment { partner { name } } } }"""
    data = await api.ok("childhome.manager", query, {"id": child["id"]})
    assert data["child"] == {"abuseFlag": False, "placement": "RELATIVES", "priority": False,
                             "dischargedOn": "2022-06-05", "guardianFamily": None,
                             "currentAssignment": {"partner": {"name": "خانه کودکان و نوجوانان غیردولتی مهر"}}}
    office = await api.ok("yazd.county", query, {"id": child["id"]})
    assert office["child"]["guardianFamily"] == {"fileNumber": family["fileNumber"]}


async def test_out_of_slice_reads_exactly_like_absent(api):
    child = await register_child(api, "yazd.county", "YZD-YAZD", national_id(1))
    made_up = global_id("Child", pk_of(child["id"]) + 9999)
    for query in (CHILD, NODE):
        hidden = await api.as_user("meybod.county", query, {"id": child["id"]})
        absent = await api.as_user("meybod.county", query, {"id": made_up})
        assert hidden == absent
        assert "errors" not in hidden and list(hidden["data"].values()) == [None]


# --- filters -----------------------------------------------------------------------------------------------------


async def test_filters_narrow_the_list(api, database_url):
    counties = await county_ids(api)
    kiani = await register_child(api, "yazd.county", "YZD-YAZD", national_id(1), firstName="یاسمن",
                                 lastName="کیانی", priority=True)
    other = await register_child(api, "yazd.county", "YZD-YAZD", national_id(2), firstName="محمد",
                                 lastName="رضایی", sex="MALE", placement="OWN_FAMILY")
    meybod = await register_child(api, "meybod.county", "YZD-MEYBOD", national_id(3), firstName="یاسمن",
                                  placement="INDEPENDENT_LIVING")
    k, o, m = kiani["fileNumber"], other["fileNumber"], meybod["fileNumber"]
    mine = {k, o, m}
    await delegate(database_url, "child", kiani["id"], "childhome.manager")
    cases = [
        ({"name": "ياسمن"}, {k, m}),  # Arabic ي matches the stored Persian ی
        ({"name": "كياني"}, {k}),  # last-name prefix, Arabic ك and ي
        ({"name": "ياسمن كي"}, {k}),  # full-name prefix
        ({"name": "رحیمی یاسمن"}, set()),
        ({"nationalId": persian_digits(national_id(2))}, {o}),
        ({"fileNumber": k}, {k}),
        ({"fileNumber": "yzd-meybod-c-"}, {m}),
        ({"countyId": counties["YZD-YAZD"]}, {k, o}),
        ({"placement": "OWN_FAMILY"}, {o}),
        ({"priority": True}, {k}),
        ({"priority": False}, {o, m}),
        ({"assigned": True}, {k}),
        ({"assigned": False}, {o, m}),
        ({"status": "ACTIVE"}, {k, o, m}),
        ({"status": "EXITED"}, set()),
    ]
    results = [(f, await file_numbers(api, "admin", mine, f)) for f, _ in cases]
    assert results == [(f, expected) for f, expected in cases]
    assert await listed(api, "meybod.county", {"countyId": counties["YZD-YAZD"]}) == []


# --- recordChildExit -----------------------------------------------------------------------------------------------


async def test_record_child_exit_ends_the_delegation_and_frees_the_national_id(api, database_url):
    child = await register_child(api, "yazd.county", "YZD-YAZD", national_id(1))
    await delegate(database_url, "child", child["id"], "childhome.manager")
    data = await api.ok("yazd.county", RECORD_EXIT, {"input": {
        "childId": child["id"], "route": "OTHER", "exitedOn": "1404-01-20", "note": "بازگشت به خانواده"}})
    assert data["recordChildExit"]["child"] == {"status": "EXITED", "exitRoute": "OTHER", "exitedOn": "2025-04-09",
                                                "exitedOnJalali": "1404/01/20", "currentAssignment": None,
                                                "assignments": [{"endReason": "EXITED"}]}
    mine = {child["fileNumber"]}
    assert await file_numbers(api, "childhome.manager", mine) == set()
    assert (await api.ok("childhome.manager", CHILD, {"id": child["id"]}))["child"] is None
    again = await api.as_user("yazd.county", RECORD_EXIT, {"input": {
        "childId": child["id"], "route": "OTHER", "exitedOn": "1404-01-21"}})
    assert error_code(again) == "BAD_USER_INPUT"
    assert again["errors"][0]["extensions"]["field"] == "childId"
    new = await register_child(api, "yazd.county", "YZD-YAZD", national_id(1))
    assert await listed(api, "yazd.county", {"nationalId": national_id(1)}) == [child["fileNumber"],
                                                                               new["fileNumber"]]
    assert await listed(api, "yazd.county", {"nationalId": national_id(1), "status": "ACTIVE"}) == [
        new["fileNumber"]]


async def test_record_child_exit_only_in_the_callers_area(api):
    child = await register_child(api, "yazd.county", "YZD-YAZD", national_id(1))
    exit_input = {"childId": child["id"], "route": "OTHER", "exitedOn": "2025-01-01"}
    result = await api.as_user("meybod.county", RECORD_EXIT, {"input": exit_input})
    assert error_code(result) == "NOT_FOUND"
    assert result["errors"][0]["extensions"]["field"] == "childId"
    assert error_code(await api.as_user("childhome.manager", RECORD_EXIT, {"input": exit_input})) == "FORBIDDEN"
    assert await listed(api, "yazd.county", {"nationalId": national_id(1), "status": "ACTIVE"}) == [
        child["fileNumber"]]


# --- audit -------------------------------------------------------------------------------------------------------


async def test_reading_a_full_child_file_is_audited(api):
    child = await register_child(api, "yazd.county", "YZD-YAZD", national_id(1))
    await api.ok("yazd.county", CHILD, {"id": child["id"]})
    await api.ok("meybod.county", CHILD, {"id": child["id"]})  # null: nothing read, nothing traced
    await api.ok("yazd.province", CHILDREN)  # a list names the files it returned, in one event (issue #8)
    data = await api.ok("admin", AUDIT, {"f": {"objectId": child["id"]}})
    events = sorted((e["node"]["username"], e["node"]["operation"]) for e in data["auditEvents"]["edges"])
    assert events == [("yazd.county", "mutation registerChild"), ("yazd.county", "read Child"),
                      ("yazd.province", "read case files")]

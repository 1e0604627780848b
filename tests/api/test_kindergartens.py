"""Kindergartens through /graphql: "a kindergarten operator sees and edits only its own kindergartens" (seed 002),
the county office registers them in its county, enrolment never above capacity, the license life cycle,
optimistic concurrency and keyset pagination."""

from __future__ import annotations

import base64

import pytest

from tests.conftest import error_code

OPERATOR_A = {"مهد قرآنی نور", "مهد مسجد جامع امیرچخماق", "آدینه مهد بهار", "مهدکودک نیمه وقت غنچه‌ها",
              "مهدکودک واگذار شده امید", "مهدکودک غیرانتفاعی رنگین‌کمان"}
MEYBOD = {"مهدکودک تعاونی آفتاب میبد", "روستامهد فجر"}
BAFQ = {"مهدکودک غیرانتفاعی گلبرگ", "روستامهد شقایق باغستان"}
ALL_KINDERGARTENS = OPERATOR_A | MEYBOD | BAFQ
ALL_KINDS = {"QURANIC", "MOSQUE", "FRIDAY", "RURAL", "COOPERATIVE", "NON_PROFIT", "PART_TIME", "DELEGATED"}
OPERATOR_A_NAME = "مؤسسه فرهنگی آموزشی شکوفه‌های یزد"

KINDERGARTENS = """
query($filter: KindergartenFilter, $first: Int, $after: String) {
  kindergartens(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id name kind licenseStatus capacity enrolment phone version } }
  }
}"""

OPERATORS = "{ kindergartenOperators { totalCount edges { node { id name county { name } } } } }"

NODE = "query($id: ID!) { node(id: $id) { id ... on Kindergarten { name enrolment phone version } } }"

REGISTER = """
mutation($input: RegisterKindergartenInput!) {
  registerKindergarten(input: $input) {
    kindergarten {
      id name kind licenseStatus licenseNumber capacity enrolment version operator { name } county { name }
    }
  }
}"""

UPDATE = """
mutation($input: UpdateKindergartenInput!) {
  updateKindergarten(input: $input) {
    kindergarten { id name kind licenseStatus licenseNumber capacity enrolment address phone version }
  }
}"""


def global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


async def kindergarten_rows(api, username: str = "admin", filter: dict | None = None) -> dict[str, dict]:
    """A user's `kindergartens` by name; asserts totalCount agrees with the slice and there is one page."""
    data = await api.ok(username, KINDERGARTENS, {"filter": filter})
    connection = data["kindergartens"]
    nodes = [edge["node"] for edge in connection["edges"]]
    assert connection["totalCount"] == len(nodes), connection
    assert connection["pageInfo"]["hasNextPage"] is False
    by_name = {node["name"]: node for node in nodes}
    assert len(by_name) == len(nodes), nodes
    return by_name


async def ids(api) -> dict[str, str]:
    """Global IDs of kindergartens, operators and counties, by name or county code (as the admin sees them)."""
    data = await api.ok("admin", """{
      kindergartens { edges { node { id name } } }
      kindergartenOperators { edges { node { id name } } }
      provinces { counties { id code } }
    }""")
    found = {e["node"]["name"]: e["node"]["id"] for e in data["kindergartens"]["edges"]}
    found.update({e["node"]["name"]: e["node"]["id"] for e in data["kindergartenOperators"]["edges"]})
    found.update({c["code"]: c["id"] for p in data["provinces"] for c in p["counties"]})
    return found


def new_kindergarten(operator_id: str, county_id: str, **overrides) -> dict:
    kindergarten = {
        "name": "مهدکودک غیرانتفاعی ستاره", "kind": "NON_PROFIT", "operatorId": operator_id, "countyId": county_id,
        "capacity": 40, "enrolment": 10, "address": "یزد، خیابان سلمان", "phone": "035-38111111",
    }
    kindergarten.update(overrides)
    return kindergarten


# --- rows: who sees which kindergartens ----------------------------------------------------------------------


@pytest.mark.parametrize(("username", "expected"), [
    ("kindergarten.operator", OPERATOR_A),
    ("yazd.county", OPERATOR_A),
    ("meybod.county", MEYBOD),
    ("admin", ALL_KINDERGARTENS),
    ("yazd.province", ALL_KINDERGARTENS),
])
async def test_operator_sees_only_its_own_kindergartens_and_county_office_only_its_county(api, username, expected):
    assert set(await kindergarten_rows(api, username)) == expected


@pytest.mark.parametrize("username", ["clinic.manager", "clinic.worker1", "meybod.supervisor", "auditor"])
async def test_kindergartens_are_forbidden_outside_office_and_operators(api, username):
    result = await api.as_user(username, KINDERGARTENS)
    assert error_code(result) == "FORBIDDEN"
    assert result["data"] is None


async def test_all_eight_kinds_are_present_for_the_admin(api):
    rows = await kindergarten_rows(api, "admin")
    assert {row["kind"] for row in rows.values()} == ALL_KINDS


async def test_operator_filter_never_widens_its_slice(api):
    found = await ids(api)
    other = await api.ok("admin", "{ kindergartenOperators { edges { node { id county { name } } } } }")
    meybod_operator = next(e["node"]["id"] for e in other["kindergartenOperators"]["edges"]
                           if e["node"]["county"]["name"] == "میبد")
    assert set(await kindergarten_rows(api, "kindergarten.operator", {"operatorId": meybod_operator})) == set()
    assert set(await kindergarten_rows(api, "kindergarten.operator", {"countyId": found["YZD-MEYBOD"]})) == set()
    assert set(await kindergarten_rows(api, "kindergarten.operator", {"kind": "RURAL"})) == set()
    assert set(await kindergarten_rows(api, "kindergarten.operator", {"kind": "QURANIC"})) == {"مهد قرآنی نور"}
    assert set(await kindergarten_rows(api, "admin", {"operatorId": meybod_operator})) == MEYBOD
    assert set(await kindergarten_rows(api, "admin", {"kind": "RURAL"})) == {"روستامهد فجر", "روستامهد شقایق باغستان"}
    # Arabic ي/ك typed in a prefix match the stored Persian letters.
    assert set(await kindergarten_rows(api, "admin", {"name": "مهدكودك غيرانتفاعي"})) == {
        "مهدکودک غیرانتفاعی رنگین‌کمان", "مهدکودک غیرانتفاعی گلبرگ"}
    assert set(await kindergarten_rows(api, "yazd.county", {"name": "مهدكودك غيرانتفاعي"})) == {
        "مهدکودک غیرانتفاعی رنگین‌کمان"}


async def test_node_of_another_operators_kindergarten_answers_like_a_missing_one(api):
    found = await ids(api)
    own = await api.ok("kindergarten.operator", NODE, {"id": found["مهد قرآنی نور"]})
    assert own["node"]["name"] == "مهد قرآنی نور"
    missing = await api.as_user("kindergarten.operator", NODE, {"id": global_id("Kindergarten", 987654)})
    assert missing == {"data": {"node": None}}
    assert await api.as_user("kindergarten.operator", NODE, {"id": found["روستامهد فجر"]}) == missing


async def test_kindergarten_operators_of_a_county_office_are_only_its_county(api):
    data = await api.ok("yazd.county", OPERATORS)
    operators = data["kindergartenOperators"]
    assert [e["node"]["name"] for e in operators["edges"]] == [OPERATOR_A_NAME]
    assert operators["totalCount"] == 1
    admin = await api.ok("admin", OPERATORS)
    assert admin["kindergartenOperators"]["totalCount"] == 3


@pytest.mark.parametrize("username", ["kindergarten.operator", "clinic.manager", "meybod.supervisor", "auditor"])
async def test_kindergarten_operators_list_is_for_the_office(api, username):
    assert error_code(await api.as_user(username, OPERATORS)) == "FORBIDDEN"


# --- registerKindergarten ----------------------------------------------------------------------------------------


async def test_county_officer_registers_a_kindergarten_in_its_county(api):
    found = await ids(api)
    data = await api.ok("yazd.county", REGISTER, {
        "input": new_kindergarten(found[OPERATOR_A_NAME], found["YZD-YAZD"])})
    kindergarten = data["registerKindergarten"]["kindergarten"]
    assert kindergarten["name"] == "مهدکودک غیرانتفاعی ستاره"
    assert (kindergarten["kind"], kindergarten["licenseStatus"], kindergarten["licenseNumber"]) == (
        "NON_PROFIT", "PRINCIPAL_APPROVAL", None)
    assert (kindergarten["capacity"], kindergarten["enrolment"], kindergarten["version"]) == (40, 10, 1)
    assert kindergarten["operator"] == {"name": OPERATOR_A_NAME}
    assert kindergarten["county"] == {"name": "یزد"}
    assert set(await kindergarten_rows(api, "kindergarten.operator")) == OPERATOR_A | {"مهدکودک غیرانتفاعی ستاره"}
    assert set(await kindergarten_rows(api, "yazd.county")) == OPERATOR_A | {"مهدکودک غیرانتفاعی ستاره"}
    assert set(await kindergarten_rows(api, "meybod.county")) == MEYBOD


async def test_county_officer_may_register_a_licensed_kindergarten(api):
    found = await ids(api)
    data = await api.ok("yazd.county", REGISTER, {"input": new_kindergarten(
        found[OPERATOR_A_NAME], found["YZD-YAZD"], licenseStatus="LICENSED", licenseNumber="YZD-KG-1404-090")})
    kindergarten = data["registerKindergarten"]["kindergarten"]
    assert (kindergarten["licenseStatus"], kindergarten["licenseNumber"]) == ("LICENSED", "YZD-KG-1404-090")


async def test_county_officer_may_not_register_a_kindergarten_in_another_county(api):
    found = await ids(api)
    result = await api.as_user("yazd.county", REGISTER, {
        "input": new_kindergarten(found[OPERATOR_A_NAME], found["YZD-MEYBOD"])})
    assert error_code(result) == "NOT_FOUND"
    assert result["errors"][0]["extensions"]["field"] == "countyId"
    assert set(await kindergarten_rows(api, "admin")) == ALL_KINDERGARTENS


async def test_county_officer_may_not_name_another_countys_operator(api):
    found = await ids(api)
    other = await api.ok("admin", "{ kindergartenOperators { edges { node { id county { name } } } } }")
    meybod_operator = next(e["node"]["id"] for e in other["kindergartenOperators"]["edges"]
                           if e["node"]["county"]["name"] == "میبد")
    result = await api.as_user("yazd.county", REGISTER, {"input": new_kindergarten(meybod_operator, found["YZD-YAZD"])})
    made_up = await api.as_user("yazd.county", REGISTER, {
        "input": new_kindergarten(global_id("KindergartenOperator", 987654), found["YZD-YAZD"])})
    assert error_code(result) == "NOT_FOUND"
    assert result["errors"][0]["extensions"]["field"] == "operatorId"
    assert result == made_up
    assert set(await kindergarten_rows(api, "admin")) == ALL_KINDERGARTENS


async def test_operator_may_not_register_a_kindergarten(api):
    found = await ids(api)
    result = await api.as_user("kindergarten.operator", REGISTER, {
        "input": new_kindergarten(found[OPERATOR_A_NAME], found["YZD-YAZD"])})
    assert error_code(result) == "FORBIDDEN"
    assert set(await kindergarten_rows(api, "admin")) == ALL_KINDERGARTENS


async def test_registering_enrolment_above_capacity_is_bad_input(api):
    found = await ids(api)
    result = await api.as_user("yazd.county", REGISTER, {
        "input": new_kindergarten(found[OPERATOR_A_NAME], found["YZD-YAZD"], capacity=20, enrolment=21)})
    assert error_code(result) == "BAD_USER_INPUT"
    assert result["errors"][0]["extensions"]["field"] == "enrolment"
    assert set(await kindergarten_rows(api, "admin")) == ALL_KINDERGARTENS


async def test_registering_licensed_without_license_number_is_bad_input(api):
    found = await ids(api)
    result = await api.as_user("yazd.county", REGISTER, {
        "input": new_kindergarten(found[OPERATOR_A_NAME], found["YZD-YAZD"], licenseStatus="LICENSED")})
    assert error_code(result) == "BAD_USER_INPUT"
    assert result["errors"][0]["extensions"]["field"] == "licenseNumber"
    assert set(await kindergarten_rows(api, "admin")) == ALL_KINDERGARTENS


# --- updateKindergarten ------------------------------------------------------------------------------------------


async def test_operator_updates_enrolment_and_phone_of_its_own_kindergarten(api):
    before = (await kindergarten_rows(api, "kindergarten.operator"))["مهد قرآنی نور"]
    assert (before["enrolment"], before["version"]) == (52, 1)
    data = await api.ok("kindergarten.operator", UPDATE, {"input": {
        "id": before["id"], "version": before["version"], "enrolment": 55, "phone": "035-36269999"}})
    updated = data["updateKindergarten"]["kindergarten"]
    assert (updated["enrolment"], updated["phone"], updated["version"]) == (55, "035-36269999", 2)
    assert (updated["capacity"], updated["licenseStatus"]) == (60, "LICENSED")
    again = (await kindergarten_rows(api, "yazd.county"))["مهد قرآنی نور"]
    assert (again["enrolment"], again["phone"], again["version"]) == (55, "035-36269999", 2)


async def test_operator_update_of_another_operators_kindergarten_looks_like_a_missing_one(api):
    found = await ids(api)
    other = await api.as_user("kindergarten.operator", UPDATE, {"input": {
        "id": found["روستامهد فجر"], "version": 1, "enrolment": 1}})
    missing = await api.as_user("kindergarten.operator", UPDATE, {"input": {
        "id": global_id("Kindergarten", 987654), "version": 1, "enrolment": 1}})
    assert error_code(other) == "NOT_FOUND"
    assert other == missing
    assert (await kindergarten_rows(api, "meybod.county"))["روستامهد فجر"]["enrolment"] == 18


@pytest.mark.parametrize("change", [{"licenseStatus": "SUSPENDED"}, {"capacity": 100}, {"name": "نام تازه"},
                                    {"kind": "MOSQUE"}, {"licenseNumber": "YZD-KG-0000-000"}])
async def test_operator_may_not_change_the_license_or_capacity(api, change):
    before = (await kindergarten_rows(api, "kindergarten.operator"))["مهد قرآنی نور"]
    result = await api.as_user("kindergarten.operator", UPDATE, {"input": {
        "id": before["id"], "version": before["version"], "enrolment": 50, **change}})
    assert error_code(result) == "FORBIDDEN"
    assert (await kindergarten_rows(api, "kindergarten.operator"))["مهد قرآنی نور"] == before


async def test_a_reserved_input_field_is_refused_when_written_inline_too(api):
    """The policy guard reads input fields from the document's literals as well as from variables, before any
    resolver runs (auth/policy.INPUT_FIELDS), and names the field it refused."""
    before = (await kindergarten_rows(api, "kindergarten.operator"))["مهد قرآنی نور"]
    inline = (f'mutation {{ updateKindergarten(input: {{id: "{before["id"]}", version: {before["version"]}, '
              'capacity: 100}) { kindergarten { id } } }')
    result = await api.as_user("kindergarten.operator", inline)
    assert error_code(result) == "FORBIDDEN"
    assert "UpdateKindergartenInput.capacity" in result["errors"][0]["message"]
    assert (await kindergarten_rows(api, "kindergarten.operator"))["مهد قرآنی نور"] == before


async def test_office_updates_capacity_and_license(api):
    before = (await kindergarten_rows(api, "yazd.county"))["مهد قرآنی نور"]
    data = await api.ok("yazd.county", UPDATE, {"input": {
        "id": before["id"], "version": 1, "capacity": 80, "licenseStatus": "SUSPENDED"}})
    updated = data["updateKindergarten"]["kindergarten"]
    assert (updated["capacity"], updated["licenseStatus"], updated["version"]) == (80, "SUSPENDED", 2)


async def test_county_office_may_not_update_another_countys_kindergarten(api):
    found = await ids(api)
    other = await api.as_user("yazd.county", UPDATE, {"input": {"id": found["روستامهد فجر"], "version": 1,
                                                                "capacity": 30}})
    missing = await api.as_user("yazd.county", UPDATE, {"input": {"id": global_id("Kindergarten", 987654),
                                                                  "version": 1, "capacity": 30}})
    assert error_code(other) == "NOT_FOUND"
    assert other == missing
    assert (await kindergarten_rows(api, "meybod.county"))["روستامهد فجر"]["capacity"] == 25


async def test_update_enrolment_above_capacity_is_bad_input(api):
    before = (await kindergarten_rows(api, "kindergarten.operator"))["مهد قرآنی نور"]
    result = await api.as_user("kindergarten.operator", UPDATE, {"input": {
        "id": before["id"], "version": 1, "enrolment": 61}})
    assert error_code(result) == "BAD_USER_INPUT"
    assert result["errors"][0]["extensions"]["field"] == "enrolment"
    assert (await kindergarten_rows(api, "kindergarten.operator"))["مهد قرآنی نور"] == before


async def test_update_with_a_stale_version_is_a_conflict(api):
    before = (await kindergarten_rows(api, "kindergarten.operator"))["مهد قرآنی نور"]
    result = await api.as_user("kindergarten.operator", UPDATE, {"input": {
        "id": before["id"], "version": before["version"] + 5, "enrolment": 40}})
    assert error_code(result) == "CONFLICT"
    assert (await kindergarten_rows(api, "kindergarten.operator"))["مهد قرآنی نور"] == before


async def test_second_of_two_updates_from_the_same_version_is_a_conflict(api):
    before = (await kindergarten_rows(api, "kindergarten.operator"))["مهد قرآنی نور"]
    first = await api.ok("kindergarten.operator", UPDATE, {"input": {
        "id": before["id"], "version": before["version"], "enrolment": 40}})
    assert first["updateKindergarten"]["kindergarten"]["version"] == before["version"] + 1
    second = await api.as_user("yazd.county", UPDATE, {"input": {
        "id": before["id"], "version": before["version"], "enrolment": 30, "capacity": 90}})
    assert error_code(second) == "CONFLICT"
    after = (await kindergarten_rows(api, "kindergarten.operator"))["مهد قرآنی نور"]
    assert (after["enrolment"], after["capacity"], after["version"]) == (40, 60, before["version"] + 1)


async def test_a_dissolved_kindergarten_cannot_be_licensed_again(api):
    before = (await kindergarten_rows(api, "yazd.county"))["مهد قرآنی نور"]
    dissolved = await api.ok("yazd.county", UPDATE, {"input": {
        "id": before["id"], "version": before["version"], "licenseStatus": "DISSOLVED"}})
    version = dissolved["updateKindergarten"]["kindergarten"]["version"]
    assert dissolved["updateKindergarten"]["kindergarten"]["licenseStatus"] == "DISSOLVED"
    result = await api.as_user("admin", UPDATE, {"input": {
        "id": before["id"], "version": version, "licenseStatus": "LICENSED"}})
    assert error_code(result) == "RULE_VIOLATION"
    assert result["errors"][0]["extensions"]["rule"] == "KINDERGARTEN_LICENSE"
    after = (await kindergarten_rows(api, "admin"))["مهد قرآنی نور"]
    assert (after["licenseStatus"], after["version"]) == ("DISSOLVED", version)


# --- pagination ----------------------------------------------------------------------------------------------------


async def test_first_and_after_walk_all_ten_for_the_admin_without_duplicates(api):
    seen: list[str] = []
    after = None
    pages = []
    while True:
        data = await api.ok("admin", KINDERGARTENS, {"first": 3, "after": after})
        connection = data["kindergartens"]
        assert connection["totalCount"] == 10
        names = [edge["node"]["name"] for edge in connection["edges"]]
        seen.extend(names)
        pages.append(len(names))
        info = connection["pageInfo"]
        assert info["hasPreviousPage"] is (after is not None)
        assert info["endCursor"] == connection["edges"][-1]["cursor"]
        assert info["startCursor"] == connection["edges"][0]["cursor"]
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
        assert len(pages) < 5, pages
    assert pages == [3, 3, 3, 1]
    assert len(seen) == len(set(seen)) == 10
    assert set(seen) == ALL_KINDERGARTENS


async def test_pagination_stays_within_the_operators_slice(api):
    data = await api.ok("kindergarten.operator", KINDERGARTENS, {"first": 4})
    first = data["kindergartens"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = await api.ok("kindergarten.operator", KINDERGARTENS, {"first": 4, "after": first["pageInfo"]["endCursor"]})
    second = rest["kindergartens"]
    assert second["pageInfo"]["hasNextPage"] is False
    names = [e["node"]["name"] for e in first["edges"] + second["edges"]]
    assert len(names) == 6 and set(names) == OPERATOR_A
    assert first["totalCount"] == second["totalCount"] == 6


async def test_first_above_200_is_bad_input(api):
    result = await api.as_user("admin", KINDERGARTENS, {"first": 201})
    assert error_code(result) == "BAD_USER_INPUT"
    assert result["errors"][0]["extensions"]["field"] == "first"
    ok = await api.ok("admin", KINDERGARTENS, {"first": 200})
    assert ok["kindergartens"]["totalCount"] == 10


async def test_concurrent_updates_from_the_same_version_let_exactly_one_win(api):
    import asyncio

    before = (await kindergarten_rows(api, "kindergarten.operator"))["مهد قرآنی نور"]
    await api.token("kindergarten.operator")
    await api.token("yazd.county")
    results = await asyncio.gather(*(
        api.as_user(user, UPDATE, {"input": {"id": before["id"], "version": before["version"], "enrolment": n}})
        for user, n in [("kindergarten.operator", 41), ("yazd.county", 42), ("kindergarten.operator", 43),
                        ("yazd.county", 44)]))
    winners = [r for r in results if "errors" not in r]
    assert len(winners) == 1, results
    assert all(error_code(r) == "CONFLICT" for r in results if "errors" in r)
    after = (await kindergarten_rows(api, "admin"))["مهد قرآنی نور"]
    assert after["version"] == before["version"] + 1
    assert after["enrolment"] == winners[0]["data"]["updateKindergarten"]["kindergarten"]["enrolment"]


async def test_duplicate_kindergarten_license_number_is_a_conflict(api):
    found = await ids(api)
    result = await api.as_user("yazd.county", REGISTER, {"input": new_kindergarten(
        found[OPERATOR_A_NAME], found["YZD-YAZD"], licenseStatus="LICENSED", licenseNumber="YZD-KG-1396-031")})
    assert error_code(result) == "CONFLICT"
    assert result["errors"][0]["extensions"]["field"] == "licenseNumber"
    before = (await kindergarten_rows(api, "yazd.county"))["مهد مسجد جامع امیرچخماق"]
    result = await api.as_user("yazd.county", UPDATE, {"input": {
        "id": before["id"], "version": before["version"], "licenseNumber": "YZD-KG-1396-031"}})
    assert error_code(result) == "CONFLICT"
    assert (await kindergarten_rows(api, "yazd.county"))["مهد مسجد جامع امیرچخماق"] == before


async def test_last_returns_the_final_page(api):
    data = await api.ok("admin", KINDERGARTENS.replace("first: $first", "last: $first"), {"first": 3})
    connection = data["kindergartens"]
    assert [e["node"]["name"] for e in connection["edges"]] == [
        "روستامهد فجر", "مهدکودک غیرانتفاعی گلبرگ", "روستامهد شقایق باغستان"]
    assert connection["pageInfo"]["hasPreviousPage"] is True
    assert connection["pageInfo"]["hasNextPage"] is False


@pytest.mark.parametrize(("field", "value"), [
    ("licenseNumber", "X" * 51), ("phone", "0" * 31), ("address", "آ" * 501), ("name", " "),
], ids=["long-license", "long-phone", "long-address", "blank-name"])
async def test_bad_text_in_a_kindergarten_registration_is_bad_input_on_that_field(api, field, value):
    found = await ids(api)
    bad = {"licenseStatus": "LICENSED", "licenseNumber": "YZD-KG-1404-091", field: value}
    result = await api.as_user("yazd.county", REGISTER, {"input": new_kindergarten(
        found[OPERATOR_A_NAME], found["YZD-YAZD"], **bad)})
    assert error_code(result) == "BAD_USER_INPUT"
    assert result["errors"][0]["extensions"]["field"] == field
    assert set(await kindergarten_rows(api, "admin")) == ALL_KINDERGARTENS


@pytest.mark.parametrize(("field", "value"), [("phone", "0" * 31), ("address", "آ" * 501)],
                         ids=["long-phone", "long-address"])
async def test_bad_text_in_an_operator_update_is_bad_input_on_that_field(api, field, value):
    before = (await kindergarten_rows(api, "kindergarten.operator"))["مهد قرآنی نور"]
    result = await api.as_user("kindergarten.operator", UPDATE, {"input": {
        "id": before["id"], "version": before["version"], field: value}})
    assert error_code(result) == "BAD_USER_INPUT"
    assert result["errors"][0]["extensions"]["field"] == field
    assert (await kindergarten_rows(api, "kindergarten.operator"))["مهد قرآنی نور"] == before


async def test_kindergarten_text_is_stored_normalised(api):
    found = await ids(api)
    data = await api.ok("yazd.county", REGISTER, {"input": new_kindergarten(
        found[OPERATOR_A_NAME], found["YZD-YAZD"], name="مهدكودك  ستاره", licenseStatus="LICENSED",
        licenseNumber="YZD-KG-۱۴۰۴-۰۹۰")})
    kindergarten = data["registerKindergarten"]["kindergarten"]
    assert (kindergarten["name"], kindergarten["licenseNumber"]) == ("مهدکودک ستاره", "YZD-KG-1404-090")
    before = (await kindergarten_rows(api, "kindergarten.operator"))["مهد قرآنی نور"]
    data = await api.ok("kindergarten.operator", UPDATE, {"input": {
        "id": before["id"], "version": before["version"], "phone": "۰۳۵-۳۶۲۶۹۹۹۹", "address": "يزد، كوچه مسجد"}})
    updated = data["updateKindergarten"]["kindergarten"]
    assert (updated["phone"], updated["address"]) == ("035-36269999", "یزد، کوچه مسجد")


async def test_a_kindergarten_license_number_in_persian_digits_still_meets_the_duplicate_check(api):
    found = await ids(api)
    result = await api.as_user("yazd.county", REGISTER, {"input": new_kindergarten(
        found[OPERATOR_A_NAME], found["YZD-YAZD"], licenseStatus="LICENSED", licenseNumber="YZD-KG-۱۳۹۶-۰۳۱")})
    assert error_code(result) == "CONFLICT"
    assert set(await kindergarten_rows(api, "admin")) == ALL_KINDERGARTENS

"""Partners through /graphql: "a partner sees only itself; a county office only its county" (docs/access.md rows 1, 3,
4), registration by the province office, Art. 2 note 1 on staff, and Jalali dates in and out."""

from __future__ import annotations

import base64

import pytest

from tests.conftest import error_code

CLINIC1 = "کلینیک مددکاری اجتماعی مهرآفرین"
CLINIC2 = "کلینیک مددکاری اجتماعی نوید زندگی"
CHARITY = "مؤسسه خیریه نیکوکاران میبد"
CHILD_HOME = "خانه کودکان و نوجوانان غیردولتی مهر"
ALL_PARTNERS = {CLINIC1, CLINIC2, CHARITY, CHILD_HOME}
CLINIC1_STAFF = {"فاطمه دهقانی", "زهرا میرجلیلی", "محمدرضا فلاح‌زاده", "مریم شریفی", "علی‌اکبر زارعی"}

PARTNERS = """
query($filter: PartnerFilter, $first: Int, $after: String) {
  partners(filter: $filter, first: $first, after: $after) {
    totalCount
    edges { node { id name kind } }
  }
}"""

NODE = "query($id: ID!) { node(id: $id) { id ... on Partner { name kind licenseNumber } } }"

STAFF = "{ partners { edges { node { name staff { fullName degree yearsOfExperience } } } } }"

REGISTER = """
mutation($input: RegisterPartnerInput!) {
  registerPartner(input: $input) {
    partner {
      id name kind grade firstGradedOn licenseNumber licenseValidFrom licenseValidUntil licenseValidUntilJalali
      address phone
      county { name } province { name }
      staff { fullName position degree yearsOfExperience countsForCaseload }
    }
  }
}"""

ADD_STAFF = """
mutation($input: AddStaffMemberInput!) {
  addStaffMember(input: $input) { staffMember { id fullName degree yearsOfExperience } }
}"""


def global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


async def partner_names(api, username: str, filter: dict | None = None) -> set[str]:
    """The names a user's `partners` list holds; asserts totalCount agrees with the slice."""
    data = await api.ok(username, PARTNERS, {"filter": filter})
    connection = data["partners"]
    names = [edge["node"]["name"] for edge in connection["edges"]]
    assert len(names) == len(set(names)), names
    assert connection["totalCount"] == len(names), connection
    return set(names)


async def partner_ids(api) -> dict[str, str]:
    data = await api.ok("admin", PARTNERS)
    return {edge["node"]["name"]: edge["node"]["id"] for edge in data["partners"]["edges"]}


async def county_ids(api) -> dict[str, str]:
    data = await api.ok("admin", "{ provinces { counties { id code } } }")
    return {c["code"]: c["id"] for p in data["provinces"] for c in p["counties"]}


def new_partner(county_id: str, **overrides) -> dict:
    partner = {
        "kind": "CLINIC",
        "name": "کلینیک مددکاری اجتماعی آرامش",
        "countyId": county_id,
        "licenseNumber": "YZD-CL-1404-099",
        "licenseValidFrom": "2025-03-21",
        "licenseValidUntil": "2030-03-20",
        "grade": "GRADE_2",
        "firstGradedOn": "2025-06-01",
        "address": "یزد، خیابان فرخی",
        "phone": "035-38000000",
        "staff": [
            {"fullName": "سارا احمدی", "position": "TECHNICAL_MANAGER", "degree": "MASTER", "yearsOfExperience": 9},
            {"fullName": "امین کاظمی", "position": "SOCIAL_WORKER", "degree": "BACHELOR", "yearsOfExperience": 3},
            {"fullName": "نازنین رفیعی", "position": "SOCIAL_WORKER", "degree": "ASSOCIATE", "yearsOfExperience": 2},
        ],
    }
    partner.update(overrides)
    return partner


def associate(name: str, years: int) -> dict:
    return {"fullName": name, "position": "SOCIAL_WORKER", "degree": "ASSOCIATE", "yearsOfExperience": years}


# --- rows: who sees which partners ---------------------------------------------------------------------------


@pytest.mark.parametrize(("username", "expected"), [
    ("admin", ALL_PARTNERS),
    ("yazd.province", ALL_PARTNERS),
    ("yazd.county", {CLINIC1, CLINIC2, CHILD_HOME}),
    ("meybod.county", {CHARITY}),
    ("meybod.supervisor", {CHARITY}),
    ("clinic.manager", {CLINIC1}),
    ("clinic.worker1", {CLINIC1}),
    ("clinic2.manager", {CLINIC2}),
    ("charity.manager", {CHARITY}),
    ("childhome.manager", {CHILD_HOME}),
])
async def test_partner_sees_only_itself_and_county_office_only_its_county(api, username, expected):
    assert await partner_names(api, username) == expected


@pytest.mark.parametrize("username", ["kindergarten.operator", "auditor"])
async def test_partners_list_is_forbidden_outside_partner_office_and_staff(api, username):
    result = await api.as_user(username, PARTNERS)
    assert error_code(result) == "FORBIDDEN"
    assert result["data"] is None


async def test_partners_total_count_matches_the_slice_across_pages(api):
    data = await api.ok("yazd.county", PARTNERS, {"first": 1})
    assert data["partners"]["totalCount"] == 3
    assert len(data["partners"]["edges"]) == 1


async def test_partner_filters_narrow_the_list(api):
    counties = await county_ids(api)
    assert await partner_names(api, "admin", {"kind": "CLINIC"}) == {CLINIC1, CLINIC2}
    assert await partner_names(api, "admin", {"kind": "CHILD_HOME"}) == {CHILD_HOME}
    assert await partner_names(api, "admin", {"countyId": counties["YZD-MEYBOD"]}) == {CHARITY}
    assert await partner_names(api, "admin", {"countyId": counties["YZD-BAFQ"]}) == set()
    assert await partner_names(api, "admin", {"kind": "CLINIC", "countyId": counties["YZD-MEYBOD"]}) == set()
    # Name prefix typed with Arabic ي and ك matches the stored Persian ی and ک.
    assert await partner_names(api, "admin", {"name": "كلينيك"}) == {CLINIC1, CLINIC2}
    assert await partner_names(api, "admin", {"name": "كلينيك مددكاري اجتماعي نويد"}) == {CLINIC2}
    assert await partner_names(api, "admin", {"name": "خانه کودکان"}) == {CHILD_HOME}
    assert await partner_names(api, "admin", {"name": "مهرآفرین"}) == set()  # a prefix, not a substring


async def test_partner_filters_never_widen_a_county_office(api):
    counties = await county_ids(api)
    assert await partner_names(api, "yazd.county", {"countyId": counties["YZD-MEYBOD"]}) == set()
    assert await partner_names(api, "yazd.county", {"kind": "CHARITY"}) == set()
    assert await partner_names(api, "yazd.county", {"name": "مؤسسه خیریه"}) == set()
    assert await partner_names(api, "yazd.county", {"kind": "CLINIC"}) == {CLINIC1, CLINIC2}
    assert await partner_names(api, "meybod.county", {"countyId": counties["YZD-YAZD"]}) == set()


async def test_partner_filters_never_widen_a_partner_manager(api):
    counties = await county_ids(api)
    assert await partner_names(api, "clinic.manager", {"kind": "CLINIC"}) == {CLINIC1}
    assert await partner_names(api, "clinic.manager", {"countyId": counties["YZD-YAZD"]}) == {CLINIC1}
    assert await partner_names(api, "clinic.manager", {"countyId": counties["YZD-MEYBOD"]}) == set()
    assert await partner_names(api, "clinic.manager", {"kind": "CHARITY"}) == set()
    assert await partner_names(api, "clinic.manager", {"kind": "CHILD_HOME"}) == set()
    assert await partner_names(api, "clinic.manager", {"name": "كلينيك"}) == {CLINIC1}
    assert await partner_names(api, "clinic.manager", {"name": "کلینیک مددکاری اجتماعی نوید"}) == set()
    assert await partner_names(api, "clinic.worker1", {"kind": "CHARITY"}) == set()


async def test_an_inline_filter_is_not_refused_for_the_fields_it_leaves_out(api):
    """Written inline, a filter is coerced with its defaults: the guard must not take `supervisionOverdue: null`, which
    the manager never sent, for a use of the office's field (a partner's filter was FORBIDDEN)."""
    data = await api.ok("clinic.manager", '{ partners(filter: {kind: CLINIC}) { edges { node { name } } } }')
    assert [edge["node"]["name"] for edge in data["partners"]["edges"]] == [CLINIC1]
    refused = await api.as_user("clinic.manager", "{ partners(filter: {supervisionOverdue: true}) { totalCount } }")
    assert error_code(refused) == "FORBIDDEN"


# --- rule 3: absence looks the same as denial ----------------------------------------------------------------


async def test_node_of_another_partner_answers_like_a_missing_one(api):
    ids = await partner_ids(api)
    own = await api.ok("clinic.manager", NODE, {"id": ids[CLINIC1]})
    assert own["node"]["name"] == CLINIC1
    missing = await api.as_user("clinic.manager", NODE, {"id": global_id("Partner", 987654)})
    assert missing == {"data": {"node": None}}
    for name in (CLINIC2, CHARITY, CHILD_HOME):
        other = await api.as_user("clinic.manager", NODE, {"id": ids[name]})
        assert other == missing, name
    # The admin reaches the same IDs, so the null above is the slice, not a broken ID.
    assert (await api.ok("admin", NODE, {"id": ids[CLINIC2]}))["node"]["name"] == CLINIC2


async def test_node_of_another_partner_answers_like_a_missing_one_for_a_county_office(api):
    ids = await partner_ids(api)
    missing = await api.as_user("meybod.county", NODE, {"id": global_id("Partner", 987654)})
    assert missing == {"data": {"node": None}}
    assert await api.as_user("meybod.county", NODE, {"id": ids[CLINIC1]}) == missing
    assert (await api.ok("meybod.county", NODE, {"id": ids[CHARITY]}))["node"]["name"] == CHARITY


# --- fields: the staff list ------------------------------------------------------------------------------------


async def test_partner_staff_is_visible_to_its_own_manager(api):
    data = await api.ok("clinic.manager", STAFF)
    [edge] = data["partners"]["edges"]
    assert edge["node"]["name"] == CLINIC1
    assert {s["fullName"] for s in edge["node"]["staff"]} == CLINIC1_STAFF


async def test_partner_staff_is_forbidden_to_a_worker(api):
    result = await api.as_user("clinic.worker1", STAFF)
    assert error_code(result) == "FORBIDDEN"
    assert result["data"] is None


# --- registerPartner ---------------------------------------------------------------------------------------------


async def test_province_officer_registers_a_clinic_with_grade_and_staff(api):
    counties = await county_ids(api)
    data = await api.ok("yazd.province", REGISTER, {"input": new_partner(counties["YZD-YAZD"])})
    partner = data["registerPartner"]["partner"]
    assert partner["name"] == "کلینیک مددکاری اجتماعی آرامش"
    assert partner["kind"] == "CLINIC"
    assert partner["grade"] == "GRADE_2"
    assert partner["firstGradedOn"] == "2025-06-01"
    assert partner["licenseNumber"] == "YZD-CL-1404-099"
    assert partner["county"] == {"name": "یزد"}
    assert partner["province"] == {"name": "یزد"}
    assert {(s["fullName"], s["degree"], s["yearsOfExperience"], s["countsForCaseload"]) for s in partner["staff"]} == {
        ("سارا احمدی", "MASTER", 9, False),
        ("امین کاظمی", "BACHELOR", 3, True),
        ("نازنین رفیعی", "ASSOCIATE", 2, True),
    }
    new = partner["name"]
    assert await partner_names(api, "yazd.province") == ALL_PARTNERS | {new}
    assert await partner_names(api, "admin") == ALL_PARTNERS | {new}
    assert await partner_names(api, "yazd.county") == {CLINIC1, CLINIC2, CHILD_HOME, new}
    assert await partner_names(api, "meybod.county") == {CHARITY}
    assert await partner_names(api, "clinic.manager") == {CLINIC1}
    node = await api.ok("yazd.county", NODE, {"id": partner["id"]})
    assert node["node"]["licenseNumber"] == "YZD-CL-1404-099"


async def test_county_officer_may_not_register_a_partner(api):
    counties = await county_ids(api)
    result = await api.as_user("yazd.county", REGISTER, {"input": new_partner(counties["YZD-YAZD"])})
    assert error_code(result) == "FORBIDDEN"
    assert await partner_names(api, "admin") == ALL_PARTNERS


@pytest.mark.parametrize("username", ["clinic.manager", "meybod.supervisor", "kindergarten.operator", "auditor"])
async def test_only_licensers_may_register_a_partner(api, username):
    counties = await county_ids(api)
    result = await api.as_user(username, REGISTER, {"input": new_partner(counties["YZD-YAZD"])})
    assert error_code(result) == "FORBIDDEN"
    assert await partner_names(api, "admin") == ALL_PARTNERS


async def test_national_admin_registers_a_partner_anywhere(api):
    counties = await county_ids(api)
    charity = new_partner(counties["YZD-TABAS"], kind="CHARITY", name="مؤسسه خیریه امید طبس", grade=None,
                          firstGradedOn=None, licenseNumber="YZD-CH-1404-100")
    data = await api.ok("admin", REGISTER, {"input": charity})
    partner = data["registerPartner"]["partner"]
    assert (partner["kind"], partner["grade"], partner["firstGradedOn"]) == ("CHARITY", None, None)
    assert partner["county"] == {"name": "طبس"}
    assert await partner_names(api, "admin", {"countyId": counties["YZD-TABAS"]}) == {"مؤسسه خیریه امید طبس"}
    assert await partner_names(api, "yazd.county") == {CLINIC1, CLINIC2, CHILD_HOME}


async def test_duplicate_license_number_is_a_conflict(api):
    counties = await county_ids(api)
    result = await api.as_user("yazd.province", REGISTER, {
        "input": new_partner(counties["YZD-YAZD"], licenseNumber="YZD-CL-1390-014")})  # clinic 1's license
    assert error_code(result) == "CONFLICT"
    assert result["errors"][0]["extensions"]["field"] == "licenseNumber"
    assert await partner_names(api, "admin") == ALL_PARTNERS


async def test_duplicate_license_number_of_a_fresh_registration_is_a_conflict(api):
    counties = await county_ids(api)
    await api.ok("yazd.province", REGISTER, {"input": new_partner(counties["YZD-YAZD"])})
    result = await api.as_user("admin", REGISTER, {
        "input": new_partner(counties["YZD-MEYBOD"], name="کلینیک دیگر", staff=[])})
    assert error_code(result) == "CONFLICT"
    assert await partner_names(api, "admin", {"countyId": counties["YZD-MEYBOD"]}) == {CHARITY}


@pytest.mark.parametrize("kind", ["CHARITY", "SERVICE_COMPLEX", "CHILD_HOME"])
async def test_a_non_clinic_with_a_grade_is_bad_input(api, kind):
    counties = await county_ids(api)
    result = await api.as_user("yazd.province", REGISTER, {
        "input": new_partner(counties["YZD-YAZD"], kind=kind, firstGradedOn=None)})
    assert error_code(result) == "BAD_USER_INPUT"
    assert result["errors"][0]["extensions"]["field"] == "grade"
    assert await partner_names(api, "admin") == ALL_PARTNERS


async def test_a_clinic_with_two_associate_workers_breaks_art_2_note_1(api):
    counties = await county_ids(api)
    staff = [associate("رضا یزدانی", 5), associate("مینا توکلی", 3)]
    result = await api.as_user("yazd.province", REGISTER, {"input": new_partner(counties["YZD-YAZD"], staff=staff)})
    assert error_code(result) == "RULE_VIOLATION"
    assert result["errors"][0]["extensions"]["rule"] == "ART_2_NOTE_1"
    assert await partner_names(api, "admin") == ALL_PARTNERS


async def test_a_clinic_associate_worker_with_one_year_breaks_art_2_note_1(api):
    counties = await county_ids(api)
    staff = [associate("رضا یزدانی", 1)]
    result = await api.as_user("yazd.province", REGISTER, {"input": new_partner(counties["YZD-YAZD"], staff=staff)})
    assert error_code(result) == "RULE_VIOLATION"
    assert result["errors"][0]["extensions"]["rule"] == "ART_2_NOTE_1"
    assert await partner_names(api, "admin") == ALL_PARTNERS


async def test_add_staff_member_refuses_a_second_associate_in_clinic_1(api):
    ids = await partner_ids(api)
    result = await api.as_user("yazd.province", ADD_STAFF, {
        "input": {"partnerId": ids[CLINIC1], **associate("رضا یزدانی", 5)}})
    assert error_code(result) == "RULE_VIOLATION"
    assert result["errors"][0]["extensions"]["rule"] == "ART_2_NOTE_1"
    data = await api.ok("clinic.manager", STAFF)
    assert {s["fullName"] for s in data["partners"]["edges"][0]["node"]["staff"]} == CLINIC1_STAFF


async def test_add_staff_member_accepts_an_associate_where_there_is_none(api):
    ids = await partner_ids(api)
    data = await api.ok("yazd.province", ADD_STAFF, {
        "input": {"partnerId": ids[CLINIC2], **associate("رضا یزدانی", 2)}})
    assert data["addStaffMember"]["staffMember"]["fullName"] == "رضا یزدانی"
    staff = await api.ok("clinic2.manager", STAFF)
    assert {s["fullName"] for s in staff["partners"]["edges"][0]["node"]["staff"]} == {
        "حسین مروتی", "نرگس اکرمی", "رضا یزدانی"}


# --- dates ---------------------------------------------------------------------------------------------------------


async def test_license_dates_accept_jalali_and_return_iso_with_a_jalali_companion(api):
    counties = await county_ids(api)
    data = await api.ok("yazd.province", REGISTER, {"input": new_partner(
        counties["YZD-YAZD"], licenseValidFrom="۱۴۰۴-۰۱-۰۱", licenseValidUntil="1405/12/29")})
    partner = data["registerPartner"]["partner"]
    assert partner["licenseValidFrom"] == "2025-03-21"
    assert partner["licenseValidUntil"] == "2027-03-20"
    assert partner["licenseValidUntilJalali"] == "1405/12/29"


async def test_license_date_accepts_jalali_as_a_query_literal(api):
    counties = await county_ids(api)
    query = """
    mutation($county: ID!) {
      registerPartner(input: {kind: CHARITY, name: "مؤسسه خیریه نمونه", countyId: $county,
                              licenseNumber: "YZD-CH-1404-777", licenseValidFrom: "1404/01/01",
                              licenseValidUntil: "1405/12/29"}) {
        partner { licenseValidUntil licenseValidUntilJalali }
      }
    }"""
    data = await api.ok("yazd.province", query, {"county": counties["YZD-YAZD"]})
    assert data["registerPartner"]["partner"] == {"licenseValidUntil": "2027-03-20",
                                                  "licenseValidUntilJalali": "1405/12/29"}


@pytest.mark.parametrize("bad", ["1405/13/01", "1404/12/30", "tomorrow", "2025-02-29", "0999-01-01"])
async def test_an_invalid_license_date_is_bad_input(api, bad):
    counties = await county_ids(api)
    result = await api.as_user("yazd.province", REGISTER, {
        "input": new_partner(counties["YZD-YAZD"], licenseValidUntil=bad)})
    assert error_code(result) == "BAD_USER_INPUT"
    assert await partner_names(api, "admin") == ALL_PARTNERS


async def test_an_invalid_license_date_literal_is_bad_input(api):
    counties = await county_ids(api)
    query = """
    mutation($county: ID!) {
      registerPartner(input: {kind: CHARITY, name: "مؤسسه خیریه نمونه", countyId: $county,
                              licenseNumber: "YZD-CH-1404-777", licenseValidFrom: "1404/01/01",
                              licenseValidUntil: "1405/13/01"}) {
        partner { id }
      }
    }"""
    result = await api.as_user("yazd.province", query, {"county": counties["YZD-YAZD"]})
    assert error_code(result) == "BAD_USER_INPUT"
    assert await partner_names(api, "admin") == ALL_PARTNERS


async def test_node_of_another_partners_staff_member_answers_like_a_missing_one(api):
    data = await api.ok("admin", STAFF.replace("fullName", "id fullName"))
    staff_ids = {s["fullName"]: s["id"] for e in data["partners"]["edges"] for s in e["node"]["staff"]}
    query = "query($id: ID!) { node(id: $id) { id ... on StaffMember { fullName } } }"
    own = await api.ok("clinic.manager", query, {"id": staff_ids["مریم شریفی"]})
    assert own["node"]["fullName"] == "مریم شریفی"
    missing = await api.as_user("clinic.manager", query, {"id": global_id("StaffMember", 987654)})
    assert missing == {"data": {"node": None}}
    assert await api.as_user("clinic.manager", query, {"id": staff_ids["نرگس اکرمی"]}) == missing  # clinic 2's


async def test_concurrent_additions_of_an_associate_let_only_one_in(api):
    import asyncio

    ids = await partner_ids(api)
    await api.token("yazd.province")
    await api.token("admin")
    results = await asyncio.gather(*(
        api.as_user(user, ADD_STAFF, {"input": {"partnerId": ids[CLINIC2], **associate(name, 4)}})
        for user, name in [("yazd.province", "رضا یزدانی"), ("admin", "مینا توکلی"), ("yazd.province", "سعید نوری")]))
    winners = [r for r in results if "errors" not in r]
    assert len(winners) == 1, results
    assert all(r["errors"][0]["extensions"].get("rule") == "ART_2_NOTE_1" for r in results if "errors" in r)
    staff = await api.ok("clinic2.manager", STAFF)
    names = {s["fullName"] for s in staff["partners"]["edges"][0]["node"]["staff"]}
    assert names == {"حسین مروتی", "نرگس اکرمی", winners[0]["data"]["addStaffMember"]["staffMember"]["fullName"]}


@pytest.mark.parametrize("username", ["clinic.manager", "clinic2.manager", "yazd.county", "meybod.supervisor"])
async def test_only_licensers_may_add_staff(api, username):
    ids = await partner_ids(api)
    result = await api.as_user(username, ADD_STAFF, {"input": {
        "partnerId": ids[CLINIC2], "fullName": "سعید نوری", "position": "SOCIAL_WORKER", "degree": "BACHELOR",
        "yearsOfExperience": 3}})
    assert error_code(result) == "FORBIDDEN"
    staff = await api.ok("clinic2.manager", STAFF)
    assert {s["fullName"] for s in staff["partners"]["edges"][0]["node"]["staff"]} == {"حسین مروتی", "نرگس اکرمی"}


async def test_add_staff_member_refuses_an_associate_with_one_year(api):
    ids = await partner_ids(api)
    result = await api.as_user("yazd.province", ADD_STAFF, {
        "input": {"partnerId": ids[CLINIC2], **associate("رضا یزدانی", 1)}})
    assert error_code(result) == "RULE_VIOLATION"
    assert result["errors"][0]["extensions"]["rule"] == "ART_2_NOTE_1"
    staff = await api.ok("clinic2.manager", STAFF)
    assert {s["fullName"] for s in staff["partners"]["edges"][0]["node"]["staff"]} == {"حسین مروتی", "نرگس اکرمی"}


@pytest.mark.parametrize(("field", "value"), [
    ("licenseNumber", ""), ("licenseNumber", "   "), ("licenseNumber", "X" * 51), ("phone", "0" * 31),
    ("address", "آ" * 501), ("name", "  "),
], ids=["empty-license", "blank-license", "long-license", "long-phone", "long-address", "blank-name"])
async def test_bad_text_in_a_partner_registration_is_bad_input_on_that_field(api, field, value):
    counties = await county_ids(api)
    result = await api.as_user("yazd.province", REGISTER, {
        "input": new_partner(counties["YZD-YAZD"], **{field: value})})
    assert error_code(result) == "BAD_USER_INPUT"
    assert result["errors"][0]["extensions"]["field"] == field
    assert await partner_names(api, "admin") == ALL_PARTNERS


async def test_a_license_that_ends_before_it_starts_is_bad_input(api):
    counties = await county_ids(api)
    result = await api.as_user("yazd.province", REGISTER, {"input": new_partner(
        counties["YZD-YAZD"], licenseValidFrom="2026-01-01", licenseValidUntil="2025-12-31")})
    assert error_code(result) == "BAD_USER_INPUT"
    assert result["errors"][0]["extensions"]["field"] == "licenseValidUntil"


async def test_a_license_number_typed_in_persian_digits_still_meets_the_duplicate_check(api):
    counties = await county_ids(api)
    result = await api.as_user("yazd.province", REGISTER, {
        "input": new_partner(counties["YZD-YAZD"], licenseNumber="YZD-CL-۱۳۹۰-۰۱۴")})  # clinic 1's, Persian digits
    assert error_code(result) == "CONFLICT"
    assert await partner_names(api, "admin") == ALL_PARTNERS


async def test_partner_text_is_stored_normalised(api):
    counties = await county_ids(api)
    data = await api.ok("yazd.province", REGISTER, {
        "input": new_partner(counties["YZD-YAZD"], name="كلينيك  مددكاري  آرامش", address=" يزد، كوچه ۱۲ ",
                             phone="۰۳۵-۳۸۰۰۰۰۰۰", licenseNumber="YZD-CL-۱۴۰۴-۰۹۹")})
    partner = data["registerPartner"]["partner"]
    assert (partner["name"], partner["address"], partner["phone"], partner["licenseNumber"]) == (
        "کلینیک مددکاری آرامش", "یزد، کوچه 12", "035-38000000", "YZD-CL-1404-099")
    assert await partner_names(api, "yazd.county", {"name": "کلینیک مددکاری آ"}) == {"کلینیک مددکاری آرامش"}


# --- national IDs (issue #2: 10 digits, check digit, not all the same digit; BAD_USER_INPUT with field) -----------


@pytest.mark.parametrize("bad", ["123", "1111111111", "0499370898", "04993708a9"])
async def test_a_staff_national_id_is_validated(api, bad):
    ids = await partner_ids(api)
    result = await api.as_user("yazd.province", ADD_STAFF, {
        "input": {"partnerId": ids[CLINIC2], **associate("رضا یزدانی", 2), "nationalId": bad}})
    assert error_code(result) == "BAD_USER_INPUT"
    assert result["errors"][0]["extensions"]["field"] == "nationalId"
    assert result["errors"][0]["extensions"]["messageFa"]


async def test_a_staff_national_id_in_persian_digits_is_stored_in_latin_digits(api):
    ids = await partner_ids(api)
    await api.ok("yazd.province", ADD_STAFF, {
        "input": {"partnerId": ids[CLINIC2], **associate("رضا یزدانی", 2), "nationalId": "۰۴۹۹۳۷۰۸۹۹"}})
    staff = await api.ok("clinic2.manager", "{ partners { edges { node { staff { fullName nationalId } } } } }")
    ids_by_name = {s["fullName"]: s["nationalId"] for s in staff["partners"]["edges"][0]["node"]["staff"]}
    assert ids_by_name["رضا یزدانی"] == "0499370899"

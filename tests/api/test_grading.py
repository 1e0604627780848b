"""Grading clinics through /graphql (issue #7, Art. 6.4): the province office records a clinic's grade with its date,
kept as a history the office and the clinic's own manager read; only clinics are graded; the version guards edits;
row-level security keeps the history in its slice."""

from __future__ import annotations

import datetime

import pytest
from tortoise.transactions import in_transaction

from auth.rls import database_settings
from auth.roles import Role, Viewer
from models.geography import County, Province
from models.organizations import Organization, OrganizationKind, PartnerGrade
from schema.node import to_global_id
from tests.conftest import error_code

TODAY = datetime.date.today()
CLINIC1 = "YZD-CL-1390-014"
CLINIC2 = "YZD-CL-1403-027"
CHARITY = "YZD-CH-1395-006"
CHILD_HOME = "YZD-CHH-1398-011"

GRADE = """
mutation($input: GradePartnerInput!) {
  gradePartner(input: $input) {
    partner { name grade firstGradedOn firstGradedOnJalali version grades { grade gradedOn gradedOnJalali byUsername } }
  }
}"""
GRADES = "query($id: ID!) { node(id: $id) { ... on Partner { grade grades { grade gradedOn byUsername } } } }"


async def partner(license_number: str) -> Organization:
    """The clinic, read in a transaction with the national scope (row-level security on `organization`)."""
    async with in_transaction() as conn:
        await conn.execute_query("select set_config('app.case_scope', 'NATIONAL', true)")
        return await Organization.get(license_number=license_number)


async def grade_rows(partner_id: int) -> int:
    """The clinic's grading rows, all of them (a transaction with the national scope)."""
    async with in_transaction() as conn:
        await conn.execute_query("select set_config('app.case_scope', 'NATIONAL', true)")
        return await PartnerGrade.filter(partner_id=partner_id).count()


async def forget_grades(license_number: str) -> Organization:
    """Make the clinic one never graded (ORM, in a transaction with the national scope row-level security allows)."""
    clinic = await partner(license_number)
    async with in_transaction() as conn:
        await conn.execute_query("select set_config('app.case_scope', 'NATIONAL', true)")
        await PartnerGrade.filter(partner_id=clinic.id).delete()
        await Organization.filter(id=clinic.id).update(grade="UNGRADED", first_graded_on=None)
    return clinic


async def grade(api, license_number: str, value: str, graded_on: str | None = None, *,
                username: str = "yazd.province", version: int | None = None) -> dict:
    row = await partner(license_number)
    return await api.as_user(username, GRADE, {"input": {
        "partnerId": to_global_id("Partner", row.id), "grade": value, "gradedOn": graded_on or TODAY.isoformat(),
        "version": row.version if version is None else version}})


def extensions(result: dict) -> dict:
    assert result.get("errors"), result
    return result["errors"][0]["extensions"]


async def test_the_province_office_grades_a_clinic_and_the_history_is_kept(api):
    before = await partner(CLINIC2)
    # A Jalali date with Persian digits (docs/api.md: every Date input accepts Jalali): 1405/08/01 = 2026-10-23.
    result = await grade(api, CLINIC2, "GRADE_2", "۱۴۰۵/۰۸/۰۱")
    assert "errors" not in result, result
    graded = result["data"]["gradePartner"]["partner"]
    assert graded == {
        "name": "کلینیک مددکاری اجتماعی نوید زندگی", "grade": "GRADE_2",
        "firstGradedOn": "2026-03-14", "firstGradedOnJalali": "1404/12/23",  # its first grading stays the first
        "version": before.version + 1,
        "grades": [
            {"grade": "GRADE_3", "gradedOn": "2026-03-14", "gradedOnJalali": "1404/12/23",
             "byUsername": "yazd.province"},
            {"grade": "GRADE_2", "gradedOn": "2026-10-23", "gradedOnJalali": "1405/08/01",
             "byUsername": "yazd.province"},
        ]}
    # The office of its county and the clinic's own manager read the history; the national admin may grade too.
    for username in ("yazd.county", "clinic2.manager", "admin"):
        data = await api.ok(username, GRADES, {"id": to_global_id("Partner", before.id)})
        assert [g["grade"] for g in data["node"]["grades"]] == ["GRADE_3", "GRADE_2"]
    assert "errors" not in await grade(api, CLINIC2, "GRADE_1", username="admin")
    assert (await partner(CLINIC2)).grade == "GRADE_1"


async def test_a_first_grade_sets_the_first_grading_date(api):
    await forget_grades(CLINIC2)
    left = await grade(api, CLINIC2, "UNGRADED", "2026-04-01")  # a decision without a grade sets no grading date
    assert left["data"]["gradePartner"]["partner"]["firstGradedOn"] is None
    result = await grade(api, CLINIC2, "GRADE_3", "2026-05-01")
    assert result["data"]["gradePartner"]["partner"]["firstGradedOn"] == "2026-05-01"
    assert [(g["grade"], g["gradedOn"]) for g in result["data"]["gradePartner"]["partner"]["grades"]] == [
        ("UNGRADED", "2026-04-01"), ("GRADE_3", "2026-05-01")]


@pytest.mark.parametrize("license_number", [CHARITY, CHILD_HOME])
async def test_only_clinics_are_graded(api, license_number):
    before = await partner(license_number)
    result = await grade(api, license_number, "GRADE_1", username="admin")
    assert extensions(result)["code"] == "BAD_USER_INPUT" and extensions(result)["field"] == "partnerId"
    assert result["data"] is None
    after = await partner(license_number)
    assert (after.grade, after.version) == (None, before.version)
    assert await grade_rows(before.id) == 0


@pytest.mark.parametrize(("graded_on", "field"), [
    ((TODAY + datetime.timedelta(days=1)).isoformat(), "gradedOn"),  # not yet decided
    ("2026-03-13", "gradedOn"),  # the day before its last grading (1404/12/23)
    ("1405/13/01", None),  # no such Jalali month: refused by the Date scalar
])
async def test_a_bad_grading_date_is_bad_input(api, graded_on, field):
    before = await partner(CLINIC2)
    result = await grade(api, CLINIC2, "GRADE_1", graded_on)
    assert extensions(result)["code"] == "BAD_USER_INPUT"
    if field:
        assert extensions(result)["field"] == field
    assert (await partner(CLINIC2)).grade == before.grade


async def test_a_stale_version_is_a_conflict(api):
    before = await partner(CLINIC2)
    assert "errors" not in await grade(api, CLINIC2, "GRADE_2", version=before.version)
    result = await grade(api, CLINIC2, "GRADE_1", version=before.version)
    assert extensions(result) == {"code": "CONFLICT", "messageFa": extensions(result)["messageFa"], "field": "version"}
    assert (await partner(CLINIC2)).grade == "GRADE_2"
    assert await grade_rows(before.id) == 2  # the demo's and the one that won


@pytest.mark.parametrize("username", ["yazd.county", "meybod.supervisor", "clinic2.manager", "clinic.worker1",
                                      "auditor", "kindergarten.operator"])
async def test_only_the_province_office_and_the_national_admin_grade(api, username):
    assert error_code(await grade(api, CLINIC2, "GRADE_1", username=username)) == "FORBIDDEN"
    assert (await partner(CLINIC2)).grade == "GRADE_3"


async def test_a_clinic_of_another_province_is_not_found(api):
    province = await Province.create(name="اصفهان", code="ESF")
    where = await County.create(name="اصفهان", code="ESF-ESF", province=province)
    async with in_transaction() as conn:  # the national scope, which row-level security lets register a partner
        await conn.execute_query("select set_config('app.case_scope', 'NATIONAL', true)")
        outsider = await Organization.create(kind=OrganizationKind.CLINIC, name="کلینیک اصفهان",
                                             name_search="کلینیک اصفهان", province=province, county=where,
                                             license_number="ESF-CL-1", license_valid_from=datetime.date(2020, 1, 1),
                                             license_valid_until=datetime.date(2040, 1, 1), grade="UNGRADED")

    async def grade_id(pk: int) -> dict:
        return await api.as_user("yazd.province", GRADE, {"input": {
            "partnerId": to_global_id("Partner", pk), "grade": "GRADE_1", "gradedOn": TODAY.isoformat(), "version": 1}})

    # Exactly like a clinic that does not exist (docs/access.md rule 3).
    assert extensions(await grade_id(outsider.id)) == extensions(await grade_id(999999)) == {
        "code": "NOT_FOUND", "messageFa": "چنین موردی یافت نشد.", "field": "partnerId"}
    assert await grade_rows(outsider.id) == 0


async def test_grades_are_for_the_office_and_the_clinic_manager(api):
    clinic2 = to_global_id("Partner", (await partner(CLINIC2)).id)
    assert error_code(await api.as_user("clinic.worker1", "{ partners { edges { node { grades { grade } } } } }")) \
        == "FORBIDDEN"
    # Another clinic's manager does not reach clinic 2 at all.
    assert (await api.ok("clinic.manager", "query($id: ID!) { node(id: $id) { id } }", {"id": clinic2}))["node"] is None


async def test_registering_a_graded_clinic_records_its_first_grading(api):
    counties = await api.ok("admin", "{ provinces { counties { id code } } }")
    yazd = next(c["id"] for p in counties["provinces"] for c in p["counties"] if c["code"] == "YZD-YAZD")
    result = await api.as_user("yazd.province", """
        mutation($input: RegisterPartnerInput!) { registerPartner(input: $input) { partner { grades {
          grade gradedOn byUsername } } } }""", {"input": {
        "kind": "CLINIC", "name": "کلینیک آزمون", "countyId": yazd, "licenseNumber": "YZD-CL-T-9",
        "licenseValidFrom": "2025-03-21", "licenseValidUntil": "2030-03-20", "grade": "GRADE_2",
        "firstGradedOn": "1404/03/11"}})
    assert "errors" not in result, result
    assert result["data"]["registerPartner"]["partner"]["grades"] == [
        {"grade": "GRADE_2", "gradedOn": "2025-06-01", "byUsername": "yazd.province"}]


def _viewer(role: Role, kind: OrganizationKind, org: int, province: int | None, county: int | None) -> Viewer:
    return Viewer(user_id=1, username="x", role=role, organization_id=org, organization_kind=kind,
                  province_id=province, county_id=county, staff_member_id=None)


async def _rls_grades(who: Viewer | None) -> set[int]:
    """Every grading row an unfiltered ORM query returns in a transaction scoped as the API scopes a request."""
    async with in_transaction() as conn:
        for name, value in database_settings(who).items():
            await conn.execute_query("select set_config($1, $2, true)", [name, value])
        return {row.partner_id for row in await PartnerGrade.all()}


async def test_row_level_security_keeps_the_history_in_its_slice(app):
    clinic1, clinic2 = await partner(CLINIC1), await partner(CLINIC2)
    meybod = await County.get(code="YZD-MEYBOD")
    manager = _viewer(Role.PARTNER_MANAGER, OrganizationKind.CLINIC, clinic2.id, clinic2.province_id,
                      clinic2.county_id)
    meybod_office = _viewer(Role.COUNTY_OFFICER, OrganizationKind.COUNTY_OFFICE, 1, meybod.province_id, meybod.id)
    province = _viewer(Role.PROVINCE_OFFICER, OrganizationKind.PROVINCE_OFFICE, 1, clinic1.province_id, None)
    auditor = _viewer(Role.AUDITOR, OrganizationKind.PROVINCE_OFFICE, 1, clinic1.province_id, None)
    assert await _rls_grades(manager) == {clinic2.id}
    assert await _rls_grades(province) == {clinic1.id, clinic2.id}
    assert await _rls_grades(meybod_office) == set()  # both clinics are in Yazd county
    assert await _rls_grades(auditor) == set()
    assert await _rls_grades(None) == set()
    assert await PartnerGrade.all().count() == 0  # outside a scoped transaction the API's role sees none

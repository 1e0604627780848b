"""Delegation through /graphql (issue #3, corrected in issue #7): yearly agreements signed by the province or county
office, assigning files to partners within their quotas — a clinic's caseload norm is a minimum, a charity's a cap
shared pro rata (Art. 2–4, 6.1; seed 003), an ungraded clinic none past its first year (Art. 6.4.4) —, naming the
worker, returning files, and a partner's access beginning and ending with the assignment (docs/access.md rules 1, 3,
4)."""

from __future__ import annotations

import asyncio
import datetime
import itertools
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.children import Child, CustodyReason, Placement
from models.delegation import Agreement, Assignment, FileLoad
from models.families import Family, FamilyCategory, Member, Rehabilitability, Relation, Sex
from models.geography import County, Province
from models.organizations import ClinicGrade, Organization, OrganizationKind, PartnerGrade, StaffMember
from rules.grading import first_year_ends
from rules.jalali import jalali_year
from rules.national_id import make_national_id
from schema.node import from_global_id, to_global_id
from tests.conftest import error_code

TODAY = datetime.date.today()
YEAR = jalali_year(TODAY)
R, N = Rehabilitability.REHABILITABLE, Rehabilitability.NON_REHABILITABLE

CLINIC1 = "YZD-CL-1390-014"  # Yazd; four eligible social workers
CLINIC2 = "YZD-CL-1403-027"  # Yazd; one eligible social worker
CHARITY = "YZD-CH-1395-006"  # Meybod (no clinic there); two eligible experts
CHILD_HOME = "YZD-CHH-1398-011"  # Yazd

_serial = itertools.count(1)

SIGN = """
mutation($input: SignAgreementInput!) {
  signAgreement(input: $input) {
    agreement { id jalaliYear quotaRehabilitable quotaNonRehabilitable quotaChildren signedOn signedOnJalali status
                partner { name caseloadMethod } }
  }
}"""

ASSIGN = """
mutation($input: AssignFilesInput!) {
  assignFiles(input: $input) {
    assignments { id assignedOn endedOn endReason partner { name } worker { fullName } family { id } child { id } }
  }
}"""

ASSIGN_WORKER = """
mutation($input: AssignWorkerInput!) {
  assignWorker(input: $input) { assignment { id worker { fullName } family { id } child { id } } }
}"""

GRADE = """
mutation($input: GradePartnerInput!) { gradePartner(input: $input) { partner { grade firstGradedOn version } } }"""

RETURN = """
mutation($input: ReturnFileInput!) {
  returnFile(input: $input) { assignment { id endedOn endReason partner { name } } }
}"""

# The demo seed holds delegated files of its own: the lists are narrowed to this module's files by file number.
FAMILIES = 'query { families(filter: {fileNumber: "T-F-"}) { totalCount edges { node { id } } } }'
CHILDREN = 'query { children(filter: {fileNumber: "T-C-"}) { totalCount edges { node { id } } } }'
FAMILY = "query($id: ID!) { family(id: $id) { id members { firstName } } }"
NODE = "query($id: ID!) { node(id: $id) { id } }"

CASELOAD_FIELDS = """
fragment numbers on Caseload {
  jalaliYear method eligibleWorkers quotaRehabilitable quotaNonRehabilitable quotaChildren
  normRehabilitable normNonRehabilitable minimumRehabilitable minimumNonRehabilitable underLoaded note3Applies
  expertsInUse capacityRehabilitable capacityNonRehabilitable liveRehabilitable liveNonRehabilitable liveChildren
}"""
CASELOAD = ("query($id: ID!, $year: Int) { node(id: $id) { ... on Partner { caseload(jalaliYear: $year) { ...numbers } "
            "} } }" + CASELOAD_FIELDS)
OWN_CASELOAD = "{ partners { edges { node { caseloadMethod caseload { ...numbers } } } } }" + CASELOAD_FIELDS
AGREEMENTS = "{ partners { edges { node { caseloadMethod agreements { id jalaliYear quotaRehabilitable } } } } }"


# --- fixtures built through the ORM, as the office would have registered them ------------------------------------


@asynccontextmanager
async def national_scope() -> AsyncIterator[None]:
    """A transaction on the API's own connection with the national case scope (row-level security allows all)."""
    async with in_transaction() as conn:
        await conn.execute_query("select set_config('app.case_scope', 'NATIONAL', true)")
        yield


async def county(code: str = "YZD-YAZD") -> County:
    return await County.get(code=code)


async def make_family(rehabilitability: Rehabilitability = R, county_code: str = "YZD-YAZD", members: int = 2) -> str:
    """A household with `members` members, classified as given; its global ID."""
    where = await county(county_code)
    n = next(_serial)
    async with national_scope():
        family = await Family.create(file_number=f"T-F-{n}", category=FamilyCategory.WOMAN_HEADED,
                                     rehabilitability=rehabilitability, province_id=where.province_id,
                                     county_id=where.id, household_size=members)
        for i in range(members):
            await Member.create(family=family, national_id=make_national_id(f"{n:06d}{i:03d}"),
                                first_name=f"عضو{i}", last_name="آزمون", birth_date=datetime.date(1990, 1, 1),
                                sex=Sex.FEMALE, relation=Relation.HEAD if i == 0 else Relation.CHILD, is_head=i == 0,
                                province_id=where.province_id, county_id=where.id)
    return to_global_id("Family", family.id)


async def make_child(discharged_on: datetime.date | None, county_code: str = "YZD-YAZD") -> str:
    where = await county(county_code)
    n = next(_serial)
    async with national_scope():
        child = await Child.create(file_number=f"T-C-{n}", national_id=make_national_id(f"{n:06d}999"),
                                   first_name="کودک", last_name="آزمون", birth_date=datetime.date(2012, 5, 1),
                                   sex=Sex.MALE, custody_reason=CustodyReason.PARENTS_DECEASED,
                                   placement=Placement.RELATIVES, discharged_on=discharged_on,
                                   province_id=where.province_id, county_id=where.id)
    return to_global_id("Child", child.id)


async def partner(license_number: str) -> Organization:
    async with national_scope():  # row-level security shows a partner only within a scope (migration 0018)
        return await Organization.get(license_number=license_number)


async def partner_id(license_number: str) -> str:
    return to_global_id("Partner", (await partner(license_number)).id)


async def staff_id(full_name: str) -> str:
    async with national_scope():
        return to_global_id("StaffMember", (await StaffMember.get(full_name=full_name)).id)


async def live_load(license_number: str) -> dict[str, int]:
    """What the database counts for the partner, whoever asks (the quota's own source); every load, 0 if none."""
    found = await connections.get("default").execute_query_dict(
        "select load, files from partner_live_load($1)", [(await partner(license_number)).id])
    return {load.value: 0 for load in FileLoad} | {row["load"]: row["files"] for row in found}


def plus(load: dict[str, int], **added: int) -> dict[str, int]:
    return {kind: files + added.get(kind, 0) for kind, files in load.items()}


async def sign(api, license_number: str, *, rehabilitable: int = 10, non_rehabilitable: int = 10, children: int = 0,
               method: int | None = 1, year: int = YEAR + 1, username: str = "yazd.province",
               no_clinic_applicant: bool | None = None, signed_on: str = "1404-01-15") -> dict:
    agreement = {"partnerId": await partner_id(license_number), "jalaliYear": year,
                 "quotaRehabilitable": rehabilitable, "quotaNonRehabilitable": non_rehabilitable,
                 "quotaChildren": children, "signedOn": signed_on}
    if method is not None:
        agreement["caseloadMethod"] = method
    if no_clinic_applicant is not None:
        agreement["noClinicApplicant"] = no_clinic_applicant
    return await api.as_user(username, SIGN, {"input": agreement})


async def fresh_agreement(api, license_number: str, *, rehabilitable: int = 0, non_rehabilitable: int = 0,
                          children: int = 0, method: int | None = 1, no_clinic_applicant: bool | None = None,
                          username: str = "yazd.province") -> None:
    """This year's agreement with the given quotas *on top of* what the partner already holds: the demo's own
    agreement is put out of the way (ORM) and a new one signed through the API."""
    live = await live_load(license_number)
    await drop_agreement((await partner(license_number)).id, YEAR)
    result = await sign(api, license_number, year=YEAR, method=method, no_clinic_applicant=no_clinic_applicant,
                        rehabilitable=live["REHABILITABLE"] + rehabilitable,
                        non_rehabilitable=live["NON_REHABILITABLE"] + non_rehabilitable,
                        children=live["CHILD"] + children, username=username,
                        signed_on=(TODAY - datetime.timedelta(days=1)).isoformat())
    assert "errors" not in result, result


_moved = itertools.count(1)


async def drop_agreement(partner_id: int, year: int) -> None:
    """Take the partner's agreement of `year` out of the way: the API's role may delete no agreement (row-level
    security, migration 0018), so it is moved to a year over a century back, each time another, which no test reads."""
    async with national_scope():
        await Agreement.filter(partner_id=partner_id, jalali_year=year).update(jalali_year=year - 100 - next(_moved))


async def assign(api, license_number: str, families: list[str] = (), children: list[str] = (),
                 username: str = "yazd.county") -> dict:
    return await api.as_user(username, ASSIGN, {"input": {
        "partnerId": await partner_id(license_number), "familyIds": list(families), "childIds": list(children)}})


async def visible_families(api, username: str) -> set[str]:
    connection = (await api.ok(username, FAMILIES))["families"]
    ids = {edge["node"]["id"] for edge in connection["edges"]}
    assert connection["totalCount"] == len(ids), connection
    return ids


async def visible_children(api, username: str) -> set[str]:
    connection = (await api.ok(username, CHILDREN))["children"]
    ids = {edge["node"]["id"] for edge in connection["edges"]}
    assert connection["totalCount"] == len(ids), connection
    return ids


def extensions(result: dict) -> dict:
    assert result.get("errors"), result
    return result["errors"][0]["extensions"]


async def other_province_partner() -> Organization:
    """A licensed clinic in a second province, outside every Yazd office's area."""
    province = await Province.create(name="اصفهان", code="ESF")
    where = await County.create(name="اصفهان", code="ESF-ESF", province=province)
    async with national_scope():
        return await Organization.create(
            kind=OrganizationKind.CLINIC, name="کلینیک اصفهان", name_search="کلینیک اصفهان", province=province,
            county=where, license_number="ESF-CL-1", license_valid_from=datetime.date(2020, 1, 1),
            license_valid_until=datetime.date(2040, 1, 1))


# --- signAgreement ---------------------------------------------------------------------------------------------


async def test_sign_agreement_records_quotas_and_the_clinic_method(api):
    result = await sign(api, CLINIC2, rehabilitable=120, non_rehabilitable=40, children=5, method=2)
    assert "errors" not in result, result
    agreement = result["data"]["signAgreement"]["agreement"]
    assert {k: v for k, v in agreement.items() if k != "id"} == {
        "jalaliYear": YEAR + 1, "quotaRehabilitable": 120, "quotaNonRehabilitable": 40, "quotaChildren": 5,
        "signedOn": "2025-04-04", "signedOnJalali": "1404/01/15", "status": "ACTIVE",
        "partner": {"name": "کلینیک مددکاری اجتماعی نوید زندگی", "caseloadMethod": 2}}
    # The manager sees its own agreements (the demo's for this year, and the new one); no other partner's.
    data = await api.ok("clinic2.manager", AGREEMENTS)
    [node] = [edge["node"] for edge in data["partners"]["edges"]]
    assert node["caseloadMethod"] == 2
    assert [(a["jalaliYear"], a["quotaRehabilitable"]) for a in node["agreements"]] == [(YEAR, 60), (YEAR + 1, 120)]
    assert node["agreements"][1]["id"] == agreement["id"]
    data = await api.ok("clinic.manager", AGREEMENTS)
    assert [a["jalaliYear"] for a in data["partners"]["edges"][0]["node"]["agreements"]] == [YEAR]


async def test_one_agreement_per_partner_and_year(api):
    assert "errors" not in await sign(api, CLINIC1)
    again = await sign(api, CLINIC1, rehabilitable=99)
    assert error_code(again) == "CONFLICT" and extensions(again)["field"] == "jalaliYear"
    this_year = await sign(api, CLINIC1, year=YEAR)  # the demo signed this year's already
    assert error_code(this_year) == "CONFLICT"
    assert "errors" not in await sign(api, CLINIC1, year=YEAR + 2)
    data = await api.ok("clinic.manager", AGREEMENTS)
    assert [(a["jalaliYear"], a["quotaRehabilitable"]) for a in data["partners"]["edges"][0]["node"]["agreements"]
            ] == [(YEAR, 150), (YEAR + 1, 10), (YEAR + 2, 10)]


@pytest.mark.parametrize(("license_number", "overrides", "field"), [
    (CLINIC1, {"method": None}, "caseloadMethod"),      # a clinic must choose its Art. 2.2 method
    (CLINIC1, {"method": 4}, "caseloadMethod"),
    (CLINIC1, {"method": 0}, "caseloadMethod"),
    (CHARITY, {"method": 1}, "caseloadMethod"),          # only clinics have one
    (CHILD_HOME, {"method": 3}, "caseloadMethod"),
    (CLINIC1, {"rehabilitable": -1}, "quotaRehabilitable"),
    (CLINIC1, {"non_rehabilitable": -5}, "quotaNonRehabilitable"),
    (CLINIC1, {"children": -1}, "quotaChildren"),
    (CLINIC1, {"year": 2025}, "jalaliYear"),
    (CLINIC1, {"no_clinic_applicant": True}, "noClinicApplicant"),  # Art. 3 note 3 is for charities and complexes
    (CHILD_HOME, {"method": None, "no_clinic_applicant": True}, "noClinicApplicant"),
])
async def test_sign_agreement_refuses_bad_input(api, license_number, overrides, field):
    result = await sign(api, license_number, **overrides)
    assert error_code(result) == "BAD_USER_INPUT" and extensions(result)["field"] == field
    data = await api.ok("admin", "query($id: ID!) { node(id: $id) { ... on Partner { caseloadMethod agreements { "
                                 "jalaliYear } } } }", {"id": await partner_id(license_number)})
    assert data["node"]["agreements"] == [{"jalaliYear": YEAR}]
    assert data["node"]["caseloadMethod"] == {CLINIC1: 2, CHARITY: None, CHILD_HOME: None}[license_number]


async def test_charity_agreement_has_no_method(api):
    result = await sign(api, CHARITY, method=None)
    assert "errors" not in result, result
    assert result["data"]["signAgreement"]["agreement"]["partner"]["caseloadMethod"] is None


@pytest.mark.parametrize("username", ["meybod.supervisor", "clinic.manager", "clinic.worker1", "auditor"])
async def test_only_the_offices_sign(api, username):
    assert error_code(await sign(api, CLINIC1, username=username)) == "FORBIDDEN"


async def test_the_county_office_signs_in_its_county(api):
    # Art. 6.1: «اداره کل بهزیستی استان و یا اداره بهزیستی شهرستان».
    result = await sign(api, CLINIC2, username="yazd.county", method=2)
    assert "errors" not in result, result
    assert result["data"]["signAgreement"]["agreement"]["partner"]["caseloadMethod"] == 2
    result = await sign(api, CHARITY, username="meybod.county", method=None, no_clinic_applicant=True)
    assert "errors" not in result, result
    # The Meybod charity is outside the Yazd county office's area: like a partner that does not exist.
    result = await sign(api, CHARITY, username="yazd.county", method=None, year=YEAR + 2)
    assert extensions(result) == {"code": "NOT_FOUND", "messageFa": "چنین موردی یافت نشد.", "field": "partnerId"}
    async with national_scope():
        assert await Agreement.filter(partner_id=(await partner(CHARITY)).id, jalali_year=YEAR + 2).count() == 0


async def test_province_office_cannot_sign_for_another_province(api):
    outsider = await other_province_partner()

    async def sign_for(username: str, pk: int) -> dict:
        return await api.as_user(username, SIGN, {"input": {
            "partnerId": to_global_id("Partner", pk), "jalaliYear": YEAR, "quotaRehabilitable": 1,
            "quotaNonRehabilitable": 1, "signedOn": "1404-01-15", "caseloadMethod": 1}})

    # Exactly like a partner that does not exist (docs/access.md rule 3).
    assert extensions(await sign_for("yazd.province", outsider.id)) == extensions(
        await sign_for("yazd.province", 999999)) == {"code": "NOT_FOUND", "messageFa": "چنین موردی یافت نشد.",
                                                     "field": "partnerId"}
    async with national_scope():
        assert await Agreement.filter(partner_id=outsider.id).count() == 0
    assert "errors" not in await sign_for("admin", outsider.id)


# --- assignFiles: the happy path and who sees what ---------------------------------------------------------------


async def test_assigned_files_reach_the_partner_manager_and_no_worker_until_named(api):
    before = await live_load(CLINIC1)
    first, second, kept = await make_family(), await make_family(), await make_family()
    result = await assign(api, CLINIC1, [first, second])
    assert "errors" not in result, result
    assignments = result["data"]["assignFiles"]["assignments"]
    assert [(a["family"]["id"], a["child"], a["partner"]["name"], a["worker"], a["assignedOn"], a["endedOn"],
             a["endReason"]) for a in assignments] == [
        (first, None, "کلینیک مددکاری اجتماعی مهرآفرین", None, TODAY.isoformat(), None, None),
        (second, None, "کلینیک مددکاری اجتماعی مهرآفرین", None, TODAY.isoformat(), None, None)]
    assert await visible_families(api, "clinic.manager") == {first, second}
    assert await visible_families(api, "clinic.worker1") == set()
    assert await visible_families(api, "clinic2.manager") == set()
    assert await visible_families(api, "yazd.county") == {first, second, kept}
    assert await live_load(CLINIC1) == plus(before, REHABILITABLE=2)

    named = await api.as_user("clinic.manager", ASSIGN_WORKER, {"input": {
        "familyId": first, "workerId": await staff_id("زهرا میرجلیلی")}})
    assert "errors" not in named, named
    assert named["data"]["assignWorker"]["assignment"]["worker"] == {"fullName": "زهرا میرجلیلی"}
    assert await visible_families(api, "clinic.worker1") == {first}
    assert await visible_families(api, "clinic.worker2") == set()
    assert await visible_families(api, "clinic.manager") == {first, second}
    # The members moved with the file: the worker reads the whole household.
    data = await api.ok("clinic.worker1", FAMILY, {"id": first})
    assert sorted(m["firstName"] for m in data["family"]["members"]) == ["عضو0", "عضو1"]


async def test_a_file_live_with_another_partner_is_reassigned_and_the_same_partner_conflicts(api):
    family = await make_family()
    one, two = await live_load(CLINIC1), await live_load(CLINIC2)
    assert "errors" not in await assign(api, CLINIC1, [family])
    again = await assign(api, CLINIC1, [family])
    assert error_code(again) == "CONFLICT" and extensions(again)["field"] == "familyIds"

    moved = await assign(api, CLINIC2, [family])
    assert "errors" not in moved, moved
    assert await visible_families(api, "clinic.manager") == set()
    assert await visible_families(api, "clinic2.manager") == {family}
    assert await live_load(CLINIC1) == one and await live_load(CLINIC2) == plus(two, REHABILITABLE=1)
    data = await api.ok("yazd.county", "query($id: ID!) { family(id: $id) { assignments { partner { name } endReason "
                                       "events { transition } } } }", {"id": family})
    assert data["family"]["assignments"] == [
        {"partner": {"name": "کلینیک مددکاری اجتماعی مهرآفرین"}, "endReason": "REASSIGNED",
         "events": [{"transition": "ASSIGNED"}, {"transition": "REASSIGNED"}]},
        {"partner": {"name": "کلینیک مددکاری اجتماعی نوید زندگی"}, "endReason": None,
         "events": [{"transition": "ASSIGNED"}]}]


@pytest.mark.parametrize("username", ["yazd.province", "meybod.supervisor", "clinic.manager", "clinic.worker1"])
async def test_only_delegators_assign_and_return(api, username):
    family = await make_family()
    assert error_code(await assign(api, CLINIC1, [family], username=username)) == "FORBIDDEN"
    result = await api.as_user(username, RETURN, {"input": {"familyId": family, "reason": "x"}})
    assert error_code(result) == "FORBIDDEN"


# --- assignFiles: quotas and capacity -------------------------------------------------------------------------


async def test_quota_plus_one_is_refused_and_nothing_is_assigned(api):
    await fresh_agreement(api, CLINIC1, rehabilitable=2, method=2)
    before = await live_load(CLINIC1)
    files = [await make_family() for _ in range(3)]
    result = await assign(api, CLINIC1, files)
    assert extensions(result) == {
        "code": "QUOTA_EXCEEDED", "messageFa": extensions(result)["messageFa"], "kind": "REHABILITABLE",
        "quota": before["REHABILITABLE"] + 2, "live": before["REHABILITABLE"], "adding": 3, "rule": "ART_4_2_QUOTA"}
    assert result["data"] is None
    assert await visible_families(api, "clinic.manager") == set()
    assert await live_load(CLINIC1) == before

    assert "errors" not in await assign(api, CLINIC1, files[:2])  # exactly at the quota
    result = await assign(api, CLINIC1, files[2:])
    assert (extensions(result)["code"], extensions(result)["live"], extensions(result)["adding"]) == (
        "QUOTA_EXCEEDED", before["REHABILITABLE"] + 2, 1)
    assert await live_load(CLINIC1) == plus(before, REHABILITABLE=2)


async def test_each_load_counts_against_its_own_quota(api):
    await fresh_agreement(api, CLINIC1, rehabilitable=5, non_rehabilitable=0, method=2)
    before = await live_load(CLINIC1)
    result = await assign(api, CLINIC1, [await make_family(R), await make_family(N)])
    assert (extensions(result)["kind"], extensions(result)["quota"], extensions(result)["adding"]) == (
        "NON_REHABILITABLE", before["NON_REHABILITABLE"], 1)
    assert await live_load(CLINIC1) == before


@pytest.mark.parametrize("bad", ["unclassified", "outside", "missing", "twice"])
async def test_a_batch_with_one_bad_file_assigns_none(api, bad):
    before = await live_load(CLINIC1)
    good = await make_family()
    if bad == "unclassified":
        other = await make_family(Rehabilitability.UNCLASSIFIED)
    elif bad == "outside":
        other = await make_family(county_code="YZD-MEYBOD")
    elif bad == "missing":
        other = to_global_id("Family", 999999)
    else:
        other = good
    result = await assign(api, CLINIC1, [good, other])
    if bad == "unclassified":
        assert extensions(result)["code"] == "RULE_VIOLATION" and extensions(result)["rule"] == "ART_4_1_CLASSIFY_FIRST"
    elif bad == "twice":
        assert extensions(result)["code"] == "BAD_USER_INPUT" and extensions(result)["field"] == "familyIds"
    else:  # absent and out of the county answer alike (docs/access.md rule 3)
        assert extensions(result) == {"code": "NOT_FOUND", "messageFa": "چنین موردی یافت نشد.", "field": "familyIds"}
    assert await visible_families(api, "clinic.manager") == set()
    assert await live_load(CLINIC1) == before


async def test_a_clinic_norm_is_a_minimum_and_never_refuses(api):
    # Issue #7 (Art. 2.2 «حداقل»): this test used to expect QUOTA_EXCEEDED/ART_2_CASELOAD past "capacity". Clinic 2
    # has one eligible social worker and method 1 (at least 100 rehabilitable files, no non-rehabilitable minimum);
    # only its quota caps it.
    await fresh_agreement(api, CLINIC2, rehabilitable=500, non_rehabilitable=500, method=1)
    before = await live_load(CLINIC2)
    caseload = (await api.ok("clinic2.manager", OWN_CASELOAD))["partners"]["edges"][0]["node"]["caseload"]
    assert {k: caseload[k] for k in ("eligibleWorkers", "minimumRehabilitable", "minimumNonRehabilitable",
                                     "underLoaded", "note3Applies", "expertsInUse")} == {
        "eligibleWorkers": 1, "minimumRehabilitable": 100, "minimumNonRehabilitable": 0,
        "underLoaded": before["REHABILITABLE"] < 100, "note3Applies": None, "expertsInUse": None}
    assert "errors" not in await assign(api, CLINIC2, [await make_family(N)])  # no non-rehabilitable minimum: fine

    # Without its social worker the clinic has no minimum, and still takes files up to its quota.
    async with national_scope():
        await StaffMember.filter(full_name="نرگس اکرمی").update(is_active=False)
    assert "errors" not in await assign(api, CLINIC2, [await make_family(R)])
    assert await live_load(CLINIC2) == plus(before, REHABILITABLE=1, NON_REHABILITABLE=1)
    caseload = (await api.ok("clinic2.manager", OWN_CASELOAD))["partners"]["edges"][0]["node"]["caseload"]
    assert (caseload["eligibleWorkers"], caseload["minimumRehabilitable"], caseload["underLoaded"]) == (0, 0, False)


async def test_a_clinic_under_its_minimum_is_reported_under_loaded(api):
    # Method 1 with one worker: at least 100 rehabilitable files (Art. 2.2.1). 99 is under, 100 and 101 are not.
    clinic = await partner(CLINIC2)
    await fresh_agreement(api, CLINIC2, rehabilitable=200, method=1)
    held = (await live_load(CLINIC2))["REHABILITABLE"]
    assert held < 99, "the demo clinic 2 holds fewer files than this test adds"
    files = [await make_family(members=1) for _ in range(101 - held)]
    query = "query($id: ID!) { node(id: $id) { ... on Partner { caseload { liveRehabilitable underLoaded } } } }"
    for target, under in ((99, True), (100, False), (101, False)):
        live = (await live_load(CLINIC2))["REHABILITABLE"]
        assert "errors" not in await assign(api, CLINIC2, files[:target - live])
        files = files[target - live:]
        caseload = (await api.ok("yazd.county", query, {"id": to_global_id("Partner", clinic.id)}))["node"]["caseload"]
        assert caseload == {"liveRehabilitable": target, "underLoaded": under}


# --- assignFiles: the partner's standing and the files' eligibility ----------------------------------------------


async def test_no_agreement_in_force_for_this_year(api):
    family = await make_family()
    clinic = (await partner(CLINIC1)).id
    async with national_scope():
        await Agreement.filter(partner_id=clinic, jalali_year=YEAR).update(status="ENDED")
    result = await assign(api, CLINIC1, [family])
    assert extensions(result)["code"] == "RULE_VIOLATION" and extensions(result)["rule"] == "ART_6_1_AGREEMENT"
    await drop_agreement(clinic, YEAR)
    assert "errors" not in await sign(api, CLINIC1, year=YEAR - 1, method=2)  # last year's does not count
    result = await assign(api, CLINIC1, [family])
    assert extensions(result)["rule"] == "ART_6_1_AGREEMENT"
    assert await visible_families(api, "clinic.manager") == set()


async def test_expired_license(api):
    async with national_scope():
        await Organization.filter(license_number=CLINIC1).update(
            license_valid_until=TODAY - datetime.timedelta(days=1))
    result = await assign(api, CLINIC1, [await make_family()])
    assert extensions(result)["code"] == "RULE_VIOLATION" and extensions(result)["rule"] == "ART_1_LICENSE"
    async with national_scope():
        await Organization.filter(license_number=CLINIC1).update(
            license_valid_from=TODAY + datetime.timedelta(days=1),
            license_valid_until=TODAY + datetime.timedelta(days=9))
    assert extensions(await assign(api, CLINIC1, [await make_family()]))["rule"] == "ART_1_LICENSE"  # not yet valid
    async with national_scope():
        await Organization.filter(license_number=CLINIC1).update(license_valid_from=TODAY, license_valid_until=TODAY)
    assert "errors" not in await assign(api, CLINIC1, [await make_family()])  # valid through today


async def test_partner_outside_the_county_office_area(api):
    # The Meybod charity is outside the Yazd county office's area: the same answer as no partner at all.
    result = await assign(api, CHARITY, [await make_family(N)])
    assert extensions(result) == {"code": "NOT_FOUND", "messageFa": "چنین موردی یافت نشد.", "field": "partnerId"}
    outsider = await other_province_partner()
    result = await api.as_user("yazd.county", ASSIGN, {"input": {
        "partnerId": to_global_id("Partner", outsider.id), "familyIds": [await make_family()]}})
    assert extensions(result) == {"code": "NOT_FOUND", "messageFa": "چنین موردی یافت نشد.", "field": "partnerId"}
    assert await visible_families(api, "charity.manager") == set()


@pytest.mark.parametrize(("discharged", "rule"), [
    (TODAY - datetime.timedelta(days=182), "SEED_003_ONE_YEAR_AFTER_DISCHARGE"),  # six months ago
    (TODAY - datetime.timedelta(days=360), "SEED_003_ONE_YEAR_AFTER_DISCHARGE"),
    (None, "SEED_003_ONE_YEAR_AFTER_DISCHARGE"),  # still in the child home
    (TODAY - datetime.timedelta(days=730), None),  # two years ago
])
async def test_children_only_a_year_after_discharge(api, discharged, rule):
    before = await live_load(CHILD_HOME)
    child = await make_child(discharged)
    result = await assign(api, CHILD_HOME, children=[child])
    if rule:
        assert extensions(result)["code"] == "RULE_VIOLATION" and extensions(result)["rule"] == rule
        assert extensions(result)["code"] == "RULE_VIOLATION"
        assert await visible_children(api, "childhome.manager") == set()
        assert await live_load(CHILD_HOME) == before
    else:
        assert "errors" not in result, result
        assert result["data"]["assignFiles"]["assignments"][0]["child"] == {"id": child}
        assert await visible_children(api, "childhome.manager") == {child}
        assert await live_load(CHILD_HOME) == plus(before, CHILD=1)


async def test_children_count_against_the_children_quota(api):
    await fresh_agreement(api, CLINIC1, children=1, method=2)
    two_years_ago = TODAY - datetime.timedelta(days=730)
    children = [await make_child(two_years_ago), await make_child(two_years_ago)]
    result = await assign(api, CLINIC1, children=children)
    assert (extensions(result)["code"], extensions(result)["kind"], extensions(result)["adding"]) == (
        "QUOTA_EXCEEDED", "CHILD", 2)
    assert "errors" not in await assign(api, CLINIC1, children=children[:1])
    assert await visible_children(api, "clinic.manager") == set(children[:1])


# --- assignWorker ------------------------------------------------------------------------------------------------


async def test_worker_of_another_clinic_is_not_found_and_nothing_changes(api):
    family = await make_family()
    assert "errors" not in await assign(api, CLINIC1, [family])
    for worker in ("نرگس اکرمی", "سمیه ابوترابی"):  # clinic 2's and the charity's social workers
        result = await api.as_user("clinic.manager", ASSIGN_WORKER, {"input": {
            "familyId": family, "workerId": await staff_id(worker)}})
        assert extensions(result) == {"code": "NOT_FOUND", "messageFa": "چنین موردی یافت نشد.", "field": "workerId"}
    missing = await api.as_user("clinic.manager", ASSIGN_WORKER, {"input": {
        "familyId": family, "workerId": to_global_id("StaffMember", 999999)}})
    assert extensions(missing) == extensions(result)
    data = await api.ok("clinic.manager", "query($id: ID!) { family(id: $id) { currentAssignment { worker { id } } } }",
                        {"id": family})
    assert data["family"]["currentAssignment"] == {"worker": None}
    async with national_scope():
        row = await Family.get(id=from_global_id(family)[1])
        members = await Member.filter(family_id=row.id).values_list("assigned_worker_id", flat=True)
    assert row.assigned_worker_id is None and members == [None, None]


async def test_own_staff_who_carries_no_caseload_cannot_be_named(api):
    family = await make_family()
    assert "errors" not in await assign(api, CLINIC1, [family])
    manager = await api.as_user("clinic.manager", ASSIGN_WORKER, {"input": {
        "familyId": family, "workerId": await staff_id("فاطمه دهقانی")}})  # the technical manager
    assert error_code(manager) == "BAD_USER_INPUT" and extensions(manager)["field"] == "workerId"
    async with national_scope():
        await StaffMember.filter(full_name="مریم شریفی").update(is_active=False)
    inactive = await api.as_user("clinic.manager", ASSIGN_WORKER, {"input": {
        "familyId": family, "workerId": await staff_id("مریم شریفی")}})
    assert extensions(inactive)["code"] == "NOT_FOUND" and extensions(inactive)["field"] == "workerId"


async def test_another_manager_cannot_name_a_worker_for_a_file_not_delegated_to_it(api):
    family = await make_family()
    assert "errors" not in await assign(api, CLINIC1, [family])
    result = await api.as_user("clinic2.manager", ASSIGN_WORKER, {"input": {
        "familyId": family, "workerId": await staff_id("نرگس اکرمی")}})
    assert extensions(result) == {"code": "NOT_FOUND", "messageFa": "چنین موردی یافت نشد.", "field": "familyId"}
    assert await visible_families(api, "clinic2.manager") == set()
    data = await api.ok("clinic.manager", "query($id: ID!) { family(id: $id) { currentAssignment { worker { id } } } }",
                        {"id": family})
    assert data["family"]["currentAssignment"] == {"worker": None}


async def test_assign_worker_takes_exactly_one_file(api):
    family, child = await make_family(), await make_child(None)
    worker = await staff_id("زهرا میرجلیلی")
    both = await api.as_user("clinic.manager", ASSIGN_WORKER, {"input": {
        "familyId": family, "childId": child, "workerId": worker}})
    neither = await api.as_user("clinic.manager", ASSIGN_WORKER, {"input": {"workerId": worker}})
    assert error_code(both) == error_code(neither) == "BAD_USER_INPUT"


async def test_a_child_file_gets_its_worker(api):
    child = await make_child(TODAY - datetime.timedelta(days=800))
    assert "errors" not in await assign(api, CHILD_HOME, children=[child])
    result = await api.as_user("childhome.manager", ASSIGN_WORKER, {"input": {
        "childId": child, "workerId": await staff_id("مجید امیری")}})
    assert "errors" not in result, result
    assert result["data"]["assignWorker"]["assignment"]["child"] == {"id": child}
    async with national_scope():
        row = await Child.get(id=from_global_id(child)[1])
    assert row.assigned_worker_id == from_global_id(await staff_id("مجید امیری"))[1]


# --- returnFile -------------------------------------------------------------------------------------------------


async def test_returning_a_file_ends_the_partner_access_at_once(api):
    family, other = await make_family(), await make_family()
    assert "errors" not in await assign(api, CLINIC1, [family, other])
    before = await live_load(CLINIC1)
    assert "errors" not in await api.as_user("clinic.manager", ASSIGN_WORKER, {"input": {
        "familyId": family, "workerId": await staff_id("زهرا میرجلیلی")}})
    for username in ("clinic.manager", "clinic.worker1"):
        assert family in await visible_families(api, username)
        assert (await api.ok(username, NODE, {"id": family}))["node"] == {"id": family}
        assert (await api.ok(username, FAMILY, {"id": family}))["family"]["id"] == family

    result = await api.as_user("yazd.county", RETURN, {"input": {"familyId": family, "reason": "خروج از چرخه"}})
    assert "errors" not in result, result
    assert result["data"]["returnFile"]["assignment"] | {"id": None} == {
        "id": None, "endedOn": datetime.datetime.now(datetime.UTC).date().isoformat(), "endReason": "RETURNED",
        "partner": {"name": "کلینیک مددکاری اجتماعی مهرآفرین"}}
    for username in ("clinic.manager", "clinic.worker1"):
        assert family not in await visible_families(api, username)
        assert (await api.ok(username, NODE, {"id": family}))["node"] is None
        assert (await api.ok(username, FAMILY, {"id": family}))["family"] is None
    assert await visible_families(api, "clinic.manager") == {other}
    assert await live_load(CLINIC1) == plus(before, REHABILITABLE=-1)
    data = await api.ok("yazd.county", "query($id: ID!) { family(id: $id) { currentAssignment { id } assignments { "
                                       "endReason events { transition reason } } } }", {"id": family})
    assert data["family"] == {"currentAssignment": None, "assignments": [{"endReason": "RETURNED", "events": [
        {"transition": "ASSIGNED", "reason": ""}, {"transition": "WORKER_ASSIGNED", "reason": ""},
        {"transition": "RETURNED", "reason": "خروج از چرخه"}]}]}
    async with national_scope():
        owners = await Member.filter(family_id=from_global_id(family)[1]).values_list(
            "assigned_partner_id", "assigned_worker_id")
    assert owners == [(None, None), (None, None)]

    again = await api.as_user("yazd.county", RETURN, {"input": {"familyId": family, "reason": "دوباره"}})
    assert error_code(again) == "BAD_USER_INPUT" and extensions(again)["field"] == "familyId"


async def test_returning_a_child_ends_the_partner_access(api):
    child = await make_child(TODAY - datetime.timedelta(days=800))
    assert "errors" not in await assign(api, CHILD_HOME, children=[child])
    assert await visible_children(api, "childhome.manager") == {child}
    result = await api.as_user("yazd.county", RETURN, {"input": {"childId": child, "reason": "پایان پیگیری"}})
    assert "errors" not in result, result
    assert await visible_children(api, "childhome.manager") == set()
    assert (await api.ok("childhome.manager", NODE, {"id": child}))["node"] is None


async def test_returning_a_file_outside_the_county_is_not_found(api):
    family = await make_family(county_code="YZD-MEYBOD")
    result = await api.as_user("yazd.county", RETURN, {"input": {"familyId": family, "reason": "x"}})
    assert extensions(result) == {"code": "NOT_FOUND", "messageFa": "چنین موردی یافت نشد.", "field": "familyId"}


# --- concurrency and the database's own guarantees --------------------------------------------------------------


async def test_two_officers_at_once_never_pass_the_quota(api):
    await fresh_agreement(api, CLINIC1, rehabilitable=3, method=2)
    before = await live_load(CLINIC1)
    token = await api.token("yazd.county")
    clinic = await partner_id(CLINIC1)
    for _ in range(4):
        batches = [[await make_family(), await make_family()], [await make_family(), await make_family()]]
        # Two requests at once: the ASGI transport runs them concurrently, each in its own transaction.
        results = await asyncio.gather(*(
            api.post(ASSIGN, {"input": {"partnerId": clinic, "familyIds": files}}, token=token) for files in batches))
        codes = sorted(error_code(r) if r.get("errors") else "OK" for r in results)
        assert codes == ["OK", "QUOTA_EXCEEDED"], results
        assert await live_load(CLINIC1) == plus(before, REHABILITABLE=2)
        refused = next(r for r in results if r.get("errors"))
        assert (extensions(refused)["live"], extensions(refused)["adding"]) == (before["REHABILITABLE"] + 2, 2)
        won = next(r for r in results if not r.get("errors"))["data"]["assignFiles"]["assignments"]
        for assignment in won:
            assert "errors" not in await api.as_user(
                "yazd.county", RETURN, {"input": {"familyId": assignment["family"]["id"], "reason": "دور بعد"}})
        assert await live_load(CLINIC1) == before


async def test_the_database_refuses_two_live_assignments_of_one_file(api):
    family = await make_family()
    assert "errors" not in await assign(api, CLINIC1, [family])
    clinic2 = await partner(CLINIC2)
    with pytest.raises(IntegrityError):
        async with national_scope():
            existing = await Assignment.get(family_id=from_global_id(family)[1], ended_at__isnull=True)
            await Assignment.create(family_id=existing.family_id, partner_id=clinic2.id, load=FileLoad.REHABILITABLE,
                                    assigned_on=TODAY, assigned_by_id=1, province_id=existing.province_id,
                                    county_id=existing.county_id)


# --- Partner.caseload ---------------------------------------------------------------------------------------------


async def test_caseload_of_a_clinic(api):
    await fresh_agreement(api, CLINIC1, rehabilitable=10, non_rehabilitable=5, children=2, method=2)
    async with national_scope():
        quotas = await Agreement.get(partner_id=(await partner(CLINIC1)).id, jalali_year=YEAR)
    assert "errors" not in await assign(api, CLINIC1, [await make_family(R), await make_family(R),
                                                       await make_family(N)])
    assert "errors" not in await assign(api, CLINIC1, children=[await make_child(TODAY - datetime.timedelta(days=800))])
    live = await live_load(CLINIC1)
    expected = {"jalaliYear": YEAR, "method": 2, "eligibleWorkers": 4,
                "quotaRehabilitable": quotas.quota_rehabilitable,
                "quotaNonRehabilitable": quotas.quota_non_rehabilitable, "quotaChildren": quotas.quota_children,
                # Art. 2.2.2: at least 100 rehabilitable and 60 non-rehabilitable files for each of its 4 workers.
                "normRehabilitable": 100, "normNonRehabilitable": 60,
                "minimumRehabilitable": 400, "minimumNonRehabilitable": 240, "underLoaded": True,
                "note3Applies": None, "expertsInUse": None,  # charities only
                "capacityRehabilitable": 400, "capacityNonRehabilitable": 240,  # deprecated: the same norm × workers
                "liveRehabilitable": live["REHABILITABLE"], "liveNonRehabilitable": live["NON_REHABILITABLE"],
                "liveChildren": live["CHILD"]}
    assert live["REHABILITABLE"] < 400  # the quota (Art. 4.2) keeps it under its minimum: reported, not refused
    data = await api.ok("clinic.manager", OWN_CASELOAD)
    assert data["partners"]["edges"] == [{"node": {"caseloadMethod": 2, "caseload": expected}}]
    clinic = await partner_id(CLINIC1)
    for username in ("yazd.county", "yazd.province", "admin"):
        assert (await api.ok(username, CASELOAD, {"id": clinic}))["node"]["caseload"] == expected
    # Another year: no agreement, so no quotas; capacity and live files are today's.
    other_year = (await api.ok("clinic.manager", CASELOAD, {"id": clinic, "year": YEAR + 1}))["node"]["caseload"]
    assert other_year == expected | {"jalaliYear": YEAR + 1, "quotaRehabilitable": None,
                                     "quotaNonRehabilitable": None, "quotaChildren": None}
    # One worker fewer, a minimum of 160 files fewer.
    async with national_scope():
        await StaffMember.filter(full_name="مریم شریفی").update(is_active=False)
    data = await api.ok("clinic.manager", OWN_CASELOAD)
    assert data["partners"]["edges"][0]["node"]["caseload"] == expected | {
        "eligibleWorkers": 3, "minimumRehabilitable": 300, "minimumNonRehabilitable": 180,
        "capacityRehabilitable": 300, "capacityNonRehabilitable": 180}


CHARITY_CASELOAD = ("query($id: ID!) { node(id: $id) { ... on Partner { caseload { eligibleWorkers normRehabilitable "
                    "normNonRehabilitable minimumRehabilitable underLoaded note3Applies expertsInUse "
                    "capacityRehabilitable capacityNonRehabilitable liveNonRehabilitable method } } } }")


async def test_caseload_of_a_charity_follows_the_norm_table(api):
    # Issue #7: Meybod has no clinic, but without the office's statement that no one applied to found one, Art. 3
    # note 3 does not apply (this test used to expect 200 rehabilitable files on top of 300 non-rehabilitable ones).
    charity = await partner_id(CHARITY)
    live = await live_load(CHARITY)
    data = await api.ok("meybod.county", CHARITY_CASELOAD, {"id": charity})
    assert data["node"]["caseload"] == {
        "eligibleWorkers": 2, "normRehabilitable": 100, "normNonRehabilitable": 150, "minimumRehabilitable": None,
        "underLoaded": None, "note3Applies": False, "expertsInUse": pytest.approx(live["NON_REHABILITABLE"] / 150),
        "capacityRehabilitable": 0, "capacityNonRehabilitable": 300, "liveNonRehabilitable": live["NON_REHABILITABLE"],
        "method": None}
    # The county office records in this year's agreement that no one applied to found a clinic: note 3 applies.
    await fresh_agreement(api, CHARITY, method=None, no_clinic_applicant=True, username="meybod.county")
    data = await api.ok("meybod.county", CHARITY_CASELOAD, {"id": charity})
    assert (data["node"]["caseload"]["note3Applies"], data["node"]["caseload"]["capacityRehabilitable"]) == (True, 200)
    meybod = await county("YZD-MEYBOD")
    async with national_scope():
        await Organization.create(kind=OrganizationKind.CLINIC, name="کلینیک میبد", name_search="کلینیک میبد",
                                  province_id=meybod.province_id, county_id=meybod.id, license_number="YZD-CL-T-1",
                                  license_valid_from=TODAY - datetime.timedelta(days=30),
                                  license_valid_until=TODAY - datetime.timedelta(days=1))
    # An expired clinic's license does not count.
    data = await api.ok("meybod.county", CHARITY_CASELOAD, {"id": charity})
    assert data["node"]["caseload"]["note3Applies"] is True
    async with national_scope():
        await Organization.filter(license_number="YZD-CL-T-1").update(license_valid_until=TODAY)
    # With a licensed clinic in the county: Art. 3.1 alone, 150 non-rehabilitable files per expert.
    data = await api.ok("meybod.county", CHARITY_CASELOAD, {"id": charity})
    assert (data["node"]["caseload"]["note3Applies"], data["node"]["caseload"]["capacityRehabilitable"],
            data["node"]["caseload"]["capacityNonRehabilitable"]) == (False, 0, 300)


async def test_an_associate_worker_does_not_count_at_a_charity(api):
    # Art. 3.1 counts «هر کارشناس مرتبط»: a bachelor-level expert; note 1's associate is a clinic's allowance.
    charity = await partner(CHARITY)
    async with national_scope():
        associate = await StaffMember.create(organization_id=charity.id, full_name="کاردان آزمون",
                                             position="SOCIAL_WORKER", degree="ASSOCIATE", years_of_experience=5)
    data = await api.ok("meybod.county", CHARITY_CASELOAD, {"id": to_global_id("Partner", charity.id)})
    assert data["node"]["caseload"]["eligibleWorkers"] == 2
    staff = await api.ok("charity.manager", "{ partners { edges { node { staff { fullName countsForCaseload } } } } }")
    counts = {m["fullName"]: m["countsForCaseload"] for m in staff["partners"]["edges"][0]["node"]["staff"]}
    assert counts[associate.full_name] is False and counts["سمیه ابوترابی"] is True
    # … and cannot be named the worker of a file (BAD_USER_INPUT, as any staff member who carries no caseload).
    family = await make_family(N, county_code="YZD-MEYBOD")
    assert "errors" not in await assign(api, CHARITY, [family], username="meybod.county")
    result = await api.as_user("charity.manager", ASSIGN_WORKER, {"input": {
        "familyId": family, "workerId": to_global_id("StaffMember", associate.id)}})
    assert extensions(result)["code"] == "BAD_USER_INPUT" and extensions(result)["field"] == "workerId"


async def end_live_files(license_number: str) -> None:
    """End every live assignment of the partner (ORM), so that its cap is tested from zero."""
    async with national_scope():
        await Assignment.filter(partner_id=(await partner(license_number)).id, ended_at__isnull=True).update(
            ended_at=datetime.datetime.now(datetime.UTC), end_reason="RETURNED")


async def test_charity_cap_is_pro_rata_under_note_3(api):
    # One expert, note 3 applying: 40 rehabilitable + 90 non-rehabilitable = 40/100 + 90/150 = one expert, exactly.
    await end_live_files(CHARITY)
    async with national_scope():
        await StaffMember.filter(full_name="رضا حاتمی").update(is_active=False)
    await fresh_agreement(api, CHARITY, rehabilitable=500, non_rehabilitable=500, method=None,
                          no_clinic_applicant=True)
    files = ([await make_family(R, "YZD-MEYBOD", members=1) for _ in range(40)]
             + [await make_family(N, "YZD-MEYBOD", members=1) for _ in range(90)])
    assert "errors" not in await assign(api, CHARITY, files, username="meybod.county")
    caseload = (await api.ok("meybod.county", CHARITY_CASELOAD, {"id": await partner_id(CHARITY)}))["node"]["caseload"]
    assert (caseload["eligibleWorkers"], caseload["note3Applies"], caseload["expertsInUse"]) == (1, True, 1.0)
    for load in (R, N):  # one more file of either kind is past the cap
        result = await assign(api, CHARITY, [await make_family(load, "YZD-MEYBOD")], username="meybod.county")
        assert extensions(result)["code"] == "RULE_VIOLATION" and extensions(result)["rule"] == "ART_2_CASELOAD"
        assert extensions(result)["messageFa"]
    assert await live_load(CHARITY) == {"REHABILITABLE": 40, "NON_REHABILITABLE": 90, "CHILD": 0}


async def test_charity_takes_rehabilitable_files_only_under_note_3(api):
    await fresh_agreement(api, CHARITY, rehabilitable=10, non_rehabilitable=10, method=None)
    before = await live_load(CHARITY)
    family = await make_family(R, "YZD-MEYBOD")
    result = await assign(api, CHARITY, [family], username="meybod.county")  # no statement in the agreement
    assert extensions(result)["code"] == "RULE_VIOLATION" and extensions(result)["rule"] == "ART_3_NOTE_3"
    await fresh_agreement(api, CHARITY, rehabilitable=10, non_rehabilitable=10, method=None, no_clinic_applicant=True)
    meybod = await county("YZD-MEYBOD")
    async with national_scope():
        clinic = await Organization.create(
            kind=OrganizationKind.CLINIC, name="کلینیک میبد", name_search="کلینیک میبد", province_id=meybod.province_id,
            county_id=meybod.id, license_number="YZD-CL-T-2", license_valid_from=TODAY, license_valid_until=TODAY)
    result = await assign(api, CHARITY, [family], username="meybod.county")  # a licensed clinic in the county
    assert extensions(result)["rule"] == "ART_3_NOTE_3"
    async with national_scope():
        await Organization.filter(id=clinic.id).update(license_valid_until=TODAY - datetime.timedelta(days=1))
    assert "errors" not in await assign(api, CHARITY, [family], username="meybod.county")
    assert await live_load(CHARITY) == plus(before, REHABILITABLE=1)


async def test_no_family_files_for_a_child_home(api):
    # The directive sets no family caseload for NGO child homes (seed 003: children's follow-up only).
    await fresh_agreement(api, CHILD_HOME, rehabilitable=5, non_rehabilitable=5, children=5, method=None)
    result = await assign(api, CHILD_HOME, [await make_family(N)])
    assert extensions(result)["code"] == "RULE_VIOLATION" and extensions(result)["rule"] == "ART_2_CASELOAD"


# --- assignFiles: an ungraded clinic (Art. 6.4.4, note 4) ----------------------------------------------------------


def licensed_from_ending(first_day_after: datetime.date) -> datetime.date:
    """The license start whose first year (one Jalali year) ends just before `first_day_after`."""
    for days in range(360, 370):
        start = TODAY - datetime.timedelta(days=days)
        if first_year_ends(start) == first_day_after:
            return start
    raise AssertionError("no such start")


async def ungraded(license_number: str, licensed_from: datetime.date) -> None:
    """Make the clinic one that was never graded, licensed from `licensed_from`; its only agreement is this year's."""
    clinic = await partner(license_number)
    async with national_scope():  # the grading history is behind row-level security
        await PartnerGrade.filter(partner_id=clinic.id).delete()
    async with national_scope():
        await Organization.filter(id=clinic.id).update(grade=ClinicGrade.UNGRADED, first_graded_on=None,
                                                       license_valid_from=licensed_from)


@pytest.mark.parametrize(("first_day_after", "rule"), [
    (TODAY + datetime.timedelta(days=1), None),  # today is the last day of its first year: counts as grade 2
    (TODAY, "ART_6_4_UNGRADED"),                 # its first year ended yesterday
])
async def test_an_ungraded_clinic_gets_files_in_its_first_year_only(api, first_day_after, rule):
    await ungraded(CLINIC2, licensed_from_ending(first_day_after))
    before = await live_load(CLINIC2)
    result = await assign(api, CLINIC2, [await make_family()])
    if rule is None:
        assert "errors" not in result, result
        assert await live_load(CLINIC2) == plus(before, REHABILITABLE=1)
    else:
        assert extensions(result)["code"] == "RULE_VIOLATION" and extensions(result)["rule"] == rule
        assert extensions(result)["messageFa"]
        assert await live_load(CLINIC2) == before


async def test_an_ungraded_clinic_past_its_first_year_gets_no_files_until_graded(api):
    await ungraded(CLINIC2, datetime.date(2025, 3, 21))  # the demo license: 1404/01/01
    family = await make_family()
    result = await assign(api, CLINIC2, [family])
    assert extensions(result)["rule"] == "ART_6_4_UNGRADED"
    version = (await partner(CLINIC2)).version
    graded = await api.as_user("yazd.province", GRADE, {"input": {
        "partnerId": await partner_id(CLINIC2), "grade": "GRADE_3", "gradedOn": TODAY.isoformat(), "version": version}})
    assert "errors" not in graded, graded
    assert "errors" not in await assign(api, CLINIC2, [family])


async def test_a_grading_decision_ends_the_first_year(api):
    # In its first year the office records that the clinic has no grade: note 4's year is the one before grading.
    await ungraded(CLINIC2, TODAY - datetime.timedelta(days=30))
    assert "errors" not in await assign(api, CLINIC2, [await make_family()])
    graded = await api.as_user("yazd.province", GRADE, {"input": {
        "partnerId": await partner_id(CLINIC2), "grade": "UNGRADED", "gradedOn": TODAY.isoformat(),
        "version": (await partner(CLINIC2)).version}})
    assert "errors" not in graded, graded
    assert extensions(await assign(api, CLINIC2, [await make_family()]))["rule"] == "ART_6_4_UNGRADED"


async def test_grades_are_for_clinics_only_charities_need_none(api):
    charity = await partner(CHARITY)
    assert charity.grade is None
    assert "errors" not in await assign(api, CHARITY, [await make_family(N, "YZD-MEYBOD")], username="meybod.county")


@pytest.mark.parametrize("username", ["clinic.worker1", "kindergarten.operator", "auditor"])
async def test_caseload_is_not_for_workers(api, username):
    result = await api.as_user(username, OWN_CASELOAD)
    assert error_code(result) == "FORBIDDEN" and result["data"] is None


async def test_caseload_year_out_of_range(api):
    result = await api.as_user("clinic.manager", CASELOAD, {"id": await partner_id(CLINIC1), "year": 2025})
    assert error_code(result) == "BAD_USER_INPUT" and extensions(result)["field"] == "jalaliYear"


async def assign_by_filter(api, license_number: str, limit: int | None, file_number: str = "T-F-",
                           username: str = "yazd.county", **named: list[str]) -> dict:
    return await api.as_user(username, ASSIGN, {"input": {
        "partnerId": await partner_id(license_number), "familyFilter": {"fileNumber": file_number}, "limit": limit,
        **named}})


async def test_an_office_assigns_by_filter_in_id_order_up_to_the_limit(api):
    """assignFiles by filter (issue #10, item 4): the office's files the filter matches, not with this partner yet,
    in ID order, up to the limit; a second call takes the next ones; nothing left answers an empty list."""
    await fresh_agreement(api, CLINIC1, rehabilitable=4)
    families = [await make_family() for _ in range(4)]
    elsewhere = await make_family(county_code="YZD-MEYBOD")  # matches the filter, outside the county office's slice
    first = await assign_by_filter(api, CLINIC1, 3)
    assert "errors" not in first, first
    assert [a["family"]["id"] for a in first["data"]["assignFiles"]["assignments"]] == families[:3]
    second = await assign_by_filter(api, CLINIC1, 3)
    assert [a["family"]["id"] for a in second["data"]["assignFiles"]["assignments"]] == families[3:]
    assert (await assign_by_filter(api, CLINIC1, 3))["data"]["assignFiles"]["assignments"] == []
    assert await visible_families(api, "clinic.manager") == set(families)
    assert elsewhere not in await visible_families(api, "clinic.manager")


async def test_a_filter_with_named_files_takes_each_once_and_all_or_none(api):
    await fresh_agreement(api, CLINIC1, rehabilitable=2)
    named, chosen, over = await make_family(), await make_family(), await make_family()
    refused = await assign_by_filter(api, CLINIC1, 2, familyIds=[named])  # 1 named + 2 chosen > quota of 2
    assert extensions(refused)["code"] == "QUOTA_EXCEEDED", refused
    assert await visible_families(api, "clinic.manager") == set()
    done = await assign_by_filter(api, CLINIC1, 1, familyIds=[named])
    assert [a["family"]["id"] for a in done["data"]["assignFiles"]["assignments"]] == [named, chosen]
    assert over not in await visible_families(api, "clinic.manager")


@pytest.mark.parametrize(("variables", "field"), [
    ({"familyFilter": {"fileNumber": "T-F-"}}, "limit"),  # a filter needs a limit
    ({"familyIds": [], "limit": 3}, "limit"),  # and a limit a filter
    ({"familyFilter": {"fileNumber": "T-F-"}, "limit": 0}, "limit"),
    ({"familyFilter": {"fileNumber": "T-F-"}, "limit": 10_001}, "limit"),
    ({"familyIds": []}, "familyIds"),  # nothing named, no filter
])
async def test_assign_by_filter_refuses_bad_limits(api, variables, field):
    result = await api.as_user("yazd.county", ASSIGN, {"input": {"partnerId": await partner_id(CLINIC1),
                                                                 **variables}})
    assert extensions(result)["code"] == "BAD_USER_INPUT" and extensions(result)["field"] == field, result


async def test_assign_files_costs_the_same_statements_for_2_and_20_files(api, caplog):
    """Set-based writes (issue #10, item 4): the statements of one assignFiles call do not grow with its files
    (before: four per file)."""
    await fresh_agreement(api, CLINIC1, rehabilitable=22)
    before = await live_load(CLINIC1)
    few = [await make_family() for _ in range(2)]
    many = [await make_family() for _ in range(20)]
    await api.token("yazd.county")

    async def statements(families: list[str]) -> int:
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
            result = await assign(api, CLINIC1, families)
        assert len(result["data"]["assignFiles"]["assignments"]) == len(families), result
        return sum(1 for r in caplog.records if r.name == "tortoise.db_client"
                   and "pool" not in r.getMessage() and "app_user" not in r.getMessage())

    assert await statements(few) == await statements(many)
    assert await live_load(CLINIC1) == plus(before, REHABILITABLE=22)
    assert await visible_families(api, "clinic.manager") == set(few + many)

"""docs/access.md rule 7: every mutation (and every read of a family's or child's full record) is traced in an
append-only trail, readable by the auditor and the office roles in their area."""

from __future__ import annotations

import datetime
import importlib
import re

import asyncpg
import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from api import db
from auth.rls import database_settings
from auth.roles import Role, Viewer
from models.audit import AuditEvent as AuditEventRow
from models.organizations import OrganizationKind
from schema.node import to_global_id
from tests.conftest import error_code

EVENTS = """query($f: AuditEventFilter) { auditEvents(filter: $f, first: 200) {
  totalCount edges { node { username role operation objectIds requestId clientAddress } } } }"""
REFUSALS = """query($f: AuditEventFilter) { auditEvents(filter: $f, first: 200) {
  totalCount edges { node { username role operation outcome objectIds requestId clientAddress } } } }"""
UPDATE = """mutation($input: UpdateKindergartenInput!) { updateKindergarten(input: $input) {
  kindergarten { id version } } }"""
OWN = "{ kindergartens(first: 1) { edges { node { id version } } } }"


async def change_a_kindergarten(api, headers=None) -> str:
    node = (await api.ok("kindergarten.operator", OWN))["kindergartens"]["edges"][0]["node"]
    token = await api.token("kindergarten.operator")
    result = await api.post(UPDATE, {"input": {"id": node["id"], "version": node["version"], "enrolment": 3}},
                            token=token, headers=headers)
    assert "errors" not in result, result
    return node["id"]


async def test_a_mutation_is_traced_with_who_what_and_which_request(api):
    kindergarten_id = await change_a_kindergarten(api, headers={"x-request-id": "audit-req-0001"})
    data = await api.ok("auditor", EVENTS, {"f": {"objectId": kindergarten_id}})
    events = [e["node"] for e in data["auditEvents"]["edges"]]
    assert len(events) == 1
    assert events[0]["username"] == "kindergarten.operator"
    assert events[0]["role"] == "KINDERGARTEN_OPERATOR"
    assert events[0]["operation"] == "mutation updateKindergarten"
    assert events[0]["requestId"] == "audit-req-0001"
    assert events[0]["clientAddress"] == "198.51.100.7"
    assert kindergarten_id in events[0]["objectIds"]


async def test_a_failed_mutation_leaves_only_its_refusal_behind(api):
    node = (await api.ok("kindergarten.operator", OWN))["kindergartens"]["edges"][0]["node"]
    result = await api.as_user("kindergarten.operator", UPDATE,
                               {"input": {"id": node["id"], "version": node["version"] + 5, "enrolment": 3}})
    assert error_code(result) == "CONFLICT"
    data = await api.ok("auditor", REFUSALS, {"f": {"objectId": node["id"]}})
    assert [(e["node"]["operation"], e["node"]["outcome"]) for e in data["auditEvents"]["edges"]] == [
        ("mutation updateKindergarten", "CONFLICT")]
    assert (await api.ok("kindergarten.operator", OWN))["kindergartens"]["edges"][0]["node"] == node


@pytest.mark.parametrize("username", ["clinic.manager", "clinic.worker1", "kindergarten.operator"])
async def test_the_trail_is_not_for_partners_or_operators(api, username):
    assert error_code(await api.as_user(username, EVENTS)) == "FORBIDDEN"


async def test_an_office_reads_only_its_area(api):
    await change_a_kindergarten(api)  # by an operator in Yazd county
    yazd = await api.ok("yazd.county", EVENTS)
    meybod = await api.ok("meybod.county", EVENTS)
    assert "kindergarten.operator" in {e["node"]["username"] for e in yazd["auditEvents"]["edges"]}
    assert "kindergarten.operator" not in {e["node"]["username"] for e in meybod["auditEvents"]["edges"]}


async def test_filter_by_user(api):
    await change_a_kindergarten(api)
    data = await api.ok("admin", EVENTS, {"f": {"username": "kindergarten.operator"}})
    assert data["auditEvents"]["totalCount"] >= 1
    assert {e["node"]["username"] for e in data["auditEvents"]["edges"]} == {"kindergarten.operator"}
    none = await api.ok("admin", EVENTS, {"f": {"username": "nobody"}})
    assert none["auditEvents"]["totalCount"] == 0


async def test_the_api_role_cannot_change_or_delete_the_trail(api, database_url):
    await change_a_kindergarten(api)
    conn = connections.get("default")  # the app's own connection: the API's database role
    with pytest.raises(Exception, match="permission denied"):
        await conn.execute_query("update audit_event set username = 'someone else'")
    with pytest.raises(Exception, match="permission denied"):
        await conn.execute_query("delete from audit_event")
    owner = await asyncpg.connect(db.asyncpg_dsn(database_url))
    try:
        with pytest.raises(asyncpg.RaiseError, match="append-only"):
            await owner.execute("delete from audit_event")
        assert await owner.fetchval("select count(*) from audit_event") >= 1
    finally:
        await owner.close()


async def test_ids_written_inline_are_traced_too(api):
    node = (await api.ok("kindergarten.operator", OWN))["kindergartens"]["edges"][0]["node"]
    inline = (f'mutation {{ updateKindergarten(input: {{id: "{node["id"]}", version: {node["version"]}, enrolment: 4}})'
              " { kindergarten { version } } }")
    await api.ok("kindergarten.operator", inline)
    data = await api.ok("auditor", EVENTS, {"f": {"objectId": node["id"]}})
    assert data["auditEvents"]["totalCount"] == 1


async def test_a_login_is_traced_as_its_user(api):
    result = await api.post('mutation { login(input: {username: "clinic.manager", password: "demo"}) { accessToken } }',
                            headers={"x-request-id": "login-req-0001"})
    assert result["data"]["login"]["accessToken"]
    data = await api.ok("admin", EVENTS, {"f": {"username": "clinic.manager"}})
    events = [e["node"] for e in data["auditEvents"]["edges"] if e["node"]["requestId"] == "login-req-0001"]
    assert [(e["operation"], e["role"]) for e in events] == [("mutation login", "PARTNER_MANAGER")]


async def test_a_failed_login_has_no_author(api):
    result = await api.post('mutation { login(input: {username: "clinic.manager", password: "wrong"}) '
                            '{ accessToken } }', headers={"x-request-id": "login-req-0002"})
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    data = await api.ok("admin", REFUSALS, {"f": {"username": "clinic.manager"}})
    events = [e["node"] for e in data["auditEvents"]["edges"] if e["node"]["requestId"] == "login-req-0002"]
    assert [(e["operation"], e["role"], e["outcome"]) for e in events] == [("mutation login", None, "UNAUTHENTICATED")]


# --- files returned by lists and nested fields (issue #8, item 1) ------------------------------------------------

def _ids(value: object) -> set[str]:
    """Every `id` in a response (here each one is a family's or child's)."""
    if isinstance(value, dict):
        return {v for k, v in value.items() if k == "id" and isinstance(v, str)} | {
            i for k, v in value.items() if k != "id" for i in _ids(v)}
    if isinstance(value, list):
        return {i for item in value for i in _ids(item)}
    return set()


@pytest.mark.parametrize(("username", "query"), [
    ("clinic.manager", "{ families(first: 200) { edges { node { id members { nationalId } address } } } }"),
    ("yazd.county", "{ families(first: 200) { edges { node { id assignments { family { id } } } } } }"),
    ("yazd.county", "{ children(first: 200) { edges { node { id guardianFamily { id } } } } }"),
])
async def test_every_file_a_request_returns_is_named_by_one_read_event(api, username, query):
    result = await api.post(query, token=await api.token(username), headers={"x-request-id": "list-req-0001"})
    assert "errors" not in result, result
    returned = _ids(result["data"])
    assert returned
    data = await api.ok("admin", EVENTS, {"f": {"username": username}})
    events = [e["node"] for e in data["auditEvents"]["edges"] if e["node"]["requestId"] == "list-req-0001"]
    assert [e["operation"] for e in events] == ["read case files"]
    assert set(events[0]["objectIds"]) == returned


# --- no personal data in the trail (issue #8, item 3) -------------------------------------------------------------

async def test_no_national_id_is_written_among_the_object_ids(api, database_url):
    from tests.api.test_families import member, register
    from tests.api.test_household import ADD, addition, national_id

    head = national_id(41)
    family = await register(api, "yazd.county", "YZD-YAZD", [member(head)])
    added = await api.ok("yazd.county", ADD, addition(family["id"], datetime.date.today(), n=42))
    assert added["addMember"]["member"]["nationalId"] == national_id(42)
    owner = await asyncpg.connect(db.asyncpg_dsn(database_url))
    try:
        rows = await owner.fetch("select operation, object_ids::text as ids from audit_event")
    finally:
        await owner.close()
    written = {row["operation"]: row["ids"] for row in rows}
    assert {"mutation registerFamily", "mutation addMember"} <= set(written)
    assert not [row for row in rows if re.search(r"\d{10}", row["ids"])]
    assert family["id"] in written["mutation registerFamily"]


# --- refused attempts, with their outcome (issue #8, item 2) -----------------------------------------------------

LOGIN = "mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { accessToken } }"
HOME_VISIT = """mutation($input: RecordHomeVisitInput!) { recordHomeVisit(input: $input) { homeVisit { id } } }"""


async def owner_fetch(database_url: str, sql: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


async def events_of(api, reader: str, **narrowed: object) -> list[dict]:
    return [e["node"] for e in (await api.ok(reader, REFUSALS, {"f": narrowed}))["auditEvents"]["edges"]]


async def county_file(database_url: str, county: str) -> str:
    """The global ID of a family of `county` (by code), found as the owner so that no read event is written."""
    rows = await owner_fetch(database_url, "select f.id from family f join county c on c.id = f.county_id"
                                           " where c.code = $1 order by f.id limit 1", county)
    return to_global_id("Family", rows[0]["id"])


async def test_a_failed_login_names_the_username_tried_and_never_the_password(api, database_url):
    async def attempt(username: str, password: str, request_id: str) -> dict:
        return await api.post(LOGIN, {"u": username, "p": password}, headers={"x-request-id": request_id})

    known = await attempt("clinic.manager", "Wrong-Secret-123", "failed-login-1")
    unknown = await attempt("no.such.user", "Wrong-Secret-456", "failed-login-2")
    typed = await attempt("My Password 789!", "x", "failed-login-3")
    # The caller learns nothing of whether the account exists.
    assert known["errors"][0]["extensions"] == unknown["errors"][0]["extensions"] == typed["errors"][0]["extensions"]
    assert known["errors"][0]["message"] == unknown["errors"][0]["message"]
    events = {e["requestId"]: e for e in await events_of(api, "admin", outcome="UNAUTHENTICATED")}
    manager = await owner_fetch(database_url, "select id from app_user where username = 'clinic.manager'")
    shown = ("username", "role", "operation", "objectIds", "clientAddress")
    assert {key: events["failed-login-1"][key] for key in shown} == {
        "username": "clinic.manager", "role": None, "operation": "mutation login",
        "objectIds": [to_global_id("User", manager[0]["id"])], "clientAddress": "198.51.100.7"}
    assert (events["failed-login-2"]["username"], events["failed-login-2"]["objectIds"]) == ("no.such.user", [])
    assert events["failed-login-3"]["username"] == "(not a username)"
    rows = await owner_fetch(database_url, "select row_to_json(e)::text as row from audit_event e")
    assert not [r for r in rows if "Wrong-Secret" in r["row"] or "Password 789" in r["row"]]
    # The attempt on an account lies in the account's area (issue #8, item 4); one on no account in none.
    seen_in_yazd = {e["requestId"] for e in await events_of(api, "yazd.county", outcome="UNAUTHENTICATED")}
    seen_in_meybod = {e["requestId"] for e in await events_of(api, "meybod.county", outcome="UNAUTHENTICATED")}
    assert "failed-login-1" in seen_in_yazd and "failed-login-2" not in seen_in_yazd
    assert not {"failed-login-1", "failed-login-2", "failed-login-3"} & seen_in_meybod


async def test_rate_limited_logins_are_traced(api):
    codes = [error_code(await api.post(LOGIN, {"u": "rate.probe", "p": "Wrong-Secret-000"})) for _ in range(7)]
    assert "RATE_LIMITED" in codes
    events = await events_of(api, "admin", username="rate.probe")
    assert sorted(e["outcome"] for e in events) == sorted(
        "UNAUTHENTICATED" if code == "BAD_USER_INPUT" else code for code in codes)
    assert {e["operation"] for e in events} == {"mutation login"}


async def test_what_the_policy_guard_refuses_is_traced_as_forbidden(api):
    kindergarten = (await api.ok("kindergarten.operator", OWN))["kindergartens"]["edges"][0]["node"]
    assert error_code(await api.as_user("clinic.manager", EVENTS)) == "FORBIDDEN"
    update = {"input": {"id": kindergarten["id"], "version": kindergarten["version"], "enrolment": 3}}
    assert error_code(await api.as_user("clinic.manager", UPDATE, update)) == "FORBIDDEN"
    events = await events_of(api, "yazd.county", username="clinic.manager", outcome="FORBIDDEN")
    assert sorted((e["operation"], e["role"], tuple(e["objectIds"])) for e in events) == [
        ("mutation updateKindergarten", "PARTNER_MANAGER", (kindergarten["id"],)),
        ("query auditEvents", "PARTNER_MANAGER", ())]


async def test_a_probe_of_another_countys_file_is_traced_for_that_county(api, database_url):
    family = await county_file(database_url, "YZD-MEYBOD")
    result = await api.as_user("clinic.worker1", HOME_VISIT, {"input": {
        "familyId": family, "visitedOn": datetime.date.today().isoformat(), "present": "-", "findings": "-",
        "report": "-"}})
    assert error_code(result) == "NOT_FOUND"
    for reader in ("meybod.county", "yazd.county"):  # the file's county, and the worker's own
        events = await events_of(api, reader, objectId=family, outcome="NOT_FOUND")
        assert [(e["username"], e["operation"]) for e in events] == [("clinic.worker1", "mutation recordHomeVisit")]
    assert await events_of(api, "meybod.county", objectId=family, outcome="OK") == []


async def test_a_rolled_back_mutation_keeps_its_event(api):
    """The first change is made, the second fails, the request is rolled back whole: the change is gone, the
    refusal is not."""
    before = (await api.ok("kindergarten.operator", OWN))["kindergartens"]["edges"][0]["node"]
    both = """mutation($first: UpdateKindergartenInput!, $second: UpdateKindergartenInput!) {
      a: updateKindergarten(input: $first) { kindergarten { version } }
      b: updateKindergarten(input: $second) { kindergarten { version } } }"""
    result = await api.as_user("kindergarten.operator", both, {
        "first": {"id": before["id"], "version": before["version"], "enrolment": 3},
        "second": {"id": before["id"], "version": before["version"], "enrolment": 4}})
    assert error_code(result) == "CONFLICT"  # the second; the first changed the row, and is undone below
    assert (await api.ok("kindergarten.operator", OWN))["kindergartens"]["edges"][0]["node"] == before
    events = await events_of(api, "auditor", objectId=before["id"])
    assert [(e["operation"], e["outcome"]) for e in events] == [
        ("mutation updateKindergarten,updateKindergarten", "CONFLICT")]


async def test_the_api_role_writes_refusals_only_through_the_function(api):
    conn = connections.get("default")  # the API's database role
    with pytest.raises(Exception, match="refused attempts only"):
        await conn.execute_query("select audit_refusal(null, 'x', null, null, null, null, 'mutation x', 'OK', '[]',"
                                 " 'r', 'a')")
    with pytest.raises(Exception, match="row-level security"):  # a plain insert must name the request's own user
        await conn.execute_query("insert into audit_event (at, user_id, username, operation, object_ids,"
                                 " request_id, client_address, outcome)"
                                 " values (now(), null, 'x', 'x', '[]', 'r', 'a', 'FORBIDDEN')")


# --- events seen in the area of the objects they touched (issue #8, item 4) --------------------------------------

async def test_a_read_is_seen_by_the_auditors_of_the_files_county(api, database_url):
    family = await county_file(database_url, "YZD-MEYBOD")
    read = await api.ok("yazd.province", "query($id: ID!) { family(id: $id) { id } }", {"id": family})
    assert read["family"]["id"] == family
    # The author is a province officer (no county): only the file's area brings the event to a county.
    meybod = await events_of(api, "meybod.county", objectId=family)
    assert [(e["username"], e["operation"], e["outcome"]) for e in meybod] == [("yazd.province", "read Family", "OK")]
    assert await events_of(api, "yazd.county", objectId=family) == []


async def test_the_database_shows_an_event_in_its_objects_areas(api, database_url):
    """The second wall: row-level security alone, with no application filter, shows the event to a viewer of the
    file's county and to no other county."""
    family = await county_file(database_url, "YZD-MEYBOD")
    await api.ok("yazd.province", "query($id: ID!) { family(id: $id) { id } }", {"id": family})
    counties = dict((r["code"], r["id"]) for r in await owner_fetch(database_url, "select code, id from county"))
    province = (await owner_fetch(database_url, "select id from province where code = 'YZD'"))[0]["id"]

    async def visible_to(county: str) -> int:
        auditor = Viewer(user_id=1, username="x", role=Role.AUDITOR, organization_id=1,
                         organization_kind=OrganizationKind.COUNTY_OFFICE, province_id=province,
                         county_id=counties[county], staff_member_id=None)
        async with in_transaction() as conn:
            for name, value in database_settings(auditor).items():
                await conn.execute_query("select set_config($1, $2, true)", [name, value])
            return await AuditEventRow.filter(object_ids__contains=[family]).count()

    assert await visible_to("YZD-MEYBOD") == 1
    assert await visible_to("YZD-YAZD") == 0
    assert await visible_to("YZD-BAFQ") == 0


def test_every_type_with_an_area_has_its_area_looked_up():
    """A new type whose rows lie in an area needs its branch in `audit_object_areas` (migration 0017)."""
    from auth.policy import POLICY
    from schema import NODE_TYPE_NAMES

    areas = importlib.import_module("migrations.0017_audit_outcomes_and_areas").AREA_TYPES
    scoped = {name for name in NODE_TYPE_NAMES if name in POLICY and POLICY[name].row_scope is not None
              and POLICY[name].row_scope.county is not None and name != "AuditEvent"}
    assert scoped <= areas, scoped - areas


async def test_the_area_of_every_kind_of_object_is_found(app, database_url):
    migration = importlib.import_module("migrations.0017_audit_outcomes_and_areas")
    checked = 0
    for type_name, table in migration.OWN_AREA_TABLES.items():
        rows = await owner_fetch(database_url, f"select id, province_id, county_id from {table}"
                                               " where county_id is not null order by id limit 1")
        if not rows:
            continue
        found = await owner_fetch(database_url, "select * from audit_object_areas($1::jsonb)",
                                  f'["{to_global_id(type_name, rows[0]["id"])}", "not-an-id", "{"x" * 5}"]')
        assert (found[0]["provinces"], found[0]["counties"]) == ([rows[0]["province_id"]], [rows[0]["county_id"]])
        checked += 1
    assert checked >= 10
    user = (await owner_fetch(database_url, "select u.id, o.province_id, o.county_id from app_user u join organization"
                                            " o on o.id = u.organization_id where u.username = 'clinic.manager'"))[0]
    found = (await owner_fetch(database_url, "select * from audit_object_areas($1::jsonb)",
                               f'["{to_global_id("User", user["id"])}"]'))[0]
    assert (found["provinces"], found["counties"]) == ([user["province_id"]], [user["county_id"]])

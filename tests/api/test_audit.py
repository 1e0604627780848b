"""ACCESS.md rule 7: every mutation (and every read of a family's or child's full record) is traced in an
append-only trail, readable by the auditor and the office roles in their area."""

from __future__ import annotations

import datetime
import re

import asyncpg
import pytest
from tortoise import connections

from api import db
from tests.conftest import error_code

EVENTS = """query($f: AuditEventFilter) { auditEvents(filter: $f, first: 200) {
  totalCount edges { node { username role operation objectIds requestId clientAddress } } } }"""
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


async def test_a_failed_mutation_leaves_nothing_behind(api):
    node = (await api.ok("kindergarten.operator", OWN))["kindergartens"]["edges"][0]["node"]
    result = await api.as_user("kindergarten.operator", UPDATE,
                               {"input": {"id": node["id"], "version": node["version"] + 5, "enrolment": 3}})
    assert error_code(result) == "CONFLICT"
    data = await api.ok("auditor", EVENTS, {"f": {"objectId": node["id"]}})
    assert data["auditEvents"]["totalCount"] == 0


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


async def test_a_failed_login_leaves_no_event_and_no_author(api):
    result = await api.post('mutation { login(input: {username: "clinic.manager", password: "wrong"}) '
                            '{ accessToken } }', headers={"x-request-id": "login-req-0002"})
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    data = await api.ok("admin", EVENTS)
    assert "login-req-0002" not in {e["node"]["requestId"] for e in data["auditEvents"]["edges"]}


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

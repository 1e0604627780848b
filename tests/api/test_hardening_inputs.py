"""Inputs that held the server up or failed it (issue #8, items 7 and 8): request size, string bounds, keys beyond
their columns, NUL bytes, datetimes out of range, and bodies that are not JSON — each refused as the client's error,
in the contract's form, never INTERNAL or a plain-text 500."""

from __future__ import annotations

import json
from typing import Any

import pytest

from schema.node import to_global_id
from schema.pagination import encode_cursor
from tests.conftest import error_code

BEYOND = 2**31  # one past PostgreSQL's integer, the key of most tables


def bad_input_field(result: dict[str, Any]) -> str | None:
    assert error_code(result) == "BAD_USER_INPUT", result
    field: str | None = result["errors"][0]["extensions"].get("field")
    return field


def contract_error(response: Any, status: int) -> dict[str, Any]:
    """The contract's error body, with its HTTP status and the request ID."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json"), response.text
    error: dict[str, Any] = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and error["extensions"]["messageFa"], error
    assert error["extensions"]["requestId"] == response.headers["x-request-id"]
    return error


# --- item 7: request size


async def test_a_body_over_the_limit_is_refused_with_413_before_it_is_parsed(api):
    padding = "x" * (1 << 20)
    response = await api.client.post("/graphql", json={"query": "{ me { role } }", "variables": {"pad": padding}},
                                     headers={"authorization": f"Bearer {await api.token('admin')}"})
    assert "1048576 bytes" in contract_error(response, 413)["message"]


async def test_the_body_is_counted_as_it_arrives_not_believed_from_content_length(app):
    """A client declaring 20 bytes and sending two megabytes in pieces is cut off after the first megabyte."""
    body = json.dumps({"query": "{ me { role } }", "variables": {"pad": "x" * (2 << 20)}}).encode()
    pieces = [{"type": "http.request", "body": body[i:i + 65536], "more_body": i + 65536 < len(body)}
              for i in range(0, len(body), 65536)]
    unread = list(pieces)
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return unread.pop(0) if unread else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/graphql", "raw_path": b"/graphql", "query_string": b"", "root_path": "",
             "headers": [(b"content-type", b"application/json"), (b"content-length", b"20")],
             "client": ("198.51.100.7", 40000), "server": ("testserver", 80)}
    await app(scope, receive, send)
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"])["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert len(pieces) - len(unread) == (1 << 20) // 65536 + 1  # read no further than past the limit


LONG = [
    # (query, variables, the field named): a 5 MB username today reached the throttle and the log
    ("mutation($u: String!) { login(input: {username: $u, password: \"demo\"}) { accessToken } }",
     {"u": "a" * 65}, "username"),
    ("query($n: String) { partners(filter: {name: $n}) { totalCount } }", {"n": "ب" * 201}, "name"),
    ("query($n: String) { users(filter: {username: $n}) { totalCount } }", {"n": "a" * 65}, "username"),
    ("{ partners(filter: {name: \"" + "a" * 201 + "\"}) { totalCount } }", {}, "name"),  # written inline
    ("query($id: ID!) { node(id: $id) { id } }", {"id": "A" * 101}, "id"),
    ("query($a: String) { families(after: $a) { totalCount } }", {"a": "k" * 10_001}, "after"),
]


@pytest.mark.parametrize(("query", "variables", "field"), LONG)
async def test_every_string_has_a_maximum_length(api, query, variables, field):
    result = await api.as_user("admin", query, variables)
    assert bad_input_field(result) == field
    assert len(result["errors"][0]["message"]) < 100  # the value is never echoed


# --- item 8: what gave INTERNAL


KEYS_BEYOND_THEIR_COLUMNS = [
    ("query($id: ID!) { node(id: $id) { id } }", {"id": to_global_id("Family", BEYOND)}, "id"),
    ("query($id: ID!) { family(id: $id) { id } }", {"id": to_global_id("Family", BEYOND)}, "id"),
    ("query($a: String) { families(after: $a) { totalCount } }", {"a": encode_cursor(BEYOND)}, "after"),
    ("query($b: String) { partners(last: 5, before: $b) { totalCount } }", {"b": encode_cursor(BEYOND)}, "before"),
    ("query($c: ID) { families(filter: {countyId: $c}) { totalCount } }", {"c": to_global_id("County", BEYOND)},
     "countyId"),
    ("query($o: ID) { users(filter: {organizationId: $o}) { totalCount } }", {"o": to_global_id("Partner", BEYOND)},
     "organizationId"),
    # an audit event's key is a bigint: beyond an integer it is merely absent, beyond a bigint it is refused
    ("query($o: ID) { users(filter: {organizationId: $o}) { totalCount } }",
     {"o": to_global_id("AuditEvent", BEYOND)}, "organizationId"),
    ("query($id: ID!) { node(id: $id) { id } }", {"id": to_global_id("AuditEvent", 2**63)}, "id"),
]


@pytest.mark.parametrize(("query", "variables", "field"), KEYS_BEYOND_THEIR_COLUMNS)
async def test_a_key_beyond_its_column_is_bad_user_input(api, query, variables, field):
    assert bad_input_field(await api.as_user("admin", query, variables)) == field


async def test_a_bigint_key_within_its_column_is_merely_absent(api):
    data = await api.ok("admin", "query($id: ID!, $a: String) { node(id: $id) { id } auditEvents(after: $a) "
                                 "{ totalCount edges { node { id } } } }",
                        {"id": to_global_id("AuditEvent", BEYOND), "a": encode_cursor(BEYOND)})
    assert data["node"] is None and data["auditEvents"]["edges"] == []


NOT_TEXT = [
    ("query($n: String) { partners(filter: {name: $n}) { totalCount } }", {"n": "a\x00b"}, "name"),
    ("{ partners(filter: {name: \"a\\u0000b\"}) { totalCount } }", {}, "name"),
    ("query($n: String = \"a\\u0000b\") { partners(filter: {name: $n}) { totalCount } }", {}, "n"),
    ("mutation($u: String!) { login(input: {username: $u, password: \"demo\"}) { accessToken } }",
     {"u": "admin\x00"}, "username"),
    ("mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }",
     {"i": {"username": "new.user", "password": "a-long-enough-password", "fullName": "نام\x00",
            "role": "PROVINCE_OFFICER", "organizationId": to_global_id("Office", 1)}}, "fullName"),
]


@pytest.mark.parametrize(("query", "variables", "field"), NOT_TEXT)
async def test_a_nul_character_in_any_string_is_bad_user_input(api, query, variables, field):
    assert bad_input_field(await api.as_user("admin", query, variables)) == field


async def test_a_lone_surrogate_is_bad_user_input(api):
    body = (b'{"query": "query($n: String) { partners(filter: {name: $n}) { totalCount } }", '
            b'"variables": {"n": "a\\ud800b"}}')
    response = await api.client.post("/graphql", content=body, headers={
        "content-type": "application/json", "authorization": f"Bearer {await api.token('admin')}"})
    assert bad_input_field(response.json()) == "name"


@pytest.mark.parametrize("since", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"])
async def test_a_datetime_beyond_the_supported_range_is_bad_user_input(api, since):
    result = await api.as_user("admin", "query($s: DateTime) { auditEvents(filter: {since: $s}) { totalCount } }",
                               {"s": since})
    assert error_code(result) == "BAD_USER_INPUT", result
    assert "0001-01-02" in result["errors"][0]["message"]


REFUSED_REQUESTS = [
    # (method, body, content type, status, words of the message)
    ("POST", b'{"query": "{ me { role } }", "pad": "\xff"}', "application/json", 400, "UTF-8"),
    ("POST", b'{"query": "{ me { role } }"}', "text/plain", 415, "application/json"),
    ("POST", b'{"query": "{ me { role } }"}', None, 415, "application/json"),
    ("POST", b'"{ me { role } }"', "application/json", 400, "JSON object"),
    ("POST", b"[" * 100_000 + b"]" * 100_000, "application/json", 400, "nested"),
    ("POST", b"{not json", "application/json", 400, "JSON"),
    ("GET", None, None, 405, "POST"),
    ("PUT", b'{"query": "{ me { role } }"}', "application/json", 405, "POST"),
]


@pytest.mark.parametrize(("method", "body", "content_type", "status", "words"), REFUSED_REQUESTS)
async def test_a_request_graphql_cannot_read_gets_the_contracts_json_error(api, method, body, content_type, status,
                                                                           words):
    headers = {"authorization": f"Bearer {await api.token('admin')}", "accept": "application/json"}
    if content_type is not None:
        headers["content-type"] = content_type
    params = {"query": "{ me { role } }"} if method == "GET" else None
    response = await api.client.request(method, "/graphql", content=body, headers=headers, params=params)
    assert words in contract_error(response, status)["message"]


async def test_graphiql_still_answers_a_browser_in_development(api):
    page = await api.client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


def test_the_outer_bound_leaves_room_for_every_fields_own_width():
    """A field's own width (the `…_LENGTH` of the schema's modules, checked by clean_text) past MAX_TEXT_LENGTH would
    be unreachable: the outer bound must be the larger."""
    import sys

    import schema  # noqa: F401  (imports every area)
    from schema.input_bounds import MAX_TEXT_LENGTH

    widths = {f"{name}.{attribute}": value for name, module in list(sys.modules.items())
              if name.startswith("schema.") and name != "schema.input_bounds"
              for attribute, value in vars(module).items() if attribute.endswith("_LENGTH") and isinstance(value, int)}
    assert widths and max(widths.values()) <= MAX_TEXT_LENGTH, widths

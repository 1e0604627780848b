"""The compiled reads (schema/compiled.py, issue #10 §2) answer exactly as today's execution, in one statement.

The app of the `api` fixture runs with COMPILED_READS off (the default); `compiled_api` is the same app over the
same database with it on. The module's debug log says which path answered ("compiled: …" or "not compiled, …").
"""

from __future__ import annotations

import json
import os
from typing import Any

import asyncpg
import httpx
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from api import db
from api.app import create_app, schema_for
from auth.policy import may_select
from auth.roles import Role
from demo.seed import DEMO_ACCOUNTS
from schema.compiled import Uncompiled, leaf_sql, plain_fields_of, plan_operation
from schema.node import to_global_id
from schema.pagination import encode_cursor
from schema.sources import RELATIONS, SOURCES
from tests.api.test_execution import without_request_ids
from tests.api.test_row_level_security import make_files, without_the_first_wall  # noqa: F401  (a fixture)
from tests.conftest import Api


@pytest.fixture(scope="module")
def compiled_schema(settings):
    return schema_for(settings.model_copy(update={"compiled_reads": True}))


@pytest.fixture
async def compiled_api(settings, database_url, compiled_schema):
    app = create_app(settings, database_url=database_url, apply_migrations=False, schema=compiled_schema)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("198.51.100.7", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield Api(client)


PAGE = """query Page($first: Int, $after: String) { families(first: $first, after: $after) { totalCount
  pageInfo { hasNextPage endCursor } edges { cursor node { id fileNumber category status householdSize
  supportStartedOn supportStartedOnJalali exitedOnJalali abuseFlag version head { id firstName } members { id
  nationalId firstName birthDate birthDateJalali sex relation isHead } currentAssignment { id assignedOn
  assignedOnJalali partner { id name } worker { id fullName } } } } } }"""


async def both(api: Api, compiled_api: Api, caplog: pytest.LogCaptureFixture, username: str, query: str,
               variables: dict[str, Any] | None = None) -> tuple[dict[str, Any], bool]:
    """The compiled app's answer, checked equal to today's, and whether the compiler answered it."""
    caplog.clear()
    with caplog.at_level("DEBUG", logger="schema.compiled"):
        compiled = without_request_ids(await compiled_api.as_user(username, query, variables))
    answered = any(r.getMessage().startswith("compiled: ") for r in caplog.records)
    standard = without_request_ids(await api.as_user(username, query, variables))
    assert compiled == standard, (username, query, variables)
    assert json.dumps(compiled, ensure_ascii=False) == json.dumps(standard, ensure_ascii=False)  # key order too
    return compiled, answered


@pytest.mark.parametrize("username", [account[0] for account in DEMO_ACCOUNTS])
async def test_the_families_page_is_compiled_and_answers_as_today(api, compiled_api, caplog, username):
    """Every demo role, two pages through the cursor: the same JSON, answered by the compiler wherever the policy
    lets the role ask (the others are refused alike, before either path runs)."""
    first, answered = await both(api, compiled_api, caplog, username, PAGE, {"first": 3})
    assert answered == ("errors" not in first)
    if "errors" not in first and first["data"]["families"]["pageInfo"]["hasNextPage"]:
        after = first["data"]["families"]["pageInfo"]["endCursor"]
        _, answered = await both(api, compiled_api, caplog, username, PAGE, {"first": 2, "after": after})
        assert answered


async def test_children_with_aliases_fragments_and_variables(api, compiled_api, caplog):
    query = """query($f: ChildFilter, $n: Int) { a: children(first: $n, filter: $f) { n: totalCount
      edges { ...E } } b: children(first: 1) { __typename pageInfo { __typename hasPreviousPage startCursor } } }
    fragment E on ChildEdge { cursor node { ... on Node { id } ... on Child { fileNumber firstName placement
      priority currentAssignment { partner { name } } } __typename } }"""
    result, answered = await both(api, compiled_api, caplog, "yazd.county", query,
                                  {"f": {"status": "ACTIVE"}, "n": 4})
    assert answered and result["data"]["a"]["n"] > 0


@pytest.mark.parametrize("query", [
    "{ families(first: 2) { edges { node { id monthlyPension(jalaliYear: 1403, month: 1) { month } } } } }",
    "{ families(first: 2) { edges { node { id county { name } } } } }",  # a field with a Python resolver
    "{ families(first: 2) { edges { node { id @include(if: true) } } } }",  # a directive
    "{ families(last: 2) { edges { node { id } } } }",  # an argument it does not compile
    '{ families(first: 2, filter: {nationalId: "0012345678"}) { totalCount } }',  # a filter with a query of its own
    "{ families(first: 201) { totalCount } }",  # refused by the standard path, which says why
    '{ families(first: 2, after: "nonsense") { totalCount } }',
    "{ families(first: 2) { totalCount } me { role } }",  # another root field: the whole request falls back
])
async def test_anything_it_does_not_understand_goes_to_todays_execution_whole(api, compiled_api, caplog, query):
    _, answered = await both(api, compiled_api, caplog, "yazd.county", query)
    assert not answered
    assert any(r.getMessage().startswith("not compiled, ") for r in caplog.records)  # it did get to execution


async def test_the_read_event_names_the_files_the_statement_returned(api, compiled_api, caplog, database_url):
    """docs/access.md rule 7: the files of a compiled page are named by the request's one read event, as today."""
    query = "{ families(first: 4) { edges { node { fileNumber } } } children(first: 3) { totalCount } }"
    result, answered = await both(api, compiled_api, caplog, "clinic.manager", query)
    assert answered
    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))
    try:
        events = await conn.fetch("select object_ids from audit_event where operation = 'read case files' and "
                                  "username = 'clinic.manager' order by id")
        numbers = {r["id"]: r["file_number"] for r in await conn.fetch("select id, file_number from family")}
    finally:
        await conn.close()
    compiled_ids, standard_ids = (json.loads(e["object_ids"]) for e in events[-2:])
    assert compiled_ids == standard_ids
    returned = [e["node"]["fileNumber"] for e in result["data"]["families"]["edges"]]
    assert sorted(numbers[pk] for pk in (int(_pk(i)) for i in compiled_ids)) == sorted(returned)


def _pk(global_id: str) -> str:
    import base64

    return base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode().partition(":")[2]


async def test_with_the_first_wall_removed_row_level_security_still_returns_nothing_foreign(
        compiled_api, caplog, database_url, without_the_first_wall):  # noqa: F811
    """The compiled statement runs on the request's scoped transaction: with the application's scope filter gone
    (every type's rows unfiltered), the database still keeps each viewer to its slice (docs/access.md rule 6)."""
    await make_files(database_url)
    query = """{ families(first: 200, filter: {fileNumber: "RLS-"}) { totalCount edges { node { fileNumber
      currentAssignment { partner { id } } } } } }"""
    with caplog.at_level("DEBUG", logger="schema.compiled"):
        manager = (await compiled_api.as_user("clinic.manager", query))["data"]
        office = (await compiled_api.as_user("meybod.county", query))["data"]
    assert sum(r.getMessage().startswith("compiled: ") for r in caplog.records) == 2
    assert [e["node"]["fileNumber"] for e in manager["families"]["edges"]] == ["RLS-delegated"]
    assert manager["families"]["totalCount"] == 1
    assert [e["node"]["fileNumber"] for e in office["families"]["edges"]] == ["RLS-meybod_office"]


def test_plans_are_made_from_the_schema_and_refuse_what_they_do_not_know(compiled_schema):
    from graphql import parse

    schema = compiled_schema._schema
    plain = plain_fields_of(schema)
    assert plan_operation(schema, plain, parse(PAGE), None) is not None
    assert plan_operation(schema, plain, parse("{ families { edges { node { county { id } } } } }"), None) is None
    assert plan_operation(schema, plain, parse("mutation { logout }"), None) is None


# --- generated queries through both paths -------------------------------------------------------------------

EXAMPLES = int(os.environ.get("COMPILED_EXAMPLES", "40"))
SEED = int(os.environ.get("COMPILED_SEED", "20261202"))
ROOT_TYPES = {"families": ("Family", "FamilyFilter"), "children": ("Child", "ChildFilter")}


def compiled_fields(schema: Any, type_name: str, role: Role) -> tuple[list[str], list[str]]:
    """(leaf fields, relation fields) of `type_name` that the compiler answers and `role` may select."""
    plain = plain_fields_of(schema)
    model = SOURCES[type_name][0]
    leaves = []
    for name in schema.type_map[type_name].fields:
        spec = plain.get((type_name, name))
        if spec is None or not may_select(role, type_name, name):
            continue
        try:
            leaf_sql(type_name, model, spec)
        except Uncompiled:
            continue
        leaves.append(name)
    relations = [name for (parent, name) in RELATIONS if parent == type_name and may_select(role, type_name, name)]
    return leaves, relations


@st.composite
def node_selection(draw: st.DrawFn, schema: Any, type_name: str, role: Role, levels: int) -> str:
    leaves, relations = compiled_fields(schema, type_name, role)
    names = draw(st.lists(st.sampled_from(leaves + ["__typename"]), min_size=1, max_size=6, unique=True))
    if levels > 0 and relations:
        names += draw(st.lists(st.sampled_from(relations), max_size=2, unique=True))
    parts = []
    for index, name in enumerate(names):
        alias = f"x{index}: " if draw(st.integers(0, 6)) == 0 else ""
        inner = ""
        if (type_name, name) in RELATIONS:
            inner = " " + draw(node_selection(schema, RELATIONS[(type_name, name)].target, role, levels - 1))
        parts.append(f"{alias}{name}{inner}")
    body = " ".join(parts)
    if draw(st.integers(0, 4)) == 0:
        body = f"... on {type_name} {{ {body} }}"
    return "{ " + body + " }"


FILE_NUMBERS = ["YZD", "YZD-YAZD", "YZD-MEYBOD-", "۱", "none"]


@st.composite
def filters(draw: st.DrawFn, root: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    options: dict[str, st.SearchStrategy[Any]] = {
        "status": st.sampled_from(["ACTIVE", "EXITED"]),
        "assigned": st.booleans(),
        "fileNumber": st.sampled_from(FILE_NUMBERS),
        "countyId": st.sampled_from([to_global_id("County", pk) for pk in (1, 2, 3)]),
        "partnerId": st.sampled_from([to_global_id("Partner", pk) for pk in (2, 5, 6, 7)]),
    }
    if root == "families":
        options["category"] = st.sampled_from(["WOMAN_HEADED", "NEEDY_FAMILY", "ELDERLY_DISABLED", "ORPHANS"])
        options["rehabilitability"] = st.sampled_from(["UNCLASSIFIED", "REHABILITABLE", "NON_REHABILITABLE"])
    else:
        options["priority"] = st.booleans()
        options["placement"] = st.sampled_from(["OWN_FAMILY", "RELATIVES", "INDEPENDENT_LIVING"])
    for name in draw(st.lists(st.sampled_from(sorted(options)), max_size=2, unique=True)):
        found[name] = draw(options[name])
    return found


def literal(value: Any, enum: bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if enum else json.dumps(value, ensure_ascii=False)


ENUM_FILTERS = frozenset({"status", "category", "rehabilitability", "placement"})


@st.composite
def requests(draw: st.DrawFn, schema: Any) -> tuple[str, str, dict[str, Any]]:
    """(username, query, variables): a families or children page over the part of the schema the compiler answers,
    with random first/after/filters as literals or variables, aliases, fragments and pageInfo."""
    username, role_name, _ = draw(st.sampled_from(DEMO_ACCOUNTS))
    role = Role(role_name)
    root = draw(st.sampled_from(sorted(ROOT_TYPES)))
    type_name, filter_type = ROOT_TYPES[root]
    variables: dict[str, Any] = {}
    declared: list[str] = []
    arguments = []
    first = draw(st.sampled_from([0, 1, 2, 3, 4, None, None, None, None, 201]))  # mostly pages, some refusals
    if first is not None:
        if draw(st.booleans()):
            variables["first"], arguments = first, ["first: $first"]
            declared.append("$first: Int")
        else:
            arguments.append(f"first: {first}")
    after = draw(st.sampled_from([None] * 5 + [encode_cursor(pk) for pk in (1, 3, 10, 25, 60)] + ["bad-cursor"]))
    if after is not None:
        variables["after"] = after
        declared.append("$after: String")
        arguments.append("after: $after")
    chosen = draw(filters(root))
    if chosen:
        if draw(st.booleans()):
            variables["filter"] = chosen
            declared.append(f"$filter: {filter_type}")
            arguments.append("filter: $filter")
        else:
            fields = ", ".join(f"{k}: {literal(v, k in ENUM_FILTERS)}" for k, v in chosen.items())
            arguments.append(f"filter: {{{fields}}}")
    parts = []
    if draw(st.booleans()):
        parts.append("totalCount")
    if draw(st.booleans()):
        info = draw(st.lists(st.sampled_from(["hasNextPage", "hasPreviousPage", "startCursor", "endCursor"]),
                             min_size=1, max_size=4, unique=True))
        parts.append("pageInfo { " + " ".join(info) + " }")
    edge = ["cursor"] if draw(st.booleans()) else []
    edge.append("node " + draw(node_selection(schema, type_name, role, 2)))
    parts.append("edges { " + " ".join(edge) + " }")
    alias = "list: " if draw(st.booleans()) else ""
    head = f"query({', '.join(declared)}) " if declared else ""
    args = f"({', '.join(arguments)})" if arguments else ""
    return username, f"{head}{{ {alias}{root}{args} {{ {' '.join(parts)} }} }}", variables


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@seed(SEED)
@given(data=st.data())
async def test_generated_queries_answer_alike_compiled_and_not(api, compiled_api, compiled_schema, caplog, data):
    """Hypothesis writes families and children pages over the part of the schema the compiler answers (the plain
    columns it serialises in SQL, the relations of schema/sources.py RELATIONS, two levels deep), as every demo
    account, with random `first` (201 included: refused), `after` (a bad cursor included) and filters, as literals
    or variables, aliased now and then, with inline fragments. Both apps answer on one database; the JSON must be
    the same, errors included (the request ID aside). CI runs a bounded set from a fixed seed; by hand::

        COMPILED_EXAMPLES=1000 COMPILED_SEED=$RANDOM TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \\
            .venv/bin/python -m pytest tests/api/test_compiled.py -k generated
    """
    username, query, variables = data.draw(requests(compiled_schema._schema), label="request")
    await both(api, compiled_api, caplog, username, query, variables)


async def test_the_sql_jalali_companion_agrees_with_rules_jalali_every_day_from_1900_to_2100(database_url):
    """Migration 0020's `to_jalali(date)`, which the compiled companions use, against rules/jalali.py (jdatetime)."""
    from rules.jalali import to_jalali

    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))
    try:
        rows = await conn.fetch("select d::date as day, to_jalali(d::date) as shown from generate_series(date "
                                "'1900-01-01', date '2100-12-31', interval '1 day') as d")
        assert await conn.fetchval("select to_jalali(null)") is None
    finally:
        await conn.close()
    assert len(rows) == 73_414
    assert [r["day"] for r in rows if r["shown"] != to_jalali(r["day"])] == []

"""The plain-field shortcut (schema/execution.py) must answer exactly as graphql-core's standard execution."""

from __future__ import annotations

import json
import os
import re
from typing import Any

import httpx
import pytest
import strawberry
from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLSchema,
    GraphQLUnionType,
    Undefined,
    get_named_type,
    is_leaf_type,
)
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from strawberry.extensions import SchemaExtension

from api.app import create_app, schema_for
from auth.policy import may_select
from auth.roles import Role
from demo.seed import DEMO_ACCOUNTS
from schema.node import to_global_id
from tests.conftest import Api

QUERIES = {
    "clinic.manager": [
        """{ families(first: 60) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node {
          id fileNumber category status rehabilitability householdSize address supportStartedOn
          supportStartedOnJalali exitRoute exitedOn abuseFlag version county { id name code }
          head { id firstName lastName } members { id nationalId firstName lastName birthDate birthDateJalali sex
          relation isHead education job health insurance version }
          currentAssignment { id assignedOn assignedOnJalali endedOn endedOnJalali endReason partner { id name }
          worker { id fullName degree position } } } } } }""",
        "{ partners { edges { node { id kind name grade licenseNumber licenseValidFrom licenseValidUntilJalali "
        "licenseValid firstGradedOn version staff { id fullName nationalId degree yearsOfExperience isActive "
        "countsForCaseload } agreements { id jalaliYear quotaChildren signedOn signedOnJalali status } } } } }",
        "{ me { role scope user { id username fullName role isActive } organization { id name } } }",
        "{ children(first: 50) { edges { node { id fileNumber nationalId firstName birthDate placement "
        "dischargedOn dischargedOnJalali exitedOnJalali priority abuseFlag status "
        "alias: fileNumber } } } }",
    ],
    "yazd.county": [
        "{ families(first: 30) { edges { node { id officeNotes committeeDecisions(first: 5) { edges { node { id "
        "level subject decidedOn decidedOnJalali minutes rehabilitability } } } "
        "history { entity operation changes { field before after } } } } } }",
        "{ kindergartens { edges { node { id name kind licenseStatus licenseNumber capacity enrolment phone "
        "operator { id name } } } } }",
        "{ children(first: 50) { edges { node { id custodyReason courtOrderReference guardianFamily { id } } } } }",
    ],
    "auditor": ["{ auditEvents(first: 50) { edges { node { id at username role operation objectIds } } } }"],
}


@pytest.fixture
async def standard_api(settings, database_url):
    app = create_app(settings, database_url=database_url, apply_migrations=False, plain_field_shortcut=False)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            yield Api(client)


@pytest.mark.parametrize(("username", "query"), [(u, q) for u, qs in QUERIES.items() for q in qs])
async def test_the_shortcut_answers_exactly_as_standard_execution(api, standard_api, username, query):
    fast = await api.as_user(username, query)
    standard = await standard_api.as_user(username, query)
    assert "errors" not in fast, fast
    assert fast == standard
    assert list(fast["data"]) == list(standard["data"])


async def test_a_null_in_a_non_null_plain_field_still_errors_like_the_standard_path(api, standard_api, monkeypatch):
    """The shortcut hands an impossible value back to graphql-core, which reports it as it always does."""
    import models.kindergartens

    original = models.kindergartens.Kindergarten._init_from_db

    def broken(cls, **kwargs):
        row = original(**kwargs)
        row.name = None
        return row

    monkeypatch.setattr(models.kindergartens.Kindergarten, "_init_from_db", classmethod(broken))
    query = "{ kindergartens(first: 2) { edges { node { id name } } } }"
    fast = await api.as_user("admin", query)
    standard = await standard_api.as_user("admin", query)

    def shape(result: dict) -> tuple:  # the request ID differs between any two requests
        return result["data"], [(e["path"], e["extensions"]["code"]) for e in result["errors"]]

    assert shape(fast) == shape(standard)
    assert fast["errors"][0]["extensions"]["code"] == "INTERNAL"


def without_request_ids(result: dict) -> dict:
    """The answer with the request ID in its errors replaced by a mark: it differs between any two requests."""
    return json.loads(REQUEST_ID.sub("<request>", json.dumps(result, ensure_ascii=False)))


REQUEST_ID = re.compile(r"\b[0-9a-f]{32}\b")


@pytest.mark.parametrize(("column", "value", "field"), [
    ("household_size", 2**31, "householdSize"),  # past GraphQL's Int
    ("status", "NOT_A_STATUS", "status"),  # an enum value the type does not know
    ("support_started_on", "not a date", "supportStartedOnJalali"),  # a companion whose date does not convert
])
async def test_a_value_that_does_not_serialise_errors_at_its_own_path(api, standard_api, monkeypatch, column, value,
                                                                      field):
    """The shortcut hands a value it cannot serialise back to graphql-core (issue 8 item 17): the error names the
    field's own path and graphql-core's message, exactly as without the shortcut, and the rest of the page stands."""
    import models.families

    original = models.families.Family._init_from_db

    def broken(cls, **kwargs):
        row = original(**kwargs)
        setattr(row, column, value)
        return row

    monkeypatch.setattr(models.families.Family, "_init_from_db", classmethod(broken))
    query = f"{{ families(first: 2) {{ edges {{ node {{ fileNumber {field} }} }} }} }}"
    fast = without_request_ids(await api.as_user("admin", query))
    standard = without_request_ids(await standard_api.as_user("admin", query))
    assert fast == standard
    assert fast["errors"][0]["path"] == ["families", "edges", 0, "node", field]


class _Shouting(SchemaExtension):
    """A schema extension with a `resolve` hook: upper-cases every string a field returns."""

    def resolve(self, _next, root, info, *args, **kwargs):
        value = _next(root, info, *args, **kwargs)
        return value.upper() if isinstance(value, str) else value


@strawberry.type
class _TinyRow:
    name: str


@strawberry.type
class _TinyQuery:
    @strawberry.field
    def row(self) -> _TinyRow:
        return _TinyRow(name="quiet")


async def test_no_shortcut_where_a_schema_extension_resolves(caplog):
    """graphql-core runs a schema extension's `resolve` around every field, plain ones too; the shortcut would skip
    it, so a schema with such an extension gets the standard execution (issue 8 item 17), with a warning."""
    from schema.execution import plain_field_execution

    plain = strawberry.Schema(query=_TinyQuery)
    shouting = strawberry.Schema(query=_TinyQuery, extensions=[_Shouting])
    assert plain_field_execution(plain) is not None
    with caplog.at_level("WARNING", logger="schema.execution"):
        assert plain_field_execution(shouting) is None
    assert "_Shouting" in caplog.text
    assert (await shouting.execute("{ row { name } }")).data == {"row": {"name": "QUIET"}}


async def test_the_welfare_schema_takes_the_shortcut(schema):
    from schema.execution import PlainFieldExecutionContext, shortcut_refusal

    assert shortcut_refusal(schema) is None
    assert issubclass(schema.execution_context_class, PlainFieldExecutionContext)


@pytest.fixture
async def other_minor_api(settings, database_url, caplog):
    """The app as it would start on graphql-core 3.4."""
    import graphql
    from graphql.version import VersionInfo

    with pytest.MonkeyPatch.context() as patch, caplog.at_level("WARNING", logger="schema.execution"):
        patch.setattr(graphql, "version_info", VersionInfo.from_str("3.4.0"))
        schema = schema_for(settings)
    app = create_app(settings, database_url=database_url, apply_migrations=False, schema=schema)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            yield Api(client), schema


async def test_another_graphql_core_minor_gets_the_standard_execution(api, other_minor_api, caplog):
    """The shortcut replaces graphql-core 3.3's Executor.execute_fields; on another minor it stands aside (with a
    warning) and the API answers through graphql-core alone, as before."""
    from schema.execution import PlainFieldExecutionContext

    other_minor, schema = other_minor_api
    assert any("is not the 3.3 it was written for" in r.getMessage() for r in caplog.get_records("setup"))
    assert not issubclass(schema.execution_context_class, PlainFieldExecutionContext)
    query = QUERIES["clinic.manager"][0]
    standard = await other_minor.as_user("clinic.manager", query)
    assert "errors" not in standard
    assert standard == await api.as_user("clinic.manager", query)

# --- generated queries through both paths

EXAMPLES = int(os.environ.get("EXECUTION_EXAMPLES", "50"))
SEED = int(os.environ.get("EXECUTION_SEED", "20261202"))  # fixed: CI draws the same queries on every run

# Root fields whose answer changes with the requests before it: every request leaves an audit event (docs/access.md
# rule 7), so the second path's auditor would read the first path's read.
HISTORY = frozenset({"auditEvents"})

# For a field taking an `id`: global IDs of demo rows of the type it returns (any of them for `node`), and of one
# that is not there.
ID_TYPES = ("Family", "Child", "Member", "Partner", "Kindergarten", "Assignment", "Province", "County")


def ids_of(type_name: str) -> st.SearchStrategy[str]:
    type_names = ID_TYPES if type_name not in ID_TYPES else (type_name,)
    return st.sampled_from([to_global_id(t, pk) for t in type_names for pk in (1, 2, 3, 40, 99_999)])


PAGE = st.integers(min_value=1, max_value=3)  # `first`: nested pages multiply, so keep them small
MAX_NESTING = 4  # object levels below the root field; the depth limit (12) counts edges and node too


def arguments(field: GraphQLField) -> st.SearchStrategy[str] | None:
    """`(…)` for the arguments of `field`: `first` always (the cost limit counts an absent one as a full page),
    `id` from the demo IDs; other arguments left out. None when a required one cannot be given."""
    given_args: list[st.SearchStrategy[str]] = []
    for name, argument in field.args.items():
        if name == "first":
            given_args.append(PAGE.map(lambda n: f"first: {n}"))
        elif name == "id":
            given_args.append(ids_of(get_named_type(field.type).name).map(lambda i: f'id: "{i}"'))
        elif isinstance(argument.type, GraphQLNonNull) and argument.default_value is Undefined:
            return None
    if not given_args:
        return st.just("")
    return st.tuples(*given_args).map(lambda parts: f"({', '.join(parts)})")


@st.composite
def selection(draw: st.DrawFn, schema: GraphQLSchema, parent: Any, role: Role, levels: int) -> str:
    """A selection set on `parent` (an object, interface or union type) that `role` may ask for."""
    if isinstance(parent, GraphQLUnionType | GraphQLInterfaceType):
        possible = list(schema.get_possible_types(parent))
        on = draw(st.lists(st.sampled_from(possible), min_size=1, max_size=2, unique_by=lambda t: t.name))
        fragments = [f"... on {t.name} {draw(selection(schema, t, role, levels))}" for t in on]
        return "{ __typename " + " ".join(fragments) + " }"
    candidates = []
    for name, field in parent.fields.items():
        leaf = is_leaf_type(get_named_type(field.type))
        if may_select(role, parent.name, name) and (leaf or levels > 0) and arguments(field) is not None:
            candidates.append(name)
    if not candidates:
        return "{ __typename }"
    rows = [name for name in ("edges", "node") if name in candidates]  # a page's rows: where the shortcut works
    others = sorted(set(candidates) - set(rows))
    names = rows + draw(st.lists(st.sampled_from(others), min_size=min(len(others), 1 if rows else 2), max_size=8,
                                 unique=True)) if others else rows
    parts = []
    for index, name in enumerate(names):
        field = parent.fields[name]
        alias = f"a{index}: " if draw(st.integers(min_value=0, max_value=5)) == 0 else ""
        args = draw(arguments(field))  # type: ignore[arg-type]  # not None: filtered above
        below = get_named_type(field.type)
        inner = "" if is_leaf_type(below) else " " + draw(selection(schema, below, role, levels - 1))
        parts.append(f"{alias}{name}{args}{inner}")
    return "{ " + " ".join(parts) + " }"


@st.composite
def requests(draw: st.DrawFn, schema: GraphQLSchema) -> tuple[str, str]:
    """(username, query): a demo account and one root field of the schema it may ask for."""
    username, role_name, _ = draw(st.sampled_from(DEMO_ACCOUNTS))
    role = Role(role_name)
    query_type = schema.query_type
    assert query_type is not None
    roots = sorted(name for name, field in query_type.fields.items()
                   if name not in HISTORY and may_select(role, "Query", name) and arguments(field) is not None)
    name = draw(st.sampled_from(roots))
    field = query_type.fields[name]
    args = draw(arguments(field))  # type: ignore[arg-type]
    below = get_named_type(field.type)
    inner = "" if is_leaf_type(below) else " " + draw(selection(schema, below, role, MAX_NESTING))
    return username, f"{{ {name}{args}{inner} }}"


def bounded(test: Any) -> Any:
    """CI's bounded, deterministic run, or the longer one asked for by hand (the module's docstring)."""
    test = settings(max_examples=EXAMPLES, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])(test)
    return seed(SEED)(test)


@bounded
@given(data=st.data())
async def test_generated_queries_answer_alike_with_and_without_the_shortcut(api, standard_api, schema, data):
    """Hypothesis writes queries over the schema's query fields as each demo account may ask them (auth/policy.py
    `may_select`; a refused field would stop both paths before execution alike): any of the fields a type offers,
    nested down to the leaves, aliased now and then, with inline fragments on interfaces and unions, a small `first`
    on every page, and the global IDs of demo rows (and of a missing one) for `node`, `family` and `child`. Each
    query goes through both apps, on one database, and the JSON answers must be the same, data and errors alike
    (the request ID aside). Issue 8 item 17.

    CI runs a bounded set of examples drawn from a fixed seed: the same queries on every run. The longer form, by
    hand::

        EXECUTION_EXAMPLES=2000 EXECUTION_SEED=$RANDOM TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \\
            .venv/bin/python -m pytest tests/api/test_execution.py -k generated

    `EXECUTION_EXAMPLES` sets the number of examples (50 in CI), `EXECUTION_SEED` the seed they are drawn from, so
    that several long runs explore different queries. A failure shows the account and the query.
    """
    username, query = data.draw(requests(schema._schema), label="request")
    fast = without_request_ids(await api.as_user(username, query))
    standard = without_request_ids(await standard_api.as_user(username, query))
    assert fast == standard, (username, query)

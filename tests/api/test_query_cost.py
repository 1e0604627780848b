"""The query cost limit and the statement timeout (issue 8 item 6): an operation that may ask for too many rows is
refused as QUERY_TOO_COMPLEX before any SQL runs; every request's statements run under a statement_timeout."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest
import strawberry
from tortoise import connections

from api.app import create_app
from schema import build_schema
from schema.transaction import request_transaction
from tests.conftest import Api, error_code

ROWS = """edges { node { id fileNumber householdSize head { firstName lastName }
  members { id firstName lastName nationalId birthDate relation }
  homeVisits(first: 5) { totalCount edges { node { id visitedOn report recordedBy } } } } }"""
THIRTY = "{ " + " ".join(f"f{i}: families(first: 200) {{ {ROWS} }}" for i in range(30)) + " }"
NESTED = """{ families(first: 100) { edges { node { homeVisits(first: 100) { edges { node {
  id visitedOn report recordedBy } } } } } } }"""
README_LIST = """query($after: String) { families(first: 50, after: $after) { totalCount
  pageInfo { hasNextPage endCursor } edges { node { id fileNumber householdSize } } } }"""


async def client_of(app) -> AsyncIterator[Api]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("198.51.100.7", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield Api(client)


async def test_thirty_aliased_pages_are_refused_before_any_sql(api: Api, caplog) -> None:
    await api.token("yazd.province")  # logged in before: the refused request itself must run no SQL
    caplog.set_level(logging.DEBUG, logger="tortoise.db_client")
    caplog.clear()
    result = await api.as_user("yazd.province", THIRTY)
    assert error_code(result) == "QUERY_TOO_COMPLEX"
    assert "above the budget of 100000" in result["errors"][0]["message"]
    assert result.get("data") is None
    # Nothing is read for the query (the token's user may be looked up again once its cache entry expires).
    assert not [r for r in caplog.records if r.name == "tortoise.db_client" and '"family"' in r.getMessage()]
    assert (await api.ok("yazd.province", README_LIST))["families"]["totalCount"] > 0


@pytest.fixture
async def small_budget_api(settings, database_url) -> AsyncIterator[Api]:
    app = create_app(settings, database_url=database_url, apply_migrations=False,
                     schema=build_schema(max_cost=10_000))
    async for client in client_of(app):
        yield client


async def test_nested_pages_multiply_their_cost(small_budget_api: Api) -> None:
    result = await small_budget_api.as_user("yazd.province", NESTED)
    assert error_code(result) == "QUERY_TOO_COMPLEX"
    # 100 families × (edges 1 + node 1 + 100 visits × (edges 1 + node 1 + 4 fields))
    assert "costs 60200, above the budget of 10000" in result["errors"][0]["message"]
    # a variable's default counts; one with none counts as the largest page
    pages = "families(first: $n) { edges { node { homeVisits(first: $n) { edges { node { id } } } } } }"
    with_default = await small_budget_api.as_user("yazd.province", f"query($n: Int = 10) {{ {pages} }}", {"n": 10})
    assert "errors" not in with_default
    without = await small_budget_api.as_user("yazd.province", f"query($n: Int) {{ {pages} }}", {"n": 10})
    assert error_code(without) == "QUERY_TOO_COMPLEX"


@strawberry.type
class TimedQuery:
    @strawberry.field
    async def statement_timeout(self) -> str:
        rows = await connections.get("default").execute_query_dict("select current_setting('statement_timeout') t")
        return str(rows[0]["t"])

    @strawberry.field
    async def slow(self) -> str:
        await connections.get("default").execute_query("select pg_sleep(0.5)")
        return "done"


@pytest.fixture
async def timed_api(settings, database_url) -> AsyncIterator[Api]:
    """A test-only schema under the request transaction, with a statement timeout of 50 ms."""
    schema = strawberry.Schema(query=TimedQuery, extensions=[request_transaction(50)])
    app = create_app(settings, database_url=database_url, apply_migrations=False, schema=schema)
    async for client in client_of(app):
        yield client


async def test_each_request_runs_under_the_statement_timeout(timed_api: Api) -> None:
    assert (await timed_api.post("{ statementTimeout }"))["data"] == {"statementTimeout": "50ms"}
    result = await timed_api.post("{ slow }")
    assert error_code(result) == "INTERNAL"
    assert "quote request" in result["errors"][0]["message"]

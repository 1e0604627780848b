"""/metrics (api/metrics.py, issue #11): off by default, behind METRICS_TOKEN when set, in the Prometheus text format
with the operations by name and outcome, their latency and the database pool."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import strawberry
from prometheus_client.parser import text_string_to_metric_families

from api.app import create_app
from api.logs import RequestRecord
from api.metrics import MAX_OPERATIONS, MULTIPROCESS_DIR, Metrics
from api.settings import Settings
from tests.conftest import Api, serving_workers

SCRAPE_TOKEN = "scrape-" + "s" * 32
ROOT = Path(__file__).resolve().parents[2]


async def _client(settings: Settings, database_url: str, schema: strawberry.Schema) -> AsyncIterator[Api]:
    app = create_app(settings, database_url=database_url, apply_migrations=False, schema=schema)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("198.51.100.7", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield Api(client)


@pytest.fixture
async def guarded(settings: Settings, database_url: str, schema: strawberry.Schema) -> AsyncIterator[Api]:
    async for api in _client(settings.model_copy(update={"metrics_enabled": True, "metrics_token": SCRAPE_TOKEN}),
                             database_url, schema):
        yield api


@pytest.fixture
async def open_metrics(settings: Settings, database_url: str, schema: strawberry.Schema) -> AsyncIterator[Api]:
    async for api in _client(settings.model_copy(update={"metrics_enabled": True}), database_url, schema):
        yield api


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


async def test_off_by_default(api: Api) -> None:
    assert (await api.client.get("/metrics")).status_code == 404


async def test_the_token_is_required_when_set(guarded: Api) -> None:
    assert (await guarded.client.get("/metrics")).status_code == 401
    wrong = await guarded.client.get("/metrics", headers={"authorization": "Bearer " + "x" * 39})
    assert wrong.status_code == 401
    right = await guarded.client.get("/metrics", headers={"authorization": f"Bearer {SCRAPE_TOKEN}"})
    assert right.status_code == 200 and right.headers["content-type"].startswith("text/plain")


async def test_operations_by_name_and_outcome_latency_and_pool(open_metrics: Api) -> None:
    api = open_metrics
    for _ in range(2):
        await api.ok("clinic.manager", "query Me { me { role } }")
    await api.as_user("clinic.manager", "query Broken { nope }")
    await api.as_user("clinic.manager", "{ me { role } }")
    await api.client.get("/readyz")  # a probe: not an operation
    samples = _samples((await api.client.get("/metrics")).text)

    requests = {labels: value for (name, labels), value in samples.items() if name == "welfare_api_requests_total"}
    assert requests[(("operation", "Me"), ("outcome", "OK"))] == 2
    assert requests[(("operation", "Broken"), ("outcome", "BAD_USER_INPUT"))] == 1
    assert requests[(("operation", "(anonymous)"), ("outcome", "OK"))] >= 1  # the anonymous query (and the login)
    assert not any(dict(labels)["operation"] == "-" for labels in requests)

    count = samples[("welfare_api_request_duration_seconds_count", (("operation", "Me"),))]
    assert count == 2
    assert samples[("welfare_api_request_duration_seconds_bucket", (("le", "+Inf"), ("operation", "Me")))] == 2
    assert samples[("welfare_api_db_pool_connections", ())] >= 1
    assert 0 <= samples[("welfare_api_db_pool_connections_in_use", ())] <= samples[
        ("welfare_api_db_pool_connections", ())]
    # No label names a user.
    assert all(set(dict(labels)) <= {"operation", "outcome", "le"} for (_, labels) in samples)


def _record(operation: str | None) -> RequestRecord:
    record: Any = RequestRecord(request_id="r", method="POST", path="/graphql", started=0.0, operation=operation,
                                outcome="OK", status=200, duration=0.01)
    return record


def test_operation_labels_are_bounded() -> None:
    """Clients choose operation names: past MAX_OPERATIONS distinct ones, the rest share one label."""
    metrics = Metrics()
    for n in range(MAX_OPERATIONS + 50):
        metrics.observe(_record(f"Op{n}"))
    metrics.observe(_record("Op0"))
    samples = _samples(metrics.exposition().decode())
    operations = {dict(labels)["operation"] for (name, labels) in samples if name == "welfare_api_requests_total"}
    assert len(operations) == MAX_OPERATIONS + 1 and "(other)" in operations
    assert samples[("welfare_api_requests_total", (("operation", "(other)"), ("outcome", "OK")))] == 50
    assert samples[("welfare_api_requests_total", (("operation", "Op0"), ("outcome", "OK")))] == 2


PINGS = 40


async def test_several_workers_are_counted_as_one(database_url: str, tmp_path: Path) -> None:
    """`serve --workers 2` with METRICS_ENABLED: whichever worker a scrape reaches, it counts every worker's requests
    (prometheus_client's multiprocess mode, in <data_dir>/metrics). Each request comes on a new connection, for
    either worker to take."""
    env = {**os.environ, "DATABASE_URL": database_url, "JWT_SECRET": "metrics-test-secret-" + "x" * 40,
           "METRICS_ENABLED": "true"}
    env.pop(MULTIPROCESS_DIR, None)
    log = tmp_path / "serve.log"
    async with serving_workers(tmp_path, env, log=log) as http:
        # Together, so that both workers take some (one idle worker may otherwise take them all).
        answers = await asyncio.gather(*[http.post("/graphql", json={"query": "query Ping { __typename }"})
                                         for _ in range(PINGS)])
        assert all(answer.json() == {"data": {"__typename": "Query"}} for answer in answers)
        for _ in range(4):
            samples = _samples((await http.get("/metrics")).text)
            assert samples[("welfare_api_requests_total", (("operation", "Ping"), ("outcome", "OK")))] == PINGS
            assert ("welfare_api_db_pool_connections", ()) in samples
    counters = {path.stem.rsplit("_", 1)[-1] for path in (tmp_path / "metrics").glob("counter_*.db")}
    assert counters, "the workers wrote their figures in <data_dir>/metrics"

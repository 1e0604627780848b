"""Prometheus metrics at /metrics (issue #11, operations), in the text format of `prometheus-client`.

Off unless `METRICS_ENABLED` (then /metrics is a 404); with `METRICS_TOKEN` set, a scrape must send `Authorization:
Bearer <METRICS_TOKEN>` (else 401). The metrics say how the service is used, never by whom: no label holds a user.

- `welfare_api_requests_total{operation, outcome}`: GraphQL operations and exports answered, by operation name and
  outcome (`OK` or the first error's code), from the request record of api/logs.py;
- `welfare_api_request_duration_seconds{operation}`: their latency, a histogram;
- `welfare_api_db_pool_connections_in_use` and `welfare_api_db_pool_connections`: the API's database pool, read when
  scraped.

Operation names are chosen by clients, so the labels are bounded: the first `MAX_OPERATIONS` names a process sees
keep their own label, the rest count as `(other)`; an anonymous operation is `(anonymous)`.

**Several processes.** A process counts its own requests, and a scrape reaches whichever process the kernel hands the
connection to. So `serve --workers N` with METRICS_ENABLED runs prometheus_client's multiprocess mode: it points
`PROMETHEUS_MULTIPROC_DIR` at `<data_dir>/metrics` (emptied at start) unless that is set already, every worker writes
its figures there, and a scrape of any worker sums them all (the pool's figures over the live workers, each as of its
last request or scrape). Replicas on several machines are scraped one by one, as usual.
"""

from __future__ import annotations

import hmac
import os
import shutil
from pathlib import Path
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import multiprocess as multiprocess_mode
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from api.logs import RequestRecord

MAX_OPERATIONS = 200
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"  # prometheus_client's own variable


def shared_by_processes() -> bool:
    """Whether this process's figures go to the folder every worker shares (read when the metrics are made)."""
    return bool(os.environ.get(MULTIPROCESS_DIR))


def prepare_multiprocess_dir(data_dir: Path) -> str:
    """For `serve --workers N`: the folder the workers share, `PROMETHEUS_MULTIPROC_DIR` if set, else
    `<data_dir>/metrics` emptied of a previous run's figures."""
    given = os.environ.get(MULTIPROCESS_DIR)
    if given:
        return given
    folder = data_dir / "metrics"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return str(folder)


class Metrics:
    """The figures of one app, in a registry of its own (so that apps made side by side, as in tests, never share
    one)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("welfare_api_requests", "GraphQL operations and exports answered, by operation and "
                                "outcome (OK or the first error's code)", ["operation", "outcome"],
                                registry=self.registry)
        self.latency = Histogram("welfare_api_request_duration_seconds", "Time to answer a GraphQL operation or an "
                                 "export, by operation", ["operation"], buckets=LATENCY_BUCKETS,
                                 registry=self.registry)
        self.shared = shared_by_processes()
        # Shared by processes, a gauge is a figure each worker writes (summed over the live ones), not a function.
        self.pool_in_use = Gauge("welfare_api_db_pool_connections_in_use", "Connections of the API's database pool "
                                 "lent out", registry=self.registry, multiprocess_mode="livesum")
        self.pool_size = Gauge("welfare_api_db_pool_connections", "Connections the API's database pool holds open",
                               registry=self.registry, multiprocess_mode="livesum")
        if not self.shared:
            self.pool_in_use.set_function(lambda: _pool_figure("in_use"))
            self.pool_size.set_function(lambda: _pool_figure("size"))
        self._operations: set[str] = set()

    def observe(self, record: RequestRecord) -> None:
        """One answered request (api/logs.RequestLog calls this): counted if it was a GraphQL operation or export."""
        graphql = record.path == "/graphql" and record.method == "POST"  # a GET there is GraphiQL's page
        if not (graphql or record.path.startswith("/exports/")):
            return
        operation = self._label(record.operation)
        self.requests.labels(operation, record.outcome or "OK").inc()
        self.latency.labels(operation).observe(record.duration)
        if self.shared:
            self._write_pool()

    def _write_pool(self) -> None:
        self.pool_in_use.set(_pool_figure("in_use"))
        self.pool_size.set(_pool_figure("size"))

    def _label(self, operation: str | None) -> str:
        if operation is None:
            return "(anonymous)"
        if operation in self._operations:
            return operation
        if len(self._operations) < MAX_OPERATIONS:
            self._operations.add(operation)
            return operation
        return "(other)"

    def exposition(self) -> bytes:
        if not self.shared:
            return generate_latest(self.registry)
        self._write_pool()
        every_worker = CollectorRegistry()
        multiprocess_mode.MultiProcessCollector(every_worker)  # type: ignore[no-untyped-call]
        return generate_latest(every_worker)

    def close(self) -> None:
        """This process stops: its pool figures leave the sums (its counts stay)."""
        if self.shared:
            multiprocess_mode.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


def _pool_figure(which: str) -> float:
    """The API's asyncpg pool (Tortoise's `default` connection): connections lent out, or held open; 0 without
    one."""
    from tortoise import connections

    try:
        pool: Any = getattr(connections.get("default"), "_pool", None)
    except Exception:  # noqa: BLE001 - not connected (yet, or any more): no pool to read
        return 0.0
    if pool is None:
        return 0.0
    size = float(pool.get_size())
    return size if which == "size" else size - pool.get_idle_size()


def metrics_endpoint(metrics: Metrics, token: str | None) -> Any:
    """The /metrics route's handler: the exposition, behind the bearer token when one is set."""
    expected = f"Bearer {token}".encode() if token else None

    async def endpoint(request: Request) -> Response:
        if expected is not None and not hmac.compare_digest(request.headers.get("authorization", "").encode(),
                                                            expected):
            return PlainTextResponse("metrics need the bearer token (METRICS_TOKEN)", status_code=401,
                                     headers={"WWW-Authenticate": "Bearer"})
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return endpoint

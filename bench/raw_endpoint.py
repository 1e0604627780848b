"""The floor the GraphQL page is measured against: the partner manager's families page from raw asyncpg and
Starlette, in the same JSON shape as `/graphql` gives for the bench query (bench/run.py, PAGE).

It does what the API must do and nothing more: verify the bearer token (the same token service and secret),
read the viewer from the database (cached like the API's ViewerCache), connect as the same API role, and run the
page in one transaction carrying the same row-level-security settings (auth/rls.py, schema/transaction.py). The
rows are the same: the viewer's slice of families (for a partner manager, the files live with its partner), the
first 50 by id, each with its members in id order and its live assignment and worker.

Served by `uvicorn --factory bench.raw_endpoint:create_app` with the API's environment (DATABASE_URL …).
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from asyncpg.pool import PoolConnectionProxy
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from api import db
from api.settings import get_settings
from auth.rls import database_settings
from auth.roles import Role, Viewer
from auth.tokens import InvalidToken, token_service_from_settings
from models.organizations import OrganizationKind
from schema.node import to_global_id

PAGE_SIZE = 50

# Through the API's own look-up (auth/identity.py): row-level security hides app_user (migration 0018).
VIEWER = """
select id, username, role, organization_id, organization_kind as kind, province_id, county_id, staff_member_id,
       is_active, is_demo
from app_user_account($1)"""

# The scope builder's filter for each case scope (auth/scope.py); row-level security applies on top, as in the API.
SCOPE_COLUMN = {"NATIONAL": None, "PROVINCE": "province_id", "COUNTY": "county_id",
                "OWN_ORGANIZATION": "assigned_partner_id", "OWN_ASSIGNMENT": "assigned_worker_id"}

MEMBERS = """
select id, family_id, first_name, last_name, national_id, birth_date, relation, is_head
from member where family_id = any($1::int[]) order by id"""

ASSIGNMENTS = """
select a.id, a.family_id, a.assigned_on, s.id as worker_id, s.full_name
from assignment a left join staff_member s on s.id = a.worker_id
where a.family_id = any($1::int[]) and a.ended_at is null order by a.id"""


class Viewers:
    """username → (viewer, expiry), like auth.identity.ViewerCache."""

    def __init__(self, ttl: float, demo_mode: bool) -> None:
        self.ttl = ttl
        self.demo_mode = demo_mode
        self._entries: dict[str, tuple[float, Viewer | None]] = {}

    async def get(self, conn: PoolConnectionProxy, username: str) -> Viewer | None:
        entry = self._entries.get(username)
        if entry is not None and time.monotonic() - entry[0] < self.ttl:
            return entry[1]
        row = await conn.fetchrow(VIEWER, username)
        viewer = None
        if row is not None and row["is_active"] and (self.demo_mode or not row["is_demo"]):
            viewer = Viewer(user_id=row["id"], username=row["username"], role=Role(row["role"]),
                            organization_id=row["organization_id"], organization_kind=OrganizationKind(row["kind"]),
                            province_id=row["province_id"], county_id=row["county_id"],
                            staff_member_id=row["staff_member_id"])
        if self.ttl > 0:
            self._entries[username] = (time.monotonic(), viewer)
        return viewer


def _scope_sql(viewer: Viewer, settings: dict[str, str]) -> tuple[str, list[Any]]:
    scope = settings["app.case_scope"]
    if scope == "NATIONAL":
        return "true", []
    column = SCOPE_COLUMN.get(scope)
    value = {"province_id": viewer.province_id, "county_id": viewer.county_id,
             "assigned_partner_id": viewer.organization_id, "assigned_worker_id": viewer.staff_member_id}.get(
        column or "")
    if column is None or value is None:
        return "false", []
    return f"{column} = $1", [value]


async def families_page(conn: PoolConnectionProxy, viewer: Viewer) -> dict[str, Any]:
    """The bench page as `/graphql` shapes it, within one transaction scoped for row-level security."""
    settings = database_settings(viewer)
    names = list(settings)
    async with conn.transaction():
        await conn.execute(
            "select " + ", ".join(f"set_config('{name}', ${i + 1}, true)" for i, name in enumerate(names)),
            *[settings[name] for name in names])
        where, args = _scope_sql(viewer, settings)
        total = await conn.fetchval(f"select count(*) from family where {where}", *args)
        families = await conn.fetch(
            f"select id, file_number, category, household_size from family where {where} order by id "
            f"limit {PAGE_SIZE}", *args)
        ids = [f["id"] for f in families]
        members = await conn.fetch(MEMBERS, ids)
        assignments = await conn.fetch(ASSIGNMENTS, ids)
    by_family: dict[int, list[asyncpg.Record]] = {pk: [] for pk in ids}
    for m in members:
        by_family[m["family_id"]].append(m)
    current = {a["family_id"]: a for a in assignments}
    edges = []
    for f in families:
        own = by_family[f["id"]]
        head = next((m for m in own if m["is_head"]), None)
        live = current.get(f["id"])
        edges.append({"node": {
            "id": to_global_id("Family", f["id"]),
            "fileNumber": f["file_number"],
            "category": f["category"],
            "householdSize": f["household_size"],
            "head": {"firstName": head["first_name"], "lastName": head["last_name"]} if head else None,
            "members": [{"id": to_global_id("Member", m["id"]), "firstName": m["first_name"],
                         "lastName": m["last_name"], "nationalId": m["national_id"],
                         "birthDate": m["birth_date"].isoformat(), "relation": m["relation"]} for m in own],
            "currentAssignment": None if live is None else {
                "id": to_global_id("Assignment", live["id"]),
                "assignedOn": live["assigned_on"].isoformat(),
                "worker": None if live["worker_id"] is None else {
                    "id": to_global_id("StaffMember", live["worker_id"]), "fullName": live["full_name"]},
            },
        }})
    return {"data": {"families": {"totalCount": total, "edges": edges}}}


def create_app() -> Starlette:
    settings = get_settings()
    tokens = token_service_from_settings(settings)
    viewers = Viewers(settings.user_cache_seconds, settings.demo_mode)
    state: dict[str, asyncpg.Pool] = {}

    async def families(request: Request) -> Response:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        try:
            if scheme.lower() != "bearer" or not token:
                raise InvalidToken("not a bearer token")
            username = str(tokens.verify(token.strip())["sub"])
        except InvalidToken:
            return JSONResponse({"errors": [{"message": "unauthenticated"}]}, status_code=401)
        async with state["pool"].acquire() as conn:
            viewer = await viewers.get(conn, username)
            if viewer is None:
                return JSONResponse({"errors": [{"message": "unauthenticated"}]}, status_code=401)
            page = await families_page(conn, viewer)
        return Response(json.dumps(page), media_type="application/json")

    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        owner_url = settings.database_url
        if not owner_url:
            raise RuntimeError("the raw endpoint needs DATABASE_URL (bench/run.py sets it)")
        url = db.app_url(owner_url, settings.app_database_url, settings.app_database_role)
        # Tortoise's default pool (1–5 connections), so both servers have the same database concurrency.
        state["pool"] = await asyncpg.create_pool(db.asyncpg_dsn(url), min_size=1, max_size=5)
        try:
            yield
        finally:
            await state["pool"].close()

    return Starlette(routes=[Route("/families", families, methods=["POST", "GET"]), Route("/healthz", healthz)],
                     lifespan=lifespan)

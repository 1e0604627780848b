"""A clientId makes one row (docs/api.md, conventions; schema/casework/records.once_per_client_id) for the creating
mutations of money and supervision that gained one in migration 0015: a figure of the policy table, a statement's
approval, an action plan, a violation report. Sent twice the same, one row and the same answer; sent again under the
same clientId saying something else, CONFLICT on `clientId` — and still one row. Each sending is audited."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
import pytest

from api import db
from schema.node import to_global_id
from tests.conftest import Api, error_code

TODAY = datetime.date.today()


@pytest.fixture
async def owner(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))
    yield conn
    await conn.close()


async def partner(owner: asyncpg.Connection, manager: str) -> str:
    pk = await owner.fetchval("select organization_id from app_user where username = $1", manager)
    return to_global_id("Partner", pk)


async def policy_value(api: Api, owner: asyncpg.Connection) -> dict[str, Any]:
    return {"key": "EXIT_TARGET", "effectiveFrom": (TODAY + datetime.timedelta(days=5)).isoformat(), "value": 1200,
            "note": "بخشنامه"}


async def approval(api: Api, owner: asyncpg.Connection) -> dict[str, Any]:
    return {"partnerId": await partner(owner, "clinic.manager"), "jalaliYear": 1404, "approvedOn": TODAY.isoformat()}


async def action_plan(api: Api, owner: asyncpg.Connection) -> dict[str, Any]:
    made = await api.ok("meybod.supervisor", """mutation($i: RecordSupervisionVisitInput!) {
        recordSupervisionVisit(input: $i) { supervisionVisit { id } } }""", {"i": {
        "partnerId": await partner(owner, "charity.manager"), "visitedOn": TODAY.isoformat(),
        "findings": "دفتر مالی ناقص است", "suggestions": "تکمیل دفتر"}})
    return {"visitId": made["recordSupervisionVisit"]["supervisionVisit"]["id"], "actions": "تکمیل دفتر تا پایان ماه",
            "dueOn": (TODAY + datetime.timedelta(days=30)).isoformat()}


async def violation(api: Api, owner: asyncpg.Connection) -> dict[str, Any]:
    return {"partnerId": await partner(owner, "charity.manager"), "reportedOn": TODAY.isoformat(),
            "description": "دریافت وجه از مددجو"}


@dataclass(frozen=True)
class Sending:
    mutation: str
    username: str
    table: str
    made: str  # the payload's field, then what it selects
    input: Callable[[Api, asyncpg.Connection], Awaitable[dict[str, Any]]]
    other: dict[str, Any]  # what a different sending says

    def query(self) -> str:
        name = self.mutation[0].upper() + self.mutation[1:]
        return f"mutation($i: {name}Input!) {{ {self.mutation}(input: $i) {{ {self.made} }} }}"


SENDINGS = [
    Sending("setPolicyValue", "admin", "policy_value", "policyValue { id value note }", policy_value,
            {"value": 1300}),
    Sending("approveSubsidyStatement", "yazd.province", "subsidy_statement",
            "subsidyStatement { jalaliYear approvedOn approvedBy totalRials }", approval,
            {"approvedOn": (TODAY - datetime.timedelta(days=1)).isoformat()}),
    Sending("submitActionPlan", "charity.manager", "action_plan", "actionPlan { id actions dueOn version }",
            action_plan, {"actions": "برنامه دیگر"}),
    Sending("reportViolation", "meybod.supervisor", "violation_report", "violationReport { id description }",
            violation, {"description": "تخلف دیگر"}),
]


@pytest.mark.parametrize("sending", SENDINGS, ids=[s.mutation for s in SENDINGS])
async def test_one_row_per_client_id(api, owner, sending):
    client_id = uuid.uuid4()
    sent = {"i": {**await sending.input(api, owner), "clientId": str(client_id)}}
    first = (await api.ok(sending.username, sending.query(), sent))[sending.mutation]
    again = (await api.ok(sending.username, sending.query(), sent))[sending.mutation]
    assert again == first
    rows = f"select count(*) from {sending.table} where client_id = $1"
    assert await owner.fetchval(rows, client_id) == 1

    changed = await api.as_user(sending.username, sending.query(), {"i": {**sent["i"], **sending.other}})
    assert error_code(changed) == "CONFLICT" and changed["errors"][0]["extensions"]["field"] == "clientId"
    assert changed["errors"][0]["extensions"]["messageFa"]
    assert await owner.fetchval(rows, client_id) == 1
    assert await owner.fetchval("select count(*) from audit_event where operation = $1 and outcome = 'OK'",
                                f"mutation {sending.mutation}") == 2

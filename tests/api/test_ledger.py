"""The partner's books through /graphql (Art. 6.9, issue 9): the demo books balance, entries and reversals, who reads
and who writes them, the input they refuse, and the clientId of offline apps."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from tortoise.transactions import in_transaction

import schema.money.ledger as ledger_module
from api import db
from auth.rls import database_settings
from auth.roles import Role, Viewer
from models.organizations import Organization, OrganizationKind
from rules.errors import RuleInputError
from rules.ledger import ledger_balance
from schema.money.ledger import post_receipt
from schema.node import from_global_id, to_global_id
from tests.conftest import Api, error_code

TODAY = datetime.date.today()
TOMORROW = (TODAY + datetime.timedelta(days=1)).isoformat()

RECORD = """mutation($input: RecordLedgerEntryInput!) { recordLedgerEntry(input: $input) { ledgerEntry {
  id kind amountRials signedAmountRials enteredOn enteredOnJalali description recordedBy family { id }
  reverses { id } reversedBy { id } } } }"""
REVERSE = """mutation($input: ReverseLedgerEntryInput!) { reverseLedgerEntry(input: $input) { ledgerEntry {
  id kind amountRials signedAmountRials enteredOn description family { id } reverses { id reversedBy { id } } } } }"""
BALANCE = "query($id: ID!) { node(id: $id) { ... on Partner { ledgerBalance } } }"
LEDGER = """query($id: ID!, $after: String) { node(id: $id) { ... on Partner { ledger(first: 50, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node {
    id kind amountRials signedAmountRials recordedBy reverses { id } reversedBy { id } } } } } } }"""
ENTRY = "query($id: ID!) { node(id: $id) { ... on LedgerEntry { id amountRials family { id } } } }"
FILES = """query($f: FamilyFilter) { families(first: 200, filter: $f) { edges { node { id status
  currentAssignment { assignedOn } } } } }"""
PARTNERS = "{ partners(first: 50) { edges { node { id name ledgerBalance } } } }"


@pytest.fixture
async def owner(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    """The test's database as its owner: row-level security hides nothing from it."""
    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))
    yield conn
    await conn.close()


async def own_partner(api: Api, manager: str) -> str:
    return (await api.ok(manager, "{ me { organization { id } } }"))["me"]["organization"]["id"]


async def delegated_family(api: Api, manager: str) -> str:
    """A family delegated to the manager's partner now."""
    edges = (await api.ok(manager, FILES, {"f": {"status": "ACTIVE", "assigned": True}}))["families"]["edges"]
    return edges[0]["node"]["id"]


def entry(partner: str, kind: str = "RECEIPT", amount: Any = 50_000_000, **changes: Any) -> dict[str, Any]:
    return {"input": {"partnerId": partner, "kind": kind, "amountRials": amount, "enteredOn": TODAY.isoformat(),
                      "description": "پیش‌پرداخت یارانه", **changes}}


async def record(api: Api, username: str, variables: dict[str, Any]) -> dict[str, Any]:
    return (await api.ok(username, RECORD, variables))["recordLedgerEntry"]["ledgerEntry"]


async def balance(api: Api, username: str, partner: str) -> int:
    return (await api.ok(username, BALANCE, {"id": partner}))["node"]["ledgerBalance"]


# --- the demo books ---------------------------------------------------------------------------------------------

INDEPENDENT_BALANCE = """
select partner_id,
       coalesce(sum(amount_rials) filter (where kind = 'RECEIPT' and reverses_id is null), 0)
     - coalesce(sum(amount_rials) filter (where kind = 'PAYMENT' and reverses_id is null), 0)
     - coalesce(sum(r.amount_rials) filter (where r.kind = 'RECEIPT' and r.reverses_id is not null), 0)
     + coalesce(sum(r.amount_rials) filter (where r.kind = 'PAYMENT' and r.reverses_id is not null), 0) as balance,
       count(*) filter (where reverses_id is not null) as reversals
from ledger_entry r group by partner_id"""


async def test_the_demo_books_balance(api, owner):
    """For every demo partner, the API's balance (one SUM in the database) is the sum of its entries computed apart,
    in SQL here and by rules.ledger over the entries the API lists; each has a reversal, linked both ways."""
    expected = {to_global_id("Partner", row["partner_id"]): (int(row["balance"]), row["reversals"])
                for row in await owner.fetch(INDEPENDENT_BALANCE)}
    partners = [edge["node"] for edge in (await api.ok("yazd.province", PARTNERS))["partners"]["edges"]]
    assert len(partners) == len(expected) == 4
    for partner in partners:
        sql_balance, reversals = expected[partner["id"]]
        assert partner["ledgerBalance"] == sql_balance > 0, partner["name"]
        assert reversals == 1, partner["name"]
        entries, count = await _all_entries(api, partner)
        assert count == len(entries)
        rows = [_Row(e["kind"], e["amountRials"], e["reverses"]["id"] if e["reverses"] else None) for e in entries]
        assert ledger_balance(rows) == sql_balance == sum(e["signedAmountRials"] for e in entries)
        [reversal] = [e for e in entries if e["reverses"]]
        [reversed_entry] = [e for e in entries if e["id"] == reversal["reverses"]["id"]]
        assert reversed_entry["reversedBy"] == {"id": reversal["id"]}
        ids = [from_global_id(e["id"])[1] for e in entries]
        assert ids == sorted(ids), "oldest first"


async def test_the_demo_pays_each_service_with_money_from_advances_entered_by_the_manager(owner):
    """demo/ledger.py: a payment for every service with money a partner gave (its family, day and amount), a receipt
    every three months, every entry by the partner's manager in its area."""
    unpaid = await owner.fetchval("""
        select count(*) from service_record s where s.partner_id is not null and s.amount_rials is not null
        and not exists (select 1 from ledger_entry e where e.kind = 'PAYMENT' and e.reverses_id is null
                        and e.partner_id = s.partner_id and e.family_id = s.family_id
                        and e.entered_on = s.given_on and e.amount_rials = s.amount_rials)""")
    assert unpaid == 0
    strays = await owner.fetchval("""
        select count(*) from ledger_entry e join organization o on o.id = e.partner_id
        join app_user u on u.id = e.author_id
        where u.role <> 'PARTNER_MANAGER' or u.organization_id <> e.partner_id or e.county_id <> o.county_id
           or (e.kind = 'PAYMENT') <> (e.family_id is not null) or e.amount_rials <= 0""")
    assert strays == 0
    receipts = await owner.fetch("select partner_id, count(*) as n from ledger_entry where kind = 'RECEIPT'"
                                 " and reverses_id is null group by partner_id")
    assert len(receipts) == 4 and all(row["n"] >= 4 for row in receipts)


class _Row:
    def __init__(self, kind: str, amount_rials: int, reverses_id: str | None) -> None:
        self.kind, self.amount_rials, self.reverses_id = kind, amount_rials, reverses_id


async def _all_entries(api: Api, partner: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """Every entry of the partner's books, page by page (50 a page), as the province office reads them."""
    found: list[dict[str, Any]] = []
    after = None
    while True:
        ledger = (await api.ok("yazd.province", LEDGER, {"id": partner["id"], "after": after}))["node"]["ledger"]
        found += [edge["node"] for edge in ledger["edges"]]
        if not ledger["pageInfo"]["hasNextPage"]:
            return found, ledger["totalCount"]
        after = ledger["pageInfo"]["endCursor"]


# --- entries and reversals --------------------------------------------------------------------------------------

async def test_a_manager_enters_a_receipt_and_a_payment_and_the_balance_follows(api):
    partner = await own_partner(api, "clinic.manager")
    family = await delegated_family(api, "clinic.manager")
    before = await balance(api, "clinic.manager", partner)
    receipt = await record(api, "clinic.manager", entry(partner, amount=5_000_000_000))  # beyond GraphQL's Int
    assert receipt["kind"] == "RECEIPT" and receipt["amountRials"] == receipt["signedAmountRials"] == 5_000_000_000
    assert receipt["family"] is None and receipt["recordedBy"] == "clinic.manager"
    assert receipt["enteredOnJalali"].count("/") == 2
    payment = await record(api, "clinic.manager", entry(partner, "PAYMENT", 12_000_000, familyId=family,
                                                        description="کمک‌هزینه درمان"))
    assert payment["signedAmountRials"] == -12_000_000 and payment["family"] == {"id": family}
    assert await balance(api, "clinic.manager", partner) == before + 5_000_000_000 - 12_000_000


async def test_a_reversal_brings_the_balance_back_and_is_made_once(api):
    partner = await own_partner(api, "clinic.manager")
    family = await delegated_family(api, "clinic.manager")
    before = await balance(api, "clinic.manager", partner)
    payment = await record(api, "clinic.manager", entry(partner, "PAYMENT", 7_000_000, familyId=family))
    reversal = (await api.ok("clinic.manager", REVERSE, {"input": {"id": payment["id"], "reason": "ثبت تکراری"}}))[
        "reverseLedgerEntry"]["ledgerEntry"]
    assert reversal["kind"] == "PAYMENT" and reversal["amountRials"] == 7_000_000
    assert reversal["signedAmountRials"] == 7_000_000 and reversal["family"] == {"id": family}
    assert reversal["enteredOn"] == TODAY.isoformat() and reversal["description"] == "ثبت تکراری"
    assert reversal["reverses"] == {"id": payment["id"], "reversedBy": {"id": reversal["id"]}}
    assert await balance(api, "clinic.manager", partner) == before

    again = await api.as_user("clinic.manager", REVERSE, {"input": {"id": payment["id"], "reason": "دوباره"}})
    assert error_code(again) == "RULE_VIOLATION"
    assert again["errors"][0]["extensions"]["rule"] == "LEDGER_ALREADY_REVERSED"
    of_reversal = await api.as_user("clinic.manager", REVERSE, {"input": {"id": reversal["id"], "reason": "برگشت"}})
    assert of_reversal["errors"][0]["extensions"]["rule"] == "LEDGER_REVERSAL_NOT_REVERSIBLE"
    assert await balance(api, "clinic.manager", partner) == before


async def test_two_reversals_that_race_are_settled_by_the_database(api, monkeypatch):
    """The check before writing is the first wall; the unique index on `reverses_id` the second."""
    partner = await own_partner(api, "charity.manager")
    receipt = await record(api, "charity.manager", entry(partner))
    first = await api.as_user("charity.manager", REVERSE, {"input": {"id": receipt["id"], "reason": "اشتباه"}})
    assert "errors" not in first, first
    monkeypatch.setattr(ledger_module, "check_reversible", lambda **_: None)
    second = await api.as_user("charity.manager", REVERSE, {"input": {"id": receipt["id"], "reason": "اشتباه"}})
    assert error_code(second) == "RULE_VIOLATION"
    assert second["errors"][0]["extensions"]["rule"] == "LEDGER_ALREADY_REVERSED"


async def office_viewer(owner: asyncpg.Connection, username: str) -> Viewer:
    row = await owner.fetchrow("select u.id, u.role, u.organization_id, o.kind, o.province_id, o.county_id"
                               " from app_user u join organization o on o.id = u.organization_id"
                               " where u.username = $1", username)
    return Viewer(user_id=row["id"], username=username, role=Role(row["role"]), organization_id=row["organization_id"],
                  organization_kind=OrganizationKind(row["kind"]), province_id=row["province_id"],
                  county_id=row["county_id"], staff_member_id=None)


async def post_as(office: Viewer, partner: str, amount: int, **extra: Any) -> Any:
    """`post_receipt` as a statement's approval would call it: inside a transaction scoped for `office` (the partner
    read beforehand with the national scope, so that only the books' own row-level security is put to the test)."""
    async with in_transaction() as conn:
        await conn.execute_query("select set_config('app.case_scope', 'NATIONAL', true)")
        found = await Organization.get(id=from_global_id(partner)[1])
    async with in_transaction() as conn:
        for name, value in database_settings(office).items():
            await conn.execute_query("select set_config($1, $2, true)", [name, value])
        return await post_receipt(office, found, amount_rials=amount, entered_on=TODAY,
                                  description="صورت‌وضعیت یارانه ۱۴۰۵", **extra)


async def test_an_approved_statement_posts_its_receipt_which_the_partner_does_not_reverse(app, api, owner):
    partner = await own_partner(api, "clinic2.manager")
    before = await balance(api, "clinic2.manager", partner)
    posted = await post_as(await office_viewer(owner, "yazd.province"), partner, 90_000_000, statement_id=1)
    assert (posted.kind, posted.statement_id, posted.author_username) == ("RECEIPT", 1, "yazd.province")
    assert await balance(api, "clinic2.manager", partner) == before + 90_000_000
    result = await api.as_user("clinic2.manager", REVERSE, {"input": {"id": to_global_id("LedgerEntry", posted.id),
                                                                      "reason": "دریافت نشد"}})
    assert result["errors"][0]["extensions"]["rule"] == "LEDGER_STATEMENT_RECEIPT"


async def test_a_receipt_is_posted_only_within_the_office_area_and_above_zero(app, api, owner):
    partner = await own_partner(api, "clinic2.manager")  # in Yazd
    with pytest.raises(Exception, match="row-level security"):
        await post_as(await office_viewer(owner, "meybod.county"), partner, 90_000_000)
    with pytest.raises(RuleInputError):
        await post_as(await office_viewer(owner, "yazd.province"), partner, 0)


async def test_nothing_is_changed_and_every_entry_is_audited(api, owner):
    partner = await own_partner(api, "clinic.manager")
    made = await record(api, "clinic.manager", entry(partner))
    events = await api.ok("auditor", "query($f: AuditEventFilter) { auditEvents(filter: $f) { edges { node { "
                                     "operation } } } }", {"f": {"objectId": made["id"]}})
    assert [e["node"]["operation"] for e in events["auditEvents"]["edges"]] == ["mutation recordLedgerEntry"]
    reversal = (await api.ok("clinic.manager", REVERSE, {"input": {"id": made["id"], "reason": "اشتباه"}}))[
        "reverseLedgerEntry"]["ledgerEntry"]
    events = await api.ok("auditor", "query($f: AuditEventFilter) { auditEvents(filter: $f) { edges { node { "
                                     "operation } } } }", {"f": {"objectId": reversal["id"]}})
    assert [e["node"]["operation"] for e in events["auditEvents"]["edges"]] == ["mutation reverseLedgerEntry"]
    original = await owner.fetchrow("select amount_rials, description from ledger_entry where id = $1",
                                    from_global_id(made["id"])[1])
    assert dict(original) == {"amount_rials": 50_000_000, "description": "پیش‌پرداخت یارانه"}


# --- who ----------------------------------------------------------------------------------------------------------

async def test_supervisor_and_county_officer_read_the_books_of_their_area(api):
    charity = await own_partner(api, "charity.manager")
    clinic = await own_partner(api, "clinic.manager")
    for username, partner in (("meybod.supervisor", charity), ("meybod.county", charity), ("yazd.county", clinic)):
        ledger = (await api.ok(username, LEDGER, {"id": partner}))["node"]["ledger"]
        assert ledger["totalCount"] > 0 and ledger["edges"], username
        assert await balance(api, username, partner) == await balance(api, "yazd.province", partner)
    # Outside its area an office reaches neither the partner nor an entry of its books.
    assert (await api.ok("meybod.supervisor", LEDGER, {"id": clinic}))["node"] is None
    entry_id = (await api.ok("yazd.county", LEDGER, {"id": clinic}))["node"]["ledger"]["edges"][0]["node"]["id"]
    assert (await api.ok("meybod.county", ENTRY, {"id": entry_id}))["node"] is None
    assert (await api.ok("yazd.county", ENTRY, {"id": entry_id}))["node"]["id"] == entry_id


async def test_a_worker_may_not_read_or_write_the_books(api):
    partner = await own_partner(api, "clinic.worker1")
    assert error_code(await api.as_user("clinic.worker1", LEDGER, {"id": partner})) == "FORBIDDEN"
    assert error_code(await api.as_user("clinic.worker1", BALANCE, {"id": partner})) == "FORBIDDEN"
    assert error_code(await api.as_user("clinic.worker1", RECORD, entry(partner))) == "FORBIDDEN"


@pytest.mark.parametrize("username", ["yazd.county", "yazd.province", "meybod.supervisor", "auditor"])
async def test_the_office_enters_nothing_in_a_partners_books(api, username):
    partner = await own_partner(api, "clinic.manager")
    assert error_code(await api.as_user(username, RECORD, entry(partner))) == "FORBIDDEN"


async def test_another_partners_manager_neither_reads_nor_writes_these_books(api):
    clinic = await own_partner(api, "clinic.manager")
    made = await record(api, "clinic.manager", entry(clinic))
    assert (await api.ok("clinic2.manager", LEDGER, {"id": clinic}))["node"] is None
    assert (await api.ok("clinic2.manager", ENTRY, {"id": made["id"]}))["node"] is None
    wrote = await api.as_user("clinic2.manager", RECORD, entry(clinic))
    assert error_code(wrote) == "NOT_FOUND" and wrote["errors"][0]["extensions"]["field"] == "partnerId"
    reversed_ = await api.as_user("clinic2.manager", REVERSE, {"input": {"id": made["id"], "reason": "x"}})
    assert error_code(reversed_) == "NOT_FOUND"


# --- the client paid ----------------------------------------------------------------------------------------------

async def test_a_payment_goes_only_to_a_family_the_partner_serves(api):
    partner = await own_partner(api, "clinic.manager")
    others = [await delegated_family(api, "clinic2.manager"),   # another partner's
              (await api.ok("yazd.county", FILES, {"f": {"assigned": False}}))["families"]["edges"][0]["node"]["id"]]
    for family in others:
        result = await api.as_user("clinic.manager", RECORD, entry(partner, "PAYMENT", familyId=family))
        assert error_code(result) == "NOT_FOUND", family
        assert result["errors"][0]["extensions"]["field"] == "familyId"


async def test_a_family_followed_after_rehabilitation_is_still_paid(api):
    """The clinic's own, out of the cycle with a follow-up year (Art. 6.7): it still gives services and money, and
    enters them in its books (Art. 6.9), dated from the exit on."""
    partner = await own_partner(api, "clinic.manager")
    exited = [e["node"]["id"] for e in (await api.ok("clinic.manager", FILES, {"f": {"status": "EXITED"}}))[
        "families"]["edges"]]
    assert exited
    paid = await record(api, "clinic.manager", entry(partner, "PAYMENT", familyId=exited[0]))
    assert paid["id"]


async def test_the_client_of_a_returned_file_is_hidden_from_the_partner_not_from_the_office(api):
    partner = await own_partner(api, "clinic.manager")
    family = await delegated_family(api, "clinic.manager")
    payment = await record(api, "clinic.manager", entry(partner, "PAYMENT", familyId=family))
    await api.ok("yazd.county", "mutation($input: ReturnFileInput!) { returnFile(input: $input) { assignment { id } "
                                "} }", {"input": {"familyId": family, "reason": "بازگشت پرونده"}})
    assert (await api.ok("clinic.manager", ENTRY, {"id": payment["id"]}))["node"]["family"] is None
    assert (await api.ok("yazd.county", ENTRY, {"id": payment["id"]}))["node"]["family"] == {"id": family}


# --- input --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("amount", "field"), [(0, "amountRials"), (-5, "amountRials"), (1.5, None)])
async def test_an_amount_is_whole_rials_above_zero(api, amount, field):
    partner = await own_partner(api, "clinic.manager")
    result = await api.as_user("clinic.manager", RECORD, entry(partner, amount=amount))
    assert error_code(result) == "BAD_USER_INPUT"
    if field is not None:
        assert result["errors"][0]["extensions"]["field"] == field


@pytest.mark.parametrize(("changes", "field"), [
    ({"enteredOn": TOMORROW}, "enteredOn"),
    ({"kind": "PAYMENT"}, "familyId"),            # a payment names its client
    ({"familyId": "FAMILY"}, "familyId"),          # a receipt names none
    ({"description": "  "}, "description"),
    ({"description": "ب" * 2001}, "description"),
])
async def test_bad_input_is_refused_on_its_field(api, changes, field):
    partner = await own_partner(api, "clinic.manager")
    if changes.get("familyId") == "FAMILY":
        changes["familyId"] = await delegated_family(api, "clinic.manager")
    result = await api.as_user("clinic.manager", RECORD, entry(partner, **changes))
    assert error_code(result) == "BAD_USER_INPUT"
    assert result["errors"][0]["extensions"]["field"] == field


async def test_a_payment_is_not_dated_before_the_file_came_to_the_partner(api):
    partner = await own_partner(api, "clinic.manager")
    node = (await api.ok("clinic.manager", FILES, {"f": {"status": "ACTIVE", "assigned": True}}))["families"][
        "edges"][0]["node"]
    day_before = (datetime.date.fromisoformat(node["currentAssignment"]["assignedOn"])
                  - datetime.timedelta(days=1)).isoformat()
    result = await api.as_user("clinic.manager", RECORD, entry(partner, "PAYMENT", familyId=node["id"],
                                                               enteredOn=day_before))
    assert result["errors"][0]["extensions"]["field"] == "enteredOn"


async def test_a_jalali_day_is_accepted(api):
    partner = await own_partner(api, "clinic.manager")
    made = await record(api, "clinic.manager", entry(partner, enteredOn="1404/01/01"))
    assert made["enteredOn"] == "2025-03-21" and made["enteredOnJalali"] == "1404/01/01"


async def test_a_client_id_sent_twice_makes_one_entry(api, owner):
    partner = await own_partner(api, "clinic.manager")
    client_id = str(uuid.uuid4())
    first = await record(api, "clinic.manager", entry(partner, clientId=client_id))
    again = await record(api, "clinic.manager", entry(partner, clientId=client_id))
    assert first["id"] == again["id"]
    assert await owner.fetchval("select count(*) from ledger_entry where client_id = $1", uuid.UUID(client_id)) == 1
    other = await api.as_user("clinic.manager", RECORD, entry(partner, amount=60_000_000, clientId=client_id))
    assert error_code(other) == "CONFLICT"

    reversal_id = str(uuid.uuid4())
    reversal = {"input": {"id": first["id"], "reason": "اشتباه", "clientId": reversal_id}}
    made = (await api.ok("clinic.manager", REVERSE, reversal))["reverseLedgerEntry"]["ledgerEntry"]
    sent_again = (await api.ok("clinic.manager", REVERSE, reversal))["reverseLedgerEntry"]["ledgerEntry"]
    assert made["id"] == sent_again["id"]

"""The policy table through /graphql (issue 9): the national office sets dated figures, never overwriting one, every
office reads them (the whole history or those in force on a day), and a household's monthly pension is computed from
them and the household's size that month (seed 002)."""

from __future__ import annotations

import datetime
import logging
import uuid
from typing import Any

import pytest

from demo.money import MINIMUM_WAGE, PENSION_SHARES, SUBSIDY_RATES
from rules.jalali import jalali_year, jalali_year_bounds, parse_date, to_jalali
from rules.national_id import make_national_id
from tests.conftest import Api, error_code

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)
THIS_YEAR = jalali_year(TODAY)

ROW = "id key qualifier effectiveFrom effectiveFromJalali value unit note setByUsername setAt"
SET = f"mutation($input: SetPolicyValueInput!) {{ setPolicyValue(input: $input) {{ policyValue {{ {ROW} }} }} }}"
HISTORY = f"query($key: PolicyKey, $on: Date) {{ policyValues(key: $key, onDate: $on) {{ {ROW} }} }}"
PENSION = """query($id: ID!, $year: Int!, $month: Int!) { family(id: $id) {
  monthlyPension(jalaliYear: $year, month: $month) { jalaliYear month householdSize shareBasisPoints
  minimumWageRials amountRials } } }"""
FILES = """{ families(first: 200, filter: {status: ACTIVE}) { edges { node { id householdSize supportStartedOn
  householdHistory { effectiveOn } } } } }"""
ADD = """mutation($input: AddMemberInput!) { addMember(input: $input) { family { householdSize } } }"""


def value(key: str, on: datetime.date, amount: int, qualifier: str = "", **more: Any) -> dict[str, Any]:
    return {"input": {"key": key, "qualifier": qualifier, "effectiveFrom": on.isoformat(), "value": amount, **more}}


async def history(api: Api, key: str | None = None, on: datetime.date | str | None = None,
                  username: str = "admin") -> list[dict[str, Any]]:
    on_date = on.isoformat() if isinstance(on, datetime.date) else on
    return (await api.ok(username, HISTORY, {"key": key, "on": on_date}))["policyValues"]


# --- setting and reading the table


async def test_the_national_office_sets_a_value_and_reads_the_whole_history(api):
    on = TODAY + 30 * DAY
    made = (await api.ok("admin", SET, value("MINIMUM_WAGE", on, 3_000_000_000, note="مصوبه شورای عالی کار")))[
        "setPolicyValue"]["policyValue"]
    assert made["key"] == "MINIMUM_WAGE" and made["qualifier"] == "" and made["unit"] == "RIALS"
    # Beyond 2^31: the value is a BigInt, not a 32-bit Int.
    assert made["value"] == 3_000_000_000 and made["note"] == "مصوبه شورای عالی کار"
    assert made["effectiveFrom"] == on.isoformat() and made["effectiveFromJalali"] == to_jalali(on)
    assert made["setByUsername"] == "admin"
    rows = await history(api, "MINIMUM_WAGE")
    # The demo's two years, then the new one; nothing overwritten.
    assert [(r["effectiveFrom"], r["value"]) for r in rows] == [
        (jalali_year_bounds(THIS_YEAR - 1)[0].isoformat(), MINIMUM_WAGE[0]),
        (jalali_year_bounds(THIS_YEAR)[0].isoformat(), MINIMUM_WAGE[1]), (on.isoformat(), 3_000_000_000)]
    assert rows[-1] == made


async def test_the_history_is_ordered_by_key_qualifier_and_day_and_holds_the_directives_figures(api):
    rows = await history(api)
    assert [(r["key"], r["qualifier"], r["effectiveFrom"]) for r in rows] == sorted(
        (r["key"], r["qualifier"], r["effectiveFrom"]) for r in rows)
    grades = [(r["qualifier"], r["value"], r["unit"], r["setByUsername"], r["effectiveFrom"])
              for r in rows if r["key"] == "GRADE_SHARE"]
    assert grades == [("1", 10000, "BASIS_POINTS", "directive", "2014-03-21"),
                      ("2", 9000, "BASIS_POINTS", "directive", "2014-03-21"),
                      ("3", 8000, "BASIS_POINTS", "directive", "2014-03-21")]
    rates = {r["qualifier"]: r["value"] for r in rows if r["key"] == "SUBSIDY_RATE"}
    assert rates == SUBSIDY_RATES


async def test_on_a_date_only_the_value_then_in_force_is_read(api):
    first, second = TODAY + 10 * DAY, TODAY + 40 * DAY
    await api.ok("admin", SET, value("BONUS_PER_EXIT", first, 35_000_000))
    await api.ok("admin", SET, value("BONUS_PER_EXIT", second, 40_000_000))
    expected = {TODAY: 30_000_000, first - DAY: 30_000_000, first: 35_000_000, second - DAY: 35_000_000,
                second: 40_000_000, second + 400 * DAY: 40_000_000}
    for day, amount in expected.items():
        assert [r["value"] for r in await history(api, "BONUS_PER_EXIT", day)] == [amount], day
    # A Jalali day reads the same.
    assert [r["value"] for r in await history(api, "BONUS_PER_EXIT", to_jalali(first).replace("/", "-"))] == [
        35_000_000]
    # Before the demo's figures, none was in force.
    assert await history(api, "BONUS_PER_EXIT", jalali_year_bounds(THIS_YEAR - 1)[0] - DAY) == []
    # Without a key, one row per key and qualifier, each the latest from on or before the day.
    in_force = await history(api, on=second)
    pairs = [(r["key"], r["qualifier"]) for r in in_force]
    assert len(pairs) == len(set(pairs)) and pairs == sorted(pairs)
    assert pairs == sorted({(r["key"], r["qualifier"]) for r in await history(api)})
    assert {r["qualifier"]: r["value"] for r in in_force if r["key"] == "PENSION_SHARE"} == PENSION_SHARES


async def test_a_value_is_never_overwritten(api):
    on = TODAY + 20 * DAY
    await api.ok("admin", SET, value("SUBSIDY_RATE", on, 13_000_000, "REHABILITABLE"))
    for amount in (13_000_000, 14_000_000):
        again = await api.as_user("admin", SET, value("SUBSIDY_RATE", on, amount, "REHABILITABLE"))
        assert error_code(again) == "CONFLICT" and again["errors"][0]["extensions"]["field"] == "effectiveFrom"
    # Another qualifier, or another day, is another row.
    await api.ok("admin", SET, value("SUBSIDY_RATE", on, 9_000_000, "NON_REHABILITABLE"))
    await api.ok("admin", SET, value("SUBSIDY_RATE", on + DAY, 14_000_000, "REHABILITABLE"))
    rows = [r for r in await history(api, "SUBSIDY_RATE") if r["effectiveFrom"] >= on.isoformat()]
    assert [(r["qualifier"], r["effectiveFrom"], r["value"]) for r in rows] == [
        ("NON_REHABILITABLE", on.isoformat(), 9_000_000), ("REHABILITABLE", on.isoformat(), 13_000_000),
        ("REHABILITABLE", (on + DAY).isoformat(), 14_000_000)]


async def test_a_resending_with_its_client_id_returns_the_row_made(api):
    on = TODAY + 5 * DAY
    sent = value("EXIT_TARGET", on, 1200, note="بخشنامه", clientId=str(uuid.uuid4()))
    made = (await api.ok("admin", SET, sent))["setPolicyValue"]["policyValue"]
    assert (await api.ok("admin", SET, sent))["setPolicyValue"]["policyValue"] == made
    assert len([r for r in await history(api, "EXIT_TARGET") if r["effectiveFrom"] == on.isoformat()]) == 1
    changed = await api.as_user("admin", SET, {"input": {**sent["input"], "value": 1300}})
    assert error_code(changed) == "CONFLICT"


async def test_setting_a_value_is_audited_by_its_id(api):
    made = (await api.ok("admin", SET, value("FOLLOW_UP_SHARE", TODAY, 1100)))["setPolicyValue"]["policyValue"]
    events = await api.ok("admin", "query($f: AuditEventFilter) { auditEvents(filter: $f) { edges { node { "
                                   "operation username objectIds } } } }", {"f": {"objectId": made["id"]}})
    assert [e["node"] for e in events["auditEvents"]["edges"]] == [
        {"operation": "mutation setPolicyValue", "username": "admin", "objectIds": [made["id"]]}]


@pytest.mark.parametrize("username", ["yazd.province", "yazd.county", "meybod.supervisor", "auditor",
                                      "clinic.manager", "clinic.worker1", "kindergarten.operator"])
async def test_only_the_national_office_sets_values(api, username):
    refused = await api.as_user(username, SET, value("MINIMUM_WAGE", TODAY + DAY, 1))
    assert error_code(refused) == "FORBIDDEN"
    assert [r["value"] for r in await history(api, "MINIMUM_WAGE", TODAY + DAY)] == [MINIMUM_WAGE[1]]


@pytest.mark.parametrize("username", ["admin", "yazd.province", "yazd.county", "meybod.supervisor", "auditor"])
async def test_every_office_reads_the_table(api, username):
    assert {r["key"] for r in await history(api, username=username)} >= {"GRADE_SHARE", "MINIMUM_WAGE"}


@pytest.mark.parametrize("username", ["clinic.manager", "clinic.worker1", "charity.manager", "kindergarten.operator"])
async def test_partners_do_not_read_the_table(api, username):
    assert error_code(await api.as_user(username, HISTORY, {})) == "FORBIDDEN"


@pytest.mark.parametrize(("key", "qualifier", "amount", "more", "field"), [
    ("SUBSIDY_RATE", "GRADE_1", 1, {}, "qualifier"),  # not one of the file kinds
    ("SUBSIDY_RATE", "", 1, {}, "qualifier"),
    ("MINIMUM_WAGE", "1", 1, {}, "qualifier"),  # takes none
    ("PENSION_SHARE", "6", 4000, {}, "qualifier"),  # sizes 1–5, 5 being five or more
    ("GRADE_SHARE", "1", 10_001, {}, "value"),  # a share above 100 %
    ("PENSION_SHARE", "1", 2900, {}, "value"),  # a pension is 30–50 % of the minimum wage
    ("PENSION_SHARE", "5", 5001, {}, "value"),
    ("BONUS_PER_EXIT", "", -1, {}, "value"),
    ("NON_REHABILITABLE_BONUS_MULTIPLIER", "", 3, {}, "value"),  # "up to twice" (Art. 6.8 note 7)
    ("MINIMUM_WAGE", "", 1, {"effectiveFrom": (TODAY - DAY).isoformat()}, "effectiveFrom"),  # a past year keeps its
    ("MINIMUM_WAGE", "", 1, {"effectiveFrom": jalali_year_bounds(THIS_YEAR + 2)[0].isoformat()}, "effectiveFrom"),
    ("MINIMUM_WAGE", "", 1, {"note": "ب" * 2001}, "note"),
])
async def test_bad_values_are_refused_on_their_field(api, key, qualifier, amount, more, field):
    refused = await api.as_user("admin", SET, {"input": {**value(key, TODAY + DAY, amount, qualifier)["input"],
                                                         **more}})
    assert error_code(refused) == "BAD_USER_INPUT" and refused["errors"][0]["extensions"]["field"] == field
    assert refused["errors"][0]["extensions"]["messageFa"]


@pytest.mark.parametrize("amount", [2**63, 1.5, "1000"])
async def test_a_value_beyond_64_bits_or_not_whole_is_refused(api, amount):
    assert error_code(await api.as_user("admin", SET, value("MINIMUM_WAGE", TODAY + DAY, amount))) == "BAD_USER_INPUT"


async def test_today_is_the_first_day_a_value_may_take_effect(api):
    made = (await api.ok("admin", SET, value("MISSED_EXIT_SHARE", TODAY, 6000, "1")))["setPolicyValue"]
    assert made["policyValue"]["effectiveFrom"] == TODAY.isoformat()
    assert [r["value"] for r in await history(api, "MISSED_EXIT_SHARE", TODAY) if r["qualifier"] == "1"] == [6000]


# --- the monthly pension


def jalali_month(day: datetime.date) -> tuple[int, int]:
    year, month, _ = (int(part) for part in to_jalali(day).split("/"))
    return year, month


def months_back(count: int) -> tuple[int, int]:
    """The Jalali (year, month) `count` months before this one."""
    year, month = jalali_month(TODAY)
    index = year * 12 + month - 1 - count
    return index // 12, index % 12 + 1


def first_day(year: int, month: int) -> datetime.date:
    return parse_date(f"{year}/{month:02d}/01")


def demo_pension(year: int, size: int) -> int:
    """The demo's figures, read independently of the API: its wage for the year and the share for the size."""
    wage = MINIMUM_WAGE[1] if year == THIS_YEAR else MINIMUM_WAGE[0]
    return wage * PENSION_SHARES[str(min(size, 5))] // 10_000


async def pension(api: Api, family: str, year: int, month: int, username: str = "yazd.county") -> dict[str, Any]:
    return (await api.ok(username, PENSION, {"id": family, "year": year, "month": month}))["family"]["monthlyPension"]


async def steady_family(api: Api, since: datetime.date, *, at_most: int = 9, username: str = "yazd.county",
                        ) -> dict[str, Any]:
    """An active file supported since before `since`, whose household never changed, of at most `at_most` members."""
    for edge in (await api.ok(username, FILES))["families"]["edges"]:
        family = edge["node"]
        started = family["supportStartedOn"]
        if (started is not None and started < since.isoformat() and not family["householdHistory"]
                and family["householdSize"] <= at_most):
            return family
    raise AssertionError("no such demo family")


async def test_a_pension_is_the_share_for_the_size_of_the_minimum_wage_in_force(api):
    last_year = jalali_year_bounds(THIS_YEAR - 1)[0]
    family = await steady_family(api, last_year)
    size = family["householdSize"]
    for year, month in (jalali_month(TODAY), (THIS_YEAR - 1, 12), (THIS_YEAR - 1, 1)):
        got = await pension(api, family["id"], year, month)
        wage = MINIMUM_WAGE[1] if year == THIS_YEAR else MINIMUM_WAGE[0]
        assert got == {"jalaliYear": year, "month": month, "householdSize": size,
                       "shareBasisPoints": PENSION_SHARES[str(min(size, 5))], "minimumWageRials": wage,
                       "amountRials": demo_pension(year, size)}, (year, month)


async def test_a_household_change_moves_the_pension_from_its_month(api):
    """A birth on a month's first day counts from that month; one within a month, from the next (the pension is read
    on the month's first day)."""
    before, on_first, mid = months_back(3), months_back(2), months_back(1)
    family = await steady_family(api, first_day(*before), at_most=2)
    size = family["householdSize"]
    for n, born in enumerate((first_day(*on_first), first_day(*mid) + 9 * DAY)):
        member = {"nationalId": make_national_id(f"{583200000 + n:09d}"), "firstName": "نوزاد", "lastName": "احمدی",
                  "birthDate": born.isoformat(), "sex": "MALE", "relation": "CHILD"}
        await api.ok("yazd.county", ADD, {"input": {"familyId": family["id"], "member": member, "reason": "BIRTH",
                                                    "effectiveOn": born.isoformat()}})
    expected = {before: size, on_first: size + 1, mid: size + 1, jalali_month(TODAY): size + 2}
    for (year, month), household_size in expected.items():
        got = await pension(api, family["id"], year, month)
        assert (got["householdSize"], got["amountRials"]) == (household_size, demo_pension(year, household_size)), (
            year, month)


async def test_without_the_minimum_wage_the_pension_is_refused_not_guessed(api):
    long_ago = jalali_year_bounds(THIS_YEAR - 1)[0] - 40 * DAY
    family = await steady_family(api, long_ago)
    year, month = jalali_month(long_ago)
    refused = await api.as_user("yazd.county", PENSION, {"id": family["id"], "year": year, "month": month})
    assert error_code(refused) == "RULE_VIOLATION"
    assert refused["errors"][0]["extensions"]["rule"] == "POLICY_VALUE_MISSING"
    assert "MINIMUM_WAGE" in refused["errors"][0]["message"]


async def test_a_wage_the_office_sets_for_a_later_day_waits_for_its_month(api):
    family = await steady_family(api, jalali_year_bounds(THIS_YEAR)[0])
    year, month = jalali_month(TODAY)
    await api.ok("admin", SET, value("MINIMUM_WAGE", TODAY + DAY, 200_000_000))
    assert (await pension(api, family["id"], year, month))["minimumWageRials"] == MINIMUM_WAGE[1]


async def test_no_pension_before_support_began_nor_for_a_month_not_begun(api):
    family = await steady_family(api, TODAY)
    started = datetime.date.fromisoformat(family["supportStartedOn"])
    year, month = jalali_month(started - 31 * DAY)
    assert await pension(api, family["id"], year, month) is None
    later = months_back(-1)
    refused = await api.as_user("yazd.county", PENSION, {"id": family["id"], "year": later[0], "month": later[1]})
    assert error_code(refused) == "BAD_USER_INPUT" and refused["errors"][0]["extensions"]["field"] == "month"
    bad = await api.as_user("yazd.county", PENSION, {"id": family["id"], "year": THIS_YEAR, "month": 13})
    assert error_code(bad) == "BAD_USER_INPUT" and bad["errors"][0]["extensions"]["field"] == "month"


async def test_the_partner_reads_its_files_pension_but_not_the_figures_behind_it(api):
    family = await steady_family(api, jalali_year_bounds(THIS_YEAR)[0], username="clinic.worker1")
    year, month = jalali_month(TODAY)
    seen = await api.ok("clinic.worker1", "query($id: ID!, $y: Int!, $m: Int!) { family(id: $id) { "
                                          "monthlyPension(jalaliYear: $y, month: $m) { householdSize amountRials } } }",
                        {"id": family["id"], "y": year, "m": month})
    assert seen["family"]["monthlyPension"] == {"householdSize": family["householdSize"],
                                                "amountRials": demo_pension(year, family["householdSize"])}
    refused = await api.as_user("clinic.worker1", PENSION, {"id": family["id"], "year": year, "month": month})
    assert error_code(refused) == "FORBIDDEN"


async def test_a_page_of_pensions_reads_the_policy_table_once(api, caplog):
    year, month = jalali_month(TODAY)
    await api.token("yazd.county")  # log in first: the count is of the page alone
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
        page = await api.ok("yazd.county", "query($y: Int!, $m: Int!) { families(first: 50, filter: {status: ACTIVE}) "
                                           "{ edges { node { monthlyPension(jalaliYear: $y, month: $m) { amountRials } "
                                           "} } } }", {"y": year, "m": month})
    assert sum(1 for e in page["families"]["edges"] if e["node"]["monthlyPension"] is not None) > 10
    assert sum(1 for r in caplog.records if r.name == "tortoise.db_client" and "policy_value" in r.getMessage()) == 1

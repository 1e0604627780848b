"""The demo's exits from the support cycle (issue 9; Art. 6.3, 6.7, 6.8), written as `recordExit` writes them, and
the exits that earn clinic 2 the full rehabilitation bonus this Jalali year.

:func:`write_exits` takes families out of the cycle inside the demo seed's transaction, each as the county office's
`recordExit` would on the day it left (schema/families/mutations.py): the exit is credited to the partner whose
assignment was live (``exit_partner_id``); that assignment ends, its note the exit's; the file goes back to the office
— or, with a post-rehabilitation follow-up (Art. 6.7), stays with the partner and its worker until the year after the
exit is over, on the level-1 committee's proposal in the register —; the members' national IDs are freed; and the
history keeps one change of the family and one of each member, by the county officer, dated the day of the exit.
demo/seed.py's post-rehabilitation follow-ups go through it as well.

**The bonus** (:func:`write_bonus_exits`). Without it both demo clinics miss the 10 % target of Art. 6.3 this year:
clinic 1 takes two families out (demo/seed.py), a few percent of the fifty or so rehabilitable families it holds. So
clinic 2 (``clinic2.manager``'s) takes out one in five of the rehabilitable families it held in the current Jalali
year, and one more — above 20 %, clear of the full bonus's 15 % (``BONUS_FULL_ABOVE`` in the policy table, checked
here) —: its statement for the year (`Partner.subsidyStatement`) shows the target met and the full bonus proposed for
each exit (Art. 6.8), its quarterly reports the exits by route, and the office dashboard the rate.

"Held in the year" is rules/file_months.py's (`year_exits`): an assignment live on any day of the year, the file not
exited before it. The families taken are the clinic's rehabilitable files it holds now, none in a peer group, whose
casework ended earliest: each leaves :data:`AFTER_LAST_RECORD` days after the last day anything was recorded on it
(demo/casework.py, demo/ledger.py), not before the year began and not after yesterday. So the exits spread over the
year, and no record on a file comes after its exit. Their routes take turns through :data:`BONUS_ROUTES`, in the
order they left.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient

from rules.casework import post_rehabilitation_window
from rules.file_months import FamilyFile, Holding, year_exits
from rules.jalali import jalali_year, jalali_year_bounds
from rules.persian import normalise_text
from rules.policy_values import PolicyKey
from rules.services import ExitRoute
from schema.case_files import EXIT_NOTE_LENGTH
from schema.history import changed_fields

__all__ = ["AFTER_LAST_RECORD", "BONUS_CLINIC_MANAGER", "BONUS_ROUTES", "EXIT_NOTES", "EXIT_SHARE", "DemoExit",
           "exits_for", "write_bonus_exits", "write_exits"]

BONUS_CLINIC_MANAGER = "clinic2.manager"
"""The account of the clinic that earns the full bonus."""
EXIT_SHARE = 5
"""One family in this many, and one more, leaves the cycle: above 20 % of those held."""
AFTER_LAST_RECORD = datetime.timedelta(days=12)
"""How long after the last record on a file it leaves the cycle."""
BONUS_ROUTES = (ExitRoute.JOB_PLACEMENT, ExitRoute.INDIVIDUAL_JOB, ExitRoute.GROUP_JOB)
"""The routes the bonus exits take, in turn (Art. 4.8 and the process chart: «اشتغال فردی، گروهی، کاریابی»)."""

EXIT_NOTES: dict[ExitRoute, str] = {
    ExitRoute.JOB_PLACEMENT: "سرپرست خانوار با معرفی کلینیک در کارگاه بسته‌بندی خرما به کار گرفته شد؛ درآمد ماهانه "
                             "خانوار از حد کفاف گذشت.",
    ExitRoute.INDIVIDUAL_JOB: "سرپرست خانوار با وام اشتغال، خیاطی خانگی راه انداخت؛ درآمد پایدار خانوار تأیید شد.",
    ExitRoute.GROUP_JOB: "سرپرست خانوار با دو مددجوی دیگر در تعاونی تولید صنایع دستی شریک شد؛ درآمد خانوار به حد "
                         "کفاف رسید.",
}
"""The note the county officer records with an exit by each route (the history's, and the ended assignment's)."""

_NOON = datetime.time(12)

# Every record on a family by the day it is for: the casework (demo/casework.py), the partner's books
# (demo/ledger.py) and the committee register.
_RECORD_DAYS = (("interview", "held_on"), ("home_visit", "visited_on"), ("assessment", "assessed_on"),
                ("aid_plan", "submitted_on"), ("aid_plan", "decided_on"), ("service_record", "given_on"),
                ("referral", "referred_on"), ("loan", "granted_on"), ("loan", "followed_up_on"),
                ("ledger_entry", "entered_on"), ("committee_decision", "decided_on"))
_LAST_RECORD = " union all ".join(f"select family_id, {day} as day from {table}" for table, day in _RECORD_DAYS)


@dataclass(frozen=True)
class DemoExit:
    """A family leaving the cycle: by which route, on which day, the county officer's note, and whether the partner
    that held it follows it up for a year after (Art. 6.7)."""

    family_id: int
    route: ExitRoute
    exited_on: datetime.date
    note: str
    follow_up: bool = False


def exits_for(held: int) -> int:
    """How many of ``held`` rehabilitable families to take out: more than a fifth."""
    return held // EXIT_SHARE + 1


async def write_exits(conn: BaseDBAsyncClient, exits: Sequence[DemoExit]) -> int:
    """Take each family out of the cycle as `recordExit` would on its day (module docstring); how many."""
    for plan in exits:
        await _write_exit(conn, plan)
    return len(exits)


async def _write_exit(conn: BaseDBAsyncClient, plan: DemoExit) -> None:
    (file,) = await conn.execute_query_dict(
        "select f.status, f.province_id, f.county_id, a.id as assignment_id, a.partner_id, a.worker_id, a.assigned_on,"
        " (select u.id from app_user u join organization o on o.id = u.organization_id where u.role = 'COUNTY_OFFICER'"
        "  and o.county_id = f.county_id order by u.id limit 1) as officer_id"
        " from family f left join assignment a on a.family_id = f.id and a.ended_at is null where f.id = $1",
        [plan.family_id])
    note = normalise_text(plan.note)
    assert file["status"] == "ACTIVE" and file["officer_id"] is not None and len(note) <= EXIT_NOTE_LENGTH, plan
    assert file["assigned_on"] is None or file["assigned_on"] <= plan.exited_on, plan
    assert not plan.follow_up or file["partner_id"] is not None, "only a delegated file is followed up"
    (officer,) = await conn.execute_query_dict("select username from app_user where id = $1", [file["officer_id"]])
    at = datetime.datetime.combine(plan.exited_on, _NOON, tzinfo=datetime.UTC)
    # The partner and its worker keep a followed-up file until the year after the exit is over; else the office.
    owners = ([file["partner_id"], file["worker_id"], post_rehabilitation_window(plan.exited_on)[1]]
              if plan.follow_up else [None, None, None])
    members = await conn.execute_query_dict("select id from member where family_id = $1 and live order by id",
                                            [plan.family_id])
    await conn.execute_query(
        "update family set status = 'EXITED', exit_route = $2, exited_on = $3, exit_partner_id = $4,"
        " assigned_partner_id = $5, assigned_worker_id = $6, access_until = $7, version = version + 1 where id = $1",
        [plan.family_id, plan.route.value, plan.exited_on, file["partner_id"], *owners])
    await conn.execute_query(
        "update member set live = false, assigned_partner_id = $2, assigned_worker_id = $3, access_until = $4"
        " where family_id = $1", [plan.family_id, *owners])
    if file["assignment_id"] is not None:
        await conn.execute_query("update assignment set ended_at = $2, end_reason = 'EXITED', end_note = $3"
                                 " where id = $1", [file["assignment_id"], at, note])
    # The history, as record_exit's `record_change` calls leave it.
    changes = [("Family", plan.family_id, changed_fields(
        {"status": "ACTIVE"},
        {"status": "EXITED", "exitRoute": plan.route, "exitedOn": plan.exited_on, "note": note or None,
         "postRehabilitationFollowUp": plan.follow_up or None}))]
    changes += [("Member", member["id"], changed_fields({"live": True}, {"live": False})) for member in members]
    for entity, entity_id, changed in changes:
        await conn.execute_query(
            "insert into change_record (entity, entity_id, family_id, child_id, operation, changes, user_id, username,"
            " province_id, county_id, at) values ($1, $2, $3, null, 'exit', $4::jsonb, $5, $6, $7, $8, $9)",
            [entity, entity_id, plan.family_id, json.dumps(changed, ensure_ascii=False), file["officer_id"],
             officer["username"], file["province_id"], file["county_id"], at])
    if plan.follow_up:  # the level-1 committee's proposal in the register, recorded by the county office
        await conn.execute_query(
            "insert into committee_decision (level, subject, decided_on, minutes, family_id, partner_id, province_id,"
            " county_id, author_id, author_username, client_digest, created_at)"
            " values (1, 'POST_REHABILITATION_FOLLOW_UP', $1, $2, $3, $4, $5, $6, $7, $8, '', $9)",
            [plan.exited_on, note, plan.family_id, file["partner_id"], file["province_id"], file["county_id"],
             file["officer_id"], officer["username"], at])


async def _rehabilitable_held(conn: BaseDBAsyncClient, partner_id: int, first: datetime.date,
                              last: datetime.date) -> int:
    """The rehabilitable families the partner held in the year from ``first`` to ``last`` (rules/file_months.py)."""
    spans = await conn.execute_query_dict(
        "select family_id, assigned_on, (ended_at at time zone 'UTC')::date as ended_on from assignment"
        " where partner_id = $1 and family_id is not null", [partner_id])
    families = await conn.execute_query_dict(
        "select id, rehabilitability, exited_on, exit_partner_id, access_until from family"
        " where id in (select family_id from assignment where partner_id = $1) or exit_partner_id = $1", [partner_id])
    return year_exits(
        first, last, partner_id,
        [Holding(row["family_id"], False, row["assigned_on"], row["ended_on"]) for row in spans],
        {row["id"]: FamilyFile(row["id"], row["rehabilitability"], row["exited_on"], row["exit_partner_id"],
                               row["access_until"]) for row in families}).rehabilitable_held


async def write_bonus_exits(conn: BaseDBAsyncClient, today: datetime.date) -> dict[str, int]:
    """Take clinic 2's families out of the cycle over the current Jalali year, inside the demo seed's transaction
    (module docstring)."""
    yesterday = today - datetime.timedelta(days=1)
    first, last = jalali_year_bounds(jalali_year(yesterday))
    (clinic,) = await conn.execute_query_dict("select organization_id from app_user where username = $1",
                                              [BONUS_CLINIC_MANAGER])
    partner = clinic["organization_id"]
    held = await _rehabilitable_held(conn, partner, first, last)
    rows = await conn.execute_query_dict(
        f"select f.id, greatest(max(r.day), a.assigned_on, f.support_started_on) as busy_until from family f"
        f" join assignment a on a.family_id = f.id and a.ended_at is null and a.partner_id = $1"
        f" left join ({_LAST_RECORD}) r on r.family_id = f.id"
        f" where f.status = 'ACTIVE' and f.rehabilitability = 'REHABILITABLE'"
        f" and f.id not in (select family_id from peer_group_family)"
        f" group by f.id, a.assigned_on order by 2, f.id limit $2", [partner, exits_for(held)])
    days = sorted((min(yesterday, max(row["busy_until"] + AFTER_LAST_RECORD, first)), row["id"]) for row in rows)
    routes = [BONUS_ROUTES[n % len(BONUS_ROUTES)] for n in range(len(days))]
    exits = [DemoExit(family, route, day, EXIT_NOTES[route]) for (day, family), route in zip(days, routes, strict=True)]
    (full,) = await conn.execute_query_dict(
        "select value from policy_value where key = $1 and qualifier = '' and effective_from <= $2"
        " order by effective_from desc limit 1", [PolicyKey.BONUS_FULL_ABOVE.value, first])
    assert len(exits) * 10_000 > held * int(full["value"]), "the exits must earn the full bonus (Art. 6.8)"
    return {"exits earning the bonus": await write_exits(conn, exits)}

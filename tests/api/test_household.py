"""Household changes through /graphql: the office adds and removes members (birth, death, marriage, leaving), the
household's size is kept in step and as a history a pension of any month can be read from, and partners may not
change a household."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest

from rules.national_id import make_national_id
from schema.node import to_global_id
from tests.conftest import Api, error_code

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)

FILES = """{ families(first: 100, filter: {status: ACTIVE}) { edges { node { id householdSize
  members { id isHead birthDate } } } } }"""
ADD = """mutation($input: AddMemberInput!) { addMember(input: $input) {
  householdChange { id effectiveOn reason householdSize joined recordedBy member { id firstName } }
  member { id nationalId isHead removedOn } family { id householdSize members { id } } } }"""
REMOVE = """mutation($input: RemoveMemberInput!) { removeMember(input: $input) {
  householdChange { id effectiveOn effectiveOnJalali reason householdSize joined member { id removedOn } }
  member { id removedOn } family { id householdSize members { id } } } }"""
HISTORY = """query($id: ID!, $on: Date!) { family(id: $id) { householdSize householdSizeOn(date: $on)
  householdHistory { effectiveOn reason householdSize joined member { id } } } }"""
SIZE_ON = "query($id: ID!, $on: Date!) { family(id: $id) { householdSizeOn(date: $on) } }"
CHANGES = "query($id: ID!) { family(id: $id) { history { entity operation changes { field before after } } } }"


def national_id(n: int) -> str:
    return make_national_id(f"{583100000 + n:09d}")


def child(n: int, born: datetime.date, **changes: Any) -> dict[str, Any]:
    return {"nationalId": national_id(n), "firstName": "نوزاد", "lastName": "احمدی", "birthDate": born.isoformat(),
            "sex": "FEMALE", "relation": "CHILD", **changes}


def addition(family: str, born: datetime.date, n: int = 1, **changes: Any) -> dict[str, Any]:
    return {"input": {"familyId": family, "member": child(n, born), "reason": "BIRTH", "effectiveOn": born.isoformat(),
                      **changes}}


async def delegated_family(api: Api, *, adult_before: datetime.date | None = None) -> dict[str, Any]:
    """An active file delegated to clinic.worker1 (the office reaches it too), with a non-head member born before
    `adult_before` when asked."""
    for edge in (await api.ok("clinic.worker1", FILES))["families"]["edges"]:
        family = edge["node"]
        others = [m for m in family["members"] if not m["isHead"]]
        if adult_before is None or any(datetime.date.fromisoformat(m["birthDate"]) < adult_before for m in others):
            return family
    raise AssertionError("no such demo family")


def removal(member: str, on: datetime.date, reason: str = "DEATH", **changes: Any) -> dict[str, Any]:
    return {"input": {"memberId": member, "reason": reason, "effectiveOn": on.isoformat(), **changes}}


async def size_on(api: Api, family: str, on: datetime.date, username: str = "yazd.county") -> int:
    return (await api.ok(username, SIZE_ON, {"id": family, "on": on.isoformat()}))["family"]["householdSizeOn"]


async def test_a_birth_grows_the_household_from_the_birth_date(api):
    family = await delegated_family(api)
    born = TODAY - 40 * DAY
    made = (await api.ok("yazd.county", ADD, addition(family["id"], born)))["addMember"]
    size = family["householdSize"]
    assert made["householdChange"]["householdSize"] == size + 1 and made["householdChange"]["joined"] is True
    assert made["householdChange"]["recordedBy"] == "yazd.county" and made["householdChange"]["reason"] == "BIRTH"
    assert made["family"]["householdSize"] == size + 1
    assert made["member"]["id"] in [m["id"] for m in made["family"]["members"]]
    assert made["member"]["nationalId"] == national_id(1) and made["member"]["isHead"] is False
    assert await size_on(api, family["id"], born - DAY) == size
    assert await size_on(api, family["id"], born) == size + 1
    # The partner serving the file sees the new member and the history.
    seen = (await api.ok("clinic.worker1", HISTORY, {"id": family["id"], "on": TODAY.isoformat()}))["family"]
    assert seen["householdSize"] == size + 1 and seen["householdSizeOn"] == size + 1
    assert seen["householdHistory"] == [{"effectiveOn": born.isoformat(), "reason": "BIRTH",
                                         "householdSize": size + 1, "joined": True,
                                         "member": {"id": made["member"]["id"]}}]


async def test_the_history_answers_a_past_month_after_an_addition_and_an_earlier_removal(api):
    left_on = TODAY - 300 * DAY
    family = await delegated_family(api, adult_before=left_on)
    size = family["householdSize"]
    leaving = next(m for m in family["members"]
                   if not m["isHead"] and datetime.date.fromisoformat(m["birthDate"]) < left_on)
    born = TODAY - 100 * DAY
    await api.ok("yazd.county", ADD, addition(family["id"], born))
    # Recorded after the birth, but it happened before it: the birth's size moves down with it.
    removed = (await api.ok("yazd.county", REMOVE, removal(leaving["id"], left_on, "LEAVING")))["removeMember"]
    assert removed["householdChange"]["householdSize"] == size - 1 and removed["householdChange"]["joined"] is False
    assert removed["member"]["removedOn"] == left_on.isoformat()
    assert leaving["id"] not in [m["id"] for m in removed["family"]["members"]]
    assert removed["family"]["householdSize"] == size
    history = (await api.ok("yazd.county", HISTORY, {"id": family["id"], "on": TODAY.isoformat()}))["family"]
    assert [(c["effectiveOn"], c["reason"], c["householdSize"]) for c in history["householdHistory"]] == [
        (left_on.isoformat(), "LEAVING", size - 1), (born.isoformat(), "BIRTH", size)]
    expected = {left_on - DAY: size, left_on: size - 1, born - DAY: size - 1, born: size, TODAY: size}
    for day, household_size in expected.items():
        assert await size_on(api, family["id"], day) == household_size, day
    # A Jalali day is read as the same day.
    jalali = removed["householdChange"]["effectiveOnJalali"].replace("/", "-")
    on_jalali = await api.ok("yazd.county", SIZE_ON, {"id": family["id"], "on": jalali})
    assert on_jalali["family"]["householdSizeOn"] == size - 1


async def test_a_removed_members_national_id_is_freed(api):
    family = await delegated_family(api)
    added = (await api.ok("yazd.county", ADD, addition(family["id"], TODAY - 10 * DAY)))["addMember"]["member"]
    other = (await api.ok("yazd.county", "{ families(first: 1, filter: {assigned: false, status: ACTIVE}) { edges { "
                                         "node { id } } } }"))["families"]["edges"][0]["node"]["id"]
    taken = await api.as_user("yazd.county", ADD, addition(other, TODAY - 10 * DAY))
    assert error_code(taken) == "CONFLICT" and taken["errors"][0]["extensions"]["field"] == "nationalId"
    await api.ok("yazd.county", REMOVE, removal(added["id"], TODAY - 5 * DAY, "LEAVING"))
    spouse = child(1, TODAY - 9000 * DAY, relation="SPOUSE", sex="MALE", firstName="رضا")
    await api.ok("yazd.county", ADD, addition(other, TODAY - 10 * DAY, reason="MARRIAGE", member=spouse))


async def test_both_changes_leave_the_change_history(api):
    family = await delegated_family(api)
    size = family["householdSize"]
    added = (await api.ok("yazd.county", ADD, addition(family["id"], TODAY - 10 * DAY)))["addMember"]["member"]
    await api.ok("yazd.county", REMOVE, removal(added["id"], TODAY - DAY))
    history = (await api.ok("yazd.county", CHANGES, {"id": family["id"]}))["family"]["history"]
    recorded = [(h["entity"], h["operation"]) for h in history[-4:]]
    assert recorded == [("Member", "add"), ("Family", "add"), ("Member", "remove"), ("Family", "remove")]
    sizes = [{c["field"]: (c["before"], c["after"]) for c in h["changes"]} for h in history[-4:]]
    assert sizes[1]["householdSize"] == (str(size), str(size + 1))
    assert sizes[3]["householdSize"] == (str(size + 1), str(size))
    assert sizes[2]["live"] == ("true", "false")


async def test_the_head_is_never_removed(api):
    family = await delegated_family(api)
    head = next(m for m in family["members"] if m["isHead"])
    result = await api.as_user("yazd.county", REMOVE, removal(head["id"], TODAY - DAY))
    assert error_code(result) == "BAD_USER_INPUT" and result["errors"][0]["extensions"]["field"] == "memberId"


async def test_a_member_leaves_once(api):
    family = await delegated_family(api)
    added = (await api.ok("yazd.county", ADD, addition(family["id"], TODAY - 10 * DAY)))["addMember"]["member"]
    await api.ok("yazd.county", REMOVE, removal(added["id"], TODAY - DAY))
    again = await api.as_user("yazd.county", REMOVE, removal(added["id"], TODAY - DAY, "LEAVING"))
    assert error_code(again) == "CONFLICT" and again["errors"][0]["extensions"]["field"] == "memberId"


@pytest.mark.parametrize("username", ["clinic.worker1", "clinic.manager", "meybod.supervisor", "auditor",
                                      "kindergarten.operator"])
async def test_only_the_office_changes_a_household(api, username):
    family = await delegated_family(api)
    assert error_code(await api.as_user(username, ADD, addition(family["id"], TODAY - DAY))) == "FORBIDDEN"
    member = next(m for m in family["members"] if not m["isHead"]) if len(family["members"]) > 1 else None
    target = member["id"] if member else family["members"][0]["id"]
    assert error_code(await api.as_user(username, REMOVE, removal(target, TODAY - DAY))) == "FORBIDDEN"


async def test_a_file_outside_the_area_looks_like_a_missing_one(api):
    family = await delegated_family(api)  # in Yazd
    foreign = await api.as_user("meybod.county", ADD, addition(family["id"], TODAY - DAY))
    missing = await api.as_user("meybod.county", ADD, addition(to_global_id("Family", 987654), TODAY - DAY))
    assert error_code(foreign) == "NOT_FOUND" and foreign["errors"][0]["extensions"]["field"] == "familyId"
    assert foreign["errors"][0]["extensions"] == missing["errors"][0]["extensions"]
    member = family["members"][-1]["id"]
    foreign = await api.as_user("meybod.county", REMOVE, removal(member, TODAY - DAY))
    missing = await api.as_user("meybod.county", REMOVE, removal(to_global_id("Member", 987654), TODAY - DAY))
    assert error_code(foreign) == "NOT_FOUND" and foreign["errors"][0]["extensions"] == missing["errors"][0][
        "extensions"]


@pytest.mark.parametrize(("changes", "field"), [
    ({"effectiveOn": (TODAY + DAY).isoformat()}, "effectiveOn"),
    ({"effectiveOn": (TODAY - 5 * DAY).isoformat()}, "effectiveOn"),  # a birth takes effect on the birth date
    ({"reason": "DEATH"}, "reason"),
    ({"member": child(2, TODAY - 10 * DAY, relation="HEAD")}, "relation"),
    ({"member": child(2, TODAY - 10 * DAY, nationalId="123")}, "nationalId"),
    ({"member": child(2, TODAY - 10 * DAY, firstName="ب" * 10000)}, "firstName"),
    ({"member": child(2, TODAY + DAY)}, "birthDate"),
])
async def test_a_bad_addition_is_bad_user_input(api, changes, field):
    family = await delegated_family(api)
    result = await api.as_user("yazd.county", ADD, addition(family["id"], TODAY - 10 * DAY, **changes))
    assert error_code(result) == "BAD_USER_INPUT"
    assert result["errors"][0]["extensions"]["field"] == field


@pytest.mark.parametrize(("on", "reason", "field"), [
    (TODAY + DAY, "DEATH", "effectiveOn"),
    (TODAY - 20 * DAY, "DEATH", "effectiveOn"),  # before the member was born (joined)
    (TODAY - DAY, "BIRTH", "reason"),
])
async def test_a_bad_removal_is_bad_user_input(api, on, reason, field):
    family = await delegated_family(api)
    added = (await api.ok("yazd.county", ADD, addition(family["id"], TODAY - 10 * DAY)))["addMember"]["member"]
    result = await api.as_user("yazd.county", REMOVE, removal(added["id"], on, reason))
    assert error_code(result) == "BAD_USER_INPUT" and result["errors"][0]["extensions"]["field"] == field


async def test_the_same_client_id_changes_the_household_once(api):
    family = await delegated_family(api)
    sent = addition(family["id"], TODAY - 10 * DAY, clientId=str(uuid.uuid4()))
    first = (await api.ok("yazd.county", ADD, sent))["addMember"]
    again = (await api.ok("yazd.county", ADD, sent))["addMember"]
    assert again["householdChange"]["id"] == first["householdChange"]["id"]
    assert again["member"]["id"] == first["member"]["id"]
    assert again["family"]["householdSize"] == family["householdSize"] + 1
    other = {"input": {**sent["input"], "effectiveOn": (TODAY - 9 * DAY).isoformat()}}
    conflict = await api.as_user("yazd.county", ADD, other)
    assert error_code(conflict) == "CONFLICT" and conflict["errors"][0]["extensions"]["field"] == "clientId"

    leaving = removal(first["member"]["id"], TODAY - DAY, clientId=str(uuid.uuid4()))
    gone = (await api.ok("yazd.county", REMOVE, leaving))["removeMember"]
    resent = (await api.ok("yazd.county", REMOVE, leaving))["removeMember"]
    assert resent["householdChange"]["id"] == gone["householdChange"]["id"]
    assert resent["family"]["householdSize"] == family["householdSize"]


async def test_an_exited_file_takes_no_change(api):
    family = await delegated_family(api)
    await api.ok("yazd.county", "mutation($i: RecordExitInput!) { recordExit(input: $i) { family { id } } }",
                 {"i": {"familyId": family["id"], "route": "INDIVIDUAL_JOB", "exitedOn": TODAY.isoformat()}})
    result = await api.as_user("yazd.county", ADD, addition(family["id"], TODAY - DAY))
    assert error_code(result) == "BAD_USER_INPUT" and result["errors"][0]["extensions"]["field"] == "familyId"

"""Peer groups through /graphql (Art. 4.8): partner staff form groups of their own files and record sessions and
trainings; who reaches a group, the families it shows, the input it refuses and the clientId of offline apps.

The demo already holds two groups (demo/casework.py: one clinic.worker1 formed, one the charity's), so the tests count
what a new group adds to them and find it by its ID."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from tortoise.expressions import Q

import schema.sources
from schema.node import to_global_id
from tests.conftest import Api, error_code

TODAY = datetime.date.today()
YESTERDAY = (TODAY - datetime.timedelta(days=1)).isoformat()

FILES = "{ families(first: 200, filter: {status: ACTIVE}) { edges { node { id currentAssignment { assignedOn } } } } }"
FORM = """mutation($input: FormPeerGroupInput!) { formPeerGroup(input: $input) {
  peerGroup { id name formedOn formedOnJalali recordedBy version partner { name } families { id } } } }"""
SESSION = """mutation($input: RecordGroupSessionInput!) { recordGroupSession(input: $input) {
  groupSession { id heldOn topic isTraining notes recordedBy attendees { id } group { id } } } }"""
GROUPS = """{ peerGroups(first: 50) { totalCount edges { node { id name families { id }
  sessions(first: 10) { totalCount edges { node { id isTraining topic attendees { id } } } } } } } }"""
GROUP = "query($id: ID!) { node(id: $id) { ... on PeerGroup { id name families { id } } } }"
FAMILY_GROUPS = "query($id: ID!) { family(id: $id) { peerGroups { id } } }"
RETURN = "mutation($i: ReturnFileInput!) { returnFile(input: $i) { assignment { id } } }"


async def files_of(api: Api, username: str) -> list[dict[str, Any]]:
    return [edge["node"] for edge in (await api.ok(username, FILES))["families"]["edges"]]


def formed_on(files: list[dict[str, Any]]) -> str:
    """The first day a group of these files may be formed on: the last of them came to the partner then."""
    return max(file["currentAssignment"]["assignedOn"] for file in files)


async def form(api: Api, username: str = "clinic.worker1", **changes: Any) -> dict[str, Any]:
    files = (await files_of(api, username))[:3]
    sent = {"name": "گروه همیار بانوان محله", "formedOn": formed_on(files), "familyIds": [f["id"] for f in files],
            **changes}
    return (await api.ok(username, FORM, {"input": sent}))["formPeerGroup"]["peerGroup"]


def session(group: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {"input": {"groupId": group["id"], "heldOn": YESTERDAY, "topic": "آموزش مهارت‌های زندگی",
                      "isTraining": True, "attendeeFamilyIds": [f["id"] for f in group["families"][:2]],
                      "notes": "همه فعال بودند", **changes}}


async def groups_of(api: Api, username: str) -> dict[str, Any]:
    return (await api.ok(username, GROUPS))["peerGroups"]


async def counts_of(api: Api, usernames: tuple[str, ...]) -> dict[str, int]:
    return {username: (await groups_of(api, username))["totalCount"] for username in usernames}


def listed(groups: dict[str, Any], group: dict[str, Any]) -> dict[str, Any]:
    """The group among those listed."""
    (node,) = (edge["node"] for edge in groups["edges"] if edge["node"]["id"] == group["id"])
    return node


async def family_groups(api: Api, username: str, family: str) -> list[dict[str, Any]]:
    return (await api.ok(username, FAMILY_GROUPS, {"id": family}))["family"]["peerGroups"]


async def test_the_demo_groups_reach_their_partner_their_worker_and_their_office(api):
    seen = {username: await groups_of(api, username) for username in (
        "clinic.worker1", "clinic.worker2", "clinic.manager", "clinic2.manager", "charity.manager", "yazd.county",
        "meybod.county", "yazd.province")}
    assert {username: groups["totalCount"] for username, groups in seen.items()} == {
        "clinic.worker1": 1, "clinic.worker2": 0, "clinic.manager": 1, "clinic2.manager": 0, "charity.manager": 1,
        "yazd.county": 1, "meybod.county": 1, "yazd.province": 2}
    assert seen["clinic.worker1"]["edges"] == seen["clinic.manager"]["edges"] == seen["yazd.county"]["edges"]
    assert seen["charity.manager"]["edges"] == seen["meybod.county"]["edges"]
    for username in ("clinic.worker1", "charity.manager"):
        group = seen[username]["edges"][0]["node"]
        members = {family["id"] for family in group["families"]}
        sessions = [edge["node"] for edge in group["sessions"]["edges"]]
        assert len(members) >= 2 and sessions and any(s["isTraining"] for s in sessions), username
        assert all(s["attendees"] and {a["id"] for a in s["attendees"]} <= members for s in sessions), username


async def test_a_worker_forms_a_group_of_their_files_and_records_its_sessions(api):
    readers = ("clinic.worker1", "clinic.manager", "yazd.county", "yazd.province", "admin")
    before = await counts_of(api, readers)
    first_family = (await files_of(api, "clinic.worker1"))[0]["id"]
    groups_before = await family_groups(api, "clinic.worker1", first_family)
    group = await form(api)
    assert group["recordedBy"] == "clinic.worker1" and group["version"] == 1 and len(group["families"]) == 3
    assert group["partner"]["name"] and group["formedOnJalali"].count("/") == 2
    training = (await api.ok("clinic.worker1", SESSION, session(group)))["recordGroupSession"]["groupSession"]
    assert training["isTraining"] is True and training["group"]["id"] == group["id"]
    assert training["attendees"] == group["families"][:2]
    await api.ok("clinic.worker1", SESSION, session(group, isTraining=False, topic="جلسه ماهانه",
                                                    attendeeFamilyIds=[group["families"][2]["id"]]))
    for reader in readers:
        groups = await groups_of(api, reader)
        assert groups["totalCount"] == before[reader] + 1, reader
        node = listed(groups, group)
        assert node["sessions"]["totalCount"] == 2 and node["sessions"]["edges"][1]["node"]["isTraining"] is True
    family = group["families"][0]["id"]
    assert family == first_family
    assert await family_groups(api, "clinic.worker1", family) == [*groups_before, {"id": group["id"]}]


async def test_other_partners_other_counties_and_other_workers_do_not_see_a_group(api):
    outsiders = ("clinic.worker2", "clinic2.manager", "charity.manager", "meybod.county", "meybod.supervisor")
    before = await counts_of(api, outsiders)
    group = await form(api)
    assert await counts_of(api, outsiders) == before
    for outsider in outsiders:
        assert (await api.ok(outsider, GROUP, {"id": group["id"]}))["node"] is None, outsider


async def test_a_group_the_manager_formed_reaches_no_worker(api):
    before = await counts_of(api, ("clinic.manager", "clinic.worker1"))
    group = await form(api, "clinic.manager")
    assert await counts_of(api, ("clinic.manager", "clinic.worker1")) == {
        "clinic.manager": before["clinic.manager"] + 1, "clinic.worker1": before["clinic.worker1"]}
    await api.ok("clinic.manager", SESSION, session(group))
    assert error_code(await api.as_user("clinic.worker1", SESSION, session(group))) == "NOT_FOUND"


@pytest.mark.parametrize("username", ["yazd.county", "admin", "meybod.supervisor", "auditor", "kindergarten.operator"])
async def test_roles_other_than_partner_staff_form_no_group(api, username):
    files = (await files_of(api, "clinic.worker1"))[:2]
    result = await api.as_user(username, FORM, {"input": {"name": "گروه", "formedOn": YESTERDAY,
                                                          "familyIds": [f["id"] for f in files]}})
    assert error_code(result) == "FORBIDDEN"


@pytest.mark.parametrize("username", ["yazd.county", "meybod.supervisor", "auditor"])
async def test_roles_other_than_partner_staff_record_no_session(api, username):
    group = await form(api)
    assert error_code(await api.as_user(username, SESSION, session(group))) == "FORBIDDEN"


async def test_a_family_of_another_partner_or_worker_looks_like_a_missing_one(api):
    own = [f["id"] for f in (await files_of(api, "clinic.worker1"))[:2]]
    missing = await api.as_user("clinic.worker1", FORM, {"input": {
        "name": "گروه", "formedOn": YESTERDAY, "familyIds": [*own, to_global_id("Family", 987654)]}})
    assert error_code(missing) == "NOT_FOUND" and missing["errors"][0]["extensions"]["field"] == "familyIds"
    for owner in ("clinic2.manager", "clinic.worker2", "charity.manager"):
        foreign = (await files_of(api, owner))[0]["id"]
        result = await api.as_user("clinic.worker1", FORM, {"input": {
            "name": "گروه", "formedOn": YESTERDAY, "familyIds": [*own, foreign]}})
        assert error_code(result) == "NOT_FOUND", owner
        assert result["errors"][0]["message"] == missing["errors"][0]["message"]
        assert result["errors"][0]["extensions"] == missing["errors"][0]["extensions"]
    other_partner = (await files_of(api, "clinic2.manager"))[0]["id"]
    manager = await api.as_user("clinic.manager", FORM, {"input": {
        "name": "گروه", "formedOn": YESTERDAY, "familyIds": [*own, other_partner]}})
    assert error_code(manager) == "NOT_FOUND"


async def test_a_foreign_group_looks_like_a_missing_one(api):
    group = await form(api)
    missing = await api.as_user("clinic.worker2", SESSION, session(group, groupId=to_global_id("PeerGroup", 987654)))
    assert error_code(missing) == "NOT_FOUND" and missing["errors"][0]["extensions"]["field"] == "groupId"
    for outsider in ("clinic.worker2", "clinic2.manager"):
        foreign = await api.as_user(outsider, SESSION, session(group))
        assert error_code(foreign) == "NOT_FOUND", outsider
        assert foreign["errors"][0]["extensions"] == missing["errors"][0]["extensions"]


@pytest.mark.parametrize(("changes", "field"), [
    ({"formedOn": (TODAY + datetime.timedelta(days=1)).isoformat()}, "formedOn"),
    ({"formedOn": "2000-01-01"}, "formedOn"),  # before the files came to the partner
    ({"name": "  "}, "name"),
    ({"name": "ب" * 10000}, "name"),
    ({"familyIds": "one"}, "familyIds"),
    ({"familyIds": "twice"}, "familyIds"),
    ({"clientId": "not-a-uuid"}, None),
])
async def test_a_bad_group_is_bad_user_input(api, changes, field):
    files = await files_of(api, "clinic.worker1")
    ids = [f["id"] for f in files[:3]]
    if changes.get("familyIds") == "one":
        changes["familyIds"] = ids[:1]
    elif changes.get("familyIds") == "twice":
        changes["familyIds"] = [ids[0], ids[1], ids[0]]
    sent = {"name": "گروه", "formedOn": formed_on(files[:3]), "familyIds": ids, **changes}
    result = await api.as_user("clinic.worker1", FORM, {"input": sent})
    assert error_code(result) == "BAD_USER_INPUT"
    if field is not None:
        assert result["errors"][0]["extensions"]["field"] == field


@pytest.mark.parametrize(("changes", "field"), [
    ({"heldOn": (TODAY + datetime.timedelta(days=1)).isoformat()}, "heldOn"),
    ({"heldOn": "2000-01-01"}, "heldOn"),  # before the group was formed
    ({"topic": ""}, "topic"),
    ({"topic": "ب" * 10000}, "topic"),
    ({"notes": "ب" * 10000}, "notes"),
    ({"attendeeFamilyIds": []}, "attendeeFamilyIds"),
    ({"attendeeFamilyIds": "outside"}, "attendeeFamilyIds"),
])
async def test_a_bad_session_is_bad_user_input(api, changes, field):
    files = await files_of(api, "clinic.worker1")
    group = await form(api, familyIds=[f["id"] for f in files[:2]], formedOn=formed_on(files[:2]))
    if changes.get("attendeeFamilyIds") == "outside":  # the worker's own file, but not one of the group
        changes["attendeeFamilyIds"] = [group["families"][0]["id"], files[2]["id"]]
    result = await api.as_user("clinic.worker1", SESSION, session(group, **changes))
    assert error_code(result) == "BAD_USER_INPUT"
    assert result["errors"][0]["extensions"]["field"] == field


async def test_the_same_client_id_makes_one_group_and_one_session(api):
    before = (await groups_of(api, "clinic.worker1"))["totalCount"]
    files = (await files_of(api, "clinic.worker1"))[:3]
    sent = {"name": "گروه همیار", "formedOn": formed_on(files), "familyIds": [f["id"] for f in files],
            "clientId": str(uuid.uuid4())}
    first = (await api.ok("clinic.worker1", FORM, {"input": sent}))["formPeerGroup"]["peerGroup"]
    again = (await api.ok("clinic.worker1", FORM, {"input": sent}))["formPeerGroup"]["peerGroup"]
    assert again["id"] == first["id"] and len(again["families"]) == 3
    assert (await groups_of(api, "clinic.worker1"))["totalCount"] == before + 1
    other_families = await api.as_user("clinic.worker1", FORM, {"input": {**sent, "familyIds": sent["familyIds"][:2]}})
    assert error_code(other_families) == "CONFLICT"
    assert other_families["errors"][0]["extensions"]["field"] == "clientId"

    sending = session(first, clientId=str(uuid.uuid4()))
    made = (await api.ok("clinic.worker1", SESSION, sending))["recordGroupSession"]["groupSession"]
    resent = (await api.ok("clinic.worker1", SESSION, sending))["recordGroupSession"]["groupSession"]
    assert resent["id"] == made["id"] and resent["attendees"] == made["attendees"]
    sessions = listed(await groups_of(api, "clinic.worker1"), first)["sessions"]
    assert sessions["totalCount"] == 1
    changed = await api.as_user("clinic.worker1", SESSION, {"input": {**sending["input"], "isTraining": False}})
    assert error_code(changed) == "CONFLICT"


async def test_a_returned_family_stays_a_member_unseen_by_the_partner(api):
    group = await form(api)
    returned = group["families"][0]["id"]
    await api.ok("yazd.county", RETURN, {"i": {"familyId": returned, "reason": "بازگشت"}})
    for partner in ("clinic.worker1", "clinic.manager"):
        seen = listed(await groups_of(api, partner), group)["families"]
        assert seen == group["families"][1:], partner
    office = listed(await groups_of(api, "yazd.county"), group)["families"]
    assert office == group["families"]
    assert {"id": group["id"]} in await family_groups(api, "yazd.county", returned)
    # No longer the partner's file: naming it as an attendee answers as for any file outside the slice.
    result = await api.as_user("clinic.worker1", SESSION, session(group, attendeeFamilyIds=[returned]))
    assert error_code(result) == "NOT_FOUND"


async def test_groups_are_narrowed_by_partner_and_formation_day(api):
    partner = (await api.ok("clinic.manager", "{ me { organization { id } } }"))["me"]["organization"]["id"]
    other = (await api.ok("clinic2.manager", "{ me { organization { id } } }"))["me"]["organization"]["id"]
    query = "query($f: PeerGroupFilter) { peerGroups(filter: $f) { totalCount } }"
    day = formed_on((await files_of(api, "clinic.worker1"))[:3])
    after = (datetime.date.fromisoformat(day) + datetime.timedelta(days=1)).isoformat()
    filters = {"partner": {"partnerId": partner}, "otherPartner": {"partnerId": other},
               "day": {"formedFrom": day, "formedTo": day}, "after": {"formedFrom": after}}

    async def counts() -> dict[str, int]:
        return {name: (await api.ok("yazd.county", query, {"f": f}))["peerGroups"]["totalCount"]
                for name, f in filters.items()}

    before = await counts()
    group = await form(api)
    assert group["formedOn"] == day
    assert await counts() == {**before, "partner": before["partner"] + 1, "day": before["day"] + 1}


async def test_row_level_security_keeps_groups_to_their_slice_without_the_first_wall(api, monkeypatch):
    outsiders = ("clinic.worker2", "clinic2.manager", "meybod.county")
    before = await counts_of(api, outsiders)  # with the first wall: the demo's groups of their own slices
    group = await form(api)
    made = (await api.ok("clinic.worker1", SESSION, session(group)))["recordGroupSession"]["groupSession"]
    returned = group["families"][0]["id"]
    await api.ok("yazd.county", RETURN, {"i": {"familyId": returned, "reason": "بازگشت"}})
    monkeypatch.setattr(schema.sources, "type_scope_filter", lambda _viewer, _type_name: Q())
    assert await counts_of(api, outsiders) == before
    for outsider in outsiders:
        assert (await api.ok(outsider, GROUP, {"id": group["id"]}))["node"] is None, outsider
        assert (await api.ok(outsider, "query($id: ID!) { node(id: $id) { id } }", {"id": made["id"]}))[
            "node"] is None, outsider
    seen = listed(await groups_of(api, "clinic.worker1"), group)
    assert seen["families"] == group["families"][1:]
    assert seen["sessions"]["edges"][0]["node"]["attendees"] == group["families"][1:2]
    assert listed(await groups_of(api, "yazd.county"), group)["families"] == group["families"]


CORRECT_SESSION = """mutation($input: CorrectGroupSessionInput!) { correctGroupSession(input: $input) {
  groupSession { id version topic isTraining heldOn } } }"""
SESSION_HISTORY = """query($id: ID!) { node(id: $id) { ... on GroupSession { history { entity operation byUsername
  changes { field before after } } } } }"""


async def test_the_author_corrects_a_session_within_24_hours_and_the_office_reads_the_change(api, database_url):
    import asyncpg

    from api import db
    from schema.node import from_global_id

    group = await form(api)
    made = (await api.ok("clinic.worker1", SESSION, session(group, topic="مهارت‌های زندگی")))["recordGroupSession"][
        "groupSession"]
    fix = {"id": made["id"], "version": 1, "topic": "مهارت‌های کسب‌وکار", "isTraining": True}
    assert error_code(await api.as_user("clinic.manager", CORRECT_SESSION, {"input": fix})) == "RULE_VIOLATION"
    fixed = (await api.ok("clinic.worker1", CORRECT_SESSION, {"input": fix}))["correctGroupSession"]["groupSession"]
    assert (fixed["topic"], fixed["isTraining"], fixed["version"]) == ("مهارت‌های کسب‌وکار", True, 2)
    history = (await api.ok("yazd.county", SESSION_HISTORY, {"id": made["id"]}))["node"]["history"]
    assert [(h["entity"], h["operation"], h["byUsername"]) for h in history] == [
        ("GroupSession", "correct", "clinic.worker1")]
    assert {c["field"]: c["after"] for c in history[0]["changes"]}["topic"] == "مهارت‌های کسب‌وکار"
    # The history is the office's; a session's day stays after its group was formed; after 24 hours, no more.
    assert error_code(await api.as_user("clinic.manager", SESSION_HISTORY, {"id": made["id"]})) == "FORBIDDEN"
    early = await api.as_user("clinic.worker1", CORRECT_SESSION, {"input": {"id": made["id"], "version": 2,
                                                                            "heldOn": "2000-01-01"}})
    assert error_code(early) == "BAD_USER_INPUT" and early["errors"][0]["extensions"]["field"] == "heldOn"
    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))
    try:
        await conn.execute("update group_session set created_at = now() - interval '24 hours' where id = $1",
                           from_global_id(made["id"])[1])
    finally:
        await conn.close()
    late = await api.as_user("clinic.worker1", CORRECT_SESSION, {"input": {"id": made["id"], "version": 2,
                                                                           "notes": "دیر"}})
    assert error_code(late) == "RULE_VIOLATION" and late["errors"][0]["extensions"]["rule"] == "RECORD_APPEND_ONLY"

"""The supervisor's slice (docs/access.md: a SUPERVISOR "reads delegated files (only while delegated) and partner
records in its area, never office notes or committee minutes … cannot edit families"; issue #8, item 13), through
/graphql with the demo supervisor of Meybod: a file of its county the office serves itself looks like a missing one —
in a look-up, `node`, the lists and their counts, and every record under it —, a file a partner serves now is read, and
returning it takes it away at once. The database holds it to the same slice: tests/api/test_row_level_security.py."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api, error_code

SUPERVISOR = "meybod.supervisor"
OFFICE = "meybod.county"

FILES = """query($f: FamilyFilter) { families(first: 200, filter: $f) { totalCount edges { node { id
  currentAssignment { id }
  interviews(first: 10) { edges { node { id } } }
  homeVisits(first: 10) { edges { node { id } } }
  assessments(first: 10) { edges { node { id } } }
  aidPlans(first: 10) { edges { node { id } } }
} } } }"""
FAMILY = """query($id: ID!) { family(id: $id) { id members { nationalId }
  interviews(first: 50) { totalCount } homeVisits(first: 50) { totalCount } } }"""
NODE = "query($id: ID!) { node(id: $id) { id } }"
ASSIGNMENT_FAMILY = "query($id: ID!) { node(id: $id) { ... on Assignment { id family { id } } } }"
RETURN = """mutation($i: ReturnFileInput!) { returnFile(input: $i) { assignment { id endReason } } }"""


async def files(api: Api, username: str, **narrowed: Any) -> dict[str, dict[str, Any]]:
    """The active family files `username` lists (narrowed by the filter), by ID, with their records' IDs."""
    data = await api.ok(username, FILES, {"f": {"status": "ACTIVE", **narrowed}})
    assert data["families"]["totalCount"] == len(data["families"]["edges"])
    return {edge["node"]["id"]: edge["node"] for edge in data["families"]["edges"]}


def record_ids(node: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for name in ("interviews", "homeVisits", "assessments", "aidPlans")
            for edge in node[name]["edges"]]


async def test_the_supervisor_lists_and_counts_only_the_files_a_partner_serves(api):
    delegated = await files(api, OFFICE, assigned=True)
    served = await files(api, OFFICE, assigned=False)
    assert delegated and served  # the demo gives Meybod both
    seen = await files(api, SUPERVISOR)
    assert set(seen) == set(delegated)
    for family_id in served:
        assert (await api.ok(SUPERVISOR, FAMILY, {"id": family_id}))["family"] is None
        assert (await api.ok(SUPERVISOR, NODE, {"id": family_id}))["node"] is None
    # The records of a file the office serves are as absent as the file (nested or by `node`).
    office_records = [record for node in served.values() for record in record_ids(node)]
    assert office_records
    for record in office_records:
        assert (await api.ok(SUPERVISOR, NODE, {"id": record}))["node"] is None


async def test_returning_a_file_takes_it_from_the_supervisor_at_once(api):
    delegated = await files(api, OFFICE, assigned=True)
    # A file with casework on it, so that its records' going is seen too.
    family_id, node = next((i, n) for i, n in delegated.items() if record_ids(n))
    read = (await api.ok(SUPERVISOR, FAMILY, {"id": family_id}))["family"]
    assert read["id"] == family_id and read["members"][0]["nationalId"]
    records = record_ids(node)
    for record in records:
        assert (await api.ok(SUPERVISOR, NODE, {"id": record}))["node"] == {"id": record}
    assignment = node["currentAssignment"]["id"]
    before = await files(api, SUPERVISOR)

    returned = await api.ok(OFFICE, RETURN, {"i": {"familyId": family_id, "reason": "بازگشت به اداره"}})
    assert returned["returnFile"]["assignment"]["endReason"] == "RETURNED"

    after = await files(api, SUPERVISOR)
    assert set(after) == set(before) - {family_id}
    assert (await api.ok(SUPERVISOR, FAMILY, {"id": family_id}))["family"] is None
    assert (await api.ok(SUPERVISOR, NODE, {"id": family_id}))["node"] is None
    for record in records:
        assert (await api.ok(SUPERVISOR, NODE, {"id": record}))["node"] is None
    # The delegation itself is the partner's record and stays; the file it names no longer shows through it.
    shown = (await api.ok(SUPERVISOR, ASSIGNMENT_FAMILY, {"id": assignment}))["node"]
    assert shown == {"id": assignment, "family": None}
    # The office still reads all of it.
    assert (await api.ok(OFFICE, FAMILY, {"id": family_id}))["family"]["id"] == family_id


@pytest.mark.parametrize(("query", "path"), [
    ("query($id: ID!) { family(id: $id) { officeNotes } }", "family"),
    ("query($id: ID!) { family(id: $id) { history { operation changes { field before after } } } }", "family"),
    ("query($id: ID!) { family(id: $id) { aidPlans(first: 5) { edges { node { decisionMinutes } } } } }", "family"),
    ("query($id: ID!) { family(id: $id) { committeeDecisions(first: 5) { edges { node { minutes } } } } }",
     "family"),
])
async def test_office_notes_history_and_committee_minutes_are_never_the_supervisors(api, query, path):
    """Even on a file it reads: office notes (and the history, whose changes carry them) and the minutes of any
    committee (docs/access.md: "never office notes or committee minutes"). The office reads them."""
    family_id = next(iter(await files(api, OFFICE, assigned=True)))
    result = await api.as_user(SUPERVISOR, query, {"id": family_id})
    assert error_code(result) == "FORBIDDEN" and result["data"] is None
    assert (await api.ok(OFFICE, query, {"id": family_id}))[path] is not None


@pytest.mark.parametrize("field", ["officeNotes", "history { operation }"])
async def test_nor_a_childs_office_notes(api, field):
    result = await api.as_user(SUPERVISOR, f"{{ children(first: 5) {{ edges {{ node {{ {field} }} }} }} }}")
    assert error_code(result) == "FORBIDDEN"

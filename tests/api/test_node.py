"""Every Node type of the schema resolves through `node(id:)` (docs/api.md: opaque global IDs), with the ID and the
type it was listed with — the global `id` and `is_type_of` that schema/rowtypes.py gives every row type."""

from __future__ import annotations

import datetime
from typing import Any

import jdatetime
from graphql import GraphQLObjectType

from schema import build_schema


def family_records(username: str, field: str, files: int = 20) -> tuple[str, str, tuple[str, ...]]:
    """A FIRST_OF entry for a kind of casework record: the newest one on each of the first `files` families."""
    records = f"{field}(first: 1) {{ edges {{ node {{ id }} }} }}"
    listing = f"{{ families(first: {files}) {{ edges {{ node {{ {records} }} }} }} }}"
    return username, listing, ("families", "edges", "node", field, "edges", "node")


# For each Node type: a demo account that may see one, a query listing some, and where their IDs are in the answer.
# A Node type missing here fails `test_every_node_type_is_walked`, so a new type is walked from its first day.
def _last_quarter() -> tuple[int, int]:
    today = jdatetime.date.fromgregorian(date=datetime.date.today())
    quarter = (today.month - 1) // 3 + 1
    return (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)


LAST_QUARTER = _last_quarter()  # the demo's partners submitted it (demo/reports.py)

FIRST_OF: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "Province": ("admin", "{ provinces { id } }", ("provinces",)),
    "County": ("admin", "{ provinces { counties { id } } }", ("provinces", "counties")),
    "Office": ("yazd.county", "{ me { organization { id } } }", ("me", "organization")),
    "Partner": ("clinic.manager", "{ partners { edges { node { id } } } }", ("partners", "edges", "node")),
    "StaffMember": ("clinic.manager", "{ partners { edges { node { staff { id } } } } }",
                    ("partners", "edges", "node", "staff")),
    "KindergartenOperator": ("kindergarten.operator", "{ me { organization { id } } }", ("me", "organization")),
    "Kindergarten": ("kindergarten.operator", "{ kindergartens { edges { node { id } } } }",
                     ("kindergartens", "edges", "node")),
    "User": ("clinic.worker1", "{ me { user { id } } }", ("me", "user")),
    "AuditEvent": ("auditor", "{ auditEvents(first: 5) { edges { node { id } } } }", ("auditEvents", "edges", "node")),
    "Agreement": ("clinic.manager", "{ partners { edges { node { agreements { id } } } } }",
                  ("partners", "edges", "node", "agreements")),
    "Assignment": ("clinic.worker1", "{ families(first: 5) { edges { node { currentAssignment { id } } } } }",
                   ("families", "edges", "node", "currentAssignment")),
    "Family": ("clinic.worker1", "{ families(first: 5) { edges { node { id } } } }", ("families", "edges", "node")),
    "Member": ("clinic.worker1", "{ families(first: 5) { edges { node { members { id } } } } }",
               ("families", "edges", "node", "members")),
    "Child": ("yazd.county", "{ children(first: 5) { edges { node { id } } } }", ("children", "edges", "node")),
    "Interview": family_records("clinic.worker1", "interviews"),
    "HomeVisit": family_records("clinic.worker1", "homeVisits"),
    "Assessment": family_records("clinic.worker1", "assessments"),
    "AidPlan": family_records("clinic.worker1", "aidPlans"),
    "Service": family_records("clinic.worker1", "services"),
    "Referral": family_records("clinic.manager", "referrals", files=100),
    "Loan": family_records("clinic.manager", "loans", files=100),
    "FollowUp": ("childhome.manager", "{ children(first: 20) { edges { node { followUps(first: 1) { edges { node { "
                 "id } } } } } } }", ("children", "edges", "node", "followUps", "edges", "node")),
    # The demo's open abuse alert is in Yazd county.
    "Alert": ("yazd.county", "{ alerts(first: 5) { edges { node { id } } } }", ("alerts", "edges", "node")),
    "CommitteeDecision": ("yazd.county", "{ families(first: 1) { edges { node { committeeDecisions(first: 1) { edges "
                                         "{ node { id } } } } } } }",
                          ("families", "edges", "node", "committeeDecisions", "edges", "node")),
    # The demo's clinic.worker1 formed a peer group and recorded its sessions.
    "PeerGroup": ("clinic.worker1", "{ peerGroups(first: 5) { edges { node { id } } } }",
                  ("peerGroups", "edges", "node")),
    "GroupSession": ("clinic.worker1", "{ peerGroups(first: 5) { edges { node { sessions(first: 1) { edges { node { "
                     "id } } } } } } }", ("peerGroups", "edges", "node", "sessions", "edges", "node")),
    # demo/supervision.py: visits to every partner, the charity's open action plan, a decision about clinic 1, a
    # violation report of the child home, complaints in Yazd and Meybod.
    "SupervisionVisit": ("clinic.manager", "{ partners { edges { node { supervisionVisits(first: 1) { edges { node { "
                         "id } } } } } } }", ("partners", "edges", "node", "supervisionVisits", "edges", "node")),
    "ActionPlan": ("charity.manager", "{ partners { edges { node { supervisionVisits(first: 5) { edges { node { "
                   "actionPlan { id } } } } } } } }",
                   ("partners", "edges", "node", "supervisionVisits", "edges", "node", "actionPlan")),
    "PartnerDecision": ("clinic.manager", "{ partners { edges { node { decisions { id } } } } }",
                        ("partners", "edges", "node", "decisions")),
    "ViolationReport": ("yazd.province", "{ partners { edges { node { violationReports(first: 1) { edges { node { id "
                        "} } } } } } }", ("partners", "edges", "node", "violationReports", "edges", "node")),
    "Complaint": ("yazd.county", "{ complaints(first: 5) { edges { node { id } } } }", ("complaints", "edges", "node")),
    # demo/ledger.py: every partner's books.
    "LedgerEntry": ("clinic.manager", "{ partners { edges { node { ledger(first: 1) { edges { node { id } } } } } } }",
                    ("partners", "edges", "node", "ledger", "edges", "node")),
    "ReportSubmission": ("clinic.manager", f"{{ partners {{ edges {{ node {{ quarterlyReport(jalaliYear: "
                         f"{LAST_QUARTER[0]}, quarter: {LAST_QUARTER[1]}) {{ submission {{ id }} }} }} }} }} }}",
                         ("partners", "edges", "node", "quarterlyReport", "submission")),
}


def node_types() -> set[str]:
    return {name for name, graphql_type in build_schema()._schema.type_map.items()
            if isinstance(graphql_type, GraphQLObjectType) and any(i.name == "Node" for i in graphql_type.interfaces)}


def ids_at(data: Any, path: tuple[str, ...]) -> list[str]:
    if isinstance(data, list):
        return [found for item in data for found in ids_at(item, path)]
    if not path:
        return [data["id"]] if isinstance(data, dict) and data.get("id") else []
    return ids_at(data[path[0]], path[1:]) if isinstance(data, dict) and data.get(path[0]) is not None else []


def test_every_node_type_is_walked():
    assert node_types() == set(FIRST_OF)


async def test_every_node_type_resolves_through_node_for_an_account_that_may_see_it(api):
    # A read of a full file leaves an audit event in the auditor's province for it to find.
    family = (await api.ok("yazd.county", "{ families(first: 1) { edges { node { id } } } }"))["families"]
    await api.ok("yazd.county", "query($id: ID!) { family(id: $id) { id } }", {"id": family["edges"][0]["node"]["id"]})
    # The demo records no committee decision of its own kind: the office records one.
    await api.ok("yazd.county", "mutation($i: RecordCommitteeDecisionInput!) { recordCommitteeDecision(input: $i) { "
                                "committeeDecision { id } } }", {"i": {
                                    "subject": "ADMISSION", "decidedOn": "1404-01-10", "minutes": "پذیرش",
                                    "familyId": family["edges"][0]["node"]["id"]}})
    for type_name, (username, listing, path) in FIRST_OF.items():
        found = ids_at(await api.ok(username, listing), path)
        assert found, f"{username} lists no {type_name}"
        node = (await api.ok(username, "query($id: ID!) { node(id: $id) { __typename id } }", {"id": found[0]}))["node"]
        assert node == {"__typename": type_name, "id": found[0]}, type_name

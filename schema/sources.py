"""Which table, and which rows of it, each GraphQL object type shows.

Every look-up by type — lists, `node`, nested loads, the rows a mutation touches — starts from `scoped_rows`,
which applies the type's scope filter (auth/policy.py, auth/scope.py), so a `Partner` ID can never fetch an
office row, and no type reaches rows outside the viewer's slice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from tortoise.expressions import Q, RawSQL
from tortoise.models import Model
from tortoise.queryset import QuerySet

from auth.policy import type_scope_filter
from auth.roles import Viewer
from models import casework, supervision
from models.audit import AuditEvent
from models.children import Child
from models.delegation import Agreement, Assignment, AssignmentEvent
from models.families import ChangeRecord, Family, Member
from models.geography import County, Province
from models.kindergartens import Kindergarten
from models.money import LedgerEntry, PolicyValue, SubsidyStatement
from models.organizations import (
    OFFICE_KINDS,
    PARTNER_KINDS,
    Organization,
    OrganizationKind,
    PartnerGrade,
    StaffMember,
)
from models.reports import ReportSubmission
from models.users import User

SOURCES: dict[str, tuple[type[Model], Q]] = {
    "Province": (Province, Q()),
    "County": (County, Q()),
    "Office": (Organization, Q(kind__in=list(OFFICE_KINDS))),
    "Partner": (Organization, Q(kind__in=list(PARTNER_KINDS))),
    "KindergartenOperator": (Organization, Q(kind=OrganizationKind.KINDERGARTEN_OPERATOR)),
    "StaffMember": (StaffMember, Q()),
    "PartnerGrade": (PartnerGrade, Q()),
    "Kindergarten": (Kindergarten, Q()),
    "User": (User, Q()),
    "Family": (Family, Q()),
    "Member": (Member, Q()),
    "Child": (Child, Q()),
    "ChangeRecord": (ChangeRecord, Q()),
    "Agreement": (Agreement, Q()),
    "Assignment": (Assignment, Q()),
    "AssignmentEvent": (AssignmentEvent, Q()),
    "AuditEvent": (AuditEvent, Q()),
    "LedgerEntry": (LedgerEntry, Q()),
    "SubsidyStatement": (SubsidyStatement, Q()),
    "ReportSubmission": (ReportSubmission, Q()),
    "Interview": (casework.Interview, Q()),
    "HomeVisit": (casework.HomeVisit, Q()),
    "Assessment": (casework.Assessment, Q()),
    "AidPlan": (casework.AidPlan, Q()),
    "Service": (casework.ServiceRecord, Q()),
    "Referral": (casework.Referral, Q()),
    "Loan": (casework.Loan, Q()),
    "FollowUp": (casework.FollowUp, Q()),
    "Alert": (casework.Alert, Q()),
    "CommitteeDecision": (casework.CommitteeDecision, Q()),
    "HouseholdChange": (casework.HouseholdChange, Q()),
    "PeerGroup": (casework.PeerGroup, Q()),
    "GroupSession": (casework.GroupSession, Q()),
    "PolicyValue": (PolicyValue, Q()),
    # Link rows no GraphQL type shows: a group's families and a session's attendees (each family then loaded as
    # "Family", through its own scope).
    "PeerGroupFamily": (casework.PeerGroupFamily, Q()),
    "GroupSessionAttendee": (casework.GroupSessionAttendee, Q()),
    # Supervision (Art. 4.10–4.13, Art. 7); the files a visit sampled are link rows no GraphQL type shows.
    "SupervisionVisit": (supervision.SupervisionVisit, Q()),
    "SupervisionSample": (supervision.SupervisionSample, Q()),
    "ActionPlan": (supervision.ActionPlan, Q()),
    "Complaint": (supervision.Complaint, Q()),
    "ViolationReport": (supervision.ViolationReport, Q()),
    "PartnerDecision": (supervision.PartnerDecision, Q()),
}


@dataclass(frozen=True)
class Relation:
    """A field whose value is rows of another type joined to its parent's row, read through that type's scope.

    `many`: the rows of `target` whose `column` holds the parent's key, in ID order (a list); `first`: the first of
    them (null when none); `key`: the one row whose key the parent's `column` holds (null when absent or outside the
    slice). `conditions` narrow the rows further (Tortoise filters); `pick` is a boolean column the `first` row must
    have set. The resolvers read their loads from here (schema/case_files.py, schema/delegation/types.py) and the
    read compiler its joins (schema/compiled.py): one description of how the types hang together."""

    target: str
    column: str
    kind: Literal["many", "first", "key"]
    conditions: tuple[tuple[str, Any], ...] = ()
    pick: str | None = None


_LIVE_MEMBER = (("removed_on__isnull", True),)
_LIVE_ASSIGNMENT = (("ended_at__isnull", True),)

# (GraphQL type, field) → how its rows are found (the `Relation` docstring).
RELATIONS: dict[tuple[str, str], Relation] = {
    ("Family", "members"): Relation("Member", "family_id", "many", _LIVE_MEMBER),
    ("Family", "head"): Relation("Member", "family_id", "first", _LIVE_MEMBER, pick="is_head"),
    ("Family", "currentAssignment"): Relation("Assignment", "family_id", "first", _LIVE_ASSIGNMENT),
    ("Child", "currentAssignment"): Relation("Assignment", "child_id", "first", _LIVE_ASSIGNMENT),
    ("Assignment", "partner"): Relation("Partner", "partner_id", "key"),
    ("Assignment", "worker"): Relation("StaffMember", "worker_id", "key"),
}


def scoped_rows(viewer: Viewer | None, type_name: str) -> QuerySet[Any]:
    """The rows the viewer may reach as `type_name` (None: no token, no rows)."""
    model, of_type = SOURCES[type_name]
    return model.filter(of_type).filter(type_scope_filter(viewer, type_name))


def organization_type(kind: OrganizationKind) -> str:
    """The GraphQL type an organisation of `kind` is shown as."""
    if kind in OFFICE_KINDS:
        return "Office"
    if kind in PARTNER_KINDS:
        return "Partner"
    return "KindergartenOperator"


def id_set(ids: Iterable[int]) -> RawSQL:
    """A set of row IDs for `__in` filters that stays one short SQL text however many there are: `column__in=
    id_set(ids)` is `column IN (select unnest('{1,2,…}'::int[]))`, where `column__in=ids` would make one bound
    parameter per ID — for the 10 000 files of one assignFiles call, a second of query building and planning
    (issue #10, item 4). The IDs are formatted as integers, so nothing but digits reaches the SQL."""
    return RawSQL("(select unnest('{" + ",".join(str(int(i)) for i in ids) + "}'::int[]))")

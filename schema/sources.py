"""Which table, and which rows of it, each GraphQL object type shows.

Every look-up by type — lists, `node`, nested loads, the rows a mutation touches — starts from `scoped_rows`,
which applies the type's scope filter (auth/policy.py, auth/scope.py), so a `Partner` ID can never fetch an
office row, and no type reaches rows outside the viewer's slice.
"""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q
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

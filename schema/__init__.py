"""The GraphQL schema: the areas' queries and mutations joined, with the extensions every request runs."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions import DisableIntrospection
from strawberry.tools import merge_types
from strawberry.types.base import get_object_definition

from schema.audit.queries import AuditQueries
from schema.audit.types import AuditEvent
from schema.case_files import record_full_read
from schema.casework.committees import CommitteeMutations
from schema.casework.household import HouseholdMutations
from schema.casework.mutations import CaseworkMutations
from schema.casework.peer_groups import PeerGroupMutations
from schema.casework.queries import CaseworkQueries
from schema.casework.types import (
    AidPlan,
    Alert,
    Assessment,
    CommitteeDecision,
    FollowUp,
    GroupSession,
    HomeVisit,
    Interview,
    Loan,
    PeerGroup,
    Referral,
    Service,
)
from schema.children.mutations import ChildMutations
from schema.children.queries import ChildQueries
from schema.children.types import Child
from schema.compiled import CompiledReads
from schema.delegation.mutations import DelegationMutations
from schema.delegation.types import Agreement, Assignment
from schema.execution import plain_field_execution
from schema.families.mutations import FamilyMutations
from schema.families.queries import FamilyQueries
from schema.families.types import Family, Member
from schema.input_bounds import InputBounds
from schema.kindergartens.mutations import KindergartenMutations
from schema.kindergartens.queries import KindergartenQueries
from schema.kindergartens.types import Kindergarten
from schema.limits import complexity_limits
from schema.money.ledger import LedgerMutations
from schema.money.ledger_types import LedgerEntry
from schema.money.policy import PolicyMutations, PolicyQueries
from schema.money.statement_approval import StatementMutations
from schema.node import Node, from_global_id
from schema.organizations.dashboard import DashboardQueries
from schema.organizations.grading import GradingMutations
from schema.organizations.mutations import OrganizationMutations
from schema.organizations.queries import OrganizationQueries
from schema.organizations.reports import ReportMutations, ReportSubmission
from schema.organizations.types import County, KindergartenOperator, Office, Partner, Province, StaffMember
from schema.permissions import PolicyGuard
from schema.query_cost import cost_limit
from schema.scalars import SCALAR_OVERRIDES
from schema.suggestions import cached_validation, execution_class
from schema.supervision.decisions import DecisionMutations
from schema.supervision.mutations import SupervisionMutations
from schema.supervision.queries import SupervisionQueries
from schema.supervision.types import ActionPlan, Complaint, PartnerDecision, SupervisionVisit, ViolationReport
from schema.transaction import request_transaction
from schema.users.mutations import UserMutations
from schema.users.queries import UserQueries
from schema.users.sessions import SessionMutations
from schema.users.types import User


@strawberry.type
class NodeQueries:
    @strawberry.field(description="Any object by its global ID; null when absent or outside your slice.")
    async def node(self, info: strawberry.Info, id: strawberry.ID) -> Node | None:
        type_name, pk = from_global_id(id)
        if type_name not in NODE_TYPE_NAMES:
            return None
        found: Node | None = await info.context.loaders.load(type_name, pk)
        if found is not None:
            record_full_read(info, type_name, pk)
        return found


Query = merge_types("Query", (UserQueries, NodeQueries, OrganizationQueries, KindergartenQueries, AuditQueries,
                              FamilyQueries, ChildQueries, CaseworkQueries, PolicyQueries, SupervisionQueries,
                              DashboardQueries))
Mutation = merge_types("Mutation", (UserMutations, SessionMutations, OrganizationMutations, GradingMutations,
                                    KindergartenMutations,
                                    DelegationMutations, FamilyMutations, ChildMutations, CaseworkMutations,
                                    CommitteeMutations, PeerGroupMutations, HouseholdMutations, PolicyMutations,
                                    LedgerMutations, StatementMutations, SupervisionMutations, DecisionMutations,
                                    ReportMutations))

NODE_TYPES = (Province, County, Office, Partner, StaffMember, KindergartenOperator, Kindergarten, User, AuditEvent,
              Agreement, Assignment, Family, Member, Child, Interview, HomeVisit, Assessment, AidPlan, Service,
              Referral, Loan, FollowUp, Alert, PeerGroup, GroupSession, CommitteeDecision, LedgerEntry,
              SupervisionVisit, ActionPlan, Complaint, ViolationReport, PartnerDecision, ReportSubmission)

NODE_TYPE_NAMES = frozenset(get_object_definition(t, strict=True).name for t in NODE_TYPES)


class WelfareSchema(strawberry.Schema):
    def process_errors(self, errors: list[Any], execution_context: Any = None) -> None:
        """Errors are logged once, by schema.errors.present_error, and only the unexpected ones."""


def build_schema(*, introspection: bool = True, max_depth: int = 12, max_aliases: int = 30,
                 max_tokens: int = 2000, max_cost: int = 100_000, statement_timeout_ms: int = 5000,
                 plain_field_shortcut: bool = True, suggestions: bool | None = None,
                 compiled_reads: bool = False, observers: tuple[Any, ...] = ()) -> strawberry.Schema:
    """`suggestions` ("Did you mean …?" in errors): by default as `introspection`, since they name the schema too.
    `compiled_reads` (COMPILED_READS): answer the hot reads with one SQL statement (schema/compiled.py).
    `observers`: extensions that watch every operation from outside all the others (the request log's, tracing's)."""
    suggestions = introspection if suggestions is None else suggestions
    extensions: list[Any] = [
        *observers,
        # Parsing with the token limit, then validation with the depth and alias limits, through the caches.
        *complexity_limits(max_depth=max_depth, max_aliases=max_aliases, max_tokens=max_tokens),
        cost_limit(max_cost),  # schema/query_cost.py, also while validating
        cached_validation(suggestions=suggestions),
        InputBounds,  # every string's length and characters (schema/input_bounds.py), before the policy guard
        PolicyGuard,
        request_transaction(statement_timeout_ms),
    ]
    if compiled_reads:  # last: after the policy guard, inside the request's transaction
        extensions.append(CompiledReads)
    if not introspection:
        extensions.append(DisableIntrospection)

    schema = WelfareSchema(query=Query, mutation=Mutation, types=NODE_TYPES, extensions=extensions,
                           scalar_overrides=SCALAR_OVERRIDES,
                           execution_context_class=execution_class(None, suggestions=suggestions))
    shortcut = plain_field_execution(schema) if plain_field_shortcut else None  # None where it would not be exact
    if shortcut is not None:
        schema.execution_context_class = execution_class(shortcut, suggestions=suggestions) or shortcut
    return schema

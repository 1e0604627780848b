"""Mutations of the supervision area: visits and the files they sample (Art. 4.11, Art. 7.2), the partners' action
plans (Art. 4.13), complaints (Art. 7.4) and violations reported to the Article 26 commission (Art. 7.7).

- **Who.** auth/policy.py: the supervising expert (and the province office) visits, closes plans and reports
  violations; the partner's manager answers a visit with a plan; the county office files a complaint for the client,
  the supervising expert handles it.
- **Which rows.** Every object an input names is looked up through the caller's scope (`find_scoped`): a partner, a
  visit or a file outside it answers NOT_FOUND like a missing one (docs/access.md rules 3–4). A file sampled on a visit
  must be delegated to the visited partner now.
- **Once per clientId.** A visit, an action plan, a complaint and a violation report are made at most once per
  `clientId` (schema/casework/records.once_per_client_id); an action plan is besides one per visit (CONFLICT on
  `visitId` for a second).
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import strawberry
from tortoise import timezone
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from auth.policy import COMPLAINT_HANDLERS, OFFICE_CASE_ROWS
from auth.roles import Viewer
from auth.scope import within_scope
from models.organizations import Organization
from models.supervision import ActionPlan as ActionPlanRow
from models.supervision import Complaint as ComplaintRow
from models.supervision import SupervisionSample as SampleRow
from models.supervision import SupervisionVisit as VisitRow
from models.supervision import ViolationReport as ViolationRow
from rules.supervision import (
    ComplaintStatus,
    check_complaint_update,
    check_due_on,
    check_not_in_future,
    check_plan_open,
    check_violation_outcome,
)
from schema.casework.records import (
    CLIENT_ID_DESCRIPTION,
    REPORT_LENGTH,
    content_digest,
    create_once,
    once_per_client_id,
)
from schema.common import check_version, clean_text, find_scoped, given, update_versioned, viewer_of
from schema.context import Info
from schema.errors import BadUserInput, Conflict, NotFound
from schema.node import expect_id
from schema.rowtypes import served_as
from schema.sources import scoped_rows
from schema.supervision.types import ActionPlan, Complaint, SupervisionVisit, ViolationReport

MAX_SAMPLED_FILES = 50
"""Files one visit may name as sampled: a sample, not the partner's whole caseload (this project's bound)."""


@strawberry.input(description="A supervising expert's visit to a partner in your area (Art. 4.11, Art. 7.2).")
class RecordSupervisionVisitInput:
    partner_id: strawberry.ID = strawberry.field(description="The partner visited.")
    visited_on: datetime.date = strawberry.field(description="When (not in the future). Jalali accepted.")
    findings: str = strawberry.field(description="What the visit found.")
    suggestions: str = strawberry.field(default="", description="What the monitors suggest; the partner answers with "
                                                                "an action plan (Art. 4.13).")
    sampled_family_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description=f"Files reviewed on the visit, each delegated to the partner now; at most "
                                          f"{MAX_SAMPLED_FILES}.")
    client_id: uuid.UUID | None = strawberry.field(default=None, description=CLIENT_ID_DESCRIPTION)


@strawberry.input(description="Your partner's action plan in answer to a visit's suggestions (Art. 4.13); one per "
                              "visit.")
class SubmitActionPlanInput:
    visit_id: strawberry.ID = strawberry.field(description="The visit to your partner it answers.")
    actions: str = strawberry.field(description="What the partner will do.")
    due_on: datetime.date = strawberry.field(description="By when (today or later). Jalali accepted.")
    client_id: uuid.UUID | None = strawberry.field(default=None, description=CLIENT_ID_DESCRIPTION)


@strawberry.input(description="Close an action plan once carried out (Art. 4.13).")
class CloseActionPlanInput:
    id: strawberry.ID = strawberry.field(description="The action plan.")
    version: int = strawberry.field(description="The version you read (CONFLICT if changed since).")
    notes: str = strawberry.field(description="How the plan was carried out.")


@strawberry.input(description="A complaint received from a client (Art. 7.4). Name the household's file, the partner "
                              "complained of, or both.")
class FileComplaintInput:
    family_id: strawberry.ID | None = strawberry.field(default=None, description="The client's household file.")
    partner_id: strawberry.ID | None = strawberry.field(default=None, description="The partner complained of.")
    received_on: datetime.date = strawberry.field(description="When it was received (not in the future). Jalali "
                                                              "accepted.")
    summary: str = strawberry.field(description="What the client complains of.")
    client_id: uuid.UUID | None = strawberry.field(default=None, description=CLIENT_ID_DESCRIPTION)


@strawberry.input(description="Move a complaint on (Art. 7.4): OPEN → IN_PROGRESS → UPHELD or DISMISSED, which are "
                              "final and need the outcome.")
class UpdateComplaintInput:
    id: strawberry.ID = strawberry.field(description="The complaint.")
    version: int = strawberry.field(description="The version you read (CONFLICT if changed since).")
    status: ComplaintStatus = strawberry.field(description="Its new status (the same, IN_PROGRESS, to update it "
                                                           "while handled).")
    handler_id: strawberry.ID | None = strawberry.field(
        default=None, description="The supervising expert who handles it, a user whose area holds it; by default "
                                  "the one named before, or you.")
    outcome: str | None = strawberry.field(default=None, description="What the handling found and did (required to "
                                                                     "uphold or dismiss); left out, it stays as it "
                                                                     "was.")


@strawberry.input(description="A partner's violation reported to the Article 26 commission (Art. 7.7).")
class ReportViolationInput:
    partner_id: strawberry.ID = strawberry.field(description="The partner.")
    reported_on: datetime.date = strawberry.field(description="When it was reported (not in the future). Jalali "
                                                              "accepted.")
    description: str = strawberry.field(description="What the partner did.")
    client_id: uuid.UUID | None = strawberry.field(default=None, description=CLIENT_ID_DESCRIPTION)


@strawberry.input(description="The Article 26 commission's outcome on a violation report (Art. 7.7), recorded once.")
class RecordViolationOutcomeInput:
    id: strawberry.ID = strawberry.field(description="The violation report.")
    version: int = strawberry.field(description="The version you read (CONFLICT if changed since).")
    outcome: str = strawberry.field(description="What the commission decided.")
    outcome_on: datetime.date = strawberry.field(description="When (not in the future, not before the report). Jalali "
                                                             "accepted.")


@strawberry.type(description="The visit recorded.")
class SupervisionVisitPayload:
    supervision_visit: SupervisionVisit = strawberry.field(description="The visit.")


@strawberry.type(description="The action plan submitted or closed.")
class ActionPlanPayload:
    action_plan: ActionPlan = strawberry.field(description="The action plan.")


@strawberry.type(description="The complaint filed or updated.")
class ComplaintPayload:
    complaint: Complaint = strawberry.field(description="The complaint.")


@strawberry.type(description="The violation report made or completed.")
class ViolationReportPayload:
    violation_report: ViolationReport = strawberry.field(description="The violation report.")


async def _sampled_files(info: Info, partner_id: int, global_ids: list[strawberry.ID]) -> list[int]:
    """The files a visit names as sampled, each delegated to the visited partner now and within the caller's scope:
    NOT_FOUND for any other, alike for a missing one."""
    field = "sampledFamilyIds"
    if len(global_ids) > MAX_SAMPLED_FILES:
        raise BadUserInput(f"At most {MAX_SAMPLED_FILES} sampled files.",
                           f"حداکثر {MAX_SAMPLED_FILES} پرونده نمونه.", field=field)
    keys = [expect_id(global_id, "Family", field) for global_id in global_ids]
    if len(set(keys)) != len(keys):
        raise BadUserInput("A file is named twice.", "یک پرونده دو بار آمده است.", field=field)
    delegated = await scoped_rows(viewer_of(info), "Family").filter(
        id__in=keys, assigned_partner_id=partner_id).values_list("id", flat=True)
    if len(delegated) != len(keys):
        raise NotFound(field=field)
    return keys


async def _handler(info: Info, complaint: ComplaintRow, global_id: strawberry.ID) -> tuple[int, str]:
    """The user a complaint is given to: one the caller reaches, active, who may handle complaints
    (COMPLAINT_HANDLERS) and whose area holds the complaint; BAD_USER_INPUT (handlerId) for anyone else."""
    user = await find_scoped(info, "User", global_id, "handlerId")
    office = await Organization.get_or_none(id=user.organization_id)
    handler = None if office is None else Viewer(
        user_id=user.id, username=user.username, role=user.role, organization_id=office.id,
        organization_kind=office.kind, province_id=office.province_id, county_id=office.county_id,
        staff_member_id=None)
    if (handler is None or not user.is_active or handler.role not in COMPLAINT_HANDLERS
            or not within_scope(handler, OFFICE_CASE_ROWS, complaint)):
        raise BadUserInput("Name an active supervising expert whose area holds the complaint.",
                           "کارشناس ناظر فعالی را نام ببرید که این شکایت در حوزه او باشد.", field="handlerId")
    return user.id, user.username


async def _plan_of(viewer: Viewer, visit_id: int) -> ActionPlanRow | None:
    plan: ActionPlanRow | None = await scoped_rows(viewer, "ActionPlan").filter(visit_id=visit_id).first()
    return plan


def _plan_made() -> Conflict:
    return Conflict("This visit already has its action plan.", "برای این بازدید پیش‌تر برنامه اقدام ثبت شده است.",
                    field="visitId")


@strawberry.type
class SupervisionMutations:
    @strawberry.mutation(description="Record a visit to a partner in your area (Art. 4.11, Art. 7.2: at least every "
                                     "six months), with the files sampled, findings and suggestions.")
    async def record_supervision_visit(self, info: Info, input: RecordSupervisionVisitInput) -> \
            SupervisionVisitPayload:
        viewer = viewer_of(info)
        partner = await find_scoped(info, "Partner", input.partner_id, "partnerId")
        values: dict[str, Any] = {
            "partner_id": partner.id,
            "visited_on": check_not_in_future(input.visited_on, datetime.date.today(), "visitedOn"),
            "findings": clean_text(input.findings, "findings", REPORT_LENGTH, required=True),
            "suggestions": clean_text(input.suggestions, "suggestions", REPORT_LENGTH)}
        sampled = await _sampled_files(info, partner.id, input.sampled_family_ids)
        visit, made = await create_once(viewer, VisitRow, input.client_id, values, place=partner,
                                        sent={**values, "sampled": sorted(sampled)})
        if made:
            await SampleRow.bulk_create([
                SampleRow(visit_id=visit.id, family_id=family_id, partner_id=partner.id,
                          province_id=partner.province_id, county_id=partner.county_id) for family_id in sampled])
        return SupervisionVisitPayload(supervision_visit=served_as(SupervisionVisit, visit))

    @strawberry.mutation(description="Answer a visit to your partner with its action plan (Art. 4.13): one per visit "
                                     "(a second is a CONFLICT), due today or later.")
    async def submit_action_plan(self, info: Info, input: SubmitActionPlanInput) -> ActionPlanPayload:
        viewer = viewer_of(info)
        visit = await find_scoped(info, "SupervisionVisit", input.visit_id, "visitId")
        values: dict[str, Any] = {"visit_id": visit.id,
                                  "actions": clean_text(input.actions, "actions", REPORT_LENGTH, required=True),
                                  "due_on": input.due_on}
        digest = content_digest(values)

        async def create() -> ActionPlanRow:
            if await _plan_of(viewer, visit.id) is not None:
                raise _plan_made()
            check_due_on(input.due_on, datetime.date.today())
            try:
                async with in_transaction():  # a savepoint: a plan raced in leaves the request usable
                    return await ActionPlanRow.create(
                        **values, partner_id=visit.partner_id, province_id=visit.province_id,
                        county_id=visit.county_id, author_id=viewer.user_id, author_username=viewer.username,
                        client_id=input.client_id, client_digest=digest)
            except IntegrityError:
                raced = await _plan_of(viewer, visit.id)
                if raced is None or (input.client_id is not None and raced.client_id == input.client_id):
                    raise  # no plan raced in, or this sending's own: once_per_client_id answers it
                raise _plan_made() from None

        plan, _ = await once_per_client_id(ActionPlanRow, input.client_id, digest, viewer.user_id, create)
        return ActionPlanPayload(action_plan=served_as(ActionPlan, plan))

    @strawberry.mutation(description="Close an action plan once the partner has carried it out (Art. 4.13); closing "
                                     "it again is a RULE_VIOLATION.")
    async def close_action_plan(self, info: Info, input: CloseActionPlanInput) -> ActionPlanPayload:
        viewer = viewer_of(info)
        plan = await find_scoped(info, "ActionPlan", input.id, "id")
        check_plan_open(plan.closed_at is not None)
        check_version(plan, input.version)
        notes = clean_text(input.notes, "notes", REPORT_LENGTH, required=True)
        closed = await update_versioned(viewer, "ActionPlan", plan, input.version, closed_at=timezone.now(),
                                        closed_by_id=viewer.user_id, closed_by_username=viewer.username,
                                        closing_notes=notes)
        return ActionPlanPayload(action_plan=served_as(ActionPlan, closed))

    @strawberry.mutation(description="File a complaint received from a client (Art. 7.4), about a partner, a "
                                     "household's file or both, in your area; it opens for the supervising expert to "
                                     "handle.")
    async def file_complaint(self, info: Info, input: FileComplaintInput) -> ComplaintPayload:
        viewer = viewer_of(info)
        if not given(input.family_id) and not given(input.partner_id):
            raise BadUserInput("Name the household's file, the partner, or both.",
                               "پرونده خانوار، مؤسسه همکار یا هر دو را نام ببرید.", field="familyId")
        family = await find_scoped(info, "Family", input.family_id, "familyId") if given(input.family_id) else None
        partner = await find_scoped(info, "Partner", input.partner_id, "partnerId") if given(input.partner_id) else None
        place = partner if partner is not None else family  # a complaint about a partner is handled in its area
        assert place is not None  # one of the two, as checked above
        values: dict[str, Any] = {
            "family_id": family.id if family is not None else None,
            "partner_id": partner.id if partner is not None else None,
            "received_on": check_not_in_future(input.received_on, datetime.date.today(), "receivedOn"),
            "summary": clean_text(input.summary, "summary", REPORT_LENGTH, required=True)}
        complaint, _ = await create_once(viewer, ComplaintRow, input.client_id, values, place=place)
        return ComplaintPayload(complaint=served_as(Complaint, complaint))

    @strawberry.mutation(description="Move a complaint on (Art. 7.4): take it up (IN_PROGRESS), then uphold or dismiss "
                                     "it with its outcome, for good (RULE_VIOLATION after that).")
    async def update_complaint(self, info: Info, input: UpdateComplaintInput) -> ComplaintPayload:
        viewer = viewer_of(info)
        complaint = await find_scoped(info, "Complaint", input.id, "id")
        outcome = complaint.outcome if input.outcome is None else clean_text(input.outcome, "outcome", REPORT_LENGTH)
        status = check_complaint_update(complaint.status, input.status, outcome)
        check_version(complaint, input.version)
        if given(input.handler_id):
            handler_id, handler_username = await _handler(info, complaint, input.handler_id)
        elif complaint.handler_id is not None:
            handler_id, handler_username = complaint.handler_id, complaint.handler_username
        else:  # whoever takes it up handles it, until someone else is named
            handler_id, handler_username = viewer.user_id, viewer.username
        updated = await update_versioned(viewer, "Complaint", complaint, input.version, status=status, outcome=outcome,
                                         handler_id=handler_id, handler_username=handler_username)
        return ComplaintPayload(complaint=served_as(Complaint, updated))

    @strawberry.mutation(description="Report a partner's violation to the Article 26 commission (Art. 7.7).")
    async def report_violation(self, info: Info, input: ReportViolationInput) -> ViolationReportPayload:
        viewer = viewer_of(info)
        partner = await find_scoped(info, "Partner", input.partner_id, "partnerId")
        values: dict[str, Any] = {
            "partner_id": partner.id,
            "reported_on": check_not_in_future(input.reported_on, datetime.date.today(), "reportedOn"),
            "description": clean_text(input.description, "description", REPORT_LENGTH, required=True)}
        report, _ = await create_once(viewer, ViolationRow, input.client_id, values, place=partner)
        return ViolationReportPayload(violation_report=served_as(ViolationReport, report))

    @strawberry.mutation(description="Record the Article 26 commission's outcome on a violation report (Art. 7.7), "
                                     "once (RULE_VIOLATION after that).")
    async def record_violation_outcome(self, info: Info, input: RecordViolationOutcomeInput) -> \
            ViolationReportPayload:
        viewer = viewer_of(info)
        report = await find_scoped(info, "ViolationReport", input.id, "id")
        outcome_on = check_violation_outcome(report.reported_on, input.outcome_on, datetime.date.today(),
                                             recorded=report.outcome_on is not None)
        check_version(report, input.version)
        outcome = clean_text(input.outcome, "outcome", REPORT_LENGTH, required=True)
        updated = await update_versioned(viewer, "ViolationReport", report, input.version, outcome=outcome,
                                         outcome_on=outcome_on)
        return ViolationReportPayload(violation_report=served_as(ViolationReport, updated))

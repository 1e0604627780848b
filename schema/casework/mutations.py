"""Mutations of the casework area: one per record (Art. 4.6–4.7, Art. 5, seeds 001 and 003), each taking one
`input:` with an optional `clientId`, each all-or-nothing and audited like every mutation (schema/transaction.py).
How a record is made — the file, the day, the clientId — is schema/casework/records.py."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from tortoise import connections

from models.casework import AidPlan as AidPlanRow
from models.casework import AidPlanStatus, ChildRecord
from models.casework import Assessment as AssessmentRow
from models.casework import FollowUp as FollowUpRow
from models.casework import HomeVisit as HomeVisitRow
from models.casework import Interview as InterviewRow
from models.casework import Loan as LoanRow
from models.casework import Referral as ReferralRow
from models.casework import ServiceRecord as ServiceRow
from models.children import Child as ChildRow
from rules.casework import loan_follow_up_due, needs_loan_follow_up
from rules.committees import CommitteeSubject
from rules.empowerment import DOMAIN_FIELDS, score_empowerment
from rules.errors import RuleViolation
from rules.money import rial_amount
from rules.services import ChildFollowUpKind, LoanKind, ServiceKind
from schema.casework.committees import register_decision
from schema.casework.records import CLIENT_ID_DESCRIPTION as _CLIENT_ID
from schema.casework.records import (
    NAME_LENGTH,
    REPORT_LENGTH,
    TEXT_LENGTH,
    RecordTarget,
    correct_record,
    create_record,
    record_day,
    record_target,
)
from schema.casework.types import AidPlan, Alert, Assessment, FollowUp, HomeVisit, Interview, Loan, Referral, Service
from schema.common import check_version, clean_text, find_scoped, given, update_versioned, viewer_of
from schema.context import Info
from schema.errors import BadUserInput, Conflict
from schema.node import to_global_id
from schema.rowtypes import served_as
from schema.scalars import BigInt
from schema.sources import scoped_rows


@strawberry.input(description="What an interview and a home visit both record (Art. 4.6).")
class ContactInput:
    family_id: strawberry.ID = strawberry.field(description="The family.")
    present: str = strawberry.field(default="", description="Who was present.")
    findings: str = strawberry.field(default="", description="What was found.")
    report: str = strawberry.field(default="", description="The social-work report.")
    client_id: uuid.UUID | None = strawberry.field(default=None, description=_CLIENT_ID)


@strawberry.input(description="An interview with a family (Art. 4.6).")
class RecordInterviewInput(ContactInput):
    held_on: datetime.date = strawberry.field(description="When it was held (not in the future, not before the file "
                                                          "came to you). Jalali accepted.")


@strawberry.input(description="A visit to a family's home (Art. 4.6).")
class RecordHomeVisitInput(ContactInput):
    visited_on: datetime.date = strawberry.field(description="When (not in the future, not before the file came to "
                                                             "you). Jalali accepted.")


@strawberry.input(description="A correction of a record you made within the last 24 hours; omitted fields stay as "
                              "they are.")
class CorrectionInput:
    id: strawberry.ID = strawberry.field(description="The record.")
    version: int = strawberry.field(description="The version you read (CONFLICT if someone changed it since).")


@strawberry.input(description="A correction of your own interview or home visit within 24 hours of recording it; "
                              "omitted fields stay as they are. Send the `version` you read.")
class CorrectReportInput(CorrectionInput):
    present: str | None = strawberry.field(default=strawberry.UNSET, description="Who was present.")
    findings: str | None = strawberry.field(default=strawberry.UNSET, description="What was found.")
    report: str | None = strawberry.field(default=strawberry.UNSET, description="The social-work report.")


@strawberry.input(description="A correction of your own service record within 24 hours of recording it; omitted "
                              "fields stay as they are. Send the `version` you read.")
class CorrectServiceInput(CorrectionInput):
    description: str | None = strawberry.field(default=strawberry.UNSET, description="What was given.")
    amount_rials: BigInt | None = strawberry.field(default=strawberry.UNSET, description="Money given, in whole rials.")


@strawberry.input(description="A correction of your own referral within 24 hours of recording it; omitted fields "
                              "stay as they are. Send the `version` you read.")
class CorrectReferralInput(CorrectionInput):
    referred_to: str | None = strawberry.field(default=strawberry.UNSET, description="To whom.")
    reason: str | None = strawberry.field(default=strawberry.UNSET, description="Why.")
    outcome: str | None = strawberry.field(default=strawberry.UNSET, description="What came of it.")


@strawberry.input(description="The eight scores of the empowerment scale (Art. 1.4), each 1–5.")
class EmpowermentScoresInput:
    decision_making: int = strawberry.field(description="«قابلیت تصمیم‌گیری» — decision-making.")
    social_mobility: int = strawberry.field(description="«تحرک و تعامل اجتماعی» — social mobility and interaction.")
    education: int = strawberry.field(description="«تحصیل» — education.")
    job_skills: int = strawberry.field(description="«مهارت‌های شغلی - حرفه‌ای» — job skills.")
    employment_status: int = strawberry.field(description="«وضعیت شغلی» — employment status.")
    income: int = strawberry.field(description="«درآمد» — income.")
    housing: int = strawberry.field(description="«مسکن و سرپناه» — shelter and housing.")
    insurance: int = strawberry.field(description="«پوشش بیمه‌ای» — insurance coverage.")


@strawberry.input(description="A correction of your own assessment within 24 hours of recording it; omitted fields "
                              "stay as they are. Send the `version` you read.")
class CorrectAssessmentInput(CorrectionInput):
    scores: EmpowermentScoresInput | None = strawberry.field(default=strawberry.UNSET, description="All eight "
                                                             "scores; the total and level are computed again.")
    notes: str | None = strawberry.field(default=strawberry.UNSET, description="The assessor's notes.")


@strawberry.input(description="A correction of your own aid plan within 24 hours of submitting it, while the level-1 "
                              "committee has not decided it; omitted fields stay as they are. Send the `version` "
                              "you read.")
class CorrectAidPlanInput(CorrectionInput):
    goals: str | None = strawberry.field(default=strawberry.UNSET, description="What the plan aims at.")
    planned_services: list[ServiceKind] | None = strawberry.field(default=strawberry.UNSET,
                                                                  description="The services it plans (Art. 5).")
    resources: str | None = strawberry.field(default=strawberry.UNSET, description="The resources it draws on.")
    target_date: datetime.date | None = strawberry.field(default=strawberry.UNSET, description="When its goals "
                                                         "should be reached (after its submission). Jalali accepted.")


@strawberry.input(description="A correction of your own loan within 24 hours of recording it, while its follow-up "
                              "is not recorded; omitted fields stay as they are. Send the `version` you read.")
class CorrectLoanInput(CorrectionInput):
    kind: LoanKind | None = strawberry.field(default=strawberry.UNSET, description="Which kind.")
    amount_rials: BigInt | None = strawberry.field(default=strawberry.UNSET, description="The amount, in whole rials.")
    lender: str | None = strawberry.field(default=strawberry.UNSET, description="Who lent or granted it.")
    granted_on: datetime.date | None = strawberry.field(default=strawberry.UNSET, description="When (not in the "
                                                        "future, not before the file came to you). Jalali accepted.")


@strawberry.input(description="A correction of your own follow-up of a child within 24 hours of recording it; "
                              "omitted fields stay as they are. An abuse concern is not corrected: record a new "
                              "follow-up. Send the `version` you read.")
class CorrectFollowUpInput(CorrectionInput):
    followed_up_on: datetime.date | None = strawberry.field(default=strawberry.UNSET, description="When (not in the "
                                                            "future, not before the file came to you). Jalali "
                                                            "accepted.")
    notes: str | None = strawberry.field(default=strawberry.UNSET, description="What was found.")


@strawberry.input(description="An assessment on the empowerment scale (Art. 1.4), at intake and yearly (Art. 5).")
class RecordAssessmentInput:
    family_id: strawberry.ID = strawberry.field(description="The family.")
    assessed_on: datetime.date = strawberry.field(description="When. Jalali accepted.")
    scores: EmpowermentScoresInput = strawberry.field(description="The eight scores.")
    notes: str = strawberry.field(default="", description="The assessor's notes.")
    client_id: uuid.UUID | None = strawberry.field(default=None, description=_CLIENT_ID)


@strawberry.input(description="An aid plan for the level-1 committee (Art. 4.7).")
class SubmitAidPlanInput:
    family_id: strawberry.ID = strawberry.field(description="The family.")
    submitted_on: datetime.date = strawberry.field(description="When. Jalali accepted.")
    goals: str = strawberry.field(description="What the plan aims at.")
    planned_services: list[ServiceKind] = strawberry.field(description="The services it plans (Art. 5).")
    resources: str = strawberry.field(default="", description="The resources it draws on.")
    target_date: datetime.date = strawberry.field(description="When its goals should be reached.")
    client_id: uuid.UUID | None = strawberry.field(default=None, description=_CLIENT_ID)


@strawberry.input(description="A level-1 committee's decision on an aid plan (Art. 4.7). Send the `version` you read.")
class DecideAidPlanInput:
    aid_plan_id: strawberry.ID = strawberry.field(description="The plan.")
    approved: bool = strawberry.field(description="Approved (true) or rejected (false).")
    decided_on: datetime.date = strawberry.field(description="When the committee decided. Jalali accepted.")
    minutes: str = strawberry.field(description="The committee's minutes.")
    version: int = strawberry.field(description="The version you read (CONFLICT if someone changed it since).")


@strawberry.input(description="A service given (Art. 5).")
class RecordServiceInput:
    family_id: strawberry.ID = strawberry.field(description="The family.")
    kind: ServiceKind = strawberry.field(description="Which of the 14 kinds.")
    given_on: datetime.date = strawberry.field(description="When. Jalali accepted.")
    description: str = strawberry.field(default="", description="What was given.")
    amount_rials: BigInt | None = strawberry.field(default=None, description="Money given, in whole rials.")
    client_id: uuid.UUID | None = strawberry.field(default=None, description=_CLIENT_ID)


@strawberry.input(description="A referral to another body.")
class RecordReferralInput:
    family_id: strawberry.ID = strawberry.field(description="The family.")
    referred_on: datetime.date = strawberry.field(description="When. Jalali accepted.")
    referred_to: str = strawberry.field(description="To whom.")
    reason: str = strawberry.field(default="", description="Why.")
    outcome: str = strawberry.field(default="", description="What came of it, if known.")
    client_id: uuid.UUID | None = strawberry.field(default=None, description=_CLIENT_ID)


@strawberry.input(description="A loan or grant (seed 001).")
class RecordLoanInput:
    family_id: strawberry.ID = strawberry.field(description="The family.")
    kind: LoanKind = strawberry.field(description="Which kind.")
    amount_rials: BigInt = strawberry.field(description="The amount, in whole rials.")
    lender: str = strawberry.field(default="", description="Who lent or granted it.")
    granted_on: datetime.date = strawberry.field(description="When. Jalali accepted.")
    client_id: uuid.UUID | None = strawberry.field(default=None, description=_CLIENT_ID)


@strawberry.input(description="The six-month follow-up of a loan (seed 001).")
class RecordLoanFollowUpInput:
    loan_id: strawberry.ID = strawberry.field(description="The loan.")
    followed_up_on: datetime.date = strawberry.field(description="When. Jalali accepted.")
    notes: str = strawberry.field(default="", description="What the follow-up found.")
    version: int = strawberry.field(description="The version you read (CONFLICT if someone changed it since).")


@strawberry.input(description="A follow-up of a child in family care (seed 003).")
class RecordFollowUpInput:
    child_id: strawberry.ID = strawberry.field(description="The child.")
    kind: ChildFollowUpKind = strawberry.field(description="What was followed up.")
    followed_up_on: datetime.date = strawberry.field(description="When. Jalali accepted.")
    notes: str = strawberry.field(default="", description="What was found.")
    abuse_concern: bool = strawberry.field(default=False, description="A concern of child abuse: opens an alert for "
                                                                      "the county office (seed 003).")
    client_id: uuid.UUID | None = strawberry.field(default=None, description=_CLIENT_ID)


@strawberry.input(description="How the office handled an abuse alert. Send the `version` you read.")
class HandleAlertInput:
    alert_id: strawberry.ID = strawberry.field(description="The alert.")
    handling: str = strawberry.field(description="What was done.")
    version: int = strawberry.field(description="The version you read (CONFLICT if someone changed it since).")


@strawberry.type(description="The interview recorded.")
class InterviewPayload:
    interview: Interview = strawberry.field(description="The interview.")


@strawberry.type(description="The home visit recorded.")
class HomeVisitPayload:
    home_visit: HomeVisit = strawberry.field(description="The home visit.")


@strawberry.type(description="The assessment recorded.")
class AssessmentPayload:
    assessment: Assessment = strawberry.field(description="The assessment, with its total and level.")


@strawberry.type(description="The aid plan submitted or decided.")
class AidPlanPayload:
    aid_plan: AidPlan = strawberry.field(description="The plan.")


@strawberry.type(description="The service recorded.")
class ServicePayload:
    service: Service = strawberry.field(description="The service.")


@strawberry.type(description="The referral recorded.")
class ReferralPayload:
    referral: Referral = strawberry.field(description="The referral.")


@strawberry.type(description="The loan recorded or followed up.")
class LoanPayload:
    loan: Loan = strawberry.field(description="The loan.")


@strawberry.type(description="The follow-up recorded, and the alert it opened, if any.")
class FollowUpPayload:
    follow_up: FollowUp = strawberry.field(description="The follow-up.")
    alert: Alert | None = strawberry.field(description="The abuse alert it opened, for the office; null when none.")


@strawberry.type(description="The alert handled.")
class AlertPayload:
    alert: Alert = strawberry.field(description="The alert.")


# What an interview or a home visit records, and how long each may be.
_REPORT_LENGTHS = {"present": TEXT_LENGTH, "findings": REPORT_LENGTH, "report": REPORT_LENGTH}


def _report_fields(present: str, findings: str, report: str) -> dict[str, str]:
    return {name: clean_text(value, name, _REPORT_LENGTHS[name])
            for name, value in (("present", present), ("findings", findings), ("report", report))}


def _corrected_report(input: CorrectReportInput) -> dict[str, str]:
    return {name: clean_text(getattr(input, name), name, length) for name, length in _REPORT_LENGTHS.items()
            if given(getattr(input, name))}


def _scored(scores: EmpowermentScoresInput) -> dict[str, Any]:
    """The eight scores as an assessment keeps them, with the total and level computed from them (Art. 1.4)."""
    scored = score_empowerment({domain.value: getattr(scores, _python_name(field))
                                for domain, field in DOMAIN_FIELDS.items()})
    return {"scores": {domain.value: score for domain, score in scored.scores.items()}, "total": scored.total,
            "level": scored.level}


def _planned_services(kinds: list[ServiceKind]) -> list[str]:
    if not kinds:
        raise BadUserInput("A plan plans at least one service.", "برنامه باید دست‌کم یک خدمت داشته باشد.",
                           field="plannedServices")
    return sorted({kind.value for kind in kinds})


def _target_date(target_date: datetime.date, submitted_on: datetime.date) -> datetime.date:
    if target_date <= submitted_on:
        raise BadUserInput("The target date is after the plan's submission.",
                           "تاریخ هدف باید پس از تاریخ ارسال برنامه باشد.", field="targetDate")
    return target_date


def _follow_up_due_on(kind: LoanKind, granted_on: datetime.date) -> datetime.date | None:
    """When a loan's six-month follow-up falls due (seed 001); None for a kind that has none."""
    return loan_follow_up_due(granted_on) if needs_loan_follow_up(kind) else None


async def _record_file(info: Info, record: Any) -> RecordTarget:
    """The file a record is on, as when recording on it: a corrected day is bound as a recorded one is."""
    if isinstance(record, ChildRecord):
        return await record_target(info, "Child", to_global_id("Child", record.child_id), "id")
    return await record_target(info, "Family", to_global_id("Family", record.family_id), "id")


def _corrected_aid_plan(input: CorrectAidPlanInput) -> Callable[[AidPlanRow], Awaitable[dict[str, Any]]]:
    async def changes(plan: AidPlanRow) -> dict[str, Any]:
        if plan.status is not AidPlanStatus.SUBMITTED:
            raise RuleViolation("AID_PLAN_DECIDED", "The level-1 committee has decided this plan on what it read; "
                                "it is no longer corrected (Art. 4.7).", "کمیته سطح یک بر پایه همین متن درباره "
                                "برنامه تصمیم گرفته است؛ دیگر نمی‌توان آن را اصلاح کرد (بند ۴-۷).")
        values: dict[str, Any] = {}
        if given(input.goals):
            values["goals"] = clean_text(input.goals, "goals", REPORT_LENGTH, required=True)
        if given(input.planned_services):
            values["planned_services"] = _planned_services(input.planned_services)
        if given(input.resources):
            values["resources"] = clean_text(input.resources, "resources", TEXT_LENGTH)
        if given(input.target_date):
            values["target_date"] = _target_date(input.target_date, plan.submitted_on)
        return values
    return changes


def _corrected_loan(info: Info, input: CorrectLoanInput) -> Callable[[LoanRow], Awaitable[dict[str, Any]]]:
    async def changes(loan: LoanRow) -> dict[str, Any]:
        if loan.followed_up_on is not None:
            raise RuleViolation("LOAN_FOLLOWED_UP", "The loan's follow-up has been recorded on what it said; the "
                                "loan is no longer corrected.", "پیگیری این وام بر پایه همین ثبت انجام شده است؛ "
                                "دیگر نمی‌توان آن را اصلاح کرد.")
        values: dict[str, Any] = {}
        if given(input.kind):
            values["kind"] = input.kind
        if given(input.amount_rials):
            values["amount_rials"] = rial_amount(input.amount_rials, "amountRials")
        if given(input.lender):
            values["lender"] = clean_text(input.lender, "lender", NAME_LENGTH)
        if given(input.granted_on):
            values["granted_on"] = record_day(await _record_file(info, loan), input.granted_on, "grantedOn")
        if values.keys() & {"kind", "granted_on"}:
            values["follow_up_due_on"] = _follow_up_due_on(values.get("kind", loan.kind),
                                                           values.get("granted_on", loan.granted_on))
        return values
    return changes


def _corrected_follow_up(info: Info,
                         input: CorrectFollowUpInput) -> Callable[[FollowUpRow], Awaitable[dict[str, Any]]]:
    async def changes(follow_up: FollowUpRow) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if given(input.followed_up_on):
            values["followed_up_on"] = record_day(await _record_file(info, follow_up), input.followed_up_on,
                                                  "followedUpOn")
        if given(input.notes):
            values["notes"] = clean_text(input.notes, "notes", REPORT_LENGTH)
        return values
    return changes


async def _alert_of(info: Info, follow_up: FollowUpRow) -> Any:
    """The abuse alert a follow-up opened, when the caller may read it (the office); None otherwise."""
    return await scoped_rows(viewer_of(info), "Alert").filter(follow_up_id=follow_up.id).first()


@strawberry.type
class CaseworkMutations:
    @strawberry.mutation(description="Record an interview with a family delegated to you (or served by your office).")
    async def record_interview(self, info: Info, input: RecordInterviewInput) -> InterviewPayload:
        target = await record_target(info, "Family", input.family_id, "familyId", after_exit=True)
        values = {"held_on": record_day(target, input.held_on, "heldOn"),
                  **_report_fields(input.present, input.findings, input.report)}
        interview = await create_record(info, InterviewRow, target, input.client_id, values)
        return InterviewPayload(interview=served_as(Interview, interview))

    @strawberry.mutation(description="Record a home visit to a family delegated to you (or served by your office).")
    async def record_home_visit(self, info: Info, input: RecordHomeVisitInput) -> HomeVisitPayload:
        target = await record_target(info, "Family", input.family_id, "familyId", after_exit=True)
        values = {"visited_on": record_day(target, input.visited_on, "visitedOn"),
                  **_report_fields(input.present, input.findings, input.report)}
        home_visit = await create_record(info, HomeVisitRow, target, input.client_id, values)
        return HomeVisitPayload(home_visit=served_as(HomeVisit, home_visit))

    @strawberry.mutation(description="Correct your own interview within 24 hours of recording it; the change is "
                                     "kept in the file's history. Records are append-only after that.")
    async def correct_interview(self, info: Info, input: CorrectReportInput) -> InterviewPayload:
        return InterviewPayload(interview=await correct_record(info, "Interview", input.id, input.version,
                                                               _corrected_report(input)))

    @strawberry.mutation(description="Correct your own home visit within 24 hours of recording it; the change is "
                                     "kept in the file's history. Records are append-only after that.")
    async def correct_home_visit(self, info: Info, input: CorrectReportInput) -> HomeVisitPayload:
        return HomeVisitPayload(home_visit=await correct_record(info, "HomeVisit", input.id, input.version,
                                                                _corrected_report(input)))

    @strawberry.mutation(description="Correct your own service record within 24 hours of recording it; the change is "
                                     "kept in the file's history. Records are append-only after that.")
    async def correct_service(self, info: Info, input: CorrectServiceInput) -> ServicePayload:
        changes: dict[str, Any] = {}
        if given(input.description):
            changes["description"] = clean_text(input.description, "description", TEXT_LENGTH)
        if given(input.amount_rials):
            changes["amount_rials"] = rial_amount(input.amount_rials, "amountRials")
        return ServicePayload(service=await correct_record(info, "Service", input.id, input.version, changes))

    @strawberry.mutation(description="Correct your own referral within 24 hours of recording it; the change is kept "
                                     "in the file's history. Records are append-only after that.")
    async def correct_referral(self, info: Info, input: CorrectReferralInput) -> ReferralPayload:
        changes: dict[str, Any] = {}
        if given(input.referred_to):
            changes["referred_to"] = clean_text(input.referred_to, "referredTo", NAME_LENGTH, required=True)
        for name in ("reason", "outcome"):
            if given(getattr(input, name)):
                changes[name] = clean_text(getattr(input, name), name, TEXT_LENGTH)
        return ReferralPayload(referral=await correct_record(info, "Referral", input.id, input.version, changes))

    @strawberry.mutation(description="Record an assessment on the empowerment scale (Art. 1.4); the total and level "
                                     "are computed.")
    async def record_assessment(self, info: Info, input: RecordAssessmentInput) -> AssessmentPayload:
        target = await record_target(info, "Family", input.family_id, "familyId")
        values = {"assessed_on": record_day(target, input.assessed_on, "assessedOn"), **_scored(input.scores),
                  "notes": clean_text(input.notes, "notes", REPORT_LENGTH)}
        assessment = await create_record(info, AssessmentRow, target, input.client_id, values)
        return AssessmentPayload(assessment=served_as(Assessment, assessment))

    @strawberry.mutation(description="Correct your own assessment within 24 hours of recording it; the total and "
                                     "level are computed again and the change is kept in the file's history. Records "
                                     "are append-only after that.")
    async def correct_assessment(self, info: Info, input: CorrectAssessmentInput) -> AssessmentPayload:
        changes = _scored(input.scores) if given(input.scores) else {}
        if given(input.notes):
            changes["notes"] = clean_text(input.notes, "notes", REPORT_LENGTH)
        return AssessmentPayload(assessment=await correct_record(info, "Assessment", input.id, input.version,
                                                                 changes))

    @strawberry.mutation(description="Submit an aid plan (Art. 4.7) to the level-1 committee.")
    async def submit_aid_plan(self, info: Info, input: SubmitAidPlanInput) -> AidPlanPayload:
        target = await record_target(info, "Family", input.family_id, "familyId")
        submitted_on = record_day(target, input.submitted_on, "submittedOn")
        target_date = _target_date(input.target_date, submitted_on)
        planned_services = _planned_services(input.planned_services)
        values = {"submitted_on": submitted_on, "goals": clean_text(input.goals, "goals", REPORT_LENGTH, required=True),
                  "planned_services": planned_services,
                  "resources": clean_text(input.resources, "resources", TEXT_LENGTH), "target_date": target_date}
        aid_plan = await create_record(info, AidPlanRow, target, input.client_id, values)
        return AidPlanPayload(aid_plan=served_as(AidPlan, aid_plan))

    @strawberry.mutation(description="Correct your own aid plan within 24 hours of submitting it, while the level-1 "
                                     "committee has not decided it (it decides what it read); the change is kept in "
                                     "the file's history. Records are append-only after that.")
    async def correct_aid_plan(self, info: Info, input: CorrectAidPlanInput) -> AidPlanPayload:
        return AidPlanPayload(aid_plan=await correct_record(info, "AidPlan", input.id, input.version,
                                                            _corrected_aid_plan(input)))

    @strawberry.mutation(description="Record the level-1 committee's decision on an aid plan (Art. 4.7): the "
                                     "partner's manager for a delegated file, the county office for a file it serves. "
                                     "Who submitted a plan never decides it.")
    async def decide_aid_plan(self, info: Info, input: DecideAidPlanInput) -> AidPlanPayload:
        viewer = viewer_of(info)
        plan = await find_scoped(info, "AidPlan", input.aid_plan_id, "aidPlanId")
        # The committee sits where the file is served: who may record on the file now decides its plans.
        target = await record_target(info, "Family", to_global_id("Family", plan.family_id), "aidPlanId")
        if plan.author_id == viewer.user_id:
            raise RuleViolation("ART_4_7_MAKER_CHECKER", "Who submitted a plan does not decide it.",
                                "تهیه‌کننده برنامه نمی‌تواند درباره آن تصمیم بگیرد.")
        check_version(plan, input.version)
        if plan.status is not AidPlanStatus.SUBMITTED:
            raise Conflict("The plan has been decided already.", "درباره این برنامه پیش‌تر تصمیم گرفته شده است.",
                           field="aidPlanId")
        decided_on = record_day(target, input.decided_on, "decidedOn")
        if decided_on < plan.submitted_on:
            raise BadUserInput("The decision is before the plan's submission.",
                               "تاریخ تصمیم پیش از ارسال برنامه است.", field="decidedOn")
        minutes = clean_text(input.minutes, "minutes", REPORT_LENGTH, required=True)
        decided = await update_versioned(
            viewer, "AidPlan", plan, input.version,
            status=AidPlanStatus.APPROVED if input.approved else AidPlanStatus.REJECTED, decided_on=decided_on,
            decision_minutes=minutes, decided_by_id=viewer.user_id, decided_by_username=viewer.username)
        await register_decision(viewer, CommitteeSubject.AID_PLAN, level=1, decided_on=decided_on, minutes=minutes,
                                family_id=plan.family_id, partner_id=plan.partner_id, province_id=plan.province_id,
                                county_id=plan.county_id, aid_plan_id=plan.id)
        return AidPlanPayload(aid_plan=decided)

    @strawberry.mutation(description="Record a service given (Art. 5), with the money given in whole rials.")
    async def record_service(self, info: Info, input: RecordServiceInput) -> ServicePayload:
        target = await record_target(info, "Family", input.family_id, "familyId", after_exit=True)
        values = {"kind": input.kind, "given_on": record_day(target, input.given_on, "givenOn"),
                  "description": clean_text(input.description, "description", TEXT_LENGTH),
                  "amount_rials": None if input.amount_rials is None else rial_amount(input.amount_rials,
                                                                                      "amountRials")}
        service = await create_record(info, ServiceRow, target, input.client_id, values)
        return ServicePayload(service=served_as(Service, service))

    @strawberry.mutation(description="Record a referral to another body.")
    async def record_referral(self, info: Info, input: RecordReferralInput) -> ReferralPayload:
        target = await record_target(info, "Family", input.family_id, "familyId")
        values = {"referred_on": record_day(target, input.referred_on, "referredOn"),
                  "referred_to": clean_text(input.referred_to, "referredTo", NAME_LENGTH, required=True),
                  "reason": clean_text(input.reason, "reason", TEXT_LENGTH),
                  "outcome": clean_text(input.outcome, "outcome", TEXT_LENGTH)}
        referral = await create_record(info, ReferralRow, target, input.client_id, values)
        return ReferralPayload(referral=served_as(Referral, referral))

    @strawberry.mutation(description="Record a loan or grant (seed 001); its six-month follow-up falls due by itself.")
    async def record_loan(self, info: Info, input: RecordLoanInput) -> LoanPayload:
        target = await record_target(info, "Family", input.family_id, "familyId")
        granted_on = record_day(target, input.granted_on, "grantedOn")
        values = {"kind": input.kind, "amount_rials": rial_amount(input.amount_rials, "amountRials"),
                  "lender": clean_text(input.lender, "lender", NAME_LENGTH), "granted_on": granted_on,
                  "follow_up_due_on": _follow_up_due_on(input.kind, granted_on)}
        loan = await create_record(info, LoanRow, target, input.client_id, values)
        return LoanPayload(loan=served_as(Loan, loan))

    @strawberry.mutation(description="Correct your own loan within 24 hours of recording it, while its follow-up is "
                                     "not recorded; its follow-up falls due again from the corrected day and kind, "
                                     "and the change is kept in the file's history. Records are append-only after "
                                     "that.")
    async def correct_loan(self, info: Info, input: CorrectLoanInput) -> LoanPayload:
        return LoanPayload(loan=await correct_record(info, "Loan", input.id, input.version,
                                                     _corrected_loan(info, input)))

    @strawberry.mutation(description="Record a loan's six-month follow-up (seed 001).")
    async def record_loan_follow_up(self, info: Info, input: RecordLoanFollowUpInput) -> LoanPayload:
        viewer = viewer_of(info)
        loan = await find_scoped(info, "Loan", input.loan_id, "loanId")
        target = await record_target(info, "Family", to_global_id("Family", loan.family_id), "loanId", after_exit=True)
        check_version(loan, input.version)
        if loan.follow_up_due_on is None or loan.followed_up_on is not None:
            raise Conflict("This loan has no follow-up to record.", "این وام پیگیری ثبت‌نشده‌ای ندارد.", field="loanId")
        followed_up_on = record_day(target, input.followed_up_on, "followedUpOn")
        if followed_up_on < loan.granted_on:
            raise BadUserInput("The follow-up is before the loan.", "تاریخ پیگیری پیش از تاریخ وام است.",
                               field="followedUpOn")
        return LoanPayload(loan=await update_versioned(
            viewer, "Loan", loan, input.version, followed_up_on=followed_up_on,
            follow_up_notes=clean_text(input.notes, "notes", REPORT_LENGTH)))

    @strawberry.mutation(description="Record a follow-up of a child in family care (seed 003). An abuse concern "
                                     "marks the child's file and opens an alert the county office lists until "
                                     "handled.")
    async def record_follow_up(self, info: Info, input: RecordFollowUpInput) -> FollowUpPayload:
        target = await record_target(info, "Child", input.child_id, "childId")
        values = {"kind": input.kind, "followed_up_on": record_day(target, input.followed_up_on, "followedUpOn"),
                  "notes": clean_text(input.notes, "notes", REPORT_LENGTH), "abuse_concern": input.abuse_concern}
        follow_up = await create_record(info, FollowUpRow, target, input.client_id, values)
        if follow_up.abuse_concern:
            await raise_alert(follow_up)
            await ChildRow.filter(id=target.row.id).update(abuse_flag=True)
        return FollowUpPayload(follow_up=served_as(FollowUp, follow_up), alert=await _alert_of(info, follow_up))

    @strawberry.mutation(description="Correct your own follow-up of a child within 24 hours of recording it; the "
                                     "change is kept in the child's history. An abuse concern is not corrected (its "
                                     "alert may be open already). Records are append-only after that.")
    async def correct_follow_up(self, info: Info, input: CorrectFollowUpInput) -> FollowUpPayload:
        follow_up = await correct_record(info, "FollowUp", input.id, input.version, _corrected_follow_up(info, input))
        return FollowUpPayload(follow_up=follow_up, alert=await _alert_of(info, follow_up))

    @strawberry.mutation(description="Record how the office handled an abuse alert; it leaves the open list.")
    async def handle_alert(self, info: Info, input: HandleAlertInput) -> AlertPayload:
        viewer = viewer_of(info)
        alert = await find_scoped(info, "Alert", input.alert_id, "alertId")
        check_version(alert, input.version)
        if alert.handled_at is not None:
            raise Conflict("The alert has been handled already.", "این هشدار پیش‌تر رسیدگی شده است.", field="alertId")
        return AlertPayload(alert=await update_versioned(
            viewer, "Alert", alert, input.version, handled_at=datetime.datetime.now(datetime.UTC),
            handled_by_id=viewer.user_id, handled_by_username=viewer.username,
            handling=clean_text(input.handling, "handling", REPORT_LENGTH, required=True)))


async def raise_alert(follow_up: FollowUpRow) -> None:
    """Open the office's alert for an abuse concern, once per follow-up (a clientId sent again raises none). The
    partner who raises it may not read alerts, so the database function does it (migration 0008)."""
    await connections.get("default").execute_query("select raise_abuse_alert($1)", [follow_up.id])


def _python_name(field: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in field)

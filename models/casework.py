"""Casework: what a partner's worker (or the office, for a file it serves itself) records on a file (issue 7).

Art. 4 steps 5–7 (interview, home visit, social-work report, aid plan approved by level 1), Art. 5 (the 14 kinds
of service; the empowerment scale at intake and yearly), seed 001 (loans and their six-month follow-up) and seed
003 (children's monthly follow-up, with close attention to abuse).

Every record belongs to one file and carries the file's province and county (the office's scope) and the partner
it was recorded under (None: the office served the file). Who may read a record follows its file: a partner and its
worker read the records of the files delegated to them now, through the file's owner columns (`family__…`), and
row-level security lets a row through only when its file is visible (migration 0008). Records are append-only
(rules/casework.editable_by_author gives their author 24 hours). `client_id` is the UUID a mobile app sends so that
sending a record twice makes it once (docs/api.md, conventions); `client_digest` is what the first sending said.

Two records hang under something else than a file: a peer group (گروه همیار, Art. 4.8; seed 002) is its partner's,
in the partner's area, and reached by the partner's manager and by the worker who formed it; its sessions follow
it. A household change belongs to its file, like any record, but is the office's (it moves the pension).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.authorship import Authored
from models.families import Rehabilitability
from rules.committees import CommitteeSubject
from rules.empowerment import EmpowermentLevel
from rules.services import ChildFollowUpKind, HouseholdChangeReason, LoanKind, ServiceKind


class CaseRecord(Authored):
    """The columns every casework record carries: its author and clientId (models/authorship.py), and these."""

    id = fields.IntField(primary_key=True)
    province_id = fields.IntField()
    county_id = fields.IntField()
    # The partner whose live assignment the record was made under; None when the office recorded it.
    partner_id = fields.IntField(null=True)
    version = fields.IntField(default=1)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        abstract = True


class FamilyRecord(CaseRecord):
    family: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "models.Family", related_name=False, on_delete=fields.RESTRICT)
    family_id: int

    class Meta:
        abstract = True


class ContactRecord(FamilyRecord):
    """A meeting with the family and the social-work report written from it (Art. 4.6)."""

    present = fields.TextField(default="")
    findings = fields.TextField(default="")
    report = fields.TextField(default="")

    class Meta:
        abstract = True


class Interview(ContactRecord):
    """An interview with the family (Art. 4.6), and the social-work report written from it."""

    held_on = fields.DateField()

    class Meta:
        table = "interview"
        indexes = (("family_id", "id"),)


class HomeVisit(ContactRecord):
    """A visit to the family's home (Art. 4.6), and the social-work report written from it."""

    visited_on = fields.DateField()

    class Meta:
        table = "home_visit"
        indexes = (("family_id", "id"),)


class Assessment(FamilyRecord):
    """The empowerment scale (Art. 1.4): eight domains scored 1–5, at intake and yearly (Art. 5)."""

    assessed_on = fields.DateField()
    scores: fields.JSONField[dict[str, int]] = fields.JSONField()
    total = fields.SmallIntField()
    level = fields.CharEnumField(EmpowermentLevel, max_length=16)
    notes = fields.TextField(default="")

    class Meta:
        table = "assessment"
        indexes = (("family_id", "assessed_on"),)


class AidPlanStatus(StrEnum):
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class AidPlan(FamilyRecord):
    """An empowering aid plan (Art. 4.7), decided by a level-1 committee: the partner's for a delegated file, the
    county office's for a file it serves. Who submitted it never decides it."""

    submitted_on = fields.DateField()
    goals = fields.TextField()
    planned_services: fields.JSONField[list[str]] = fields.JSONField()
    resources = fields.TextField(default="")
    target_date = fields.DateField()
    status = fields.CharEnumField(AidPlanStatus, max_length=16, default=AidPlanStatus.SUBMITTED)
    decided_on = fields.DateField(null=True)
    decision_minutes = fields.TextField(default="")
    decided_by_id = fields.IntField(null=True)
    decided_by_username = fields.CharField(max_length=100, default="")

    class Meta:
        table = "aid_plan"
        indexes = (("family_id", "id"),)


class ServiceRecord(FamilyRecord):
    """A service given (Art. 5), with the money given where any, in whole rials."""

    kind = fields.CharEnumField(ServiceKind, max_length=32)
    given_on = fields.DateField()
    description = fields.TextField(default="")
    amount_rials = fields.BigIntField(null=True)

    class Meta:
        table = "service_record"
        indexes = (("family_id", "id"),)


class Referral(FamilyRecord):
    """A referral to another body (a clinic, a bank, a court …): to whom, why, and what came of it."""

    referred_on = fields.DateField()
    referred_to = fields.CharField(max_length=200)
    reason = fields.TextField(default="")
    outcome = fields.TextField(default="")

    class Meta:
        table = "referral"
        indexes = (("family_id", "id"),)


class Loan(FamilyRecord):
    """A loan or grant (seed 001); its six-month follow-up is due by itself and listed until recorded."""

    kind = fields.CharEnumField(LoanKind, max_length=32)
    amount_rials = fields.BigIntField()
    lender = fields.CharField(max_length=200, default="")
    granted_on = fields.DateField()
    follow_up_due_on = fields.DateField(null=True)
    followed_up_on = fields.DateField(null=True)
    follow_up_notes = fields.TextField(default="")

    class Meta:
        table = "loan"
        indexes = (("family_id", "id"), ("follow_up_due_on",))


class ChildRecord(CaseRecord):
    child: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "models.Child", related_name=False, on_delete=fields.RESTRICT)
    child_id: int

    class Meta:
        abstract = True


class FollowUp(ChildRecord):
    """A follow-up of a child in family care (seed 003): monthly, of health, mental state, schooling, nutrition,
    leisure and family relations; an abuse concern opens an alert for the county office."""

    kind = fields.CharEnumField(ChildFollowUpKind, max_length=32)
    followed_up_on = fields.DateField()
    notes = fields.TextField(default="")
    abuse_concern = fields.BooleanField(default=False)

    class Meta:
        table = "child_follow_up"
        indexes = (("child_id", "id"),)


class Alert(Model):
    """An abuse concern raised in a child's follow-up, open until an office user records how it was handled."""

    id = fields.IntField(primary_key=True)
    child: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "models.Child", related_name=False, on_delete=fields.RESTRICT)
    child_id: int
    follow_up: fields.ForeignKeyRelation[FollowUp] = fields.ForeignKeyField(
        "models.FollowUp", related_name=False, on_delete=fields.RESTRICT)
    follow_up_id: int
    province_id = fields.IntField()
    county_id = fields.IntField()
    opened_at = fields.DatetimeField(auto_now_add=True)
    handled_at = fields.DatetimeField(null=True)
    handled_by_id = fields.IntField(null=True)
    handled_by_username = fields.CharField(max_length=100, default="")
    handling = fields.TextField(default="")
    version = fields.IntField(default=1)

    class Meta:
        table = "alert"
        indexes = (("county_id", "id"),)


class HouseholdChange(FamilyRecord):
    """A member joined or left the household (a birth, a death, a marriage, leaving) and the household's size from
    that day on: the monthly pension follows the size («بر اساس بعد خانوار», seeds 001 and 002), so the size of any
    day is read from these rows (rules/household.py). A change dated before a later-dated one shifts the later
    ones' sizes, so every row always holds the size from its day until the next change."""

    effective_on = fields.DateField()
    reason = fields.CharEnumField(HouseholdChangeReason, max_length=16)
    member: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.RESTRICT)
    member_id: int
    delta = fields.SmallIntField()  # +1: the member joined; -1: the member left
    household_size = fields.SmallIntField()

    class Meta:
        table = "household_change"
        indexes = (("family_id", "effective_on"),)


class PeerGroup(CaseRecord):
    """A peer group (گروه همیار, Art. 4.8; seed 002) a partner formed of the families delegated to it. It is the
    partner's (`partner_id`) and lies in the partner's province and county; `worker_id` is the worker who formed
    it (None: the partner's manager did), the only worker who reaches it."""

    partner_id = fields.IntField()  # always a partner's
    name = fields.CharField(max_length=200)
    formed_on = fields.DateField()
    worker_id = fields.IntField(null=True)

    class Meta:
        table = "peer_group"
        indexes = (("partner_id", "id"), ("county_id", "id"), ("worker_id", "id"), ("formed_on",))


class PeerGroupFamily(Model):
    """A family of a peer group. It stays a member after the file leaves the partner; only those who may see the
    family see that it is one."""

    id = fields.IntField(primary_key=True)
    group: fields.ForeignKeyRelation[PeerGroup] = fields.ForeignKeyField(
        "models.PeerGroup", related_name=False, on_delete=fields.RESTRICT)
    group_id: int
    family: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "models.Family", related_name=False, on_delete=fields.RESTRICT)
    family_id: int

    class Meta:
        table = "peer_group_family"
        unique_together = (("group", "family"),)
        indexes = (("family_id",),)


class GroupSession(CaseRecord):
    """A session of a peer group (Art. 4.8, «جلسات گروهی»); a training when `is_training` («آموزش‌های برگزار شده»)."""

    group: fields.ForeignKeyRelation[PeerGroup] = fields.ForeignKeyField(
        "models.PeerGroup", related_name=False, on_delete=fields.RESTRICT)
    group_id: int
    held_on = fields.DateField()
    topic = fields.CharField(max_length=200)
    is_training = fields.BooleanField(default=False)
    notes = fields.TextField(default="")

    class Meta:
        table = "group_session"
        indexes = (("group_id", "id"), ("held_on",))


class GroupSessionAttendee(Model):
    """A family of the group that attended a session."""

    id = fields.IntField(primary_key=True)
    session: fields.ForeignKeyRelation[GroupSession] = fields.ForeignKeyField(
        "models.GroupSession", related_name=False, on_delete=fields.RESTRICT)
    session_id: int
    family: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "models.Family", related_name=False, on_delete=fields.RESTRICT)
    family_id: int

    class Meta:
        table = "group_session_attendee"
        unique_together = (("session", "family"),)
        indexes = (("family_id",),)


class CommitteeDecision(Authored):
    """The register of committee decisions (rules/committees.py): every decision about a household's file, a
    partner, or both; the office's to read (its minutes stay with the office). A classification carries the
    rehabilitability it decided (Art. 4.1); an aid plan's decision names the plan (Art. 4.7), whose status and
    minutes the partner reads on the plan itself."""

    id = fields.IntField(primary_key=True)
    level = fields.SmallIntField()
    subject = fields.CharEnumField(CommitteeSubject, max_length=32)
    decided_on = fields.DateField()
    minutes = fields.TextField()
    family_id = fields.IntField(null=True)
    partner_id = fields.IntField(null=True)
    rehabilitability = fields.CharEnumField(Rehabilitability, max_length=24, null=True)
    aid_plan_id = fields.IntField(null=True, unique=True)
    province_id = fields.IntField()
    county_id = fields.IntField()

    class Meta:
        table = "committee_decision"
        indexes = (("family_id", "id"), ("partner_id", "id"), ("county_id", "id"))

"""Supervision (Art. 4.10–4.13 and Art. 7 of the 2014 directive, seed 004): the office's visits to its partners,
the partners' action plans in answer to the monitors' suggestions, complaints, violations reported to the Article 26
commission, and the office's decision to continue or stop working with a partner.

Every row carries the partner's province and county, the office's scope. Row-level security: visits, action plans
and the office's decisions about a partner are read by the office in its area and by that partner; complaints and
violation reports stay with the office (migration 0013).
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.authorship import Authored

# Where a complaint stands, and how it moves, is the rule's (rules/supervision.py, Art. 7.4); the column holds it.
from rules.supervision import ComplaintStatus as ComplaintStatus


class SupervisionVisit(Authored):
    id = fields.IntField(primary_key=True)
    partner_id = fields.IntField()
    province_id = fields.IntField()
    county_id = fields.IntField()
    visited_on = fields.DateField()
    findings = fields.TextField()
    suggestions = fields.TextField(default="")

    class Meta:
        table = "supervision_visit"
        indexes = (("partner_id", "visited_on"),)


class SupervisionSample(Model):
    """A file the supervisor sampled on a visit."""

    id = fields.IntField(primary_key=True)
    visit_id = fields.IntField()
    family_id = fields.IntField()
    province_id = fields.IntField()
    county_id = fields.IntField()
    partner_id = fields.IntField()

    class Meta:
        table = "supervision_sample"
        unique_together = (("visit_id", "family_id"),)


class ActionPlan(Authored):
    """The partner's answer to a visit's suggestions (Art. 4.13), closed by the supervisor."""

    id = fields.IntField(primary_key=True)
    visit_id = fields.IntField(unique=True)
    partner_id = fields.IntField()
    province_id = fields.IntField()
    county_id = fields.IntField()
    actions = fields.TextField()
    due_on = fields.DateField()
    closed_at = fields.DatetimeField(null=True)
    closed_by_id = fields.IntField(null=True)
    closed_by_username = fields.CharField(max_length=100, default="")
    closing_notes = fields.TextField(default="")
    version = fields.IntField(default=1)

    class Meta:
        table = "action_plan"


class Complaint(Authored):
    """A complaint filed by the office on a client's behalf (Art. 7.3)."""

    id = fields.IntField(primary_key=True)
    province_id = fields.IntField()
    county_id = fields.IntField()
    partner_id = fields.IntField(null=True)
    family_id = fields.IntField(null=True)
    received_on = fields.DateField()
    summary = fields.TextField()
    status = fields.CharEnumField(ComplaintStatus, max_length=16, default=ComplaintStatus.OPEN)
    handler_id = fields.IntField(null=True)
    handler_username = fields.CharField(max_length=100, default="")
    outcome = fields.TextField(default="")
    version = fields.IntField(default=1)

    class Meta:
        table = "complaint"
        indexes = (("county_id", "id"), ("partner_id", "id"))


class ViolationReport(Authored):
    """A partner's violation reported to the Article 26 commission (Art. 7.7), with its outcome."""

    id = fields.IntField(primary_key=True)
    partner_id = fields.IntField()
    province_id = fields.IntField()
    county_id = fields.IntField()
    reported_on = fields.DateField()
    description = fields.TextField()
    outcome = fields.TextField(default="")
    outcome_on = fields.DateField(null=True)
    version = fields.IntField(default=1)

    class Meta:
        table = "violation_report"
        indexes = (("partner_id", "id"),)


class PartnerDecision(Model):
    """The office's decision to continue or stop working with a partner after supervision (Art. 4.12)."""

    id = fields.IntField(primary_key=True)
    partner_id = fields.IntField()
    province_id = fields.IntField()
    county_id = fields.IntField()
    decided_on = fields.DateField()
    continues = fields.BooleanField()
    reasons = fields.TextField()
    author_id = fields.IntField()
    author_username = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "partner_decision"
        indexes = (("partner_id", "decided_on"),)

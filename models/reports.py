"""A partner's reports, as submitted (Art. 4.8 quarterly, Art. 7.6 yearly; seed 003 the children's monthly): the
numbers frozen when the partner's manager submitted them, and the county office's acknowledgement. A report that is
not submitted has no row: it is computed from the records whenever it is read."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class ReportKind(StrEnum):
    QUARTERLY = "QUARTERLY"
    CHILD_MONTHLY = "CHILD_MONTHLY"
    YEARLY = "YEARLY"


class ReportSubmission(Model):
    id = fields.IntField(primary_key=True)
    partner_id = fields.IntField()
    province_id = fields.IntField()
    county_id = fields.IntField()
    kind = fields.CharEnumField(ReportKind, max_length=16)
    jalali_year = fields.SmallIntField()
    period = fields.SmallIntField()  # the quarter (1–4), the month (1–12), or 0 for a yearly report
    numbers: fields.JSONField[dict[str, Any]] = fields.JSONField()  # the report's counts as submitted
    submitted_at = fields.DatetimeField(auto_now_add=True)
    submitted_by_id = fields.IntField()
    submitted_by_username = fields.CharField(max_length=100)
    acknowledged_at = fields.DatetimeField(null=True)
    acknowledged_by_id = fields.IntField(null=True)
    acknowledged_by_username = fields.CharField(max_length=100, default="")
    version = fields.IntField(default=1)

    class Meta:
        table = "report_submission"
        unique_together = (("partner_id", "kind", "jalali_year", "period"),)

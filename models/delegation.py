"""Delegation (Art. 2–4, seed 003): caseload norms as policy data, yearly agreements, and the assignment history.

`CaseloadNormRow` is the one source of the norms' numbers (rules/caseload.py reads them: a clinic's per-worker minimum
by method, Art. 2.2; a charity's or complex's per-expert cap, Art. 3.1 and note 3).

`Assignment` is the one history table of who serves a file: a row per delegation to a partner, live while
`ended_at` is null; the database allows one live row per file (partial unique indexes). `AssignmentEvent`
records the transitions: assigned, worker assigned, returned, reassigned.
"""

from __future__ import annotations

import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.children import Child
    from models.families import Family
    from models.organizations import Organization, StaffMember


class AgreementStatus(StrEnum):
    ACTIVE = "ACTIVE"
    ENDED = "ENDED"


class FileLoad(StrEnum):
    """Which quota a delegated file counts against."""

    REHABILITABLE = "REHABILITABLE"
    NON_REHABILITABLE = "NON_REHABILITABLE"
    CHILD = "CHILD"


class Transition(StrEnum):
    ASSIGNED = "ASSIGNED"
    WORKER_ASSIGNED = "WORKER_ASSIGNED"
    RETURNED = "RETURNED"
    REASSIGNED = "REASSIGNED"


class EndReason(StrEnum):
    RETURNED = "RETURNED"
    REASSIGNED = "REASSIGNED"
    EXITED = "EXITED"


class CaseloadNormRow(Model):
    """Art. 2.2 and Art. 3 norms per worker, as policy data the national admin may edit. A clinic's row (one per
    method) is a minimum per worker; a charity's or complex's (one, no method) is a cap per expert: `rehabilitable`
    files (Art. 3 note 3, where it applies) or `non_rehabilitable` ones (Art. 3.1), a mix pro rata."""

    id = fields.IntField(primary_key=True)
    partner_kind = fields.CharField(max_length=24)
    method = fields.SmallIntField(null=True)
    rehabilitable = fields.IntField()
    non_rehabilitable = fields.IntField()
    article = fields.CharField(max_length=40)

    class Meta:
        table = "caseload_norm"


class Agreement(Model):
    """The yearly agreement (تفاهم‌نامه) between the province or county office and a partner (Art. 4.3, Art. 6.1)."""

    id = fields.IntField(primary_key=True)
    partner: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="agreements", on_delete=fields.RESTRICT)
    partner_id: int
    jalali_year = fields.SmallIntField()
    quota_rehabilitable = fields.IntField()
    quota_non_rehabilitable = fields.IntField()
    # Children's follow-up is delegated under its own yearly contract (seed 003), counted apart from families.
    quota_children = fields.IntField(default=0)
    # Art. 3 note 3: the office's statement that no one applied to found a clinic in the county (charities only).
    no_clinic_applicant = fields.BooleanField(default=False)
    signed_on = fields.DateField()
    status = fields.CharEnumField(AgreementStatus, max_length=16, default=AgreementStatus.ACTIVE)
    province_id = fields.IntField()
    county_id = fields.IntField()
    signed_by_id = fields.IntField()
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "agreement"
        unique_together = (("partner", "jalali_year"),)


class Assignment(Model):
    """One delegation of one file (a family or a child) to one partner, and its worker."""

    id = fields.IntField(primary_key=True)
    family: fields.ForeignKeyNullableRelation[Family] = fields.ForeignKeyField(
        "models.Family", related_name="assignments", null=True, on_delete=fields.RESTRICT)
    family_id: int | None
    child: fields.ForeignKeyNullableRelation[Child] = fields.ForeignKeyField(
        "models.Child", related_name="assignments", null=True, on_delete=fields.RESTRICT)
    child_id: int | None
    partner: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name=False, on_delete=fields.RESTRICT)
    partner_id: int
    worker: fields.ForeignKeyNullableRelation[StaffMember] = fields.ForeignKeyField(
        "models.StaffMember", related_name=False, null=True, on_delete=fields.RESTRICT)
    worker_id: int | None
    load = fields.CharEnumField(FileLoad, max_length=24)
    assigned_on = fields.DateField()
    assigned_at = fields.DatetimeField(auto_now_add=True)
    assigned_by_id = fields.IntField()
    ended_at = fields.DatetimeField(null=True)
    end_reason = fields.CharEnumField(EndReason, max_length=16, null=True)
    end_note = fields.TextField(default="")
    province_id = fields.IntField()
    county_id = fields.IntField()

    class Meta:
        table = "assignment"
        indexes = (("partner_id", "id"), ("family_id", "id"), ("child_id", "id"))

    @property
    def ended_on(self) -> datetime.date | None:
        """The day the assignment ended; None while it is live."""
        return self.ended_at.date() if self.ended_at else None


class AssignmentEvent(Model):
    """A transition of an assignment: assigned, worker assigned, returned, reassigned."""

    id = fields.BigIntField(primary_key=True)
    assignment: fields.ForeignKeyRelation[Assignment] = fields.ForeignKeyField(
        "models.Assignment", related_name="events", on_delete=fields.RESTRICT)
    assignment_id: int
    transition = fields.CharEnumField(Transition, max_length=24)
    worker_id = fields.IntField(null=True)
    reason = fields.TextField(default="")
    by_user_id = fields.IntField()
    by_username = fields.CharField(max_length=100, default="")
    partner_id = fields.IntField()
    province_id = fields.IntField()
    county_id = fields.IntField()
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "assignment_event"
        indexes = (("assignment_id", "id"),)

"""Children in family care (فرزندان تحت سرپرستی در خانواده; seed 002, quasi-family office; seed 003)."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields

from models.families import CaseOwnership, ExitRoute, Family, FileStatus, Sex


class CustodyReason(StrEnum):
    PARENTS_UNKNOWN = "PARENTS_UNKNOWN"
    PARENTS_DECEASED = "PARENTS_DECEASED"
    PARENTS_UNFIT = "PARENTS_UNFIT"
    GUARDIAN_IMPRISONED = "GUARDIAN_IMPRISONED"
    GUARDIAN_MISSING = "GUARDIAN_MISSING"


class Placement(StrEnum):
    OWN_FAMILY = "OWN_FAMILY"
    RELATIVES = "RELATIVES"
    INDEPENDENT_LIVING = "INDEPENDENT_LIVING"


class Child(CaseOwnership):
    """A child under 18 whose custody a court gave to the organisation, living in family care."""

    id = fields.IntField(primary_key=True)
    file_number = fields.CharField(max_length=30, unique=True)
    national_id = fields.CharField(max_length=10)
    first_name = fields.CharField(max_length=100)
    last_name = fields.CharField(max_length=100)
    name_search = fields.CharField(max_length=200, default="")
    last_name_search = fields.CharField(max_length=100, default="")
    birth_date = fields.DateField()
    sex = fields.CharEnumField(Sex, max_length=8)
    custody_reason = fields.CharEnumField(CustodyReason, max_length=24)
    court_order_reference = fields.CharField(max_length=100, default="")
    placement = fields.CharEnumField(Placement, max_length=24)
    discharged_on = fields.DateField(null=True)
    priority = fields.BooleanField(default=False)
    abuse_flag = fields.BooleanField(default=False)
    guardian_family: fields.ForeignKeyNullableRelation[Family] = fields.ForeignKeyField(
        "models.Family", related_name="children_in_care", null=True, on_delete=fields.RESTRICT)
    guardian_family_id: int | None
    status = fields.CharEnumField(FileStatus, max_length=16, default=FileStatus.ACTIVE)
    exit_route = fields.CharEnumField(ExitRoute, max_length=24, null=True)
    exited_on = fields.DateField(null=True)
    office_notes = fields.TextField(default="")
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "child"
        indexes = (("county_id", "id"), ("province_id", "id"), ("assigned_partner_id", "id"),
                   ("assigned_worker_id", "id"))

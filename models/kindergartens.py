"""Kindergartens licensed by the office (seed 002: principal approval, then activity license)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from rules.kindergarten import KindergartenKind, LicenseStatus

if TYPE_CHECKING:
    from models.geography import County, Province
    from models.organizations import Organization


class Kindergarten(Model):
    """One kindergarten of one of the eight kinds, run by a kindergarten operator, in one county."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    name_search = fields.CharField(max_length=200)
    kind = fields.CharEnumField(KindergartenKind, max_length=16)
    license_status = fields.CharEnumField(LicenseStatus, max_length=24, default=LicenseStatus.PRINCIPAL_APPROVAL)
    license_number = fields.CharField(max_length=50, null=True, unique=True)
    capacity = fields.IntField()
    enrolment = fields.IntField(default=0)
    operator: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="kindergartens", on_delete=fields.RESTRICT
    )
    operator_id: int
    county: fields.ForeignKeyRelation[County] = fields.ForeignKeyField(
        "models.County", related_name="kindergartens", on_delete=fields.RESTRICT
    )
    county_id: int
    province: fields.ForeignKeyRelation[Province] = fields.ForeignKeyField(
        "models.Province", related_name="kindergartens", on_delete=fields.RESTRICT
    )
    province_id: int
    address = fields.CharField(max_length=500, default="")
    phone = fields.CharField(max_length=30, default="")
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "kindergarten"
        indexes = (("province_id", "id"), ("county_id", "id"), ("operator_id", "id"), ("name_search",))

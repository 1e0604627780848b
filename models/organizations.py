"""Organisations: the three office tiers, the licensed partners and the kindergarten operators.

One table for every kind of organisation (a user belongs to exactly one, docs/access.md), with the
partner-only columns nullable. Every row carries its province and county as indexed columns, so that
scope filters are plain column comparisons.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from rules.staffing import Degree, StaffPosition

if TYPE_CHECKING:
    from models.geography import County, Province


class OrganizationKind(StrEnum):
    NATIONAL_OFFICE = "NATIONAL_OFFICE"
    PROVINCE_OFFICE = "PROVINCE_OFFICE"
    COUNTY_OFFICE = "COUNTY_OFFICE"
    CLINIC = "CLINIC"
    CHARITY = "CHARITY"
    SERVICE_COMPLEX = "SERVICE_COMPLEX"
    CHILD_HOME = "CHILD_HOME"
    KINDERGARTEN_OPERATOR = "KINDERGARTEN_OPERATOR"


OFFICE_KINDS = frozenset({OrganizationKind.NATIONAL_OFFICE, OrganizationKind.PROVINCE_OFFICE,
                          OrganizationKind.COUNTY_OFFICE})
PARTNER_KINDS = frozenset({OrganizationKind.CLINIC, OrganizationKind.CHARITY, OrganizationKind.SERVICE_COMPLEX,
                           OrganizationKind.CHILD_HOME})


class ClinicGrade(StrEnum):
    GRADE_1 = "GRADE_1"
    GRADE_2 = "GRADE_2"
    GRADE_3 = "GRADE_3"
    UNGRADED = "UNGRADED"


class Organization(Model):
    """An office, a partner (clinic, charity, service complex, NGO child home) or a kindergarten operator."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(OrganizationKind, max_length=32, db_index=True)
    name = fields.CharField(max_length=200)
    name_search = fields.CharField(max_length=200, db_index=True)
    province: fields.ForeignKeyNullableRelation[Province] = fields.ForeignKeyField(
        "models.Province", related_name="organizations", null=True, on_delete=fields.RESTRICT
    )
    province_id: int | None
    county: fields.ForeignKeyNullableRelation[County] = fields.ForeignKeyField(
        "models.County", related_name="organizations", null=True, on_delete=fields.RESTRICT
    )
    county_id: int | None
    address = fields.CharField(max_length=500, default="")
    phone = fields.CharField(max_length=30, default="")
    # Partner license (Art. 1: licensed under Art. 26 of the law on government finances).
    license_number = fields.CharField(max_length=50, null=True, unique=True)
    license_valid_from = fields.DateField(null=True)
    license_valid_until = fields.DateField(null=True)
    # Clinic grade (Art. 6.4) and the date of its first grading (Art. 6, note 4).
    grade = fields.CharEnumField(ClinicGrade, max_length=16, null=True)
    first_graded_on = fields.DateField(null=True)
    # Which of the three methods of Art. 2.2 the clinic's caseload follows (1, 2 or 3); null for other kinds.
    caseload_method = fields.SmallIntField(null=True)
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "organization"
        indexes = (("province_id", "kind", "id"), ("county_id", "kind", "id"))


class PartnerGrade(Model):
    """One grading decision of the province office on a clinic (Art. 6.4), kept as a history: the latest is the grade
    in force, and the organisation row carries it (`grade`, `first_graded_on`)."""

    id = fields.IntField(primary_key=True)
    partner: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="grades", on_delete=fields.RESTRICT
    )
    partner_id: int
    grade = fields.CharEnumField(ClinicGrade, max_length=16)
    graded_on = fields.DateField()
    # Who recorded it; null for a grade recorded before the history existed (migration 0007).
    graded_by_id = fields.IntField(null=True)
    by_username = fields.CharField(max_length=100, default="")
    province_id = fields.IntField()
    county_id = fields.IntField()
    recorded_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "partner_grade"
        indexes = (("partner_id", "id"),)


class StaffMember(Model):
    """A partner's staff member with the facts Art. 2, note 1 turns on (degree, years of experience)."""

    id = fields.IntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="staff", on_delete=fields.RESTRICT
    )
    organization_id: int
    full_name = fields.CharField(max_length=200)
    national_id = fields.CharField(max_length=10, null=True)
    position = fields.CharEnumField(StaffPosition, max_length=32)
    degree = fields.CharEnumField(Degree, max_length=16)
    years_of_experience = fields.SmallIntField()
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "staff_member"
        indexes = (("organization_id", "id"),)

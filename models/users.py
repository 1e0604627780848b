"""Users: one person, one organisation, one role there (docs/access.md, roles)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.organizations import Organization, StaffMember


class Role(StrEnum):
    NATIONAL_ADMIN = "NATIONAL_ADMIN"
    PROVINCE_OFFICER = "PROVINCE_OFFICER"
    COUNTY_OFFICER = "COUNTY_OFFICER"
    SUPERVISOR = "SUPERVISOR"
    PARTNER_MANAGER = "PARTNER_MANAGER"
    PARTNER_WORKER = "PARTNER_WORKER"
    KINDERGARTEN_OPERATOR = "KINDERGARTEN_OPERATOR"
    AUDITOR = "AUDITOR"


class User(Model):
    """A login. The password is stored only as an argon2 hash."""

    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=100, unique=True)
    password_hash = fields.CharField(max_length=200)
    full_name = fields.CharField(max_length=200, default="")
    role = fields.CharEnumField(Role, max_length=32)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="users", on_delete=fields.RESTRICT
    )
    organization_id: int
    staff_member: fields.OneToOneNullableRelation[StaffMember] = fields.OneToOneField(
        "models.StaffMember", related_name="user", null=True, on_delete=fields.SET_NULL
    )
    staff_member_id: int | None
    is_active = fields.BooleanField(default=True)
    # Demo accounts log in only while the server runs in demo mode (issue #2, demo data).
    is_demo = fields.BooleanField(default=False)
    # Tokens issued before this instant are refused: set when the password changes.
    password_changed_at = fields.DatetimeField(null=True)
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "app_user"
        indexes = (("organization_id", "id"),)

"""Household case files (پرونده خانوار) and their members (docs/domain.md, who is served; seed 001).

Every case row carries its owners as indexed columns — province, county, and the partner and worker of the
live assignment (kept in step by the delegation service) — so the scope filter and the row-level security
policies are plain column comparisons.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from rules.services import ExitRoute as ExitRoute  # the exit routes of Art. 4.8, re-exported for the models

if TYPE_CHECKING:
    from models.geography import County, Province
    from models.organizations import Organization, StaffMember


class FamilyCategory(StrEnum):
    WOMAN_HEADED = "WOMAN_HEADED"
    NEEDY_FAMILY = "NEEDY_FAMILY"
    ELDERLY_DISABLED = "ELDERLY_DISABLED"
    ORPHANS = "ORPHANS"


class Rehabilitability(StrEnum):
    UNCLASSIFIED = "UNCLASSIFIED"
    REHABILITABLE = "REHABILITABLE"
    NON_REHABILITABLE = "NON_REHABILITABLE"


class FileStatus(StrEnum):
    ACTIVE = "ACTIVE"
    EXITED = "EXITED"


class Sex(StrEnum):
    FEMALE = "FEMALE"
    MALE = "MALE"


class Relation(StrEnum):
    HEAD = "HEAD"
    SPOUSE = "SPOUSE"
    CHILD = "CHILD"
    PARENT = "PARENT"
    SIBLING = "SIBLING"
    GRANDCHILD = "GRANDCHILD"
    OTHER = "OTHER"


class CaseOwnership(Model):
    """The owner columns every case table carries (scope filter and row-level security read them)."""

    province: fields.ForeignKeyRelation[Province] = fields.ForeignKeyField(
        "models.Province", related_name=False, on_delete=fields.RESTRICT)
    province_id: int
    county: fields.ForeignKeyRelation[County] = fields.ForeignKeyField(
        "models.County", related_name=False, on_delete=fields.RESTRICT)
    county_id: int
    assigned_partner: fields.ForeignKeyNullableRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name=False, null=True, on_delete=fields.RESTRICT)
    assigned_partner_id: int | None
    assigned_worker: fields.ForeignKeyNullableRelation[StaffMember] = fields.ForeignKeyField(
        "models.StaffMember", related_name=False, null=True, on_delete=fields.RESTRICT)
    assigned_worker_id: int | None
    # The last day the partner and worker above may reach the file; None: while the delegation lasts. Set when a
    # file leaves the cycle with a year of post-rehabilitation follow-up (Art. 6.7), after which access ends by
    # itself (the scope filter and row-level security compare it with today).
    access_until = fields.DateField(null=True)

    class Meta:
        abstract = True


class Family(CaseOwnership):
    """A household admitted for support."""

    id = fields.IntField(primary_key=True)
    file_number = fields.CharField(max_length=30, unique=True)
    category = fields.CharEnumField(FamilyCategory, max_length=24)
    status = fields.CharEnumField(FileStatus, max_length=16, default=FileStatus.ACTIVE)
    rehabilitability = fields.CharEnumField(Rehabilitability, max_length=24, default=Rehabilitability.UNCLASSIFIED)
    address = fields.CharField(max_length=500, default="")
    location_sketch = fields.TextField(default="")
    support_started_on = fields.DateField(null=True)
    household_size = fields.SmallIntField(default=0)
    head_name_search = fields.CharField(max_length=200, default="")
    head_last_name_search = fields.CharField(max_length=100, default="")
    office_notes = fields.TextField(default="")
    abuse_flag = fields.BooleanField(default=False)
    exit_route = fields.CharEnumField(ExitRoute, max_length=24, null=True)
    exited_on = fields.DateField(null=True)
    # The partner that held the file when it left the cycle: the exit counts for it (Art. 6.3, Art. 6.8).
    exit_partner_id = fields.IntField(null=True)
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "family"
        indexes = (("county_id", "id"), ("province_id", "id"), ("assigned_partner_id", "id"),
                   ("assigned_worker_id", "id"))


class Member(CaseOwnership):
    """A member of a household. National IDs are unique across live files (a partial unique index)."""

    id = fields.IntField(primary_key=True)
    family: fields.ForeignKeyRelation[Family] = fields.ForeignKeyField(
        "models.Family", related_name="members", on_delete=fields.RESTRICT)
    family_id: int
    national_id = fields.CharField(max_length=10)
    first_name = fields.CharField(max_length=100)
    last_name = fields.CharField(max_length=100)
    birth_date = fields.DateField()
    sex = fields.CharEnumField(Sex, max_length=8)
    relation = fields.CharEnumField(Relation, max_length=16)
    is_head = fields.BooleanField(default=False)
    education = fields.CharField(max_length=100, default="")
    job = fields.CharField(max_length=100, default="")
    health = fields.CharField(max_length=200, default="")
    insurance = fields.CharField(max_length=100, default="")
    live = fields.BooleanField(default=True)
    # The day the member left the household (a death, a marriage, leaving: models.casework.HouseholdChange); such a
    # member is no longer live and no longer listed among the household's members.
    removed_on = fields.DateField(null=True)
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "member"
        indexes = (("family_id", "id"), ("national_id",))


class ChangeRecord(Model):
    """Who changed which family, member or child, when, before → after (issue #3: every change keeps history)."""

    id = fields.BigIntField(primary_key=True)
    entity = fields.CharField(max_length=16)
    entity_id = fields.IntField()
    family_id = fields.IntField(null=True)
    child_id = fields.IntField(null=True)
    operation = fields.CharField(max_length=40)
    changes: fields.JSONField[dict[str, list[Any]]] = fields.JSONField()  # {field: [before, after]}, JSON values
    user_id = fields.IntField()
    # Kept with the record: who acted is part of the history, whoever may read the users table today.
    username = fields.CharField(max_length=100, default="")
    province_id = fields.IntField()
    county_id = fields.IntField()
    at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "change_record"
        indexes = (("family_id", "id"), ("child_id", "id"))

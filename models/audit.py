"""The audit trail (ACCESS.md rule 7): append-only; the API's database role may insert and read, never change."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class AuditEvent(Model):
    """One mutation, or one read of a family's or child's full record: who, role, organisation, what, when."""

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True)
    user_id = fields.IntField()
    username = fields.CharField(max_length=100)
    role = fields.CharField(max_length=32)
    organization_id = fields.IntField()
    province_id = fields.IntField(null=True)
    county_id = fields.IntField(null=True)
    operation = fields.CharField(max_length=80)
    object_ids: fields.JSONField[list[str]] = fields.JSONField(default=list)  # global IDs
    request_id = fields.CharField(max_length=64)
    client_address = fields.CharField(max_length=64)

    class Meta:
        table = "audit_event"
        indexes = (("at", "id"), ("user_id", "id"), ("province_id", "county_id", "id"))

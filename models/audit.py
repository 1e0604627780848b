"""The audit trail (docs/access.md rule 7): append-only; the API's database role may insert and read, never change."""

from __future__ import annotations

from tortoise import fields
from tortoise.contrib.postgres.fields import ArrayField
from tortoise.contrib.postgres.indexes import GinIndex
from tortoise.models import Model

# The outcome of an event that was not refused; a refused one carries the contract's error code (issue #8, item 2).
OK = "OK"


class AuditEvent(Model):
    """One mutation, one read of case files, one export, or one refused attempt: who, role, organisation, what,
    outcome, when, from which request.

    The author's columns are null for an attempt by no one signed in (a failed login names the username tried).
    `object_province_ids` and `object_county_ids` are the areas of the objects the event names, filled in by the
    database when the event is written (migration 0017), so that the auditors of an object's area see what touched
    it, as well as those of the author's area (issue #8, item 4).
    """

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True)
    user_id = fields.IntField(null=True)
    username = fields.CharField(max_length=100)
    role = fields.CharField(max_length=32, null=True)
    organization_id = fields.IntField(null=True)
    province_id = fields.IntField(null=True)
    county_id = fields.IntField(null=True)
    operation = fields.CharField(max_length=80)
    outcome = fields.CharField(max_length=32, default=OK)
    object_ids: fields.JSONField[list[str]] = fields.JSONField(default=list)  # global IDs
    object_province_ids: list[int] = ArrayField(element_type="int", default=list)
    object_county_ids: list[int] = ArrayField(element_type="int", default=list)
    request_id = fields.CharField(max_length=64)
    client_address = fields.CharField(max_length=64)

    class Meta:
        table = "audit_event"
        indexes = (("at", "id"), ("user_id", "id"), ("province_id", "county_id", "id"),
                   GinIndex(fields=("object_province_ids",)), GinIndex(fields=("object_county_ids",)))

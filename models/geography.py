"""Provinces and counties: the office's areas. A county belongs to one province (docs/domain.md, who takes part)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Province(Model):
    """A province (استان); its office is the province tier of the organisation."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, unique=True)
    code = fields.CharField(max_length=20, unique=True)

    class Meta:
        table = "province"


class County(Model):
    """A county (شهرستان) of one province; its office is the county tier."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    code = fields.CharField(max_length=20, unique=True)
    province: fields.ForeignKeyRelation[Province] = fields.ForeignKeyField(
        "models.Province", related_name="counties", on_delete=fields.RESTRICT
    )
    province_id: int

    class Meta:
        table = "county"
        unique_together = (("province", "name"),)

"""Money (Art. 6 of the 2014 directive, seed 004; seed 002 for pensions): the figures the national office sets, the
partner's books, and the subsidy statements the province office approves.

- `policy_value`: one row per figure and the day it takes effect (rules/policy_values.py). Never overwritten: a
  change is a new row; the API's role may not update or delete (api/db.ensure_app_role). National data, readable by
  every office; written by the national office (auth/policy.py).
- `ledger_entry` (Art. 6.9): every sum a partner receives from the office and every payment it makes to a client,
  in whole rials, append-only like the policy table: a mistake is put right by a reversing entry (`reverses_id`),
  which counts against the entry it reverses. Row-level security: the office in its area, the partner its own rows.
- `subsidy_statement` (Art. 6): a statement the province office approved — its lines and total frozen as computed
  then (rules/subsidy.py), and the ledger entry that paid it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields

from models.authorship import Authored, SentOnce
from rules.policy_values import PolicyKey


class PolicyValue(SentOnce):
    id = fields.IntField(primary_key=True)
    key = fields.CharEnumField(PolicyKey, max_length=48)
    qualifier = fields.CharField(max_length=32, default="")
    effective_from = fields.DateField()
    value = fields.BigIntField()
    note = fields.TextField(default="")
    set_by_id = fields.IntField(null=True)  # None: the directive's own figure, put in by a migration
    set_by_username = fields.CharField(max_length=100, default="")
    set_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "policy_value"
        unique_together = (("key", "qualifier", "effective_from"),)

    @property
    def sender_id(self) -> int | None:
        return self.set_by_id


class LedgerKind(StrEnum):
    RECEIPT = "RECEIPT"  # received from the office
    PAYMENT = "PAYMENT"  # paid to a client


class LedgerEntry(Authored):
    id = fields.IntField(primary_key=True)
    partner_id = fields.IntField()
    province_id = fields.IntField()
    county_id = fields.IntField()
    kind = fields.CharEnumField(LedgerKind, max_length=16)
    amount_rials = fields.BigIntField()
    entered_on = fields.DateField()
    description = fields.TextField(default="")
    family_id = fields.IntField(null=True)  # the client paid, for a payment
    reverses_id = fields.IntField(null=True, unique=True)  # the entry this one reverses (at most once)
    statement_id = fields.IntField(null=True)  # the approved subsidy statement this receipt pays

    class Meta:
        table = "ledger_entry"
        indexes = (("partner_id", "id"),)


class SubsidyStatement(SentOnce):
    id = fields.IntField(primary_key=True)
    partner_id = fields.IntField()
    province_id = fields.IntField()
    county_id = fields.IntField()
    jalali_year = fields.SmallIntField()
    lines: fields.JSONField[list[dict[str, Any]]] = fields.JSONField()  # as computed when approved (rules/subsidy.py)
    total_rials = fields.BigIntField()
    approved_on = fields.DateField()
    approved_by_id = fields.IntField()
    approved_by_username = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "subsidy_statement"
        unique_together = (("partner_id", "jalali_year"),)

    @property
    def sender_id(self) -> int | None:
        return self.approved_by_id

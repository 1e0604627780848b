"""GraphQL types of the money area: the figures the national office sets (the policy table, rules/policy_values.py)
and a household's monthly pension (rules/pension.py)."""

from __future__ import annotations

import datetime

import strawberry

from models.money import PolicyValue as PolicyValueRow
from rules.labels import Label, descriptions
from rules.pension import Pension as PensionFigures
from rules.policy_values import POLICY_KEYS, PolicyKey, Unit
from schema.enums import described
from schema.rowtypes import row_type
from schema.scalars import BigInt

described(PolicyKey, "A figure of Art. 6 of the 2014 directive or of seed 002 that the national office sets and may "
                     "change from a day (the policy table).",
          descriptions({key: rule.label for key, rule in POLICY_KEYS.items()}))
described(Unit, "What a policy value counts.", descriptions({
    Unit.RIALS: Label("ریال", "whole rials"),
    Unit.BASIS_POINTS: Label("صدم درصد", "a share in basis points, hundredths of a percent: 1000 is 10 %, 10 000 is "
                                         "100 %"),
    Unit.COUNT: Label("عدد", "a whole number (a count, a year, a multiplier)"),
}))


@row_type(PolicyValueRow, name="PolicyValue", global_id=True,
          description="A figure the national office set, in force from its day until a later row of the same key "
                      "and qualifier (never overwritten: a change is a new row). The directive's own figures are the "
                      "first rows, from 1393/01/01 (21 March 2014).")
class PolicyValue:
    key: PolicyKey = strawberry.field(description="Which figure.")
    qualifier: str = strawberry.field(description="Which of the key's values: a file kind (SUBSIDY_RATE), a grade "
                                                  "(GRADE_SHARE), a consecutive missed year (MISSED_EXIT_SHARE), a "
                                                  "household size 1–5, 5 being five or more (PENSION_SHARE); empty "
                                                  "when the key has one value.")
    effective_from: datetime.date = strawberry.field(description="The first day it is in force.")
    value: BigInt = strawberry.field(description="The figure, in its `unit`.")
    note: str = strawberry.field(description="Why it was set (the decision or circular it follows).")
    set_by_username: str = strawberry.field(description="Who set it (username); `directive` for the directive's own "
                                                        "figures.")
    set_at: datetime.datetime = strawberry.field(description="When it was set.")

    @strawberry.field(description="What the value counts: rials, basis points or a whole number.")
    def unit(root: PolicyValueRow) -> Unit:
        return POLICY_KEYS[root.key].unit


@strawberry.type(name="Pension", description="A household's monthly pension (مستمری, seed 002) for a Jalali month: the "
                                             "share for its size of the minimum wage, both as set by the national "
                                             "office, read on the first day of the month the file was in the support "
                                             "cycle (a change during the month counts from the next).")
class Pension:
    jalali_year: int = strawberry.field(description="The Jalali year.")
    month: int = strawberry.field(description="The Jalali month, 1 (Farvardin) to 12 (Esfand).")
    household_size: int = strawberry.field(description="The household's size the pension follows (5: five or more "
                                                       "share one share).")
    share_basis_points: int = strawberry.field(description="The share of the minimum wage for that size, in basis "
                                                           "points (3000–5000: 30–50 %).")
    minimum_wage_rials: BigInt = strawberry.field(description="The monthly minimum wage in force, in whole rials.")
    amount_rials: BigInt = strawberry.field(description="The pension, in whole rials (rounded down).")


def pension_of(jalali_year: int, month: int, figures: PensionFigures) -> Pension:
    return Pension(jalali_year=jalali_year, month=month, household_size=figures.household_size,
                   share_basis_points=figures.share_basis_points,
                   minimum_wage_rials=BigInt(figures.minimum_wage_rials), amount_rials=BigInt(figures.amount_rials))

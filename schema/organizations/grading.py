"""Grading clinics (Art. 6.4): the province office records each grade with its date, kept as a history.

The organisation row carries the grade in force (`grade`, and `first_graded_on` once it first holds a grade 1–3), so
that the scope filter, the subsidy and `assignFiles` read one column; `partner_grade` keeps every decision. Both are
written in the request's one transaction, the row by compare-and-set on its `version`.
"""

from __future__ import annotations

import datetime
from typing import Any

import strawberry
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from auth.policy import PARTNER_GRADE_ROWS
from auth.scope import within_scope
from models.organizations import ClinicGrade as GradeRow
from models.organizations import Organization
from models.organizations import PartnerGrade as PartnerGradeRow
from rules.grading import UNGRADED, check_grading
from schema.common import check_version, find_scoped, viewer_of
from schema.enums import ClinicGrade
from schema.errors import NotFound, StaleVersion
from schema.organizations.mutations import PartnerPayload
from schema.organizations.types import Partner
from schema.rowtypes import row_type, served_as
from schema.sources import scoped_rows


@row_type(PartnerGradeRow, description="One grading decision of the province office on a clinic (Art. 6.4).")
class PartnerGrade:
    grade: ClinicGrade = strawberry.field(description="The grade given; UNGRADED when the clinic was left without one.")
    graded_on: datetime.date = strawberry.field(description="The date of the decision.")
    recorded_at: datetime.datetime = strawberry.field(description="When it was recorded here.")

    @strawberry.field(description="Who recorded it; empty for a grade recorded before the history was kept.")
    def by_username(root: PartnerGradeRow) -> str:
        return root.by_username


@strawberry.input(description="Grade a clinic (Art. 6.4): the province office, in its province, or the national admin. "
                              "Send the partner's `version` you read.")
class GradePartnerInput:
    partner_id: strawberry.ID = strawberry.field(description="The clinic; other partners are not graded.")
    grade: ClinicGrade = strawberry.field(description="The grade given (UNGRADED: left without one — no files, Art. "
                                                      "6.4.4).")
    graded_on: datetime.date = strawberry.field(description="The date of the decision: not in the future, not before "
                                                            "the clinic's last grading. Jalali dates are accepted.")
    version: int = strawberry.field(description="The partner's version you read (CONFLICT if changed since).")


@strawberry.type
class GradingMutations:
    @strawberry.mutation(description="Record a clinic's grade (Art. 6.4) with its date; the grade in force changes and "
                                     "the decision is kept in the clinic's `grades`. An ungraded clinic gets no files "
                                     "once past its first year (Art. 6.4.4, note 4).")
    async def grade_partner(self, info: strawberry.Info, input: GradePartnerInput) -> PartnerPayload:
        viewer = viewer_of(info)
        partner = await find_scoped(info, "Partner", input.partner_id, "partnerId")
        entry = PartnerGradeRow(partner=partner, grade=GradeRow(input.grade.value), graded_on=input.graded_on,
                                graded_by_id=viewer.user_id, by_username=viewer.username,
                                province_id=partner.province_id, county_id=partner.county_id)
        if not within_scope(viewer, PARTNER_GRADE_ROWS, entry):
            raise NotFound(field="partnerId")
        latest = await scoped_rows(viewer, "PartnerGrade").filter(partner_id=partner.id).order_by("-graded_on").first()
        check_grading(partner.kind.value, input.graded_on, today=datetime.date.today(),
                      latest_graded_on=latest.graded_on if latest else None)
        check_version(partner, input.version)
        changes: dict[str, Any] = {"grade": entry.grade}
        if partner.first_graded_on is None and input.grade.value != UNGRADED:
            changes["first_graded_on"] = input.graded_on  # note 4: its first year ends with its first grade
        async with in_transaction():
            # Compare-and-set on the version: of two concurrent gradings from the same version, one wins.
            if not await Organization.filter(id=partner.id, version=input.version).update(
                    **changes, version=F("version") + 1):
                raise StaleVersion()
            await entry.save()
        return PartnerPayload(partner=served_as(Partner, await Organization.get(id=partner.id)))

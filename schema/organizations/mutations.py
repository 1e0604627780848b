"""Mutations of the organisations area: registering partners and their staff (Art. 1, Art. 2)."""

from __future__ import annotations

import datetime
from typing import Any

import strawberry
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from auth.policy import PARTNER_ROWS, STAFF_ROWS
from auth.scope import within_scope
from models.organizations import ClinicGrade as GradeRow
from models.organizations import Organization, OrganizationKind
from models.organizations import PartnerGrade as PartnerGradeRow
from models.organizations import StaffMember as StaffRow
from rules.national_id import validate_national_id
from rules.staffing import StaffFacts, check_partner_staff, check_years_of_experience
from schema.common import (
    ADDRESS_LENGTH,
    LICENSE_NUMBER_LENGTH,
    PHONE_LENGTH,
    clean_name,
    clean_text,
    county_in_scope,
    find_scoped,
    viewer_of,
)
from schema.enums import ClinicGrade, Degree, PartnerKind, StaffPosition
from schema.errors import BadUserInput, Conflict, NotFound
from schema.organizations.types import Partner, StaffMember
from schema.rowtypes import served_as


@strawberry.input(description="A staff member to register with a partner.")
class StaffMemberInput:
    full_name: str = strawberry.field(description="Full name.")
    national_id: str | None = strawberry.field(default=None, description="National ID (کد ملی), checked.")
    position: StaffPosition = strawberry.field(description="Position at the partner.")
    degree: Degree = strawberry.field(description="Highest degree.")
    years_of_experience: int = strawberry.field(description="Years of related experience.")


@strawberry.input(description="A newly licensed partner (province office or national admin).")
class RegisterPartnerInput:
    kind: PartnerKind = strawberry.field(description="Kind of partner.")
    name: str = strawberry.field(description="Name in Persian.")
    county_id: strawberry.ID = strawberry.field(description="County the partner works in.")
    license_number: str = strawberry.field(description="License number.")
    license_valid_from: datetime.date = strawberry.field(description="License valid from.")
    license_valid_until: datetime.date = strawberry.field(description="License valid until.")
    grade: ClinicGrade | None = strawberry.field(default=None, description="Clinics only; default UNGRADED.")
    first_graded_on: datetime.date | None = strawberry.field(default=None, description="Clinics only.")
    address: str = strawberry.field(default="", description="Postal address.")
    phone: str = strawberry.field(default="", description="Telephone.")
    staff: list[StaffMemberInput] = strawberry.field(default_factory=list, description="Initial staff.")


@strawberry.input(description="Add a staff member to a partner.")
class AddStaffMemberInput(StaffMemberInput):
    partner_id: strawberry.ID = strawberry.field(description="The partner.")


@strawberry.type(description="The partner registered or graded.")
class PartnerPayload:
    partner: Partner = strawberry.field(description="The partner.")


@strawberry.type(description="The staff member added.")
class StaffMemberPayload:
    staff_member: StaffMember = strawberry.field(description="The staff member.")


def _national_id(member: StaffMemberInput) -> str | None:
    return validate_national_id(member.national_id) if member.national_id else None


def _facts(staff: list[StaffMemberInput]) -> list[StaffFacts]:
    for member in staff:
        check_years_of_experience(member.years_of_experience)
        _national_id(member)
    return [StaffFacts.of(m) for m in staff]


def _grade_fields(kind: PartnerKind, grade: ClinicGrade | None,
                  first_graded_on: datetime.date | None) -> dict[str, Any]:
    """Grades are for clinics (Art. 6.4); a graded clinic has a first-grading date (Art. 6, note 4)."""
    if kind is not PartnerKind.CLINIC:
        if grade is not None or first_graded_on is not None:
            raise BadUserInput("Only clinics are graded.", "فقط کلینیک‌ها درجه‌بندی می‌شوند.", field="grade")
        return {"grade": None, "first_graded_on": None}
    grade = grade or ClinicGrade.UNGRADED
    if grade is ClinicGrade.UNGRADED and first_graded_on is not None:
        raise BadUserInput("An ungraded clinic has no grading date.", "کلینیک بدون درجه تاریخ درجه‌بندی ندارد.",
                           field="firstGradedOn")
    if grade is not ClinicGrade.UNGRADED and first_graded_on is None:
        raise BadUserInput("A graded clinic needs its first grading date.", "تاریخ نخستین درجه‌بندی لازم است.",
                           field="firstGradedOn")
    return {"grade": GradeRow(grade.value), "first_graded_on": first_graded_on}


@strawberry.type
class OrganizationMutations:
    @strawberry.mutation(description="Register a licensed partner with its initial staff (Art. 1, Art. 2 note 1).")
    async def register_partner(self, info: strawberry.Info, input: RegisterPartnerInput) -> PartnerPayload:
        name, name_search = clean_name(input.name, "name")
        # Normalised, so that a license number typed with Persian digits still meets the unique constraint.
        license_number = clean_text(input.license_number, "licenseNumber", LICENSE_NUMBER_LENGTH, required=True)
        address = clean_text(input.address, "address", ADDRESS_LENGTH)
        phone = clean_text(input.phone, "phone", PHONE_LENGTH)
        county = await county_in_scope(info, input.county_id, PARTNER_ROWS)
        if input.license_valid_until < input.license_valid_from:
            raise BadUserInput("The license ends before it starts.", "پایان اعتبار پروانه پیش از آغاز آن است.",
                               field="licenseValidUntil")
        grade = _grade_fields(input.kind, input.grade, input.first_graded_on)
        facts = _facts(input.staff)
        check_partner_staff(input.kind.value, facts)
        try:
            async with in_transaction():
                partner = await Organization.create(
                    kind=OrganizationKind(input.kind.value), name=name, name_search=name_search,
                    province_id=county.province_id, county_id=county.id, address=address, phone=phone,
                    license_number=license_number,
                    license_valid_from=input.license_valid_from, license_valid_until=input.license_valid_until,
                    **grade,
                )
                if partner.first_graded_on is not None:  # registered graded: its first grading decision (Art. 6.4)
                    viewer = viewer_of(info)
                    await PartnerGradeRow.create(
                        partner=partner, grade=partner.grade, graded_on=partner.first_graded_on,
                        graded_by_id=viewer.user_id, by_username=viewer.username,
                        province_id=partner.province_id, county_id=partner.county_id)
                for member, fact in zip(input.staff, facts, strict=True):
                    await StaffRow.create(organization=partner, full_name=clean_name(member.full_name, "fullName")[0],
                                          national_id=_national_id(member),
                                          position=fact.position, degree=fact.degree,
                                          years_of_experience=fact.years_of_experience)
        except IntegrityError:
            raise Conflict("A partner with this license number exists.", "شریکی با این شماره پروانه وجود دارد.",
                           field="licenseNumber") from None
        return PartnerPayload(partner=served_as(Partner, partner))

    @strawberry.mutation(description="Add a staff member to a partner, keeping Art. 2 note 1 (one associate "
                                     "worker at most, with at least two years' experience).")
    async def add_staff_member(self, info: strawberry.Info, input: AddStaffMemberInput) -> StaffMemberPayload:
        viewer = viewer_of(info)
        partner = await find_scoped(info, "Partner", input.partner_id, "partnerId")
        if not within_scope(viewer, STAFF_ROWS, StaffRow(organization=partner)):
            raise NotFound(field="partnerId")
        new = _facts([input])[0]
        async with in_transaction():
            # Lock the partner row so that two concurrent additions cannot both pass the staff rule.
            await Organization.select_for_update().get(id=partner.id)
            current = await StaffRow.filter(organization_id=partner.id, is_active=True)
            existing = [StaffFacts.of(s) for s in current]
            check_partner_staff(partner.kind.value, [*existing, new])
            member = await StaffRow.create(organization_id=partner.id, national_id=_national_id(input),
                                           full_name=clean_name(input.full_name, "fullName")[0],
                                           position=new.position, degree=new.degree,
                                           years_of_experience=new.years_of_experience)
        return StaffMemberPayload(staff_member=served_as(StaffMember, member))

"""Mutations of the kindergartens area: operators, licensing and profile updates (seed 002)."""

from __future__ import annotations

from typing import Any

import strawberry
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from auth.policy import KINDERGARTEN_ROWS, OPERATOR_ROWS
from models.kindergartens import Kindergarten as KindergartenRow
from models.organizations import Organization, OrganizationKind
from rules.kindergarten import check_enrolment, check_license_transition
from schema.common import (
    ADDRESS_LENGTH,
    LICENSE_NUMBER_LENGTH,
    PHONE_LENGTH,
    clean_name,
    clean_text,
    county_in_scope,
    find_scoped,
    given,
)
from schema.context import Info
from schema.enums import KindergartenKind, LicenseStatus
from schema.errors import BadUserInput, Conflict, StaleVersion
from schema.kindergartens.types import Kindergarten
from schema.organizations.types import KindergartenOperator
from schema.rowtypes import served_as


@strawberry.input(description="A kindergarten operator to register (county office or above).")
class RegisterKindergartenOperatorInput:
    name: str = strawberry.field(description="Name in Persian.")
    county_id: strawberry.ID = strawberry.field(description="County the operator is based in.")
    phone: str = strawberry.field(default="", description="Telephone.")
    address: str = strawberry.field(default="", description="Postal address.")


@strawberry.input(description="A kindergarten to register; it starts at principal approval unless licensed.")
class RegisterKindergartenInput:
    name: str = strawberry.field(description="Name in Persian.")
    kind: KindergartenKind = strawberry.field(description="One of the eight kinds.")
    operator_id: strawberry.ID = strawberry.field(description="The operator who runs it.")
    county_id: strawberry.ID = strawberry.field(description="County it is in.")
    capacity: int = strawberry.field(description="Licensed number of children.")
    enrolment: int = strawberry.field(default=0, description="Children enrolled now.")
    license_status: LicenseStatus = strawberry.field(default=LicenseStatus.PRINCIPAL_APPROVAL,
                                                     description="License status.")
    license_number: str | None = strawberry.field(default=None, description="Needed once licensed.")
    address: str = strawberry.field(default="", description="Postal address.")
    phone: str = strawberry.field(default="", description="Telephone.")


@strawberry.input(description="Changes to a kindergarten. Send the `version` you read. The operator may change "
                              "only address, phone and enrolment; the rest is the office's.")
class UpdateKindergartenInput:
    id: strawberry.ID = strawberry.field(description="The kindergarten.")
    version: int = strawberry.field(description="The version you read (CONFLICT if someone changed it since).")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="New name.")
    kind: KindergartenKind | None = strawberry.field(default=strawberry.UNSET, description="New kind.")
    license_status: LicenseStatus | None = strawberry.field(default=strawberry.UNSET, description="New status.")
    license_number: str | None = strawberry.field(default=strawberry.UNSET, description="New license number.")
    capacity: int | None = strawberry.field(default=strawberry.UNSET, description="New capacity.")
    enrolment: int | None = strawberry.field(default=strawberry.UNSET, description="Children enrolled now.")
    address: str | None = strawberry.field(default=strawberry.UNSET, description="New address.")
    phone: str | None = strawberry.field(default=strawberry.UNSET, description="New phone.")


@strawberry.type(description="The kindergarten registered or changed.")
class KindergartenPayload:
    kindergarten: Kindergarten = strawberry.field(description="The kindergarten.")


@strawberry.type(description="The operator registered.")
class KindergartenOperatorPayload:
    kindergarten_operator: KindergartenOperator = strawberry.field(description="The operator.")


def _check_license_number(status: LicenseStatus, number: str | None) -> None:
    if status in (LicenseStatus.LICENSED, LicenseStatus.SUSPENDED) and not number:
        raise BadUserInput("A licensed kindergarten needs its license number.", "شماره پروانه فعالیت لازم است.",
                           field="licenseNumber")


def _license_number(value: str | None) -> str | None:
    return clean_text(value or "", "licenseNumber", LICENSE_NUMBER_LENGTH) or None


def _address(value: str) -> str:
    return clean_text(value, "address", ADDRESS_LENGTH)


def _phone(value: str) -> str:
    return clean_text(value, "phone", PHONE_LENGTH)


def _unique_license() -> Conflict:
    return Conflict("Another kindergarten has this license number.", "مهد دیگری این شماره پروانه را دارد.",
                    field="licenseNumber")


@strawberry.type
class KindergartenMutations:
    @strawberry.mutation(description="Register a kindergarten operator in your area.")
    async def register_kindergarten_operator(
        self, info: Info, input: RegisterKindergartenOperatorInput
    ) -> KindergartenOperatorPayload:
        name, name_search = clean_name(input.name, "name")
        phone, address = _phone(input.phone), _address(input.address)
        county = await county_in_scope(info, input.county_id, OPERATOR_ROWS)
        operator = await Organization.create(
            kind=OrganizationKind.KINDERGARTEN_OPERATOR, name=name, name_search=name_search,
            province_id=county.province_id, county_id=county.id, phone=phone, address=address,
        )
        return KindergartenOperatorPayload(kindergarten_operator=served_as(KindergartenOperator, operator))

    @strawberry.mutation(description="Register a kindergarten in your area (principal approval or licensed).")
    async def register_kindergarten(
        self, info: Info, input: RegisterKindergartenInput
    ) -> KindergartenPayload:
        name, name_search = clean_name(input.name, "name")
        license_number = _license_number(input.license_number)
        address, phone = _address(input.address), _phone(input.phone)
        operator = await find_scoped(info, "KindergartenOperator", input.operator_id, "operatorId")
        county = await county_in_scope(info, input.county_id, KINDERGARTEN_ROWS)
        check_enrolment(input.capacity, input.enrolment)
        if input.license_status is LicenseStatus.DISSOLVED:
            raise BadUserInput("A new kindergarten cannot be dissolved.", "مهد جدید نمی‌تواند منحل باشد.",
                               field="licenseStatus")
        _check_license_number(input.license_status, license_number)
        try:
            kindergarten = await KindergartenRow.create(
                name=name, name_search=name_search, kind=input.kind, license_status=input.license_status,
                license_number=license_number, capacity=input.capacity,
                enrolment=input.enrolment, operator_id=operator.id, county_id=county.id,
                province_id=county.province_id, address=address, phone=phone,
            )
        except IntegrityError:
            raise _unique_license() from None
        return KindergartenPayload(kindergarten=served_as(Kindergarten, kindergarten))

    @strawberry.mutation(description="Change a kindergarten. The operator edits its own profile and enrolment; "
                                     "the office also its license, kind, name and capacity.")
    async def update_kindergarten(self, info: Info, input: UpdateKindergartenInput) -> KindergartenPayload:
        current = await find_scoped(info, "Kindergarten", input.id, "id")
        if current.version != input.version:
            raise StaleVersion()
        changes: dict[str, Any] = {}
        if given(input.name):
            changes["name"], changes["name_search"] = clean_name(input.name, "name")
        if given(input.kind):
            changes["kind"] = input.kind
        if given(input.license_status):
            check_license_transition(current.license_status, input.license_status)
            changes["license_status"] = input.license_status
        if input.license_number is not strawberry.UNSET:
            changes["license_number"] = _license_number(input.license_number)
        for field in ("capacity", "enrolment"):
            value = getattr(input, field)
            if given(value):
                changes[field] = value
        if given(input.address):
            changes["address"] = _address(input.address)
        if given(input.phone):
            changes["phone"] = _phone(input.phone)
        check_enrolment(changes.get("capacity", current.capacity), changes.get("enrolment", current.enrolment))
        _check_license_number(changes.get("license_status", current.license_status),
                              changes.get("license_number", current.license_number))
        try:
            # Compare-and-set on the version: of two concurrent edits from the same version, one wins.
            updated = await KindergartenRow.filter(id=current.id, version=input.version).update(
                **changes, version=F("version") + 1)
        except IntegrityError:
            raise _unique_license() from None
        if updated == 0:
            raise StaleVersion()
        return KindergartenPayload(kindergarten=served_as(Kindergarten, await KindergartenRow.get(id=current.id)))

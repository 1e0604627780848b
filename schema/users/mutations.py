"""Mutations of the users area: login, and user management by the offices (ACCESS.md, roles)."""

from __future__ import annotations

import asyncio
import datetime
import re

import strawberry
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from auth.identity import load_viewer
from auth.passwords import hash_password, verify_password
from auth.policy import USER_ROWS
from auth.roles import ROLE_RANK, Viewer, role_fits_organization
from auth.roles import Role as RoleEnum
from auth.scope import within_scope
from models.organizations import Organization
from models.users import User as UserRow
from schema.common import clean_name, find_scoped, given, viewer_of
from schema.enums import Role
from schema.errors import BadUserInput, Conflict, Forbidden, NotFound, RateLimited, StaleVersion
from schema.node import from_global_id
from schema.sources import scoped_rows
from schema.users.types import LoginPayload, User

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 256  # bounds the cost of hashing what a caller sends


@strawberry.input(description="Credentials.")
class LoginInput:
    username: str = strawberry.field(description="Login name.")
    password: str = strawberry.field(description="Password.")


@strawberry.input(description="A new user of an organisation in your area, with a role below your own.")
class CreateUserInput:
    username: str = strawberry.field(description="Login name: 3–64 of a-z 0-9 . _ -")
    password: str = strawberry.field(description=f"At least {MIN_PASSWORD} characters.")
    full_name: str = strawberry.field(description="Full name.")
    role: Role = strawberry.field(description="Role; must fit the organisation's kind.")
    organization_id: strawberry.ID = strawberry.field(description="An office, partner or operator.")
    staff_member_id: strawberry.ID | None = strawberry.field(
        default=None, description="For a partner worker: their staff record at the same partner.")


@strawberry.input(description="Changes to a user. Send the `version` you read.")
class UpdateUserInput:
    id: strawberry.ID = strawberry.field(description="The user.")
    version: int = strawberry.field(description="The version you read.")
    full_name: str | None = strawberry.field(default=strawberry.UNSET, description="New full name.")
    role: Role | None = strawberry.field(default=strawberry.UNSET, description="New role.")
    is_active: bool | None = strawberry.field(default=strawberry.UNSET,
                                              description="false deactivates at once: tokens stop working.")
    password: str | None = strawberry.field(default=strawberry.UNSET, description="New password.")


@strawberry.type(description="The user created or changed.")
class UserPayload:
    user: User = strawberry.field(description="The user.")


def _check_password(password: str) -> None:
    if len(password) > MAX_PASSWORD:
        raise BadUserInput(f"The password may have at most {MAX_PASSWORD} characters.",
                           f"گذرواژه حداکثر {MAX_PASSWORD} نویسه است.", field="password")
    if len(password) < MIN_PASSWORD:
        raise BadUserInput(f"The password needs at least {MIN_PASSWORD} characters.",
                           f"گذرواژه باید دست‌کم {MIN_PASSWORD} نویسه باشد.", field="password")


def _check_grant(viewer: Viewer, role: RoleEnum) -> None:
    """Offices grant only roles below their own; the national admin grants any."""
    if viewer.role is not RoleEnum.NATIONAL_ADMIN and ROLE_RANK[role] <= ROLE_RANK[viewer.role]:
        raise Forbidden(f"granting {role.value}")


def _check_area(viewer: Viewer, organization: Organization, field: str) -> None:
    """The organisation must lie in the viewer's area (the users' row scope applied to the would-be row)."""
    if not within_scope(viewer, USER_ROWS, UserRow(organization=organization)):
        raise NotFound(field=field)


async def _organization(info: strawberry.Info, global_id: str) -> Organization:
    type_name, pk = from_global_id(global_id, "organizationId")
    if type_name not in ("Office", "Partner", "KindergartenOperator"):
        raise NotFound(field="organizationId")
    organization = await scoped_rows(info.context.viewer, type_name).get_or_none(id=pk)
    if organization is None:
        raise NotFound(field="organizationId")
    _check_area(viewer_of(info), organization, "organizationId")
    return organization


@strawberry.type
class UserMutations:
    @strawberry.mutation(description="Exchange a username and password for an access token. Repeated failures "
                                     "slow down (RATE_LIMITED with extensions.retryAfter).")
    async def login(self, info: strawberry.Info, input: LoginInput) -> LoginPayload:
        services = info.context.services
        username = input.username.strip().lower()
        address = info.context.client_address
        # The attempt counts as a failure from here on (concurrent guesses see it) until the password proves right.
        if len(input.password) > MAX_PASSWORD:
            raise BadUserInput("Wrong username or password.", "نام کاربری یا گذرواژه نادرست است.", field="password")
        wait, mark = services.throttle.begin(username, address)
        if wait > 0:
            raise RateLimited(wait)
        user = await UserRow.get_or_none(username=username)
        usable = user is not None and user.is_active and (services.demo_mode or not user.is_demo)
        if not await asyncio.to_thread(verify_password, user.password_hash if usable else None, input.password):
            raise BadUserInput("Wrong username or password.", "نام کاربری یا گذرواژه نادرست است.", field="password")
        services.throttle.succeeded(username, address, mark)
        info.context.authenticated = await load_viewer(user.username, demo_mode=services.demo_mode)
        issued = services.tokens.issue(user.username)
        return LoginPayload(access_token=issued.token, expires_at=issued.expires_at, user=user)

    @strawberry.mutation(description="Create a user of an organisation in your area.")
    async def create_user(self, info: strawberry.Info, input: CreateUserInput) -> UserPayload:
        viewer = viewer_of(info)
        username = input.username.strip().lower()
        if not USERNAME.match(username):
            raise BadUserInput("The username may hold 3–64 of a-z 0-9 . _ -", "نام کاربری نامعتبر است.",
                               field="username")
        _check_password(input.password)
        full_name, _ = clean_name(input.full_name, "fullName")
        role = RoleEnum(input.role.value)
        _check_grant(viewer, role)
        organization = await _organization(info, input.organization_id)
        if not role_fits_organization(role, organization.kind):
            raise BadUserInput(f"{role.value} does not fit a {organization.kind.value}.",
                               "این نقش با نوع سازمان سازگار نیست.", field="role")
        staff_member_id = None
        if input.staff_member_id is not None:
            staff = await find_scoped(info, "StaffMember", input.staff_member_id, "staffMemberId")
            if role is not RoleEnum.PARTNER_WORKER or staff.organization_id != organization.id:
                raise BadUserInput("The staff record must be of a partner worker at the same partner.",
                                   "پرونده کارکنان باید از همان مؤسسه باشد.", field="staffMemberId")
            staff_member_id = staff.id
        try:
            password_hash = await asyncio.to_thread(hash_password, input.password)
            user = await UserRow.create(username=username, password_hash=password_hash,
                                        full_name=full_name, role=role, organization_id=organization.id,
                                        staff_member_id=staff_member_id)
        except IntegrityError:
            raise Conflict("This username or staff record is taken.", "این نام کاربری یا پرونده قبلاً ثبت شده است.",
                           field="username") from None
        return UserPayload(user=user)

    @strawberry.mutation(description="Change, demote or deactivate a user of your area; it takes effect at once.")
    async def update_user(self, info: strawberry.Info, input: UpdateUserInput) -> UserPayload:
        viewer = viewer_of(info)
        target = await find_scoped(info, "User", input.id, "id")
        if target.id == viewer.user_id:
            raise Forbidden("changing your own account")
        _check_grant(viewer, target.role)
        if target.version != input.version:
            raise StaleVersion()
        changes: dict = {}
        if given(input.full_name):
            changes["full_name"] = clean_name(input.full_name, "fullName")[0]
        if given(input.role):
            role = RoleEnum(input.role.value)
            _check_grant(viewer, role)
            organization = await Organization.get(id=target.organization_id)
            if not role_fits_organization(role, organization.kind):
                raise BadUserInput(f"{role.value} does not fit a {organization.kind.value}.",
                                   "این نقش با نوع سازمان سازگار نیست.", field="role")
            changes["role"] = role
        if given(input.is_active):
            changes["is_active"] = input.is_active
        if given(input.password):
            _check_password(input.password)
            changes["password_hash"] = await asyncio.to_thread(hash_password, input.password)
            # Tokens issued before the change stop working (to the second: a token's iat is whole seconds).
            changes["password_changed_at"] = datetime.datetime.now(datetime.UTC)
        updated = await UserRow.filter(id=target.id, version=input.version).update(**changes, version=F("version") + 1)
        if updated == 0:
            raise StaleVersion()
        info.context.services.viewers.forget(target.username)
        return UserPayload(user=await UserRow.get(id=target.id))

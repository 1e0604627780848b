"""Mutations of the users area: login, and user management by the offices (docs/access.md, roles)."""

from __future__ import annotations

import asyncio
import datetime
from typing import Any

import strawberry
from tortoise.expressions import F

from auth.accounts import (
    MAX_PASSWORD,
    MIN_PASSWORD,
    AccountTaken,
    check_password,
    check_role_fits,
    create_account,
    normalise_username,
    username_for_trail,
)
from auth.identity import find_account, usable, user_of, viewer_from_token
from auth.passwords import hash_password, verify_password
from auth.policy import USER_ROWS, may_edit_own_account, may_grant
from auth.roles import Role as RoleEnum
from auth.roles import Viewer
from auth.scope import within_scope
from models.organizations import Organization
from models.users import User as UserRow
from schema.common import clean_name, find_scoped, given, viewer_of
from schema.enums import Role
from schema.errors import Conflict, Forbidden, NotFound, RateLimited, StaleVersion, WrongCredentials
from schema.node import from_global_id, to_global_id
from schema.rowtypes import served_as
from schema.sources import scoped_rows
from schema.users.types import LoginPayload, User


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


def _check_grant(viewer: Viewer, role: RoleEnum) -> None:
    """Which roles an office may grant, or manage users of, is the policy's (auth/policy.py, `may_grant`)."""
    if not may_grant(viewer.role, role):
        raise Forbidden(f"granting {role.value}")


def _check_area(viewer: Viewer, organization: Organization, field: str) -> None:
    """The organisation must lie in the viewer's area (the users' row scope applied to the would-be row)."""
    if not within_scope(viewer, USER_ROWS, UserRow(organization=organization)):
        raise NotFound(field=field)


async def _organization_named(info: strawberry.Info, global_id: str) -> Organization:
    type_name, pk = from_global_id(global_id, "organizationId")
    if type_name not in ("Office", "Partner", "KindergartenOperator"):
        raise NotFound(field="organizationId")
    organization: Organization | None = await scoped_rows(info.context.viewer, type_name).get_or_none(id=pk)
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
        username = normalise_username(input.username)
        address = info.context.client_address
        # The attempt counts as a failure from here on (concurrent guesses see it) until the password proves right.
        info.context.attempted_login = (username_for_trail(username), None)  # traced if refused (docs/access.md rule 7)
        if len(input.password) > MAX_PASSWORD:
            raise WrongCredentials()
        attempt = await services.throttle.begin(username, address)
        if attempt.wait > 0:  # this username failed too often: even its right password waits
            raise RateLimited(attempt.wait)
        account = await find_account(username)  # before any scope: row-level security would hide the user
        if account is not None:  # a refusal is traced to the account's area too; the caller learns nothing of it
            info.context.attempted_login = (username_for_trail(username), to_global_id("User", account["id"]))
        usable_now = account is not None and usable(account, demo_mode=services.demo_mode)
        password_hash = account["password_hash"] if account is not None and usable_now else None
        if not await asyncio.to_thread(verify_password, password_hash, input.password):
            if attempt.address_wait > 0:  # the address failed too often: its wrong passwords, and only they, wait
                raise RateLimited(attempt.address_wait)
            raise WrongCredentials()
        assert account is not None  # usable, since the password verified
        user = user_of(account)
        await services.throttle.succeeded(username, address, attempt.mark)
        issued = services.tokens.issue(user.username)
        refresh = await services.sessions.issue(user.id)  # a new session: this device's family (auth/sessions.py)
        # The login's own audit event names the user its token names, read afresh the way every later request
        # reads it (auth/identity.py). A refusal here is the server's fault (its keys verify no token it issues),
        # or a deactivation just now: INTERNAL, with the reason in the log.
        await services.viewers.forget(user.username)
        info.context.authenticated = await viewer_from_token(issued.token, services.tokens, services.viewers,
                                                             demo_mode=services.demo_mode)
        return LoginPayload(access_token=issued.token, expires_at=issued.expires_at, refresh_token=refresh.token,
                            refresh_token_expires_at=refresh.expires_at, user=served_as(User, user))

    @strawberry.mutation(description="Create a user of an organisation in your area.")
    async def create_user(self, info: strawberry.Info, input: CreateUserInput) -> UserPayload:
        viewer = viewer_of(info)
        role = RoleEnum(input.role.value)
        _check_grant(viewer, role)
        # Every object the input names must lie in the viewer's slice (docs/access.md rule 4); the account's own rules
        # are auth/accounts.py's, shared with `welfare-api create-user`.
        organization = await _organization_named(info, input.organization_id)
        staff = None
        if input.staff_member_id is not None:
            staff = await find_scoped(info, "StaffMember", input.staff_member_id, "staffMemberId")
        full_name, _ = clean_name(input.full_name, "fullName")
        try:
            user = await create_account(username=input.username, password=input.password, full_name=full_name,
                                        role=role, organization=organization, staff_member=staff)
        except AccountTaken:
            raise Conflict("This username or staff record is taken.", "این نام کاربری یا پرونده قبلاً ثبت شده است.",
                           field="username") from None
        return UserPayload(user=served_as(User, user))

    @strawberry.mutation(description="Change, demote or deactivate a user of your area; it takes effect at once.")
    async def update_user(self, info: strawberry.Info, input: UpdateUserInput) -> UserPayload:
        viewer = viewer_of(info)
        target = await find_scoped(info, "User", input.id, "id")
        if target.id == viewer.user_id and not may_edit_own_account(viewer.role):
            raise Forbidden("changing your own account")
        _check_grant(viewer, target.role)
        if target.version != input.version:
            raise StaleVersion()
        changes: dict[str, Any] = {}
        if given(input.full_name):
            changes["full_name"] = clean_name(input.full_name, "fullName")[0]
        if given(input.role):
            role = RoleEnum(input.role.value)
            _check_grant(viewer, role)
            organization = await Organization.get(id=target.organization_id)
            check_role_fits(role, organization.kind)
            changes["role"] = role
        if given(input.is_active):
            changes["is_active"] = input.is_active
        if given(input.password):
            check_password(input.password)
            changes["password_hash"] = await asyncio.to_thread(hash_password, input.password)
            # Tokens issued before the change stop working (to the microsecond: a token's iat carries them).
            changes["password_changed_at"] = datetime.datetime.now(datetime.UTC)
        updated = await UserRow.filter(id=target.id, version=input.version).update(**changes, version=F("version") + 1)
        if updated == 0:
            raise StaleVersion()
        await info.context.services.viewers.forget(target.username)
        info.context.changed_users.add(target.username)  # and again once committed (schema/transaction.py)
        return UserPayload(user=served_as(User, await UserRow.get(id=target.id)))

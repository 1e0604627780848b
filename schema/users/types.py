"""GraphQL types of the users area."""

from __future__ import annotations

import datetime
from typing import Any, cast

import strawberry
from strawberry.dataloader import DataLoader

from auth.roles import Scope
from models.organizations import Organization, OrganizationKind
from models.users import User as UserRow
from schema.context import Info
from schema.enums import Role, described
from schema.node import Node
from schema.organizations.types import OrganizationInterface
from schema.rowtypes import row_type
from schema.sources import organization_type

described(Scope, "How far a viewer's rows reach (docs/access.md).", {
    "NATIONAL": "«کشوری» — every row.",
    "PROVINCE": "«استانی» — rows of the viewer's province.",
    "COUNTY": "«شهرستانی» — rows of the viewer's county.",
    "OWN_ORGANIZATION": "«سازمان خود» — rows of the viewer's own organisation.",
    "OWN_ASSIGNMENT": "«پرونده‌های ارجاعی به خود» — only files assigned to the viewer.",
})


async def _organization_shown(info: Info, organization_id: int) -> OrganizationInterface | None:
    """The organisation, shown as whichever type its kind is, through that type's scope. A page of users' kinds are
    read in one statement (issue 8 item 6), then each type's rows in one more."""
    kinds: DataLoader[int, Any] = info.context.loaders.batched("Organization.kind", _kinds_of)
    kind = await kinds.load(organization_id)
    if kind is None:
        return None
    return await info.context.loaders.load(organization_type(OrganizationKind(kind)), organization_id)


async def _kinds_of(organization_ids: list[int]) -> list[Any]:
    """Each organisation's kind; None where there is none (or none the caller may see)."""
    found = dict(await Organization.filter(id__in=organization_ids).values_list("id", "kind"))
    return [found.get(organization_id) for organization_id in organization_ids]


@row_type(UserRow, description="A user: one person, one organisation, one role there.")
class User(Node):
    username: str = strawberry.field(description="Login name.")
    full_name: str = strawberry.field(description="Full name.")
    role: Role = strawberry.field(description="Role in the organisation.")
    is_active: bool = strawberry.field(description="A deactivated user can no longer log in or use a token.")
    version: int = strawberry.field(description="Changes with every edit; send it back to update (CONFLICT if stale).")

    @strawberry.field(description="The organisation the user belongs to; null if outside your slice.")
    async def organization(root: UserRow, info: Info) -> OrganizationInterface | None:
        return await _organization_shown(info, root.organization_id)


@strawberry.type(description="Who you are: your user, role, organisation and the reach of your rows.")
class Viewer:
    role: Role = strawberry.field(description="Your role.")
    scope: Scope = strawberry.field(description="How far your rows reach.")
    _user_id: strawberry.Private[int]
    _organization_id: strawberry.Private[int]

    @strawberry.field(description="Your user.")
    async def user(self, info: Info) -> User:
        # cast: a viewer always reaches its own user (the users table's `self_user` scope), so it is never None.
        return cast("User", await info.context.loaders.load("User", self._user_id))

    @strawberry.field(description="Your organisation.")
    async def organization(self, info: Info) -> OrganizationInterface | None:
        return await _organization_shown(info, self._organization_id)


@strawberry.type(description="A fresh access token, and the refresh token that gets the next one.")
class LoginPayload:
    access_token: str = strawberry.field(description="JWT; send it as `Authorization: Bearer <token>`.")
    expires_at: datetime.datetime = strawberry.field(description="When the token stops working.")
    refresh_token: str = strawberry.field(
        description="Opaque; keep it secret, on this device only. When the access token expires (UNAUTHENTICATED "
                    "with `extensions.reason` TOKEN_EXPIRED), trade it with `refreshToken` for a new pair; it works "
                    "once. Using it a second time ends this device's session.")
    refresh_token_expires_at: datetime.datetime = strawberry.field(
        description="When the refresh token stops working if it is not used (REFRESH_TOKEN_DAYS after its issue).")
    user: User = strawberry.field(description="The user who logged in.")

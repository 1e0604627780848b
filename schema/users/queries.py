"""Queries of the users area: `me` and the user list for the offices that manage users."""

from __future__ import annotations

from typing import Any

import strawberry
from tortoise.queryset import QuerySet

from auth.roles import Viewer as ViewerRow
from schema.common import viewer_of
from schema.context import Info
from schema.enums import Role
from schema.errors import BadUserInput
from schema.filters import equal_to
from schema.node import from_global_id
from schema.pagination import connection_field
from schema.users.types import User, Viewer


@strawberry.input(description="Narrows the users list; it never widens your slice.")
class UserFilter:
    role: Role | None = strawberry.field(default=None, description="Only this role.")
    organization_id: strawberry.ID | None = strawberry.field(default=None, description="Only this organisation.")
    is_active: bool | None = strawberry.field(default=None, description="Only active or only deactivated users.")
    username: str | None = strawberry.field(default=None, description="Login name starts with.")

    async def narrow(self, found: QuerySet[Any], _viewer: ViewerRow | None) -> QuerySet[Any]:
        found = equal_to(found, "role", self.role)
        if self.organization_id is not None:  # any kind of organisation
            kind, pk = from_global_id(self.organization_id, "organizationId")
            if kind not in ("Office", "Partner", "KindergartenOperator"):
                raise BadUserInput("organizationId must be the ID of an organisation.",
                                   "شناسه organizationId از نوع درست نیست.", field="organizationId")
            found = found.filter(organization_id=pk)
        found = equal_to(found, "is_active", self.is_active)
        return found.filter(username__startswith=self.username.strip().lower()) if self.username else found


@strawberry.type
class UserQueries:
    @strawberry.field(description="Who you are.")
    def me(self, info: Info) -> Viewer:
        viewer = viewer_of(info)
        return Viewer(role=viewer.role, scope=viewer.scope, _user_id=viewer.user_id,
                      _organization_id=viewer.organization_id)

    users = connection_field(User, UserFilter, description="Users of the organisations in your area.")

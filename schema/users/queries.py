"""Queries of the users area: `me` and the user list for the offices that manage users."""

from __future__ import annotations

import strawberry

from schema.common import viewer_of
from schema.enums import Role
from schema.node import from_global_id
from schema.pagination import Connection, paginate
from schema.sources import scoped_rows
from schema.users.types import User, Viewer


@strawberry.input(description="Narrows the users list; it never widens your slice.")
class UserFilter:
    role: Role | None = strawberry.field(default=None, description="Only this role.")
    organization_id: strawberry.ID | None = strawberry.field(default=None, description="Only this organisation.")
    is_active: bool | None = strawberry.field(default=None, description="Only active or only deactivated users.")
    username: str | None = strawberry.field(default=None, description="Login name starts with.")


@strawberry.type
class UserQueries:
    @strawberry.field(description="Who you are.")
    def me(self, info: strawberry.Info) -> Viewer:
        viewer = viewer_of(info)
        return Viewer(role=viewer.role, scope=viewer.scope, _user_id=viewer.user_id,
                      _organization_id=viewer.organization_id)

    @strawberry.field(description="Users of the organisations in your area.")
    async def users(
        self,
        info: strawberry.Info,
        filter: UserFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[User]:
        found = scoped_rows(info.context.viewer, "User")
        if filter is not None:
            if filter.role is not None:
                found = found.filter(role=filter.role)
            if filter.organization_id is not None:
                found = found.filter(organization_id=from_global_id(filter.organization_id, "organizationId")[1])
            if filter.is_active is not None:
                found = found.filter(is_active=filter.is_active)
            if filter.username:
                found = found.filter(username__startswith=filter.username.strip().lower())
        return await paginate(found, first, after, last, before)

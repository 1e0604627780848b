"""Queries of the children area: the list of children in care and one full file (its read is audited)."""

from __future__ import annotations

from typing import Any

import strawberry
from tortoise.queryset import QuerySet

from auth.roles import Viewer
from models.children import Placement
from rules.national_id import national_id_digits
from schema.case_files import CaseFileFilter, case_file_field, load_case_file_page, name_prefix
from schema.children.types import Child
from schema.context import Info
from schema.filters import equal_to
from schema.pagination import Connection, connection_field


@strawberry.input(description="Narrows the children list; it never widens your slice.")
class ChildFilter(CaseFileFilter):
    placement: Placement | None = strawberry.field(default=None, description="Only this placement.")
    priority: bool | None = strawberry.field(default=None, description="Only priority files (true) or only the "
                                                                       "others (false).")
    name: str | None = strawberry.field(default=None, description="Full name or last name starts with this "
                                                                  "(normalised Persian).")
    national_id: str | None = strawberry.field(default=None, description="Only this national ID (Persian digits "
                                                                         "accepted).")

    async def narrow(self, found: QuerySet[Any], viewer: Viewer | None) -> QuerySet[Any]:
        found = await super().narrow(found, viewer)
        found = equal_to(found, "placement", self.placement)
        found = equal_to(found, "priority", self.priority)
        if self.name:
            found = found.filter(name_prefix("name_search", "last_name_search", self.name))
        if self.national_id is not None:
            found = found.filter(national_id=national_id_digits(self.national_id))
        return found


async def load_child_page(info: Info, page: Connection[Any]) -> None:
    await load_case_file_page(info, "child_id", [edge.node.id for edge in page.edges], members=False)


@strawberry.type
class ChildQueries:
    children = connection_field(Child, ChildFilter, load_page=load_child_page,
                                description="Children in family care in your slice (a partner sees only files "
                                            "delegated to it).")
    child = case_file_field(Child, description="One child's full file; null when absent or outside your slice. Each "
                                               "read is written to the audit trail.")

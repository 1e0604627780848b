"""Queries of the children area: the list of children in care and one full file (its read is audited)."""

from __future__ import annotations

import strawberry

from models.children import Placement
from models.families import FileStatus
from schema.children.types import Child
from schema.families.loaders import preload
from schema.families.queries import name_prefix, narrow_case_files, national_id_key
from schema.node import from_global_id, to_global_id
from schema.pagination import Connection, paginate
from schema.sources import scoped_rows


@strawberry.input(description="Narrows the children list; it never widens your slice.")
class ChildFilter:
    county_id: strawberry.ID | None = strawberry.field(default=None, description="Only this county's files.")
    partner_id: strawberry.ID | None = strawberry.field(default=None, description="Only files delegated to "
                                                                                  "this partner now.")
    worker_id: strawberry.ID | None = strawberry.field(default=None, description="Only files assigned to this "
                                                                                 "partner worker now.")
    status: FileStatus | None = strawberry.field(default=None, description="Only children in care or only those "
                                                                           "who left.")
    placement: Placement | None = strawberry.field(default=None, description="Only this placement.")
    priority: bool | None = strawberry.field(default=None, description="Only priority files (true) or only the "
                                                                       "others (false).")
    assigned: bool | None = strawberry.field(default=None, description="Only files delegated to a partner now "
                                                                       "(true) or served by the office (false).")
    name: str | None = strawberry.field(default=None, description="Full name or last name starts with this "
                                                                  "(normalised Persian).")
    national_id: str | None = strawberry.field(default=None, description="Only this national ID (Persian digits "
                                                                         "accepted).")
    file_number: str | None = strawberry.field(default=None, description="File number, exact or a prefix.")


@strawberry.type
class ChildQueries:
    @strawberry.field(description="Children in family care in your slice (a partner sees only files delegated to "
                                  "it).")
    async def children(
        self,
        info: strawberry.Info,
        filter: ChildFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Child]:
        found = scoped_rows(info.context.viewer, "Child")
        if filter is not None:
            found = narrow_case_files(found, filter)
            if filter.placement is not None:
                found = found.filter(placement=filter.placement)
            if filter.priority is not None:
                found = found.filter(priority=filter.priority)
            if filter.name:
                found = found.filter(name_prefix("name_search", "last_name_search", filter.name))
            if filter.national_id is not None:
                found = found.filter(national_id=national_id_key(filter.national_id))
        page = await paginate(found, first, after, last, before)
        await preload(info, "child_id", [edge.node.id for edge in page.edges], members=False)
        return page

    @strawberry.field(description="One child's full file; null when absent or outside your slice. Each read is "
                                  "written to the audit trail.")
    async def child(self, info: strawberry.Info, id: strawberry.ID) -> Child | None:
        type_name, pk = from_global_id(id)
        found = await scoped_rows(info.context.viewer, "Child").get_or_none(id=pk) if type_name == "Child" else None
        if found is not None:
            info.context.audit_reads.append(("read Child", [to_global_id("Child", pk)]))
        return found

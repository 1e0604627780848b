"""What a page of case files (families, and children's files too) needs besides the files: members, live
assignments, their workers and partners — loaded for the whole page at once, through the scope builder, so that
the nested fields resolve without awaiting (schema/execution.py has the rest of the story)."""

from __future__ import annotations

import asyncio
from typing import Any

import strawberry

from schema.loaders import Loaders


def members_of(info: strawberry.Info, family_id: int) -> Any:
    loaders: Loaders = info.context.loaders
    return loaders.now_or_later(loaders.grouped("Member", "family_id"), family_id)


def live_assignments_of(info: strawberry.Info, column: str, file_id: int) -> Any:
    """A file's live assignment, as a list of at most one (`column`: family_id or child_id)."""
    loaders: Loaders = info.context.loaders
    return loaders.now_or_later(loaders.grouped("Assignment", column, ended_at__isnull=True), file_id)


async def preload(info: strawberry.Info, column: str, file_ids: list[int], *, members: bool) -> None:
    """Load the page's live assignments (and members, for families), then their workers and partners."""
    loaders: Loaders = info.context.loaders
    batches = [loaders.grouped("Assignment", column, ended_at__isnull=True).load_many(file_ids)]
    if members:
        batches.append(loaders.grouped("Member", "family_id").load_many(file_ids))
    assignments = [a for found in (await asyncio.gather(*batches))[0] for a in found]
    await asyncio.gather(
        loaders.by_id("StaffMember").load_many([a.worker_id for a in assignments if a.worker_id is not None]),
        loaders.by_id("Partner").load_many([a.partner_id for a in assignments]),
    )

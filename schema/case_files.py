"""What the two kinds of case file — a household's (families area) and a child's (children area) — share.

Both are numbered per county, opened by the county office in its area, delegated to partners through the same
assignments, searched by the same filters, and their full records are audited when read one at a time
(docs/access.md rule 7). The areas' own modules hold only what differs.
"""

from __future__ import annotations

import asyncio
import datetime
from typing import Any, cast

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.types.base import get_object_definition
from strawberry.types.field import StrawberryField
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q, RawSQL
from tortoise.queryset import QuerySet

from auth.policy import OFFICE_CASE_ROWS
from auth.roles import Viewer
from models.geography import County
from rules.jalali import jalali_year
from rules.persian import normalise_search, to_latin_digits
from schema.common import clean_name, county_in_scope
from schema.context import Info
from schema.enums import FileStatus
from schema.errors import BadUserInput, Conflict
from schema.filters import equal_to, of_object
from schema.loaders import Loaders
from schema.node import from_global_id, to_global_id
from schema.sources import RELATIONS, scoped_rows

SEQUENCE_DIGITS = 6
NAME_LENGTH = 100
NOTES_LENGTH = 10000
EXIT_NOTE_LENGTH = 2000
# Reading one of these by ID reads a person's full file: it goes to the audit trail (docs/access.md rule 7).
FULL_RECORDS = frozenset({"Family", "Child"})


# --- reading -------------------------------------------------------------------------------------------------


@strawberry.input(description="What the families and children lists are both narrowed by; never widens your slice.")
class CaseFileFilter:
    county_id: strawberry.ID | None = strawberry.field(default=None, description="Only this county's files.")
    partner_id: strawberry.ID | None = strawberry.field(default=None, description="Only files delegated to "
                                                                                  "this partner now.")
    worker_id: strawberry.ID | None = strawberry.field(default=None, description="Only files assigned to this "
                                                                                 "partner worker now.")
    status: FileStatus | None = strawberry.field(default=None, description="Only files in the support cycle or "
                                                                           "only those that left it.")
    assigned: bool | None = strawberry.field(default=None, description="Only files delegated to a partner now "
                                                                       "(true) or served by the office (false).")
    file_number: str | None = strawberry.field(default=None, description="File number, exact or a prefix.")

    async def narrow(self, found: QuerySet[Any], viewer: Viewer | None) -> QuerySet[Any]:
        found = of_object(found, "county_id", self.county_id, "County", "countyId")
        found = of_object(found, "assigned_partner_id", self.partner_id, "Partner", "partnerId")
        found = of_object(found, "assigned_worker_id", self.worker_id, "StaffMember", "workerId")
        found = equal_to(found, "status", self.status)
        if self.assigned is not None:
            found = found.filter(assigned_partner_id__isnull=not self.assigned)
        if self.file_number:
            found = found.filter(file_number__startswith=file_number_key(self.file_number))
        return found


def file_number_key(value: str) -> str:
    """A file number as stored: Latin digits, upper-case county code."""
    return to_latin_digits(value).strip().upper()


def name_prefix(first_and_last: str, last: str, name: str) -> Q:
    """Full name or last name starts with `name`, compared in normalised form (Arabic ي/ك match ی/ک)."""
    prefix = normalise_search(name)
    return Q(**{f"{first_and_last}__startswith": prefix}) | Q(**{f"{last}__startswith": prefix})


def record_full_read(info: Info, type_name: str, pk: int) -> None:
    """A single full file returned by ID: one read event in the request's audit trail (docs/access.md rule 7)."""
    if type_name in FULL_RECORDS:
        info.context.audit_reads.append((f"read {type_name}", [to_global_id(type_name, pk)]))


def case_file_field(node: type, *, description: str) -> StrawberryField:
    """`family(id:)` / `child(id:)`: one full file within the slice, null when absent or outside it (docs/access.md
    rule 3); each read is audited."""
    type_name = get_object_definition(node, strict=True).name

    async def resolve(info: Info, id: strawberry.ID) -> Any:
        kind, pk = from_global_id(id)
        found = await scoped_rows(info.context.viewer, type_name).get_or_none(id=pk) if kind == type_name else None
        if found is not None:
            record_full_read(info, type_name, pk)
        return found

    resolve.__annotations__ = {"info": Info, "id": strawberry.ID, "return": node | None}
    resolve.__name__ = f"resolve_{type_name}"
    return strawberry.field(resolve, description=description)


def members_of(info: Info, family_id: int) -> list[Any]:
    """A family's members: now when `load_case_file_page` loaded them, else an awaitable."""
    loaders: Loaders = info.context.loaders
    return loaders.now_or_later(_members(loaders), family_id)


def _members(loaders: Loaders) -> DataLoader[int, list[Any]]:
    """Each family's members, head included, in the order they were registered; those who left the household
    (`removeMember`) are no longer members."""
    members = RELATIONS[("Family", "members")]
    return loaders.grouped(members.target, members.column, **dict(members.conditions))


def live_assignments_of(info: Info, column: str, file_id: int) -> list[Any]:
    """A file's live assignment, as a list of at most one (`column`: family_id or child_id)."""
    loaders: Loaders = info.context.loaders
    return loaders.now_or_later(_live_assignments(loaders, column), file_id)


def _live_assignments(loaders: Loaders, column: str) -> DataLoader[int, list[Any]]:
    """Each file's live assignment, as a list of at most one (`column`: family_id or child_id)."""
    live = RELATIONS[("Family", "currentAssignment")]
    return loaders.grouped(live.target, column, **dict(live.conditions))


async def load_case_file_page(info: Info, column: str, file_ids: list[int], *, members: bool) -> None:
    """Load a page's live assignments (and members, for families), then their workers and partners, so that the
    page's nested fields resolve without awaiting (schema/execution.py has the rest of the story)."""
    loaders: Loaders = info.context.loaders
    batches = [_live_assignments(loaders, column).load_many(file_ids)]
    if members:
        batches.append(_members(loaders).load_many(file_ids))
    assignments = [a for found in (await asyncio.gather(*batches))[0] for a in found]
    await asyncio.gather(
        loaders.by_id("StaffMember").load_many([a.worker_id for a in assignments if a.worker_id is not None]),
        loaders.by_id("Partner").load_many([a.partner_id for a in assignments]),
    )


# --- opening a file ------------------------------------------------------------------------------------------


async def county_for_new_file(info: Info, county_id: strawberry.ID) -> County:
    """The county a new file opens in, locked until the request ends so file numbers are drawn one at a time;
    NOT_FOUND (field countyId) outside the viewer's area (docs/access.md rule 4)."""
    county = await county_in_scope(info, county_id, OFFICE_CASE_ROWS)
    return await County.filter(id=county.id).select_for_update().get()


async def next_file_number(info: Info, type_name: str, county: County, marker: str = "") -> str:
    """`<county code>-[<marker>-]<Jalali year>-<sequence>`: the 6-digit sequence runs on per county across years
    (each table numbers its own files). The caller holds the county's row lock (`county_for_new_file`), and the
    office sees every file of its county."""
    year = jalali_year(datetime.date.today())
    prefix = "-".join(part for part in (county.code, marker) if part) + "-"
    files = scoped_rows(info.context.viewer, type_name)
    # cast: tortoise types a single row's flat `values_list` as a tuple; it is the one value, or None.
    last = cast("str | None", await (files.filter(county_id=county.id, file_number__startswith=prefix)
                                     .annotate(sequence=RawSQL(f"right(file_number, {SEQUENCE_DIGITS})"))
                                     .order_by("-sequence").first().values_list("sequence", flat=True)))
    sequence = int(last) if last is not None and last.isdigit() else 0
    return f"{prefix}{year}-{sequence + 1:0{SEQUENCE_DIGITS}d}"


def duplicate_national_id(file_number: str | None) -> Conflict:
    """CONFLICT on a national ID held by a live file; the file is named only to those who may see it."""
    if file_number is None:
        return Conflict("This national ID already belongs to a live file.",
                        "این کد ملی در یک پرونده فعال دیگر ثبت شده است.", field="nationalId")
    return Conflict(f"This national ID already belongs to live file {file_number}.",
                    f"این کد ملی در پرونده فعال {file_number} ثبت شده است.", field="nationalId", fileNumber=file_number)


def is_unique_violation(error: IntegrityError, index: str) -> bool:
    return index in str(error)


def not_in_future(value: datetime.date, field: str) -> datetime.date:
    if value > datetime.date.today():
        raise BadUserInput(f"{field} cannot be in the future.", f"{field} نمی‌تواند در آینده باشد.", field=field)
    return value


def plain_name(value: str, field: str) -> str:
    return clean_name(value, field, NAME_LENGTH)[0]

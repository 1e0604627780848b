"""How every casework record is made: on which file, by whom, for which day, and at most once per `clientId`.

- **The file.** It is looked up through the caller's scope, so a file outside the slice — never delegated to the
  caller, returned, reassigned — answers NOT_FOUND like a missing one (ACCESS.md rules 3–4). Partner staff record on
  their files; the office only on a file it serves itself (auth/policy.may_record_on): FORBIDDEN otherwise. A file
  that has left the support cycle takes no new record.
- **The day.** Not in the future, and not before the file's current assignment to the caller's partner began
  (rules/casework.record_date_allowed).
- **Once per clientId.** A mobile app that records offline sends a UUID with each record (CONTRACT.md). Sent again
  with the same content by the same user, the record already made is returned; anything else under that UUID is a
  CONFLICT. The database's unique index settles two sendings that race.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any, TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from auth.policy import may_record_on
from models.casework import CaseRecord
from models.families import FileStatus
from rules.casework import record_date_allowed
from schema.common import find_scoped, viewer_of
from schema.context import Info
from schema.errors import BadUserInput, Conflict, Forbidden
from schema.sources import scoped_rows

R = TypeVar("R", bound=CaseRecord)

# A record's free text: a report may be long, but not unbounded (10 000 characters is refused).
REPORT_LENGTH = 8000
TEXT_LENGTH = 2000
NAME_LENGTH = 200


@dataclass(frozen=True)
class RecordTarget:
    """The file a record goes on, and what the record inherits from it."""

    type_name: str  # "Family" or "Child"
    row: Any
    partner_id: int | None  # the partner serving the file now; None when the office serves it
    started_on: datetime.date  # the first day a record may be for

    @property
    def column(self) -> str:
        return "family_id" if self.type_name == "Family" else "child_id"


async def record_target(info: Info, type_name: str, global_id: str, field: str) -> RecordTarget:
    """The file an input names, if the caller may record on it now."""
    viewer = viewer_of(info)
    row = await find_scoped(info, type_name, global_id, field)
    delegated = row.assigned_partner_id is not None
    if not may_record_on(viewer.role, delegated):
        raise Forbidden("casework on a delegated file is its partner's (Art. 4.6–4.7)")
    if row.status is FileStatus.EXITED:
        raise BadUserInput("The file has left the support cycle.", "این پرونده از چرخه حمایت خارج شده است.",
                           field=field)
    started_on = datetime.date.min
    if delegated:
        column = "family_id" if type_name == "Family" else "child_id"
        live = await scoped_rows(viewer, "Assignment").filter(**{column: row.id}, ended_at__isnull=True).first()
        if live is not None:
            started_on = live.assigned_on
    return RecordTarget(type_name=type_name, row=row, partner_id=row.assigned_partner_id, started_on=started_on)


def record_day(target: RecordTarget, on: datetime.date, field: str) -> datetime.date:
    """The day a record is for: not in the future, not before the file came to the caller's partner."""
    return record_date_allowed(on, target.started_on, datetime.date.today(), field=field)


async def create_record(info: Info, model: type[R], target: RecordTarget, client_id: uuid.UUID | None,
                        values: dict[str, Any]) -> R:
    """Make the record (or return the one this `clientId` already made), with its file and its author."""
    viewer = viewer_of(info)
    digest = _digest(target, values)
    if client_id is not None:
        existing = await model.get_or_none(client_id=client_id)
        if existing is not None:
            return _same_sending(existing, viewer.user_id, digest)
    try:
        async with in_transaction():  # a savepoint: a raced clientId leaves the request usable for the look-up
            return await model.create(
                **values, **{target.column: target.row.id}, province_id=target.row.province_id,
                county_id=target.row.county_id, partner_id=target.partner_id, author_id=viewer.user_id,
                author_username=viewer.username, client_id=client_id, client_digest=digest)
    except IntegrityError:
        if client_id is None:
            raise
        existing = await model.get_or_none(client_id=client_id)
        if existing is None:  # the UUID belongs to a record the caller cannot see
            raise _client_id_conflict() from None
        return _same_sending(existing, viewer.user_id, digest)


def _digest(target: RecordTarget, values: dict[str, Any]) -> str:
    content = {"file": f"{target.type_name}:{target.row.id}", **values}
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def _same_sending(existing: R, user_id: int, digest: str) -> R:
    if existing.author_id == user_id and existing.client_digest == digest:
        return existing
    raise _client_id_conflict()


def _client_id_conflict() -> Conflict:
    return Conflict("This clientId was already used for a different record.",
                    "این شناسه کاربر (clientId) پیش‌تر برای ثبت دیگری به کار رفته است.", field="clientId")

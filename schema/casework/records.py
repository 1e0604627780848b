"""How every casework record is made: on which file, by whom, for which day, and at most once per `clientId`.

- **The file.** It is looked up through the caller's scope, so a file outside the slice — never delegated to the
  caller, returned, reassigned — answers NOT_FOUND like a missing one (docs/access.md rules 3–4). Partner staff record
  on their files; the office only on a file it serves itself (auth/policy.may_record_on): FORBIDDEN otherwise. A file
  that has left the support cycle takes no new record — but during a post-rehabilitation follow-up (Art. 6.7) its
  partner still records services and follow-up contacts (`after_exit`), dated from the exit on.
- **The day.** Not in the future, and not before the file's current assignment to the caller's partner began
  (rules/casework.record_date_allowed).
- **Corrections.** Records are append-only, but their author may correct one within 24 hours
  (`correct_record`); the change goes to the file's history.
- **Once per clientId.** A mobile app that records offline sends a UUID with each record (docs/api.md). Sent again
  with the same content by the same user, the record already made is returned; anything else under that UUID is a
  CONFLICT. The database's unique index settles two sendings that race.

A record may also hang under a partner (a peer group) or a peer group (its sessions): the target then gives the
record its area and partner as a file does (`RecordTarget`), and the caller checks who may record (schema/casework/
peer_groups.py).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from strawberry.utils.str_converters import to_camel_case
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from auth.policy import may_record_on
from auth.roles import Viewer
from models.authorship import SentOnce
from models.casework import CaseRecord
from models.families import FileStatus
from rules.casework import editable_by_author, record_date_allowed
from rules.errors import RuleViolation
from schema.common import check_version, find_scoped, update_versioned, viewer_of
from schema.context import Info
from schema.delegation.ownership import live_assignment
from schema.errors import BadUserInput, Conflict, Forbidden
from schema.history import record_change

R = TypeVar("R", bound=CaseRecord)
M = TypeVar("M", bound=SentOnce)

# A record's free text: a report may be long, but not unbounded (10 000 characters is refused).
REPORT_LENGTH = 8000
TEXT_LENGTH = 2000
NAME_LENGTH = 200
CLIENT_ID_DESCRIPTION = "A UUID your app made for this record: sending it again returns the record already made."


# The column of a record that names what it hangs under; a peer group names no row (its partner_id says whose it is).
TARGET_COLUMNS: dict[str, str | None] = {"Family": "family_id", "Child": "child_id", "PeerGroup": "group_id",
                                         "Partner": None}


@dataclass(frozen=True)
class RecordTarget:
    """What a record hangs under — a file, or for peer groups a partner or a group — and what the record inherits
    from it: its area and its partner."""

    type_name: str  # a key of TARGET_COLUMNS
    row: Any
    partner_id: int | None  # the partner serving the file now; None when the office serves it
    started_on: datetime.date  # the first day a record may be for

    @property
    def columns(self) -> dict[str, Any]:
        column = TARGET_COLUMNS[self.type_name]
        return {} if column is None else {column: self.row.id}


async def record_target(info: Info, type_name: str, global_id: str, field: str, *,
                        after_exit: bool = False) -> RecordTarget:
    """The file an input names, if the caller may record on it now; `after_exit`: this kind of record is one a
    partner keeps making during a post-rehabilitation follow-up (services and follow-up contacts, Art. 6.7)."""
    viewer = viewer_of(info)
    row = await find_scoped(info, type_name, global_id, field)
    delegated = row.assigned_partner_id is not None
    if not may_record_on(viewer.role, delegated):
        raise Forbidden("casework on a delegated file is its partner's (Art. 4.6–4.7)")
    if row.status is FileStatus.EXITED:
        # A partner reaches an exited file only during its follow-up year (the scope filter ends it by itself).
        if not delegated or row.access_until is None:
            raise BadUserInput("The file has left the support cycle.", "این پرونده از چرخه حمایت خارج شده است.",
                               field=field)
        if not after_exit:
            raise RuleViolation("ART_6_7_FOLLOW_UP_ONLY", "After rehabilitation a partner records only services and "
                                "follow-up contacts on the file (Art. 6.7).", "پس از توانمندی، مؤسسه همکار فقط "
                                "خدمات و پیگیری‌ها را در پرونده ثبت می‌کند (بند ۶-۷).")
        return RecordTarget(type_name=type_name, row=row, partner_id=row.assigned_partner_id,
                            started_on=row.exited_on)
    started_on = datetime.date.min
    if delegated:
        column = "family_id" if type_name == "Family" else "child_id"
        live = await live_assignment(viewer, **{column: row.id})
        if live is not None:
            started_on = live.assigned_on
    return RecordTarget(type_name=type_name, row=row, partner_id=row.assigned_partner_id, started_on=started_on)


def record_day(target: RecordTarget, on: datetime.date, field: str) -> datetime.date:
    """The day a record is for: not in the future, not before the file came to the caller's partner."""
    return record_date_allowed(on, target.started_on, datetime.date.today(), field=field)


async def create_record(info: Info, model: type[R], target: RecordTarget, client_id: uuid.UUID | None,
                        values: dict[str, Any]) -> R:
    """Make the record (or return the one this `clientId` already made), with its file and its author."""
    return (await make_record(info, model, target, client_id, values))[0]


async def make_record(info: Info, model: type[R], target: RecordTarget, client_id: uuid.UUID | None,
                      values: dict[str, Any], *, sent: dict[str, Any] | None = None) -> tuple[R, bool]:
    """`create_record`, also saying whether the record was made now (True) or by an earlier sending (False), so that
    what hangs under a new record (a group's families) is made once. `sent` is what the sending said, when the
    record's columns do not say it all (a group's families; a new member's details); by default its `values`."""
    columns = {**values, **target.columns, "partner_id": target.partner_id}
    return await create_once(viewer_of(info), model, client_id, columns, place=target.row,
                             sent=_sent(target, values if sent is None else sent))


async def create_once(viewer: Viewer, model: type[M], client_id: uuid.UUID | None, values: dict[str, Any], *,
                      place: Any, sent: dict[str, Any] | None = None) -> tuple[M, bool]:
    """Make a row the caller authors — a casework record, a committee decision, a complaint, a supervision visit — in
    the area of `place` (the file, partner or group it is about), at most once per `clientId`
    (`once_per_client_id`); says whether it was made now. `sent` is what the sending said, when `values` do not say
    it all (a visit's sampled files); by default `values`."""
    digest = content_digest(values if sent is None else sent)

    async def create() -> M:
        return await model.create(
            **values, province_id=place.province_id, county_id=place.county_id, author_id=viewer.user_id,
            author_username=viewer.username, client_id=client_id, client_digest=digest)

    return await once_per_client_id(model, client_id, digest, viewer.user_id, create)


async def once_per_client_id(model: type[M], client_id: uuid.UUID | None, digest: str, author_id: int,
                             create: Callable[[], Awaitable[M]]) -> tuple[M, bool]:
    """`create()` the row, unless this `clientId` already made one: then that row when the same author sent the same
    content (`digest`), else CONFLICT. Says whether the row was made now. The unique index settles a race."""
    if client_id is not None:
        existing = await model.get_or_none(client_id=client_id)
        if existing is not None:
            return _same_sending(existing, author_id, digest), False
    try:
        async with in_transaction():  # a savepoint: a raced clientId leaves the request usable for the look-up
            return await create(), True
    except IntegrityError:
        if client_id is None:
            raise
        existing = await model.get_or_none(client_id=client_id)
        if existing is None:  # the UUID belongs to a row the caller cannot see
            raise _client_id_conflict() from None
        return _same_sending(existing, author_id, digest), False


async def sent_before(info: Info, model: type[R], target: RecordTarget, client_id: uuid.UUID | None,
                      sent: dict[str, Any]) -> R | None:
    """The record an earlier sending of this `clientId` made with the same content (None when none did; CONFLICT
    when it said something else), for a mutation that must know before it makes anything else (addMember makes the
    member first). `make_record` with the same `sent` settles a race."""
    if client_id is None:
        return None
    existing = await model.get_or_none(client_id=client_id)
    if existing is None:
        return None
    return _same_sending(existing, viewer_of(info).user_id, _digest(target, sent))


def _sent(target: RecordTarget, values: dict[str, Any]) -> dict[str, Any]:
    """What a sending about `target` said: its file and its values."""
    return {"file": f"{target.type_name}:{target.row.id}", **values}


def _digest(target: RecordTarget, values: dict[str, Any]) -> str:
    return content_digest(_sent(target, values))


def content_digest(content: dict[str, Any]) -> str:
    """What a sending said, as the `client_digest` a later sending of the same `clientId` is compared with."""
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def _same_sending(existing: M, user_id: int, digest: str) -> M:
    """The row an earlier sending made, if the same user sent the same content; CONFLICT otherwise. Rows made once
    per clientId say who sent them and what (models/authorship.SentOnce)."""
    if existing.sender_id == user_id and existing.client_digest == digest:
        return existing
    raise _client_id_conflict()


def _client_id_conflict() -> Conflict:
    return Conflict("This clientId was already used for a different record.",
                    "این شناسه کاربر (clientId) پیش‌تر برای ثبت دیگری به کار رفته است.", field="clientId")


# What a correction changes: the columns and their new values, or — when they depend on the record (a day bound by
# its file, a due date recomputed, a state that takes no more corrections) — an async function of the record.
Changes = dict[str, Any] | Callable[[Any], Awaitable[dict[str, Any]]]


async def correct_record(info: Info, type_name: str, global_id: str, version: int, changes: Changes) -> Any:
    """A record corrected by its author within 24 hours of making it (rules/casework.editable_by_author); after
    that, or by anyone else, records are append-only (RULE_VIOLATION). The change is kept in the file's history.
    A function of the record is called once the author and the version have been checked."""
    viewer = viewer_of(info)
    record = await find_scoped(info, type_name, global_id, "id")
    if record.author_id != viewer.user_id or not editable_by_author(record.created_at,
                                                                     datetime.datetime.now(datetime.UTC)):
        raise RuleViolation("RECORD_APPEND_ONLY", "A record is corrected only by its author, within 24 hours of "
                            "making it; after that, add a new record.", "هر ثبت را فقط ثبت‌کننده آن و تا ۲۴ ساعت "
                            "پس از ثبت می‌تواند اصلاح کند؛ پس از آن ثبت تازه‌ای بیفزایید.")
    check_version(record, version)
    if callable(changes):
        changes = await changes(record)
    corrected = await update_versioned(viewer, type_name, record, version, **changes)
    await record_change(viewer, entity=type_name, entity_id=record.id, family_id=getattr(record, "family_id", None),
                        child_id=getattr(record, "child_id", None), operation="correct",
                        before={to_camel_case(name): getattr(record, name) for name in changes},
                        after={to_camel_case(name): value for name, value in changes.items()},
                        province_id=record.province_id, county_id=record.county_id)
    return corrected

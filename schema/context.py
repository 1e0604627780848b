"""What a resolver may read of the request it serves: the viewer, the loaders, the request ID."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import strawberry

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from strawberry.types import ExecutionResult

    from auth.roles import Viewer
    from schema.loaders import Loaders


@dataclass
class Context:
    """Per request. `viewer` is None for a request without a valid token."""

    request: Any
    response: Any
    request_id: str
    client_address: str
    viewer: Viewer | None
    # Why the request's token was refused, as the client reads it (`TOKEN_EXPIRED`, `TOKEN_INVALID`; auth/tokens.py);
    # None when it sent none, or a valid one.
    token_refusal: str | None
    loaders: Loaders
    services: Any
    # The user a successful login proved, so that the login itself is traced (the request had no viewer).
    authenticated: Viewer | None = None
    # A login's username as the trail may name it, and the global ID of the account it names if there is one: a
    # refused login is traced with them, since the request has no author (issue #8, item 2).
    attempted_login: tuple[str, str | None] | None = None
    # (operation, object IDs) of single full-record reads, written to the audit trail with the request.
    audit_reads: list[tuple[str, list[str]]] = field(default_factory=list)
    # Global IDs of every family's and child's file the request returned (schema/rowtypes.py `case_file`): one read
    # event names them all (docs/access.md rule 7).
    files_served: set[str] = field(default_factory=set)
    # What the executed result adds to the trail, as (operation, object IDs): an export's event once it served its
    # document (api/exports.py). Written in the request's transaction, like `audit_reads`.
    audit_result: Callable[[ExecutionResult], list[tuple[str, list[str]]]] | None = None
    # Users this request changed: their cached viewers are dropped again once the change is committed, so that no
    # process caches the row as it was before (auth/identity.py; issue #8, item 15).
    changed_users: set[str] = field(default_factory=set)
    # Work that must stand whether the request's transaction commits or rolls back, run once it has ended, on a
    # connection of its own (schema/transaction.py): a reused refresh token revokes its family, and the refusal that
    # follows rolls the mutation back (auth/sessions.py).
    after_transaction: list[Callable[[], Awaitable[object]]] = field(default_factory=list)


# What a resolver's `info` is here: strawberry's Info over this project's context (no root value).
Info = strawberry.Info[Context, None]

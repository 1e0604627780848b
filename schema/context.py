"""What a resolver may read of the request it serves: the viewer, the loaders, the request ID."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import strawberry

if TYPE_CHECKING:
    from collections.abc import Callable

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
    token_error: bool
    loaders: Loaders
    services: Any
    # The user a successful login proved, so that the login itself is traced (the request had no viewer).
    authenticated: Viewer | None = None
    # (operation, object IDs) of single full-record reads, written to the audit trail with the request.
    audit_reads: list[tuple[str, list[str]]] = field(default_factory=list)
    # Global IDs of every family's and child's file the request returned (schema/rowtypes.py `case_file`): one read
    # event names them all (ACCESS.md rule 7).
    files_served: set[str] = field(default_factory=set)
    # What the executed result adds to the trail, as (operation, object IDs): an export's event once it served its
    # document (api/exports.py). Written in the request's transaction, like `audit_reads`.
    audit_result: Callable[[ExecutionResult], list[tuple[str, list[str]]]] | None = None


# What a resolver's `info` is here: strawberry's Info over this project's context (no root value).
Info = strawberry.Info[Context, None]

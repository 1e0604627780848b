"""Every request runs in one database transaction that carries the viewer's scope, and leaves its audit trail.

- The scope settings (auth/rls.py) are set with `set_config(..., true)`, local to the transaction, so that
  row-level security filters every query of the request — the second wall behind the scope builder
  (docs/access.md rule 6). Resolvers, DataLoader batches and tasks gathered by graphql-core all run inside it.
- A mutation request with any error is rolled back whole: mutations are all-or-nothing.
- Every mutation, every read of a single family's or child's full record, and every other family's or child's
  file a request returns (one event per request naming them all) is written to the audit trail
  in the same transaction (docs/access.md rule 7), so a write without its trace cannot be committed; so is an export
  (api/exports.py) whose result served its workbook (`Context.audit_result`).
- Every refused attempt is written too, with its outcome (issue #8, item 2): a mutation rolled back (the first
  error's code, or ROLLED_BACK), a query refused FORBIDDEN, NOT_FOUND, UNAUTHENTICATED or RATE_LIMITED, a request
  the policy guard refused, a failed login (UNAUTHENTICATED, naming the username tried and never the password).
  It is written after the request's transaction has ended, on a connection of its own, through the
  security-definer function `audit_refusal` (migration 0017), so the rollback cannot erase it and an attempt with
  no author can be written at all. A request with no token that is no login attempt has no one to trace.
- The database adds the areas of the objects an event names (migration 0017), so the auditors of an object's area
  read it as well as those of the author's (issue #8, item 4).
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any, ClassVar

from graphql import (
    ArgumentNode,
    FieldNode,
    ListValueNode,
    ObjectFieldNode,
    OperationDefinitionNode,
    StringValueNode,
    Visitor,
    visit,
)
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType
from tortoise import connections
from tortoise.transactions import in_transaction

from auth.rls import database_settings
from schema.errors import BadUserInput, outcome_of
from schema.node import from_global_id

log = logging.getLogger("welfare_api.audit")


class _RollBack(Exception):
    pass


# Inputs and results named like IDs that are not the global ID of an object: the UUID an app makes for a record it
# sends twice, a request's ID, the audit trail's own list, and a person's national ID — personal data that an
# auditor must never read through the trail (docs/access.md rule 7; issue #8).
NOT_OBJECT_IDS = frozenset({"clientId", "requestId", "objectIds"})


def _is_id_key(key: str) -> bool:
    """Whether a key holds global IDs of objects (`id`, `…Id`, `…Ids`): the audit trail names objects by those only
    (docs/access.md rule 7)."""
    return (key not in NOT_OBJECT_IDS and not key.endswith(("nationalId", "NationalId"))
            and (key == "id" or key.endswith(("Id", "Ids"))))


def _ids_in(value: Any, found: list[str]) -> list[str]:
    """Every ID in a result or an input (`id`, `…Id`, `…Ids`), in order."""
    if isinstance(value, dict):
        for key, item in value.items():
            if _is_id_key(key) and isinstance(item, str):
                found.append(item)
            elif _is_id_key(key) and isinstance(item, list):
                found.extend(i for i in item if isinstance(i, str))
            else:
                _ids_in(item, found)
    elif isinstance(value, list):
        for item in value:
            _ids_in(item, found)
    return found


def _literal_ids(document: Any) -> list[str]:
    """IDs written inline in the document's arguments rather than passed as variables."""
    found: list[str] = []

    class Collect(Visitor):
        def enter_object_field(self, node: ObjectFieldNode, *_: Any) -> None:
            self._take(node.name.value, node.value)

        def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
            self._take(node.name.value, node.value)

        def _take(self, name: str, value: Any) -> None:
            if not _is_id_key(name):
                return
            if isinstance(value, StringValueNode):
                found.append(value.value)
            elif isinstance(value, ListValueNode):
                found.extend(v.value for v in value.values if isinstance(v, StringValueNode))

    visit(document, Collect())
    return found


def _root_fields(document: Any, operation_name: str | None) -> list[str]:
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and (
                operation_name is None or (definition.name and definition.name.value == operation_name)):
            return [s.name.value for s in definition.selection_set.selections if isinstance(s, FieldNode)]
    return []


async def record_audit(context: Any, operation: str, object_ids: list[str]) -> None:
    viewer = context.viewer or context.authenticated
    if viewer is None:
        return
    if context.viewer is None:  # a login: the request began without a user; the event's author is the one it proved
        await connections.get("default").execute_query("select set_config('app.user', $1, true)",
                                                       [str(viewer.user_id)])
    # A plain INSERT: INSERT … RETURNING would need the row to be readable too, and most writers may not read the
    # trail (row-level security on audit_event lets each role insert only its own events).
    await connections.get("default").execute_query(
        "insert into audit_event (at, user_id, username, role, organization_id, province_id, county_id, operation,"
        " object_ids, request_id, client_address) values (now(), $1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10)",
        [viewer.user_id, viewer.username, viewer.role.value, viewer.organization_id, viewer.province_id,
         viewer.county_id, operation[:80], json.dumps(sorted(set(object_ids))), context.request_id[:64],
         context.client_address[:64]],
    )


# Errors that make a query a refused attempt (docs/access.md rule 7). Any error refuses a mutation: it is rolled back.
REFUSALS = frozenset({"UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "RATE_LIMITED"})
ROLLED_BACK = "ROLLED_BACK"  # a mutation rolled back with no error to name (no result at all)


def refusal_outcome(result: Any, is_mutation: bool) -> str | None:
    """The outcome the trail records of a refused request (None: it was not refused): a mutation's first error,
    a query's first refusal."""
    if result is None:
        return ROLLED_BACK if is_mutation else None
    outcomes = [outcome_of(error) for error in result.errors or []]
    if is_mutation:
        return outcomes[0] if outcomes else None
    return next((outcome for outcome in outcomes if outcome in REFUSALS), None)


def _global_ids(ids: list[str]) -> list[str]:
    """The IDs a client sent that are global IDs at all: anything else it put in an ID field stays out of the trail
    (it could be anything, even a password)."""
    found = []
    for global_id in ids:
        try:
            from_global_id(global_id)
        except BadUserInput:  # not one of ours: the client's error, nothing for the trail
            continue
        found.append(global_id)
    return found


async def record_refusal(ctx: Any) -> None:
    """Write the refused attempt of a finished request, if it was one, outside any transaction of the request
    (module docstring)."""
    is_mutation = ctx.operation_type is OperationType.MUTATION
    outcome = refusal_outcome(ctx.result, is_mutation)
    context = ctx.context
    viewer = context.viewer or context.authenticated
    if outcome is None or (viewer is None and context.attempted_login is None):
        return
    fields = _root_fields(ctx.graphql_document, ctx.operation_name) if ctx.graphql_document is not None else []
    operation = ("mutation " if is_mutation else "query ") + ",".join(fields)
    if context.attempted_login is not None:  # a login names the account it tried, and nothing the client sent
        username, account = context.attempted_login
        object_ids = [account] if account is not None else []
    else:
        username = ""
        document = ctx.graphql_document
        object_ids = _global_ids(_ids_in(ctx.variables or {}, []) + (_literal_ids(document) if document else []))
    author = [None, username, None, None, None, None] if viewer is None else [
        viewer.user_id, viewer.username, viewer.role.value, viewer.organization_id, viewer.province_id,
        viewer.county_id]
    try:
        await connections.get("default").execute_query(
            "select audit_refusal($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11)",
            [*author, operation[:80], outcome, json.dumps(sorted(set(object_ids))), context.request_id[:64],
             context.client_address[:64]],
        )
    except Exception:  # the database is failing (it failed the request too): the refusal stands, the answer too
        log.exception("could not write the refusal of request %s to the audit trail", context.request_id)


class RequestTransaction(SchemaExtension):
    """One transaction per request, scoped for row-level security, with its audit events. Each statement of the
    request may run `statement_timeout_ms` (STATEMENT_TIMEOUT_MS; `request_transaction` makes the class for a
    setting); a statement past it is cancelled by PostgreSQL and the request answers INTERNAL with its request ID
    (schema/errors.py masks the cancel), so one slow request cannot stall the others."""

    statement_timeout_ms: ClassVar[int] = 5000

    async def on_execute(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        # Refused before execution (schema/permissions.py). A flag, not a test of ctx.result itself: mypy would keep
        # that narrowed to None past the `yield`, after which execution has set it.
        refused = ctx.result is not None
        if refused:
            yield
            await record_refusal(ctx)
            return
        context = ctx.context
        settings = database_settings(context.viewer)
        names = list(settings)
        try:
            async with in_transaction() as conn:
                await conn.execute_query(
                    "select " + ", ".join(f"set_config('{name}', ${i + 1}, true)"
                                          for i, name in enumerate([*names, "statement_timeout"])),
                    [*(settings[name] for name in names), str(self.statement_timeout_ms)],
                )
                yield
                result = ctx.result
                is_mutation = ctx.operation_type is OperationType.MUTATION
                named: set[str] = set()  # the objects this request's events name already
                if is_mutation and (result is None or result.errors):
                    raise _RollBack
                if is_mutation and result is not None and (context.viewer or context.authenticated) is not None:
                    fields = _root_fields(ctx.graphql_document, ctx.operation_name)
                    ids = (_ids_in(ctx.variables or {}, []) + _literal_ids(ctx.graphql_document)
                           + _ids_in(result.data or {}, []))
                    await record_audit(context, "mutation " + ",".join(fields), ids)
                    named.update(ids)
                for operation, object_ids in context.audit_reads:
                    await record_audit(context, operation, object_ids)
                    named.update(object_ids)
                if context.audit_result is not None and result is not None:
                    for operation, object_ids in context.audit_result(result):
                        await record_audit(context, operation, object_ids)
                        named.update(object_ids)
                # Every other family's or child's file the request returned (lists, nested fields, exports): one
                # event for the request, naming them all (docs/access.md rule 7; schema/rowtypes.py `case_file`).
                if unnamed := context.files_served - named:
                    await record_audit(context, "read case files", list(unnamed))
        except _RollBack:
            pass
        else:
            for username in context.changed_users:  # committed: a process that read the row meanwhile reads it anew
                await context.services.viewers.forget(username)
        # Committed or rolled back, the transaction is over: what must stand either way runs now, and a refused
        # attempt is written on its own.
        for work in context.after_transaction:
            try:
                await work()
            except Exception:  # the database is failing (it failed the request too): the answer stands
                log.exception("could not finish the work of request %s after its transaction", context.request_id)
        await record_refusal(ctx)


def request_transaction(statement_timeout_ms: int) -> type[RequestTransaction]:
    """The transaction extension with its statement timeout, made once per schema build."""
    return type("TimedRequestTransaction", (RequestTransaction,), {"statement_timeout_ms": statement_timeout_ms})

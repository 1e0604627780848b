"""Every request runs in one database transaction that carries the viewer's scope, and leaves its audit trail.

- The scope settings (auth/rls.py) are set with `set_config(..., true)`, local to the transaction, so that
  row-level security filters every query of the request — the second wall behind the scope builder
  (ACCESS.md rule 6). Resolvers, DataLoader batches and tasks gathered by graphql-core all run inside it.
- A mutation request with any error is rolled back whole: mutations are all-or-nothing.
- Every mutation, and every read of a single family's or child's full record, is written to the audit trail
  in the same transaction (ACCESS.md rule 7), so a write without its trace cannot be committed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from graphql import FieldNode, OperationDefinitionNode, OperationType
from strawberry.extensions import SchemaExtension
from tortoise.transactions import in_transaction

from auth.rls import database_settings
from models.audit import AuditEvent


class _RollBack(Exception):
    pass


def _ids_in(value: Any, found: list[str]) -> list[str]:
    """Every `id` value in a result or an input, in order."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("id", "familyId", "childId", "partnerId", "workerId") and isinstance(item, str):
                found.append(item)
            else:
                _ids_in(item, found)
    elif isinstance(value, list):
        for item in value:
            _ids_in(item, found)
    return found


def _root_fields(document: Any, operation_name: str | None) -> list[str]:
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and (
                operation_name is None or (definition.name and definition.name.value == operation_name)):
            return [s.name.value for s in definition.selection_set.selections if isinstance(s, FieldNode)]
    return []


async def record_audit(context: Any, operation: str, object_ids: list[str]) -> None:
    viewer = context.viewer
    if viewer is None:
        return
    await AuditEvent.create(
        user_id=viewer.user_id, username=viewer.username, role=viewer.role.value,
        organization_id=viewer.organization_id, province_id=viewer.province_id, county_id=viewer.county_id,
        operation=operation[:80], object_ids=sorted(set(object_ids)), request_id=context.request_id[:64],
        client_address=context.client_address[:64],
    )


class RequestTransaction(SchemaExtension):
    """One transaction per request, scoped for row-level security, with its audit events."""

    async def on_execute(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        if ctx.result is not None:  # refused before execution (schema/permissions.py)
            yield
            return
        context = ctx.context
        settings = database_settings(context.viewer)
        names = list(settings)
        try:
            async with in_transaction() as conn:
                await conn.execute_query(
                    "select " + ", ".join(f"set_config('{name}', ${i + 1}, true)" for i, name in enumerate(names)),
                    [settings[name] for name in names],
                )
                yield
                result = ctx.result
                is_mutation = ctx.operation_type is OperationType.MUTATION
                if is_mutation and (result is None or result.errors):
                    raise _RollBack
                if is_mutation and context.viewer is not None:
                    fields = _root_fields(ctx.graphql_document, ctx.operation_name)
                    ids = _ids_in(ctx.variables or {}, []) + _ids_in(result.data or {}, [])
                    await record_audit(context, "mutation " + ",".join(fields), ids)
                for operation, object_ids in context.audit_reads:
                    await record_audit(context, operation, object_ids)
        except _RollBack:
            pass

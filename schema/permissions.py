"""Enforces the policy table (auth/policy.py) on every field a request selects, before anything runs.

One walk of the document per request, not a check per resolved value: a query that selects a field the
viewer's role may not use fails whole, with UNAUTHENTICATED (no valid token) or FORBIDDEN naming the
fields. Rows are the scope builder's business (auth/scope.py); this guard decides which fields, types and
mutations a role may touch at all.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import ExecutionResult, FieldNode, GraphQLError, TypeInfo, TypeInfoVisitor, Visitor, visit
from strawberry.extensions import SchemaExtension

from auth.policy import is_public, may_select
from schema.errors import Forbidden, Unauthenticated


class _FieldCollector(Visitor):
    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info
        self.fields: list[tuple[str, str, FieldNode]] = []

    def enter_field(self, node: FieldNode, *_: object) -> None:
        name = node.name.value
        parent = self.type_info.get_parent_type()
        if parent is None or name.startswith("__") or parent.name.startswith("__"):
            return  # unknown fields fail validation; introspection is governed by its own switch
        self.fields.append((parent.name, name, node))


def selected_fields(schema, document) -> list[tuple[str, str, FieldNode]]:
    """Every (parent type, field, node) the document selects, fragments included."""
    type_info = TypeInfo(schema)
    collector = _FieldCollector(type_info)
    visit(document, TypeInfoVisitor(type_info, collector))
    return collector.fields


class PolicyGuard(SchemaExtension):
    """Refuses a request that selects any field the policy does not grant the viewer's role."""

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        viewer = ctx.context.viewer
        role = viewer.role if viewer is not None else None
        denied: list[tuple[str, str, FieldNode]] = []
        needs_login = False
        for parent, name, node in selected_fields(ctx.schema._schema, ctx.graphql_document):
            if may_select(role, parent, name):
                continue
            if viewer is None and not is_public(parent, name):
                needs_login = True
            denied.append((parent, name, node))
        if denied:
            if needs_login:
                error: Exception = Unauthenticated()
            else:
                error = Forbidden(", ".join(sorted({f"{p}.{n}" for p, n, _ in denied})))
            ctx.result = ExecutionResult(
                data=None,
                errors=[GraphQLError(str(error), nodes=[n for _, _, n in denied], original_error=error)],
            )
        yield

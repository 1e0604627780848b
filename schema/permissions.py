"""Enforces the policy table (auth/policy.py) on every field a request selects and every input field it sends,
before anything runs.

One walk of the document per request, not a check per resolved value: a query that selects a field the
viewer's role may not use, or sets an input field (or an input value) the policy reserves for other roles, fails
whole, with UNAUTHENTICATED (no valid token) or FORBIDDEN naming the fields. Rows are the scope builder's business
(auth/scope.py); this guard decides which fields, types, mutations and inputs a role may touch at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLSchema,
    Node,
    TypeInfo,
    TypeInfoVisitor,
    Undefined,
    Visitor,
    get_nullable_type,
    value_from_ast,
    visit,
)
from strawberry.extensions import SchemaExtension

from auth.policy import forbidden_input, is_public, may_select
from schema.errors import Forbidden, Unauthenticated


class _FieldCollector(Visitor):
    def __init__(self, type_info: TypeInfo, variables: dict[str, Any]) -> None:
        super().__init__()
        self.type_info = type_info
        self.variables = variables
        self.fields: list[tuple[str, str, FieldNode]] = []
        self.inputs: list[tuple[str, str, object, ArgumentNode]] = []

    def enter_argument(self, node: ArgumentNode, *_: object) -> None:
        argument = self.type_info.get_argument()
        if argument is None:
            return  # an unknown argument fails validation
        value = value_from_ast(node.value, argument.type, self.variables)
        if value is not Undefined:
            for input_type, field_name, field_value in provided_inputs(argument.type, value):
                self.inputs.append((input_type, field_name, field_value, node))

    def enter_field(self, node: FieldNode, *_: object) -> None:
        name = node.name.value
        parent = self.type_info.get_parent_type()
        if parent is None or name.startswith("__") or parent.name.startswith("__"):
            return  # unknown fields fail validation; introspection is governed by its own switch
        self.fields.append((parent.name, name, node))


def provided_inputs(input_type: GraphQLInputType, value: Any) -> Iterator[tuple[str, str, object]]:
    """Every (input type, field, value) an argument's value sets, nested input objects and lists included."""
    named = get_nullable_type(input_type)
    if isinstance(named, GraphQLList):
        for item in value if isinstance(value, list) else [value]:
            yield from provided_inputs(named.of_type, item)
    elif isinstance(named, GraphQLInputObjectType) and isinstance(value, dict):
        for field_name, field_value in value.items():
            field = named.fields.get(field_name)
            if field_value is None and field is not None and field.default_value is None:
                continue  # null, as when left out (coercion fills in defaults): it sets nothing, whoever sends it
            yield named.name, field_name, field_value
            if field is not None:
                yield from provided_inputs(field.type, field_value)


def _collect(schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any]) -> _FieldCollector:
    type_info = TypeInfo(schema)
    collector = _FieldCollector(type_info, variables)
    visit(document, TypeInfoVisitor(type_info, collector))
    return collector


def selected_fields(schema: GraphQLSchema, document: DocumentNode) -> list[tuple[str, str, FieldNode]]:
    """Every (parent type, field, node) the document selects, fragments included."""
    return _collect(schema, document, {}).fields


class PolicyGuard(SchemaExtension):
    """Refuses a request that selects any field the policy does not grant the viewer's role."""

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        viewer = ctx.context.viewer
        role = viewer.role if viewer is not None else None
        denied: list[tuple[str, str, Node]] = []
        needs_login = False
        assert ctx.graphql_document is not None  # parsed: strawberry asserts as much before execution begins
        found = _collect(ctx.schema._schema, ctx.graphql_document, ctx.variables or {})
        for parent, name, node in found.fields:
            if may_select(role, parent, name):
                continue
            if viewer is None and not is_public(parent, name):
                needs_login = True
            denied.append((parent, name, node))
        if role is not None:
            denied += [(input_type, name, node) for input_type, name, value, node in found.inputs
                       if forbidden_input(role, input_type, name, value)]
        if denied:
            if needs_login:
                error: Exception = Unauthenticated(ctx.context.token_refusal)
            else:
                error = Forbidden(", ".join(sorted({f"{p}.{n}" for p, n, _ in denied})))
            ctx.result = ExecutionResult(
                data=None,
                errors=[GraphQLError(str(error), nodes=[n for _, _, n in denied], original_error=error)],
            )
        yield

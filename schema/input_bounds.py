"""Bounds on every string a request sends (issue #8, items 7 and 8), checked in one place so that no field, today's or
tomorrow's, can forget them.

Before anything runs, every argument in the document — of fields and directives, written inline or passed as a
variable, nested input objects and lists included — and every variable's default is walked along its GraphQL type.
Each string must

- be at most as long as its kind allows: a username `MAX_USERNAME_LENGTH` (auth/accounts.py: 3–64 characters), an
  ID `MAX_ID_LENGTH`, a string of a filter (an input type named …Filter) `MAX_FILTER_LENGTH` (the longest name),
  any other `MAX_TEXT_LENGTH` (the longest text a field stores, schema/case_files.NOTES_LENGTH) — so that no
  oversized value reaches the database, the log or the login throttle's memory;
- hold no NUL character (PostgreSQL's text refuses it) and no lone surrogate (a `\\ud800` escape in the JSON: not
  text, and not encodable for the database).

A string that fails is BAD_USER_INPUT naming its field (the argument's or input field's GraphQL name); the message
never repeats the value. Each field still checks its own column's width where it stores the text
(schema/common.clean_text); these bounds are the outer wall that holds for every field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graphql import (
    ArgumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLID,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLSchema,
    ListValueNode,
    Node,
    ObjectValueNode,
    StringValueNode,
    TypeInfo,
    TypeInfoVisitor,
    ValueNode,
    VariableDefinitionNode,
    VariableNode,
    Visitor,
    get_named_type,
    get_nullable_type,
    type_from_ast,
    visit,
)
from strawberry.extensions import SchemaExtension

from schema.errors import BadUserInput

MAX_TEXT_LENGTH = 10_000
MAX_FILTER_LENGTH = 200
MAX_ID_LENGTH = 100
MAX_USERNAME_LENGTH = 64

_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")


def max_length(field: str, input_type: str | None, leaf: Any) -> int:
    """The longest string `field` (of the input type `input_type`, or an argument when None) may hold."""
    if field == "username":
        return MAX_USERNAME_LENGTH
    if leaf is GraphQLID:
        return MAX_ID_LENGTH
    if input_type is not None and input_type.endswith("Filter"):
        return MAX_FILTER_LENGTH
    return MAX_TEXT_LENGTH


def check_text(value: str, field: str, longest: int) -> None:
    if len(value) > longest:
        raise BadUserInput(f"{field} is longer than {longest} characters.", f"{field} بیش از {longest} نویسه است.",
                           field=field)
    if _NOT_TEXT.search(value):
        raise BadUserInput(f"{field} holds a character that is not text (NUL or a lone surrogate).",
                           f"{field} نویسه‌ای دارد که متن نیست.", field=field)


class _Strings:
    """Every string of a request's arguments and variable defaults, with its field and the bound it must keep."""

    def __init__(self, variables: dict[str, Any]) -> None:
        self.variables = variables

    def in_literal(self, node: ValueNode, type_: Any, field: str, input_type: str | None
                   ) -> Iterator[tuple[str, str, int]]:
        named = get_nullable_type(type_)
        if isinstance(node, VariableNode):
            yield from self.in_value(self.variables.get(node.name.value), type_, field, input_type)
        elif isinstance(node, ListValueNode):
            item_type = named.of_type if isinstance(named, GraphQLList) else named
            for item in node.values:
                yield from self.in_literal(item, item_type, field, input_type)
        elif isinstance(node, ObjectValueNode) and isinstance(named, GraphQLInputObjectType):
            for field_node in node.fields:
                definition = named.fields.get(field_node.name.value)
                if definition is not None:  # an unknown field fails validation
                    yield from self.in_literal(field_node.value, definition.type, field_node.name.value, named.name)
        elif isinstance(node, StringValueNode):
            yield node.value, field, max_length(field, input_type, get_named_type(type_))

    def in_value(self, value: Any, type_: Any, field: str, input_type: str | None
                 ) -> Iterator[tuple[str, str, int]]:
        """The strings of a variable's value as the client sent it (JSON), before graphql-core coerces it."""
        named = get_nullable_type(type_)
        if isinstance(value, str):
            yield value, field, max_length(field, input_type, get_named_type(type_))
        elif isinstance(value, list):
            item_type = named.of_type if isinstance(named, GraphQLList) else named
            for item in value:
                yield from self.in_value(item, item_type, field, input_type)
        elif isinstance(value, dict) and isinstance(named, GraphQLInputObjectType):
            for name, item in value.items():
                definition = named.fields.get(name)
                if definition is not None:  # an unknown field fails coercion
                    yield from self.in_value(item, definition.type, name, named.name)


class _Walk(Visitor):
    def __init__(self, schema: GraphQLSchema, type_info: TypeInfo, variables: dict[str, Any]) -> None:
        super().__init__()
        self.schema = schema
        self.type_info = type_info
        self.strings = _Strings(variables)

    def enter_argument(self, node: ArgumentNode, *_: object) -> None:
        argument = self.type_info.get_argument()
        if argument is not None:  # an unknown argument fails validation
            self._check(self.strings.in_literal(node.value, argument.type, node.name.value, None), node)

    def enter_variable_definition(self, node: VariableDefinitionNode, *_: object) -> None:
        type_ = type_from_ast(self.schema, node.type)
        if node.default_value is not None and type_ is not None:
            self._check(self.strings.in_literal(node.default_value, type_, node.variable.name.value, None), node)

    @staticmethod
    def _check(strings: Iterator[tuple[str, str, int]], node: Node) -> None:
        for value, field, longest in strings:
            try:
                check_text(value, field, longest)
            except BadUserInput as refused:
                raise GraphQLError(str(refused), nodes=[node], original_error=refused) from None


class InputBounds(SchemaExtension):
    """Refuses a request any of whose strings is too long, or not text, before anything runs."""

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        assert ctx.graphql_document is not None  # parsed: strawberry asserts as much before execution begins
        schema = ctx.schema._schema
        type_info = TypeInfo(schema)
        try:
            visit(ctx.graphql_document, TypeInfoVisitor(type_info, _Walk(schema, type_info, ctx.variables or {})))
        except GraphQLError as refused:
            ctx.result = ExecutionResult(data=None, errors=[refused])
        yield

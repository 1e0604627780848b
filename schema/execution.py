"""A faster execution of plain fields, safe because permissions are not per-field here.

Most of a families page is plain columns (`firstName`, `birthDate`, …): a strawberry field with no resolver,
no extension and no arguments, whose value is an attribute of the row, serialised as a scalar or enum. graphql-core
builds a resolve-info, a path and a completion for each of them — most of a page's time (bench/README.md). This
execution context reads such fields straight off the row and serialises them, and hands everything else to the
normal machinery. It is correct only because access is decided before execution, once per document, by
schema/permissions.py and rows by the scope builder: no field of this schema carries a permission or an
extension, and `plain_fields` refuses any that does.

Kept safe (issue 8 item 17):

- A value the shortcut cannot serialise (an enum value the type does not know, an Int past 2^31, a null in a non-null
  field) goes to graphql-core's own path, which reports it with the field's path and its own message.
- No shortcut at all when a schema extension defines `resolve`: graphql-core runs such a hook around every field,
  and the shortcut would skip it. Checked when the schema is built (`plain_field_execution`).
- It overrides graphql-core's `Executor.execute_fields` and relies on how that method is called and what it
  returns; it was written against graphql-core 3.3 (WRITTEN_FOR, pinned in pyproject.toml) and another minor
  version gets the standard execution, with a warning in the log.
- tests/api/test_execution.py runs generated queries of every demo role through both paths and requires the same
  JSON, errors included.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from enum import Enum
from typing import Any, Final, TypeGuard, cast

import graphql
import strawberry
from graphql import GraphQLEnumType, GraphQLNonNull, GraphQLObjectType, GraphQLScalarType, GraphQLSchema, Undefined
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from tortoise.models import Model

from rules.jalali import to_jalali
from schema.node import to_global_id
from schema.rowtypes import JALALI_OF


class _Jalali(Enum):
    """A marker that mypy can tell from the leaf types (a sentinel enum), unlike a plain string."""

    LEAF = "jalali"


PlainField = tuple[str, GraphQLScalarType | GraphQLEnumType | _Jalali | None, bool]
GLOBAL_ID = None  # the leaf of a Node's `id`: to_global_id(type, row.id), as every Node type resolves it
JALALI: Final = _Jalali.LEAF  # the leaf of a date's `…Jalali` companion (schema/rowtypes.py): to_jalali(row.<date>)

WRITTEN_FOR: Final = (3, 3)  # the graphql-core minor whose Executor.execute_fields this replaces (pyproject.toml)

log = logging.getLogger(__name__)


def shortcut_refusal(schema: strawberry.Schema) -> str | None:
    """Why the shortcut would not answer exactly as graphql-core for `schema`, or None when it would."""
    running = graphql.version_info
    if (running.major, running.minor) != WRITTEN_FOR:
        return f"graphql-core {graphql.version} is not the {WRITTEN_FOR[0]}.{WRITTEN_FOR[1]} it was written for"
    resolving = sorted({type(e).__name__ for e in schema.get_extensions() if e._implements_resolve()})
    if resolving:
        return f"the schema extensions {', '.join(resolving)} resolve every field"
    return None


def plain_field_execution(schema: strawberry.Schema) -> type[PlainFieldExecutionContext] | None:
    """The execution context serving `schema`'s plain fields inline, or None (and a warning) where it may not."""
    refusal = shortcut_refusal(schema)
    if refusal is not None:
        log.warning("plain-field shortcut off, standard execution instead: %s", refusal)
        return None
    found = plain_fields(schema._schema)

    class SchemaExecutionContext(PlainFieldExecutionContext):
        plain = found  # this schema's own

    return SchemaExecutionContext


def plain_fields(schema: GraphQLSchema) -> dict[tuple[str, str], PlainField]:
    """(type, field) → (attribute, leaf type, nullable) for every field that is a bare attribute of its row."""
    found: dict[tuple[str, str], PlainField] = {}
    for type_name, graphql_type in schema.type_map.items():
        if type_name.startswith("__") or not isinstance(graphql_type, GraphQLObjectType):
            continue
        if any(interface.name == "Node" for interface in graphql_type.interfaces):
            found[(type_name, "id")] = ("id", GLOBAL_ID, False)
        for field_name, field in graphql_type.fields.items():
            definition = field.extensions.get("strawberry-definition")
            if definition is not None and JALALI_OF in definition.metadata and not definition.extensions:
                found[(type_name, field_name)] = (definition.metadata[JALALI_OF], JALALI,
                                                  not isinstance(field.type, GraphQLNonNull))
                continue
            if (definition is None or definition.base_resolver is not None or definition.extensions
                    or definition.permission_classes or field.args):
                continue
            nullable = not isinstance(field.type, GraphQLNonNull)
            leaf = field.type if nullable else field.type.of_type
            if isinstance(leaf, GraphQLScalarType | GraphQLEnumType):
                found[(type_name, field_name)] = (definition.python_name, leaf, nullable)
    return found


def is_awaitable(value: Any) -> TypeGuard[Awaitable[Any]]:
    """graphql-core's test, except for ORM rows. A Tortoise model defines `__await__` (awaiting it yields itself),
    so the standard test takes every row a resolver returns for a coroutine and spends a task on it."""
    return not isinstance(value, Model) and optimized_is_awaitable(value)


class PlainFieldExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Executes plain fields inline; set `plain` with `plain_fields(schema)` before use (schema/__init__.py)."""

    plain: dict[tuple[str, str], PlainField] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_awaitable = is_awaitable

    def execute_fields(self, parent_type: GraphQLObjectType, source_value: Any, path: Any, grouped_field_set: Any,
                       position_context: Any) -> Any:
        plain = self.plain
        type_name = parent_type.name
        inline: dict[str, Any] = {}
        rest: dict[str, Any] = {}
        for response_name, details in grouped_field_set.items():
            spec = plain.get((type_name, details[0].node.name.value))
            if spec is not None and not details[0].node.arguments:
                completed = _complete(type_name, source_value, spec)
                if completed is not Undefined:
                    inline[response_name] = completed
                    continue
            rest[response_name] = details  # the normal path, errors included
        if not rest:
            return inline
        others = super().execute_fields(parent_type, source_value, path, rest, position_context)
        if self.is_awaitable(others):
            async def merged() -> dict[str, Any]:
                return _in_order(grouped_field_set, inline, await others)

            return merged()
        return _in_order(grouped_field_set, inline, cast("dict[str, Any]", others))  # not awaitable: a value


def _complete(type_name: str, row: Any, spec: PlainField) -> Any:
    """The field's value as graphql-core would complete it, or Undefined where graphql-core must: a null in a
    non-null field, or a value that does not serialise (graphql-core then reports the error with its path)."""
    attribute, leaf, nullable = spec
    value: Any = getattr(row, attribute, Undefined)
    if value is Undefined:  # not a row after all: strawberry's resolver says so
        return Undefined
    if value is None:
        return None if nullable else Undefined
    try:
        if leaf is GLOBAL_ID:
            return to_global_id(type_name, value)
        if leaf is JALALI:
            return to_jalali(value)
        completed = leaf.coerce_output_value(value)  # as graphql-core's complete_leaf_value
    except Exception:
        return Undefined
    return Undefined if completed is None else completed


def _in_order(grouped_field_set: Any, inline: dict[str, Any], others: dict[str, Any]) -> dict[str, Any]:
    """The response keeps the order of the selection (GraphQL spec, ordered results)."""
    return {name: inline[name] if name in inline else others[name]
            for name in grouped_field_set if name in inline or name in others}

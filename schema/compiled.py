"""Hot reads compiled into one SQL statement that builds the response in PostgreSQL (issue #10, section 2), as
PostGraphile and Hasura answer: `json_build_object` and `json_agg` over keyset pages, correlated sub-selects for
the nested rows, run on the request's own transaction so that row-level security binds it as it binds the ORM.

What it answers (COMPILED_READS, off by default): a query whose root fields are all `families` or `children`, with
`first`, `after` and `filter` (any filter field but `families(filter: {nationalId})`, which looks its members up
first), selecting `totalCount`, `pageInfo`, `edges { cursor node }`, and on the nodes their plain columns, `id`,
`__typename`, and the relations of schema/sources.py `RELATIONS` (`members`, `head`, `currentAssignment { partner
worker }`) with their own plain columns and `…Jalali` companions. Fragments, aliases and variables work. Anything
else — a field with a Python resolver, a directive, another argument, an argument that fails (a bad cursor, a page
too large: the standard path reports it) — is answered by today's execution, whole: a request is never half
compiled.

How it stays the same answer:

- It runs after the policy guard (schema/permissions.py) accepted every field, inside RequestTransaction, on the
  transaction's connection (schema/__init__.py orders the extensions so).
- Rows come from `scoped_rows` (schema/sources.py), the very query sets the resolvers use, rendered to SQL by
  Tortoise and used as the statement's row sources (`WITH … AS NOT MATERIALIZED`, so PostgreSQL folds the joins
  into them); the filter is the connection's own `narrow`; pages are `paginate`'s keyset pages.
- Columns, leaf types and global IDs come from the schema itself (schema/execution.py `plain_fields`: the fields
  that are bare attributes of their row), enum values from the GraphQL enum types, relations from `RELATIONS`;
  global IDs and cursors are written in SQL (unpadded urlsafe base64, schema/node.py), the Jalali companions by
  the function `to_jalali(date)` of migration 0020.
- The returned files' IDs come back from the same statement and go to `Context.files_served`, which the read event
  names (schema/transaction.py), as `is_type_of` notes them on the standard path (schema/rowtypes.py `case_file`).
- tests/api/test_compiled.py runs generated queries through both paths and requires the same JSON.

A plan is made once per (document, operation, role) and kept; the scope's SQL depends on the viewer and is rendered
for each request.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, ClassVar, Final

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    get_operation_ast,
)
from graphql.execution.values import get_argument_values, get_variable_values
from graphql.language import OperationType as AstOperationType
from strawberry.extensions import SchemaExtension
from strawberry.types.arguments import convert_arguments
from strawberry.types.graphql import OperationType
from tortoise import connections
from tortoise.models import Model
from tortoise.queryset import QuerySet

from schema.errors import ApiError
from schema.execution import GLOBAL_ID, JALALI, PlainField, plain_fields
from schema.node import largest_key_of, to_global_id
from schema.pagination import _page_size, decode_cursor
from schema.rowtypes import CASE_FILE_TYPES
from schema.sources import RELATIONS, SOURCES, Relation, scoped_rows

# The root connections compiled, and the filter fields they do not compile (their `narrow` runs a query of its own).
ROOTS: Final = frozenset({"families", "children"})
UNCOMPILED_FILTERS: Final = {"families": frozenset({"national_id"})}
ROOT_ARGUMENTS: Final = frozenset({"first", "after", "filter"})
# Leaf scalars whose JSON PostgreSQL writes exactly as the API does (a date as ISO `YYYY-MM-DD`).
SQL_SCALARS: Final = frozenset({"String", "Int", "Boolean", "Date"})
MAX_KEYS: Final = 50  # json_build_object takes at most 100 arguments
MAX_PLANS: Final = 512

log = logging.getLogger(__name__)
# A bind parameter `$n` of a rendered query, or a string literal (left as it is: a `$1` inside one is text).
_PLACEHOLDER = re.compile(r"'(?:[^']|'')*'|\$(\d+)")


class Uncompiled(Exception):
    """The request holds something the compiler does not answer: today's execution answers it whole."""


# --- plans: what a document selects, in SQL terms, independent of the viewer ---------------------------------


@dataclass(frozen=True)
class RowPlan:
    """A row type's JSON object: (response name, SQL expression over `{r}` or a nested relation) in order."""

    type_name: str
    parts: tuple[tuple[str, str | tuple[Relation, RowPlan]], ...]


@dataclass(frozen=True)
class RootPlan:
    response_name: str
    field_name: str
    type_name: str  # of the connection's nodes
    node: FieldNode  # for its arguments
    field: GraphQLField
    parts: tuple[tuple[str, Any], ...]  # totalCount, __typename, pageInfo (names), edges (names, node plan)
    returns_files: bool  # nodes completed of a case-file type: their IDs go to the read event


def _applies(schema: GraphQLSchema, condition: str | None, parent: GraphQLObjectType) -> bool:
    """Whether a fragment on `condition` applies to an object of `parent` (its own type, or an interface or union
    it belongs to), as graphql-core decides."""
    if condition is None or condition == parent.name:
        return True
    named = schema.get_type(condition)
    return isinstance(named, GraphQLInterfaceType | GraphQLUnionType) and schema.is_sub_type(named, parent)


def collect(schema: GraphQLSchema, parent: GraphQLObjectType, selection_sets: list[SelectionSetNode],
            fragments: dict[str, FragmentDefinitionNode]) -> dict[str, list[FieldNode]]:
    """The fields selected on `parent`, merged by response name in the order graphql-core executes them."""
    found: dict[str, list[FieldNode]] = {}

    def walk(selection_set: SelectionSetNode) -> None:
        for selection in selection_set.selections:
            if selection.directives:
                raise Uncompiled("a directive")
            if isinstance(selection, FieldNode):
                found.setdefault((selection.alias or selection.name).value, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition.name.value if selection.type_condition else None
                if _applies(schema, condition, parent):
                    walk(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = fragments[selection.name.value]
                if fragment.directives:
                    raise Uncompiled("a directive")
                if _applies(schema, fragment.type_condition.name.value, parent):
                    walk(fragment.selection_set)

    for selection_set in selection_sets:
        walk(selection_set)
    return found


def _below(nodes: list[FieldNode]) -> list[SelectionSetNode]:
    return [node.selection_set for node in nodes if node.selection_set is not None]


def _object(field: GraphQLField) -> GraphQLObjectType:
    named = get_named_type(field.type)
    if not isinstance(named, GraphQLObjectType):
        raise Uncompiled("an abstract type")
    return named


class Planner:
    """Plans one document against one schema (`plain`: the schema's plain fields, schema/execution.py)."""

    def __init__(self, schema: GraphQLSchema, plain: dict[tuple[str, str], PlainField],
                 fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.schema = schema
        self.plain = plain
        self.fragments = fragments

    def fields(self, parent: GraphQLObjectType, nodes: list[FieldNode]) -> dict[str, list[FieldNode]]:
        return collect(self.schema, parent, _below(nodes), self.fragments)

    def root(self, response_name: str, nodes: list[FieldNode]) -> RootPlan:
        query = self.schema.query_type
        assert query is not None
        name = nodes[0].name.value
        if name not in ROOTS:
            raise Uncompiled(f"root field {name}")
        if any(a.name.value not in ROOT_ARGUMENTS for a in nodes[0].arguments or ()):
            raise Uncompiled("an argument")
        field = query.fields[name]
        connection = _object(field)
        edge_type = _object(connection.fields["edges"])
        node_type = _object(edge_type.fields["node"])
        parts: list[tuple[str, Any]] = []
        returns_files = False
        for key, selected in self.fields(connection, nodes).items():
            what = selected[0].name.value
            if what == "totalCount":
                parts.append((key, what))
            elif what == "__typename":
                parts.append((key, f"'{connection.name}'"))
            elif what == "pageInfo":
                page_info = self.fields(_object(connection.fields["pageInfo"]), selected)
                if any(n[0].name.value not in PAGE_INFO for n in page_info.values()):
                    raise Uncompiled("a pageInfo field")
                parts.append((key, ("pageInfo", tuple((k, n[0].name.value) for k, n in page_info.items()))))
            elif what == "edges":
                edge_parts: list[tuple[str, Any]] = []
                for edge_key, edge_nodes in self.fields(edge_type, selected).items():
                    edge_what = edge_nodes[0].name.value
                    if edge_what == "cursor":
                        edge_parts.append((edge_key, edge_what))
                    elif edge_what == "__typename":
                        edge_parts.append((edge_key, f"'{edge_type.name}'"))
                    elif edge_what == "node":
                        edge_parts.append((edge_key, self.row(node_type, edge_nodes)))
                        returns_files = returns_files or node_type.name in CASE_FILE_TYPES
                    else:
                        raise Uncompiled(f"edge field {edge_what}")
                parts.append((key, ("edges", tuple(edge_parts))))
            else:
                raise Uncompiled(f"connection field {what}")
        return RootPlan(response_name, name, node_type.name, nodes[0], field, tuple(parts), returns_files)

    def row(self, row_type: GraphQLObjectType, nodes: list[FieldNode]) -> RowPlan:
        type_name = row_type.name
        if type_name not in SOURCES:
            raise Uncompiled(f"type {type_name}")
        model = SOURCES[type_name][0]
        parts: list[tuple[str, str | tuple[Relation, RowPlan]]] = []
        for key, selected in self.fields(row_type, nodes).items():
            name = selected[0].name.value
            if any(node.arguments for node in selected):
                raise Uncompiled("a field argument")
            relation = RELATIONS.get((type_name, name))
            if name == "__typename":
                parts.append((key, f"'{type_name}'"))
            elif relation is not None:
                target = _object(row_type.fields[name])
                if target.name != relation.target:
                    raise Uncompiled(f"relation {type_name}.{name}")
                parts.append((key, (relation, self.row(target, selected))))
            elif (type_name, name) in self.plain:
                parts.append((key, leaf_sql(type_name, model, self.plain[(type_name, name)])))
            else:
                raise Uncompiled(f"field {type_name}.{name}")
        if len(parts) > MAX_KEYS:
            raise Uncompiled("too many keys for one json_build_object")
        return RowPlan(type_name, tuple(parts))


PAGE_INFO: Final = frozenset({"hasNextPage", "hasPreviousPage", "startCursor", "endCursor", "__typename"})


def column(model: type[Model], attribute: str) -> str:
    """The quoted database column of `model`'s `attribute`; Uncompiled when it is no column."""
    found = model._meta.fields_map.get(attribute)
    if found is None or attribute in model._meta.fetch_fields:
        raise Uncompiled(f"{model.__name__}.{attribute} is no column")
    name = found.source_field or attribute
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise Uncompiled(f"column {name}")
    return f'"{name}"'


def base64_sql(text: str) -> str:
    """SQL for the unpadded urlsafe base64 of the text expression `text` (schema/node.py, schema/pagination.py)."""
    return f"translate(rtrim(encode(convert_to({text}, 'UTF8'), 'base64'), '='), E'+/\\n', '-_')"


def leaf_sql(type_name: str, model: type[Model], spec: PlainField) -> str:
    """SQL over the row `{r}` for a plain field, serialised as the API serialises it."""
    attribute, leaf, _ = spec
    if leaf is GLOBAL_ID:
        return base64_sql(f"'{type_name}:' || {{r}}.{column(model, 'id')}")
    value = "{r}." + column(model, attribute)
    if leaf is JALALI:  # the date's companion (schema/rowtypes.py), by the function of migration 0020
        return f"to_jalali({value})"
    if isinstance(leaf, GraphQLEnumType):
        stored = {name: str(getattr(v.value, "value", v.value)) for name, v in leaf.values.items()}
        if all(name == db and re.fullmatch(r"[A-Z0-9_]+", name) for name, db in stored.items()):
            return value
        raise Uncompiled(f"enum {leaf.name} stored under other names")
    if isinstance(leaf, GraphQLScalarType) and leaf.name in SQL_SCALARS:
        return value
    raise Uncompiled(f"scalar {leaf}")


def plan_operation(schema: GraphQLSchema, plain: dict[tuple[str, str], PlainField], document: Any,
                   operation_name: str | None) -> tuple[OperationDefinitionNode, tuple[RootPlan, ...]] | None:
    """The plan of a query the compiler answers whole, or None."""
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not AstOperationType.QUERY or operation.directives:
        return None
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    planner = Planner(schema, plain, fragments)
    query = schema.query_type
    assert query is not None
    try:
        roots = collect(schema, query, [operation.selection_set], fragments)
        return operation, tuple(planner.root(name, nodes) for name, nodes in roots.items())
    except Uncompiled as reason:
        log.debug("not compiled, %s", reason)
        return None


# --- statements: a plan with the viewer's scope and the request's arguments ------------------------------------


class Statement:
    """One SQL statement in the making: its row sources (`WITH`) and their parameters."""

    def __init__(self) -> None:
        self.sources: list[str] = []
        self.params: list[Any] = []
        self.scoped: dict[tuple[str, tuple[tuple[str, Any], ...]], str] = {}
        self.aliases = 0

    def source(self, name: str, rows: QuerySet[Any]) -> str:
        """Add `rows` (a Tortoise query set) as the row source `name`, its parameters renumbered after ours."""
        rows._choose_db_if_not_chosen()
        rows._make_query()
        sql, params = rows.query.get_parameterized_sql()
        offset = len(self.params)
        sql = _PLACEHOLDER.sub(lambda m: m.group(0) if m.group(1) is None else f"${int(m.group(1)) + offset}", sql)
        self.params.extend(params)
        self.sources.append(f"{name} AS NOT MATERIALIZED ({sql})")
        return name

    def scoped_source(self, viewer: Any, relation: Relation) -> str:
        key = (relation.target, relation.conditions)
        if key not in self.scoped:
            rows = scoped_rows(viewer, relation.target).filter(**dict(relation.conditions))
            self.scoped[key] = self.source(f"s{len(self.scoped)}", rows)
        return self.scoped[key]

    def alias(self) -> str:
        self.aliases += 1
        return f"r{self.aliases}"

    def row_json(self, viewer: Any, plan: RowPlan, row: str) -> str:
        args: list[str] = []
        for key, part in plan.parts:
            args.append(f"'{key}'")
            if isinstance(part, str):
                args.append(part.replace("{r}", row))
            else:
                args.append(self.joined(viewer, part[0], part[1], plan.type_name, row))
        return f"json_build_object({', '.join(args)})"

    def joined(self, viewer: Any, relation: Relation, plan: RowPlan, parent_type: str, parent: str) -> str:
        source = self.scoped_source(viewer, relation)
        row = self.alias()
        model = SOURCES[relation.target][0]
        node = self.row_json(viewer, plan, row)
        if relation.kind == "key":
            key = column(SOURCES[parent_type][0], relation.column)
            return f'(select {node} from {source} {row} where {row}."id" = {parent}.{key})'
        on = f"{row}.{column(model, relation.column)} = {parent}.\"id\""
        if relation.pick is not None:
            on += f" and {row}.{column(model, relation.pick)}"
        if relation.kind == "many":
            return f"coalesce((select json_agg({node} order by {row}.id) from {source} {row} where {on}), '[]'::json)"
        return f"(select {node} from {source} {row} where {on} order by {row}.id limit 1)"


def _cursor_sql(key: str) -> str:
    return base64_sql(f"'k:' || {key}")


async def root_sql(statement: Statement, index: int, plan: RootPlan, viewer: Any, arguments: dict[str, Any]) -> str:
    """The JSON of one root connection, its rows added to `statement` as `c<i>` (the filtered list), `p<i>` (the
    keyset page and one more) and `e<i>` (the page's edges), as `schema/pagination.paginate` reads them."""
    rows = scoped_rows(viewer, plan.type_name)
    found = arguments.get("filter")
    if found is not None:
        skipped = UNCOMPILED_FILTERS.get(plan.field_name, frozenset())
        if any(getattr(found, name, None) is not None for name in skipped):
            raise Uncompiled("a filter field")
        try:
            rows = await found.narrow(rows, viewer)
        except Exception as error:  # noqa: BLE001 - whatever it is, the standard path reports it as it always has
            raise Uncompiled("an argument the standard path refuses") from error
    try:
        size = _page_size(arguments.get("first"), "first")
        after = arguments.get("after")
        after_key = None if after is None else decode_cursor(after, "after", largest_key_of(rows.model))
    except ApiError as error:
        raise Uncompiled("an argument the standard path refuses") from error
    listed = statement.source(f"c{index}", rows)
    keyset = "" if after_key is None else f' where "id" > {int(after_key)}'
    statement.sources.append(f'p{index} AS (select * from {listed}{keyset} order by "id" limit {size + 1})')
    statement.sources.append(f'e{index} AS (select * from p{index} order by "id" limit {size})')
    args: list[str] = []
    for key, part in plan.parts:
        args.append(f"'{key}'")
        if part == "totalCount":
            args.append(f"(select count(*) from {listed})")
        elif isinstance(part, str):  # __typename
            args.append(part)
        elif part[0] == "pageInfo":
            args.append(_page_info_sql(index, part[1], size, after is not None))
        else:
            edge_args: list[str] = []
            for edge_key, edge_part in part[1]:
                edge_args.append(f"'{edge_key}'")
                if edge_part == "cursor":
                    edge_args.append(_cursor_sql('r0."id"'))
                elif isinstance(edge_part, str):  # __typename
                    edge_args.append(edge_part)
                else:
                    edge_args.append(statement.row_json(viewer, edge_part, "r0"))
            args.append(f"coalesce((select json_agg(json_build_object({', '.join(edge_args)}) order by r0.\"id\") "
                        f"from e{index} r0), '[]'::json)")
    return f"json_build_object({', '.join(args)})"


def _page_info_sql(index: int, parts: tuple[tuple[str, str], ...], size: int, has_after: bool) -> str:
    values = {
        "hasNextPage": f"(select count(*) > {size} from p{index})",
        "hasPreviousPage": "true" if has_after else "false",
        "startCursor": _cursor_sql(f'(select min("id") from e{index})'),
        "endCursor": _cursor_sql(f'(select max("id") from e{index})'),
        "__typename": "'PageInfo'",
    }
    return "json_build_object(" + ", ".join(f"'{key}', {values[what]}" for key, what in parts) + ")"


# --- the extension ------------------------------------------------------------------------------------------


class CompiledReads(SchemaExtension):
    """Answers a query the compiler understands with one SQL statement (module docstring); must run inside
    RequestTransaction and after PolicyGuard (schema/__init__.py)."""

    plans: ClassVar[dict[tuple[int, str, str | None, str | None], Any]] = {}

    async def on_execute(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        if ctx.result is None and ctx.operation_type is OperationType.QUERY and ctx.graphql_document is not None:
            answer = await self.answer()
            if answer is not None:
                ctx.result = answer
        yield

    def plan(self) -> tuple[OperationDefinitionNode, tuple[RootPlan, ...]] | None:
        ctx = self.execution_context
        viewer = ctx.context.viewer
        key = (id(ctx.schema), ctx.query or "", ctx.operation_name, viewer.role.value if viewer is not None else None)
        if key not in self.plans:
            if len(self.plans) >= MAX_PLANS:
                self.plans.clear()
            self.plans[key] = plan_operation(ctx.schema._schema, plain_fields_of(ctx.schema._schema),
                                             ctx.graphql_document, ctx.operation_name)
        found: tuple[OperationDefinitionNode, tuple[RootPlan, ...]] | None = self.plans[key]
        return found

    async def answer(self) -> ExecutionResult | None:
        ctx = self.execution_context
        planned = self.plan()
        if planned is None:
            return None
        operation, roots = planned
        schema = ctx.schema
        variables = get_variable_values(schema._schema, operation.variable_definitions or (), ctx.variables or {})
        if isinstance(variables, list):  # the standard path reports them
            return None
        viewer = ctx.context.viewer
        statement = Statement()
        selects: list[str] = []
        try:
            for index, root in enumerate(roots):
                definition = root.field.extensions["strawberry-definition"]
                try:
                    arguments = convert_arguments(get_argument_values(root.field, root.node, variables),
                                                  definition.arguments, config=schema.config,
                                                  scalar_registry=schema.schema_converter.scalar_registry)
                except (GraphQLError, ApiError) as error:  # the standard path reports it
                    raise Uncompiled("an argument the standard path refuses") from error
                selects.append(f"'{root.response_name}', {await root_sql(statement, index, root, viewer, arguments)}")
        except Uncompiled as reason:
            log.debug("not compiled, %s", reason)
            return None
        served = [f'array(select "id" from e{i}) as s{i}' for i, root in enumerate(roots) if root.returns_files]
        sql = (("WITH " + ", ".join(statement.sources) + " ") if statement.sources else "") + (
            f"select json_build_object({', '.join(selects)})::text as data" + "".join(", " + s for s in served))
        try:
            _, rows = await connections.get("default").execute_query(sql, statement.params)
        except Exception as error:  # as a resolver's failure: INTERNAL with the request ID (schema/errors.py)
            return ExecutionResult(data=None, errors=[GraphQLError(str(error), original_error=error)])
        row = rows[0]
        log.debug("compiled: %s", ", ".join(root.response_name for root in roots))
        for index, root in enumerate(roots):
            if root.returns_files:
                ctx.context.files_served.update(to_global_id(root.type_name, pk) for pk in row[f"s{index}"])
        return ExecutionResult(data=json.loads(row["data"]))


_PLAIN: dict[int, dict[tuple[str, str], PlainField]] = {}


def plain_fields_of(schema: GraphQLSchema) -> dict[tuple[str, str], PlainField]:
    """`plain_fields(schema)`, found once per schema."""
    found = _PLAIN.get(id(schema))
    if found is None:
        found = _PLAIN[id(schema)] = plain_fields(schema)
    return found

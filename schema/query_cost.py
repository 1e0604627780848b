"""The query cost limit: MAX_QUERY_COST (README, configuration; issue 8 item 6).

Depth, alias and token limits let through thirty aliased `families(first: 200)`, which keep the database busy for
seconds. The cost measures the rows an operation may ask for: each field costs 1; a connection field (its type's
name ends in `Connection`) costs its `first` times the cost of its selection, so the costs multiply down the
nesting; aliases count separately; fragments and inline fragments are followed, each fragment measured once (a
spread of a fragment inside itself adds nothing: validation refuses the cycle). An operation costing more than
the budget is refused with QUERY_TOO_COMPLEX before any SQL runs, its cost and the budget in the message.

A validation rule, so that strawberry's validation cache keeps hitting (schema/limits.py): it does not see the
request's variables, so a `first` given by a variable counts as that variable's default, or as the largest page
(MAX_PAGE) when it has none — the most the variable can ask for. An absent `first` counts as the default page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
)
from strawberry.extensions import AddValidationRules, SchemaExtension

from schema.limits import _operations, _refusal
from schema.pagination import DEFAULT_PAGE, MAX_PAGE


class CostLimit(ValidationRule):
    """Refuses an operation whose cost exceeds `max_cost`."""

    max_cost: ClassVar[int]

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        document = context.document
        for operation in _operations(document):
            defaults = {
                v.variable.name.value: int(v.default_value.value)
                for v in operation.variable_definitions or ()
                if isinstance(v.default_value, IntValueNode)
            }
            root = context.schema.get_root_type(operation.operation)
            if root is None:
                continue
            try:
                cost = _Cost(context.schema, document, defaults).selection(operation.selection_set, root)
            except RecursionError:
                context.report_error(_refusal("its fragments are nested too deeply"))
                return
            if cost > self.max_cost:
                name = operation.name.value if operation.name else "anonymous"
                context.report_error(_refusal(f"'{name}' costs {cost}, above the budget of {self.max_cost}",
                                              nodes=[operation]))


class _Cost:
    def __init__(self, schema: GraphQLSchema, document: Any, defaults: dict[str, int]) -> None:
        self.schema = schema
        self.defaults = defaults
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.known: dict[str, int] = {}

    def selection(self, selection_set: SelectionSetNode | None, parent: Any) -> int:
        if selection_set is None:
            return 0
        return sum(self._one(node, parent) for node in selection_set.selections)

    def _one(self, node: Any, parent: Any) -> int:
        if isinstance(node, FragmentSpreadNode):
            return self._fragment(node.name.value)
        if isinstance(node, InlineFragmentNode):
            return self.selection(node.selection_set, self._type(node.type_condition, parent))
        if not isinstance(node, FieldNode):
            return 0
        name = node.name.value
        field = parent.fields.get(name) if isinstance(parent, GraphQLObjectType) else None
        if field is None:  # introspection, __typename, or unknown (validation names it)
            return 1
        below = get_named_type(field.type)
        inner = self.selection(node.selection_set, below)
        if below.name.endswith("Connection"):
            return self._first(node) * max(inner, 1)
        return 1 + inner

    def _first(self, node: FieldNode) -> int:
        for argument in node.arguments or ():
            if argument.name.value in ("first", "last"):
                value = argument.value
                if isinstance(value, IntValueNode):
                    return max(int(value.value), 0)
                if isinstance(value, VariableNode):
                    return self.defaults.get(value.name.value, MAX_PAGE)
        return DEFAULT_PAGE

    def _type(self, condition: Any, parent: Any) -> Any:
        return parent if condition is None else self.schema.get_type(condition.name.value)

    def _fragment(self, name: str) -> int:
        if name not in self.known:
            fragment = self.fragments.get(name)
            self.known[name] = 0  # while it is measured
            if fragment is not None:
                self.known[name] = self.selection(fragment.selection_set, self._type(fragment.type_condition, None))
        return self.known[name]


def cost_limit(max_cost: int) -> Callable[[], SchemaExtension]:
    """The schema extension enforcing the budget, its rule class made once (the validation cache keys on it)."""
    rule = type("MaxQueryCost", (CostLimit,), {"max_cost": max_cost})
    return lambda: AddValidationRules([rule])

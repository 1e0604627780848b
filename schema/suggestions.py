"""Error messages without suggestions, where introspection is off (issue #8, item 12).

graphql-core ends a refusal with "Did you mean 'families'?": the names of fields, arguments, types and enum values
near the one asked for. Where introspection is off (production, README), that would enumerate the schema all the
same, so there they are left out. graphql-core leaves them out when validation and execution (which coerces the
variables) are given `hide_suggestions`; strawberry passes neither, so here validation runs with it, cached as
strawberry's ValidationCache caches, and the executor is built with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, validate
from strawberry.extensions import SchemaExtension, ValidationCache
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule
from strawberry.types.execution import ExecutionContext

VALIDATION_CACHE_SIZE = 512


class _ValidationWithoutSuggestions(SchemaExtension):
    """Strawberry's ValidationCache, validating with `hide_suggestions` (and strawberry's own two rules)."""

    validate_document: Callable[[GraphQLSchema, DocumentNode, tuple[type[ASTValidationRule], ...]],
                                list[GraphQLError]]

    def on_validate(self) -> Iterator[None]:
        context: ExecutionContext = self.execution_context
        assert context.graphql_document is not None  # parsed before validation
        context.pre_execution_errors = type(self).validate_document(
            context.schema._schema, context.graphql_document, tuple(context.validation_rules))
        yield


def _validate_without_suggestions(schema: GraphQLSchema, document: DocumentNode,
                                  rules: tuple[type[ASTValidationRule], ...]) -> list[GraphQLError]:
    return validate(schema, document, (*rules, MaybeNullValidationRule, OneOfInputValidationRule),
                    hide_suggestions=True)


def cached_validation(*, suggestions: bool) -> Callable[[], SchemaExtension]:
    """The validation step, cached per schema build, with or without suggestions."""
    if suggestions:
        return lambda: ValidationCache(maxsize=VALIDATION_CACHE_SIZE)
    cached = lru_cache(maxsize=VALIDATION_CACHE_SIZE)(_validate_without_suggestions)
    extension = type("ValidationWithoutSuggestions", (_ValidationWithoutSuggestions,),
                     {"validate_document": staticmethod(cached)})
    return extension


class _ExecutionWithoutSuggestions(StrawberryGraphQLCoreExecutionContext):
    """Builds its executor with `hide_suggestions`: graphql-core coerces the variables while building it."""

    @classmethod
    def build(cls, *args: Any, **kwargs: Any) -> Any:
        kwargs["hide_suggestions"] = True
        return super().build(*args, **kwargs)


def execution_class(base: type[Any] | None, *, suggestions: bool) -> type[Any] | None:
    """The executor class to give strawberry: `base` (None: strawberry's own), without suggestions if so asked."""
    if suggestions:
        return base
    bases = (_ExecutionWithoutSuggestions,) if base is None else (_ExecutionWithoutSuggestions, base)
    return type("ExecutionWithoutSuggestions", bases, {})

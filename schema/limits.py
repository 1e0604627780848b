"""The query complexity limits: MAX_TOKENS, MAX_QUERY_DEPTH and MAX_ALIASES (README, configuration).

A document over a limit is refused with an error whose original error is `QueryTooComplex`, so that
schema/errors.py picks QUERY_TOO_COMPLEX from the exception's type rather than from the wording of a message.

The limits measure what strawberry's MaxTokensLimiter, QueryDepthLimiter and MaxAliasesLimiter measured, but
their pieces are made once per schema build: strawberry's ValidationCache keys on the document and the rule
classes, and those limiters made new rule classes on every request, so the cache never hit (issue 10). The
parse cache hands out one document object per query text, which the validation cache needs too.

A fragment is measured once per document, not once per spread: a chain of fragments each spreading the next
twice would otherwise cost 2^n steps to measure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache, partial
from typing import Any, ClassVar

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)
from graphql.language.parser import Parser
from strawberry.extensions import AddValidationRules, SchemaExtension

from schema.errors import QueryTooComplex

PARSE_CACHE_SIZE = 512


def _refusal(detail: str, **where: Any) -> GraphQLError:
    too_complex = QueryTooComplex(detail)
    return GraphQLError(too_complex.message_en, original_error=too_complex, **where)


# --- tokens, while parsing


def parse_within(query: str, max_tokens: int) -> DocumentNode:
    """The document `query` holds; refused as too complex past `max_tokens` tokens (comments count, as in
    graphql-core's own limit, which stops reading there) or when nested too deeply for the parser."""
    parser = Parser(query, max_tokens=max_tokens)
    try:
        return parser.parse_document()
    except GraphQLSyntaxError as error:
        if _tokens_read(parser) <= max_tokens:
            raise  # the document is wrong, not too long
        refused = _refusal(f"it holds more than {max_tokens} tokens", source=error.source,
                           positions=error.positions)
    except RecursionError:
        refused = _refusal("it is nested too deeply")
    raise refused


def _tokens_read(parser: Parser) -> int:
    """The tokens the parser has counted, and those its lexer read beyond them: graphql-core stops a run of
    comments past the limit before the parser counts them."""
    count, token = parser.token_count, parser._lexer.token.next
    while token is not None:
        count, token = count + 1, token.next
    return count


class LimitedParse(SchemaExtension):
    """Parses each request with the token limit, through a parse cache shared by the requests of one schema."""

    def __init__(self, parse: Callable[[str], DocumentNode]) -> None:
        self.parse = parse

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        context.graphql_document = self.parse(context.query or "")
        yield


# --- depth and aliases, while validating


class DepthLimit(ValidationRule):
    """Refuses an operation whose selections nest deeper than `max_depth` below its root fields (depth 0).
    Introspection fields and leaves end a branch; inline fragments and fragment spreads add no depth."""

    max_depth: ClassVar[int]

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        measure = _Measure(context.document, self._depth, combine=_deepest)
        try:
            for operation in _operations(context.document):
                if measure.of(operation) > self.max_depth:
                    name = operation.name.value if operation.name else "anonymous"
                    context.report_error(_refusal(f"'{name}' exceeds maximum operation depth of {self.max_depth}",
                                                  nodes=[operation]))
        except RecursionError:
            context.report_error(_refusal("its fragments are nested too deeply"))

    @staticmethod
    def _depth(node: Any, below: Callable[[SelectionSetNode], int]) -> int:
        """How much deeper than `node` its deepest selection lies."""
        if isinstance(node, FieldNode):
            if node.name.value.startswith("__") or node.selection_set is None:
                return 0
            return 1 + below(node.selection_set)
        return below(node.selection_set)


class AliasLimit(ValidationRule):
    """Refuses a document with more than `max_aliases` aliased fields in its operations, counting a fragment's
    aliases at every spread of it."""

    max_aliases: ClassVar[int]

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        measure = _Measure(context.document, self._aliases, combine=sum)
        try:
            total = sum(measure.of(operation) for operation in _operations(context.document))
        except RecursionError:
            context.report_error(_refusal("its fragments are nested too deeply"))
            return
        if total > self.max_aliases:
            context.report_error(_refusal(f"{total} aliases found. Allowed: {self.max_aliases}"))

    @staticmethod
    def _aliases(node: Any, below: Callable[[SelectionSetNode], int]) -> int:
        aliased = 1 if isinstance(node, FieldNode) and node.alias else 0
        return aliased + (below(node.selection_set) if node.selection_set is not None else 0)


def _deepest(depths: Iterable[int]) -> int:
    return max(depths, default=0)


def _operations(document: DocumentNode) -> list[OperationDefinitionNode]:
    return [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]


class _Measure:
    """A measure of selections (`measure(node, below)`), combined over a selection set by `combine` (max or sum),
    each fragment measured once. An unknown fragment measures 0 (validation names it); so does a fragment within
    its own spread (validation refuses the cycle)."""

    def __init__(self, document: DocumentNode, measure: Callable[[Any, Callable[[SelectionSetNode], int]], int],
                 combine: Callable[[Iterable[int]], int]) -> None:
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.measure = measure
        self.combine = combine
        self.known: dict[str, int] = {}

    def of(self, node: OperationDefinitionNode) -> int:
        return self._below(node.selection_set)

    def _below(self, selection_set: SelectionSetNode) -> int:
        return self.combine(self._selection(s) for s in selection_set.selections)

    def _selection(self, node: Any) -> int:
        if isinstance(node, FragmentSpreadNode):
            return self._fragment(node.name.value)
        return self.measure(node, self._below)  # a field or an inline fragment

    def _fragment(self, name: str) -> int:
        if name not in self.known:
            fragment = self.fragments.get(name)
            self.known[name] = 0  # while it is measured: a spread of itself inside adds nothing
            if fragment is not None:
                self.known[name] = self._below(fragment.selection_set)
        return self.known[name]


def complexity_limits(*, max_depth: int, max_aliases: int, max_tokens: int) -> list[Callable[[], SchemaExtension]]:
    """The schema extensions enforcing the limits, as factories; their rule classes and parse cache are made here,
    once, so that the validation cache hits on every repeated document."""
    depth = type("MaxDepth", (DepthLimit,), {"max_depth": max_depth})
    aliases = type("MaxAliases", (AliasLimit,), {"max_aliases": max_aliases})
    parse = lru_cache(maxsize=PARSE_CACHE_SIZE)(partial(parse_within, max_tokens=max_tokens))
    return [lambda: LimitedParse(parse), lambda: AddValidationRules([depth, aliases])]

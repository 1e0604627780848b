"""Relay connections with keyset cursors (docs/api.md: `first` default 50, max 200; more is an error)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Generic, Protocol, TypeVar

import strawberry
from strawberry.types.base import get_object_definition
from strawberry.types.field import StrawberryField
from tortoise.queryset import QuerySet

from auth.roles import Viewer
from schema.context import Info
from schema.errors import BadUserInput
from schema.node import BIGINT_KEY_MAX, largest_key_of, parse_key
from schema.sources import scoped_rows

DEFAULT_PAGE = 50
MAX_PAGE = 200

T = TypeVar("T")


@strawberry.type(description="Where a page stands in its list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items precede this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first item of the page.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last item; pass it as `after`.")


@strawberry.type(description="One item of a page and its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque keyset cursor of this item.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list (Relay connection, keyset pagination).")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page stands.")
    # The whole list's rows (counted on demand), or, for a list already loaded whole, its length.
    _filtered: strawberry.Private[QuerySet[Any] | int]

    @strawberry.field(description="How many items the whole list holds (within the caller's slice).")
    async def total_count(self) -> int:
        if isinstance(self._filtered, int):
            return self._filtered
        return await self._filtered.count()


def encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"k:{pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str, field: str, largest: int = BIGINT_KEY_MAX) -> int:
    """The key a cursor points after (or before); BAD_USER_INPUT when it is not one we gave, or its key lies beyond
    `largest`, the largest of the list's table (schema/node.largest_key_of)."""
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
        prefix, _, pk = raw.partition(":")
        if prefix != "k":
            raise ValueError(cursor)
        return parse_key(pk, largest)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadUserInput(f"Not a valid cursor: {cursor[:100]!r}.", "مکان‌نمای صفحه نامعتبر است.",
                           field=field) from None


def _page_size(value: int | None, field: str) -> int:
    if value is None:
        return DEFAULT_PAGE
    if value < 0 or value > MAX_PAGE:
        raise BadUserInput(f"{field} must be between 0 and {MAX_PAGE}.",
                           f"مقدار {field} باید بین ۰ و {MAX_PAGE} باشد.", field=field)
    return value


async def paginate(
    filtered: QuerySet[Any],
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[Any]:
    """One page of `filtered` in primary-key order, by cursor (never OFFSET)."""
    if first is not None and last is not None:
        raise BadUserInput("Pass first or last, not both.", "فقط یکی از first یا last را بفرستید.", field="last")
    page = filtered
    largest = largest_key_of(filtered.model)
    if after is not None:
        page = page.filter(id__gt=decode_cursor(after, "after", largest))
    if before is not None:
        page = page.filter(id__lt=decode_cursor(before, "before", largest))
    if last is not None:
        size = _page_size(last, "last")
        rows = list(reversed(await page.order_by("-id").limit(size + 1)))
        has_more = len(rows) > size
        rows = rows[1:] if has_more else rows
        has_next, has_previous = before is not None, has_more
    else:
        size = _page_size(first, "first")
        rows = await page.order_by("id").limit(size + 1)
        has_more = len(rows) > size
        rows = rows[:size]
        has_next, has_previous = has_more, after is not None
    edges = [Edge(cursor=encode_cursor(row.pk), node=row) for row in rows]
    info = PageInfo(
        has_next_page=has_next,
        has_previous_page=has_previous,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return Connection(edges=edges, page_info=info, _filtered=filtered)


class Narrowing(Protocol):
    """A connection's filter input: it narrows the scoped rows, and never widens them."""

    async def narrow(self, found: QuerySet[Any], viewer: Viewer | None) -> QuerySet[Any]: ...


PageHook = Callable[[Info, Connection[Any]], Awaitable[None]]

_FILTER = strawberry.argument(description="Narrows the list; it never widens your slice.")
_FIRST = strawberry.argument(description=f"Page size from the start or `after` (default {DEFAULT_PAGE}, at most "
                                         f"{MAX_PAGE}; more is an error, not a silent cut).")
_AFTER = strawberry.argument(description="Items after this cursor (an `endCursor` you were given).")
_LAST = strawberry.argument(description=f"Page size from the end or `before` (at most {MAX_PAGE}).")
_BEFORE = strawberry.argument(description="Items before this cursor (a `startCursor` you were given).")


def connection_field(node: type, filter_type: type, *, description: str,
                     load_page: PageHook | None = None) -> StrawberryField:
    """A root connection field over the viewer's scoped rows of `node`'s type: `(filter, first, after, last,
    before)`, keyset pages in ID order (docs/api.md), the filter's `narrow` applied to the scoped rows, and
    `load_page` run on the page (to load its nested data up front, schema/execution.py)."""
    type_name = get_object_definition(node, strict=True).name

    async def resolve(info: Info, filter: Any = None, first: int | None = None, after: str | None = None,
                      last: int | None = None, before: str | None = None) -> Connection[Any]:
        found = scoped_rows(info.context.viewer, type_name)
        if filter is not None:
            found = await filter.narrow(found, info.context.viewer)
        page = await paginate(found, first, after, last, before)
        if load_page is not None:
            await load_page(info, page)
        return page

    # `Connection[node]`: the generic applied at run time to a type known only then, which mypy cannot follow.
    resolve.__annotations__ = {
        "info": Info, "filter": Annotated[filter_type | None, _FILTER],
        "first": Annotated[int | None, _FIRST], "after": Annotated[str | None, _AFTER],
        "last": Annotated[int | None, _LAST], "before": Annotated[str | None, _BEFORE],
        "return": Connection[node],  # type: ignore[valid-type]
    }
    resolve.__name__ = f"resolve_{type_name}_connection"
    return strawberry.field(resolve, description=description)


def page_of_loaded(rows: list[Any], first: int | None, after: str | None) -> Connection[Any]:
    """A page of a list already loaded whole, newest first (rows in descending ID order): `first` items after the
    cursor `after`, as `paginate` would give them, without a query of its own. `totalCount` is the whole list's."""
    size = _page_size(first, "first")
    rest = rows if after is None else [row for row in rows if row.pk < decode_cursor(after, "after")]
    edges = [Edge(cursor=encode_cursor(row.pk), node=row) for row in rest[:size]]
    info = PageInfo(has_next_page=len(rest) > size, has_previous_page=after is not None,
                    start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None)
    return Connection(edges=edges, page_info=info, _filtered=len(rows))


def nested_connection_field(node: type, parent_column: str, *, description: str) -> StrawberryField:
    """A connection of a file's records (e.g. `Family.homeVisits`), newest first, with `first` and `after`.

    The records of every file on the page are loaded in one query (a grouped DataLoader through `scoped_rows`), so
    the statement count does not grow with the page; each file's page is then cut from what was loaded."""
    type_name = get_object_definition(node, strict=True).name

    async def resolve(root: Any, info: Info, first: int | None = None, after: str | None = None) -> Connection[Any]:
        loader = info.context.loaders.grouped(type_name, parent_column, order_by="-id")
        return page_of_loaded(await loader.load(root.id), first, after)

    resolve.__annotations__ = {"root": Any, "info": Info, "first": Annotated[int | None, _FIRST],
                               "after": Annotated[str | None, _AFTER],
                               "return": Connection[node]}  # type: ignore[valid-type]  # as in connection_field
    resolve.__name__ = f"resolve_{type_name}_records"
    return strawberry.field(resolve, description=description)

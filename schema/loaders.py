"""DataLoaders for nested fields. Every batch goes through the scope builder (schema/sources.source_rows), so
a nested object outside the viewer's slice loads as null, exactly as a direct lookup would.

Rows come back typed `Any`: which model a type name's rows are of is known only at run time. A value that may still
be loading (`now_or_later`, `then`) is typed as the value: it is returned by a sync resolver, and strawberry awaits
what a resolver returns when it is awaitable, so the field's declared type is the value's either way."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, TypeVar, cast

from strawberry.dataloader import DataLoader

from auth.roles import Viewer
from schema.sources import scoped_rows

K = TypeVar("K")
V = TypeVar("V")
W = TypeVar("W")


class Loaders:
    """The loaders of one request, created on first use."""

    def __init__(self, viewer: Viewer | None) -> None:
        self.viewer = viewer
        self._by_id: dict[str, DataLoader[int, Any | None]] = {}
        self._grouped: dict[tuple[Any, ...], DataLoader[int, list[Any]]] = {}
        self._batched: dict[Hashable, DataLoader[Any, Any]] = {}

    def by_id(self, type_name: str) -> DataLoader[int, Any | None]:
        """Rows shown as `type_name`, by primary key; None where absent or out of slice."""
        loader = self._by_id.get(type_name)
        if loader is None:
            async def load(keys: Sequence[int]) -> list[Any | None]:
                rows = await scoped_rows(self.viewer, type_name).filter(id__in=list(keys))
                found = {row.pk: row for row in rows}
                return [found.get(key) for key in keys]

            loader = self._by_id[type_name] = DataLoader(load_fn=load)
        return loader

    def grouped(self, type_name: str, column: str, order_by: str = "id",
                **conditions: Any) -> DataLoader[int, list[Any]]:
        """Rows shown as `type_name` whose `column` equals each key, as one list per key (one query per batch).

        E.g. `grouped("Member", "family_id")` gives each family's members; `grouped("Assignment", "family_id",
        ended_at__isnull=True)` each family's live assignment (a list of at most one).
        """
        name = (type_name, column, order_by, frozenset(conditions.items()))
        loader = self._grouped.get(name)
        if loader is None:
            async def load(keys: Sequence[int]) -> list[list[Any]]:
                found: dict[int, list[Any]] = {key: [] for key in keys}
                query = scoped_rows(self.viewer, type_name).filter(**{f"{column}__in": list(keys)}, **conditions)
                for row in await query.order_by(order_by):
                    found[getattr(row, column)].append(row)
                return [found[key] for key in keys]

            loader = self._grouped[name] = DataLoader(load_fn=load)
        return loader

    def batched(self, name: Hashable, load_fn: Callable[[list[K]], Awaitable[list[V]]]) -> DataLoader[K, V]:
        """The request's loader called `name`, made on first use: `load_fn` answers every key asked for in one
        round at once (one value per key, in their order). E.g. Partner.caseload: a page of partners' caseloads in
        the statements of one."""
        loader = self._batched.get(name)
        if loader is None:
            loader = self._batched[name] = DataLoader(load_fn=load_fn)
        return cast(DataLoader[K, V], loader)

    @staticmethod
    def now_or_later(loader: DataLoader[int, V], key: int) -> V:
        """The value itself when the loader already holds it, else the awaitable: a field whose data was loaded
        in advance (`preload`) then resolves without a coroutine or a task."""
        future = loader.cache_map.get(key)
        if future is not None and future.done() and not future.cancelled() and future.exception() is None:
            return future.result()
        return cast(V, loader.load(key))  # still loading: typed as its value (module docstring)

    async def load(self, type_name: str, pk: int | None) -> Any | None:
        if pk is None:
            return None
        return await self.by_id(type_name).load(pk)


def then(value: V | Awaitable[V], fn: Callable[[V], W]) -> W:
    """`fn(value)`, now if the value is here, or once it arrives if it is still awaitable."""
    if inspect.isawaitable(value):
        async def chained() -> W:
            return fn(await value)

        return cast(W, chained())  # still to come: typed as its value (module docstring)
    return fn(value)

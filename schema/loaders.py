"""DataLoaders for nested fields. Every batch goes through the scope builder (schema/sources.source_rows), so
a nested object outside the viewer's slice loads as null, exactly as a direct lookup would."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from auth.roles import Viewer
from schema.sources import scoped_rows


class Loaders:
    """The loaders of one request, created on first use."""

    def __init__(self, viewer: Viewer | None) -> None:
        self.viewer = viewer
        self._by_id: dict[str, DataLoader[int, Any]] = {}
        self._grouped: dict[tuple[Any, ...], DataLoader[int, Any]] = {}

    def by_id(self, type_name: str) -> DataLoader[int, Any]:
        """Rows shown as `type_name`, by primary key; None where absent or out of slice."""
        loader = self._by_id.get(type_name)
        if loader is None:
            async def load(keys: Sequence[int]) -> list[Any]:
                rows = await scoped_rows(self.viewer, type_name).filter(id__in=list(keys))
                found = {row.pk: row for row in rows}
                return [found.get(key) for key in keys]

            loader = self._by_id[type_name] = DataLoader(load_fn=load)
        return loader

    def grouped(self, type_name: str, column: str, order_by: str = "id", **conditions: Any) -> DataLoader[int, Any]:
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

    @staticmethod
    def now_or_later(loader: DataLoader[int, Any], key: int) -> Any:
        """The value itself when the loader already holds it, else the awaitable: a field whose data was loaded
        in advance (`preload`) then resolves without a coroutine or a task."""
        future = loader.cache_map.get(key)
        if future is not None and future.done() and not future.cancelled() and future.exception() is None:
            return future.result()
        return loader.load(key)

    async def load(self, type_name: str, pk: int | None) -> Any:
        if pk is None:
            return None
        return await self.by_id(type_name).load(pk)


def then(value: Any, fn: Callable[[Any], Any]) -> Any:
    """`fn(value)`, now if the value is here, or once it arrives if it is still awaitable."""
    if inspect.isawaitable(value):
        async def chained() -> Any:
            return fn(await value)

        return chained()
    return fn(value)

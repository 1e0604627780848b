"""How a table row becomes a GraphQL object type: one decorator instead of the same pieces on every type.

`@row_type(Model, description=…)` is `strawberry.type` plus what every row-backed type needs:

- **`is_type_of`**: the row's class (and, for the organisation types that share one table, its kind) says which
  GraphQL type an object is, so `node`, interfaces and unions resolve ORM rows directly.
- **A global `id`** (docs/api.md: opaque global IDs) for every `Node` type, and for any other type given
  `global_id=True`: `to_global_id(<type name>, row.id)`, the format `node(id:)` reads.
- **A `…Jalali` companion for every date column** (docs/api.md: "every date field has a …Jalali companion string
  for display"): a field annotated `datetime.date` gets `<name>Jalali: String!`, one annotated
  `datetime.date | None` gets `<name>Jalali: String`, both derived from the column. Their policy is the date's
  (auth/policy.py `may_select`), and the execution shortcut serves them inline (schema/execution.py).

A newcomer adding a record type writes its columns with descriptions, its resolvers and its policy row. A computed
object that is no row (a partner's report) takes `@value_type(description=…)`: the date companions alone.
"""

from __future__ import annotations

import datetime
import sys
from collections.abc import Callable
from typing import Any, TypeVar, cast, dataclass_transform, overload

import strawberry
from strawberry.types.base import get_object_definition
from strawberry.types.field import StrawberryField
from strawberry.utils.str_converters import to_camel_case
from tortoise.models import Model

from rules.jalali import to_jalali
from schema.node import Node, to_global_id

T = TypeVar("T", bound=type)
G = TypeVar("G")  # a row type's class, e.g. schema.families.types.Family
R = TypeVar("R", bound=Model)

JALALI_SUFFIX = "_jalali"
# Marks a companion field for schema/execution.py: (python name of the date it shows).
JALALI_OF = "welfare.jalali_of"
# The types declared `case_file=True`: each object of them a request returns is named by its read event (the
# compiled reads of schema/compiled.py note them as `is_type_of` does).
CASE_FILE_TYPES: set[str] = set()


def row_type(
    row: type[Model],
    *,
    description: str,
    name: str | None = None,
    where: Callable[[Any], bool] | None = None,
    global_id: bool = False,
    case_file: bool = False,
) -> Callable[[T], T]:
    """`strawberry.type` for a type whose objects are rows of `row` (optionally only those `where` accepts).

    `case_file`: a family's or child's file. Every object of the type that a request returns, by whatever path
    (`node`, lists, nested fields, exports), is completed through `is_type_of`, which notes its global ID in
    `Context.files_served`; the request's read event names them (schema/transaction.py, docs/access.md rule 7)."""

    def decorate(cls: T) -> T:
        type_name = name or cls.__name__

        def is_type_of(_cls: type, obj: object, info: Any) -> bool:
            served = isinstance(obj, row) and (where is None or where(obj))
            if served and case_file:
                info.context.files_served.add(to_global_id(type_name, cast("Any", obj).id))
            return served

        cls.is_type_of = classmethod(is_type_of)  # type: ignore[attr-defined]
        if case_file:
            CASE_FILE_TYPES.add(type_name)
        if global_id or issubclass(cls, Node):
            cls.id = _global_id_field(type_name)  # type: ignore[attr-defined]
        return value_type(description=description, name=name)(cls)

    return decorate


@dataclass_transform(order_default=False, kw_only_default=True, field_specifiers=(strawberry.field, StrawberryField))
def value_type(*, description: str, name: str | None = None) -> Callable[[T], T]:
    """`strawberry.type` for a computed object that is no row (a partner's report): its date fields get their
    `…Jalali` companions as a row type's do, with the same policy (the date's) and the same inline serving."""

    def decorate(cls: T) -> T:
        dates = _date_columns(cls)
        for date_name, nullable in dates.items():
            declared = vars(cls).get(date_name)
            shown_as = declared.graphql_name if isinstance(declared, StrawberryField) else None
            setattr(cls, date_name + JALALI_SUFFIX, _jalali_field(date_name, nullable, shown_as))
        typed = strawberry.type(cls, name=name, description=description)
        _companions_follow_their_dates(get_object_definition(typed, strict=True).fields, dates)
        return typed

    return decorate


@overload
def served_as(row_type_class: type[G], rows: Model) -> G: ...
@overload
def served_as(row_type_class: type[G], rows: Model | None) -> G | None: ...
@overload
def served_as(row_type_class: type[G], rows: list[R]) -> list[G]: ...
def served_as(row_type_class: type[G], rows: Model | list[R] | None) -> G | list[G] | None:
    """`rows` (a row, a row or None, or a list of rows) typed as the `@row_type` class they are served as, e.g.
    `FamilyPayload(family=served_as(Family, row))`.

    A row type's class is never instantiated: strawberry resolves its fields on the row itself and tells the type by
    `is_type_of`, so at run time the row *is* the GraphQL object. Only mypy sees two types, and this is the one place
    that says they are the same. Nothing is converted or checked.
    """
    return cast("G | list[G] | None", rows)


def _global_id_field(type_name: str) -> StrawberryField:
    def resolve(root: Any) -> strawberry.ID:
        return strawberry.ID(to_global_id(type_name, root.id))

    return strawberry.field(resolve, description="Opaque global ID; `node(id:)` fetches the object by it.")


def _jalali_field(date_name: str, nullable: bool, shown_as: str | None) -> StrawberryField:
    def resolve(root: Any) -> str | None:
        value = getattr(root, date_name)
        return None if value is None else to_jalali(value)

    camel = shown_as or to_camel_case(date_name)
    return strawberry.field(
        resolve,
        name=f"{camel}Jalali",
        graphql_type=str | None if nullable else str,
        description=f"`{camel}` in the Jalali calendar (YYYY/MM/DD), for display"
                    + ("; null when it is." if nullable else "."),
        metadata={JALALI_OF: date_name},
    )


def _companions_follow_their_dates(fields: list[StrawberryField], dates: dict[str, bool]) -> None:
    """Order the schema's fields so that each `…Jalali` companion stands right after its date."""
    companions = {field.python_name: field for field in fields if field.python_name.removesuffix(JALALI_SUFFIX) in dates
                  and field.python_name.endswith(JALALI_SUFFIX)}
    ordered: list[StrawberryField] = []
    for field in fields:
        if field.python_name in companions:
            continue
        ordered.append(field)
        companion = companions.get(field.python_name + JALALI_SUFFIX)
        if companion is not None:
            ordered.append(companion)
    fields[:] = ordered


def _date_columns(cls: type) -> dict[str, bool]:
    """The class's own fields annotated as a date: python name → whether it is nullable."""
    namespace = vars(sys.modules[cls.__module__])
    found: dict[str, bool] = {}
    for field_name, annotation in vars(cls).get("__annotations__", {}).items():
        if isinstance(annotation, str):
            try:
                annotation = eval(annotation, namespace)  # noqa: S307 - our own annotations, as typing does
            except NameError:
                continue  # a forward reference to another GraphQL type: not a date
        if annotation is datetime.date:
            found[field_name] = False
        elif annotation == (datetime.date | None):
            found[field_name] = True
    return found

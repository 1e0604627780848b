"""Opaque global IDs and the `Node` interface (docs/api.md: `node(id:)` resolves any ID within the slice)."""

from __future__ import annotations

import base64
import binascii
import re
from functools import cache

import strawberry
from tortoise.fields import BigIntField
from tortoise.models import Model

from schema.errors import BadUserInput

# The keys a global ID may carry: those of a table's key column. Most are PostgreSQL integers; a few tables that
# grow with every request are numbered by bigints. A key beyond its column's range names no row, but sent to the
# database it would fail the whole request (INTERNAL): it is the client's error, BAD_USER_INPUT (issue #8, item 8).
INT_KEY_MAX = 2**31 - 1
BIGINT_KEY_MAX = 2**63 - 1
_KEY = re.compile(r"[0-9]{1,19}")  # digits only: no sign, space, underscore or other script's digits


def to_global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def largest_key_of(model: type[Model]) -> int:
    """The largest key `model`'s table can hold."""
    return BIGINT_KEY_MAX if isinstance(model._meta.fields_map[model._meta.pk_attr], BigIntField) else INT_KEY_MAX


@cache
def _bigint_keyed() -> frozenset[str]:
    """The types whose tables are numbered by bigints, found once (not per name a client makes up)."""
    from schema.sources import SOURCES  # late: schema.sources imports the schema's types, which import this module

    return frozenset(name for name, (model, _) in SOURCES.items() if largest_key_of(model) == BIGINT_KEY_MAX)


def largest_key(type_name: str) -> int:
    """The largest key an ID of `type_name` can carry (an integer's, for a name that is no type of ours)."""
    return BIGINT_KEY_MAX if type_name in _bigint_keyed() else INT_KEY_MAX


def parse_key(text: str, largest: int) -> int:
    """The key written in `text`; ValueError unless it is plain digits within 0…`largest`."""
    if not _KEY.fullmatch(text) or int(text) > largest:
        raise ValueError(text)
    return int(text)


def from_global_id(global_id: str, field: str = "id") -> tuple[str, int]:
    """(type name, primary key) of a global ID; BAD_USER_INPUT when it is not one of ours, or its key lies beyond
    what its type's table can hold."""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, _, pk = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
        return type_name, parse_key(pk, largest_key(type_name))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadUserInput(f"Not a valid ID: {global_id[:100]!r}.", "شناسه نامعتبر است.", field=field) from None


def expect_id(global_id: str, type_name: str, field: str) -> int:
    """The primary key of an ID that must name a `type_name`."""
    found, pk = from_global_id(global_id, field)
    if found != type_name:
        raise BadUserInput(f"{field} must be the ID of a {type_name}.", f"شناسه {field} از نوع درست نیست.",
                           field=field)
    return pk


@strawberry.interface(description="An object with a global ID; `node(id:)` fetches any of them.")
class Node:
    id: strawberry.ID = strawberry.field(description="Opaque global ID.")

"""Opaque global IDs and the `Node` interface (CONTRACT.md: `node(id:)` resolves any ID within the slice)."""

from __future__ import annotations

import base64
import binascii

import strawberry

from schema.errors import BadUserInput


def to_global_id(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def from_global_id(global_id: str, field: str = "id") -> tuple[str, int]:
    """(type name, primary key) of a global ID; BAD_USER_INPUT when it is not one of ours."""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, _, pk = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
        return type_name, int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadUserInput(f"Not a valid ID: {global_id!r}.", "شناسه نامعتبر است.", field=field) from None


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

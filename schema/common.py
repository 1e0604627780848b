"""Small pieces every area's resolvers share: the viewer, scoped look-ups, versions, cleaned text."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any, TypeGuard, TypeVar

import strawberry
from strawberry.types.unset import UnsetType
from tortoise.expressions import F

from auth.roles import Viewer
from auth.scope import RowScope, within_scope
from models.geography import County
from rules.jalali import to_jalali
from rules.persian import normalise_search, normalise_text
from schema.context import Info
from schema.errors import BadUserInput, NotFound, StaleVersion, Unauthenticated
from schema.node import expect_id
from schema.sources import scoped_rows

T = TypeVar("T")


def viewer_of(info: Info) -> Viewer:
    viewer = info.context.viewer
    if viewer is None:  # the policy guard refuses such requests first; this is the second wall
        raise Unauthenticated(info.context.token_refusal)
    return viewer


async def find_scoped(info: Info, type_name: str, global_id: str, field: str) -> Any:
    """The object an input names by ID, or NOT_FOUND — alike for absent and out-of-slice (docs/access.md rule 3, 4)."""
    pk = expect_id(global_id, type_name, field)
    found = await scoped_rows(info.context.viewer, type_name).get_or_none(id=pk)
    if found is None:
        raise NotFound(field=field)
    return found


async def county_in_scope(info: Info, county_id: str, row_scope: RowScope) -> County:
    """The county an input names for a new row whose table `row_scope` describes; NOT_FOUND (field countyId) when
    a row placed there would lie outside the viewer's scope (docs/access.md rule 4), alike for an absent county."""
    county = await County.get_or_none(id=expect_id(county_id, "County", "countyId"))
    if county is None or not within_scope(viewer_of(info), row_scope, _placed_in(county)):
        raise NotFound(field="countyId")
    return county


def _placed_in(county: County) -> SimpleNamespace:
    """The area columns a new row placed in `county` will carry."""
    return SimpleNamespace(province_id=county.province_id, county_id=county.id)


def check_version(obj: Any, version: int) -> None:
    """Optimistic concurrency: the client sends the version it read (docs/api.md, conventions)."""
    if obj.version != version:
        raise StaleVersion()


async def update_versioned(viewer: Viewer | None, type_name: str, row: Any, version: int, **changes: Any) -> Any:
    """Apply `changes` to a scoped row if it is still at the `version` the client read — compare-and-set, so of two
    concurrent edits from one version only one wins, the other gets CONFLICT — and return the row as it is now."""
    updated = await scoped_rows(viewer, type_name).filter(id=row.id, version=version).update(
        **changes, version=F("version") + 1)
    if updated == 0:
        raise StaleVersion()
    return await scoped_rows(viewer, type_name).get(id=row.id)


def clean_name(value: str, field: str, max_length: int = 200) -> tuple[str, str]:
    """A person's or organisation's name, normalised (docs/api.md), with its search form."""
    text = normalise_text(value)
    if not text:
        raise BadUserInput(f"{field} must not be empty.", f"{field} نباید خالی باشد.", field=field)
    if len(text) > max_length:
        raise BadUserInput(f"{field} is longer than {max_length} characters.",
                           f"{field} بیش از {max_length} نویسه است.", field=field)
    return text, normalise_search(text)


# Column widths of the text the organisation and kindergarten tables hold (models/): longer input is the client's
# error (BAD_USER_INPUT on the field), not a database failure (INTERNAL).
LICENSE_NUMBER_LENGTH = 50
ADDRESS_LENGTH = 500
PHONE_LENGTH = 30


def clean_text(value: str, field: str, max_length: int, *, required: bool = False) -> str:
    """A line of free text stored normalised (docs/api.md: Arabic ي/ك to Persian, digits to Latin), within the
    column's width; BAD_USER_INPUT on `field` when too long, or empty but `required`."""
    text = normalise_text(value)
    if required and not text:
        raise BadUserInput(f"{field} must not be empty.", f"{field} نباید خالی باشد.", field=field)
    if len(text) > max_length:
        raise BadUserInput(f"{field} is longer than {max_length} characters.",
                           f"{field} بیش از {max_length} نویسه است.", field=field)
    return text


def jalali(value: datetime.date | None) -> str | None:
    return to_jalali(value) if value is not None else None


def given(value: T | UnsetType | None) -> TypeGuard[T]:
    """Whether an optional input field was sent with a value: neither left out nor null."""
    return value is not strawberry.UNSET and value is not None

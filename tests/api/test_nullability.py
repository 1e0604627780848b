"""Nullability that tells the truth (issue #11): what the schema says is never null is never null."""

from __future__ import annotations

import pytest

FAMILIES = """query($after: String) { families(first: 100, after: $after) { totalCount
  pageInfo { hasNextPage endCursor } edges { node { id head { id isHead relation } } } } }"""


def test_family_head_is_declared_non_null(schema) -> None:
    assert "head: Member!" in schema.as_str()


@pytest.mark.parametrize("username", ["yazd.county", "clinic.manager", "clinic.worker1"])
async def test_every_family_a_role_sees_has_its_head(api, username: str) -> None:
    """Every family of the slice answers its head (a family without one would fail the whole page now that the field
    is non-null): registerFamily admits exactly one HEAD, updateMember keeps it and removeMember refuses it."""
    families, total = await api.every_node(username, FAMILIES, "families")
    assert total > 0
    assert all(family["head"]["isHead"] and family["head"]["relation"] == "HEAD" for family in families)

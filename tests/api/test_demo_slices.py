"""The done-when of issue #3, against the demo data as a new user would try it: every account sees exactly its
slice of families and children — in the list, its count, a search, a lookup and nested fields."""

from __future__ import annotations

import asyncpg
import pytest

from api import db

FAMILIES = """query($after: String, $f: FamilyFilter) { families(first: 200, after: $after, filter: $f) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { id fileNumber members { nationalId } } } } }"""
CHILDREN = """query($after: String) { children(first: 200, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { id fileNumber } } } }"""

PARTNER_OF = "assigned_partner_id = (select organization_id from app_user where username = '{}')"

# Who sees which case rows, as SQL over the owner columns (the rule of docs/access.md restated independently).
SLICES = {
    "admin": "true",
    "yazd.province": "province_id = (select id from province where code = 'YZD')",
    "yazd.county": "county_id = (select id from county where code = 'YZD-YAZD')",
    "meybod.county": "county_id = (select id from county where code = 'YZD-MEYBOD')",
    # The supervisor: the files of its county a partner serves now (docs/access.md: "only while delegated"; issue #8).
    "meybod.supervisor": "county_id = (select id from county where code = 'YZD-MEYBOD')"
                         " and assigned_partner_id is not null and access_until is null",
    "clinic.manager": PARTNER_OF.format("clinic.manager"),
    "clinic2.manager": PARTNER_OF.format("clinic2.manager"),
    "charity.manager": PARTNER_OF.format("charity.manager"),
    "childhome.manager": PARTNER_OF.format("childhome.manager"),
    "clinic.worker1": "assigned_worker_id = (select staff_member_id from app_user where username = 'clinic.worker1')",
    "clinic.worker2": "assigned_worker_id = (select staff_member_id from app_user where username = 'clinic.worker2')",
}


async def expected(database_url: str, table: str, where: str) -> set[str]:
    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))
    try:
        return {r["file_number"] for r in await conn.fetch(f"select file_number from {table} where {where}")}
    finally:
        await conn.close()


async def walk(api, username: str, query: str, key: str, variables: dict | None = None) -> tuple[set[str], int]:
    nodes, total = await api.every_node(username, query, key, variables)
    numbers = [node["fileNumber"] for node in nodes]
    assert len(numbers) == len(set(numbers)), "a page repeated a file"
    return set(numbers), total


@pytest.mark.parametrize("username", sorted(SLICES))
async def test_each_account_sees_exactly_its_families_and_children(api, database_url, username):
    families, family_count = await walk(api, username, FAMILIES, "families")
    want = await expected(database_url, "family", SLICES[username])
    assert families == want
    assert family_count == len(want)
    children, child_count = await walk(api, username, CHILDREN, "children")
    want_children = await expected(database_url, "child", SLICES[username])
    assert children == want_children and child_count == len(want_children)


async def test_the_demo_gives_partners_some_files_and_workers_a_part_of_them(database_url):
    clinic = await expected(database_url, "family", SLICES["clinic.manager"])
    worker1 = await expected(database_url, "family", SLICES["clinic.worker1"])
    worker2 = await expected(database_url, "family", SLICES["clinic.worker2"])
    assert worker1 and worker2 and worker1 | worker2 < clinic
    assert await expected(database_url, "family", SLICES["charity.manager"])
    assert await expected(database_url, "child", SLICES["childhome.manager"])
    assert await expected(database_url, "family", "assigned_partner_id is null")


@pytest.mark.parametrize("username", ["clinic.manager", "clinic.worker1", "charity.manager"])
async def test_search_lookup_and_nested_fields_stay_in_the_slice(api, database_url, username):
    mine = sorted(await expected(database_url, "family", SLICES[username]))
    foreign = sorted(await expected(database_url, "family", f"not ({SLICES[username]})"))
    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))
    try:
        own_id = await conn.fetchval("select id from family where file_number = $1", mine[0])
        other = await conn.fetchrow("select f.id, m.national_id from family f join member m on m.family_id = f.id "
                                    "where f.file_number = $1 limit 1", foreign[0])
    finally:
        await conn.close()
    from schema.node import to_global_id

    lookup = "query($id: ID!) { family(id: $id) { fileNumber members { nationalId } } node(id: $id) { id } }"
    own = await api.ok(username, lookup, {"id": to_global_id("Family", own_id)})
    assert own["family"]["fileNumber"] == mine[0] and own["node"]
    out = await api.ok(username, lookup, {"id": to_global_id("Family", other["id"])})
    assert out == {"family": None, "node": None}
    # Searching by a foreign member's national ID finds nothing; by a file number prefix, only own files.
    found, count = await walk(api, username, FAMILIES, "families", {"f": {"nationalId": other["national_id"]}})
    assert found == set() and count == 0
    found, _ = await walk(api, username, FAMILIES, "families", {"f": {"fileNumber": "YZD-"}})
    assert found and found <= set(mine)

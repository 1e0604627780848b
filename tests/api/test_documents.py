"""Issue #11, persisted operations: automatic persisted queries (Apollo's protocol) and trusted documents
(api/documents.py), through HTTP."""

from __future__ import annotations

import hashlib
import json

import asyncpg
import pytest

from api import db
from api.documents import DocumentRefused, PersistedDocuments, manifest_documents
from auth.shared import SharedState
from tests.api.test_auth import serve
from tests.conftest import Api
from tests.test_cli import run

QUERY = "{ me { role } }"


def sha(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def persisted(digest: str) -> dict:
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


async def send(api: Api, body: dict, token: str | None = None) -> tuple[int, dict]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await api.client.post("/graphql", json=body, headers=headers)
    return response.status_code, response.json()


def code_of(result: dict) -> str:
    return result["errors"][0]["extensions"]["code"]


async def register(database_url: str, documents: dict[str, str]) -> None:
    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))
    try:
        await conn.executemany("insert into trusted_document (sha256_hash, document) values ($1, $2)",
                               list(documents.items()))
    finally:
        await conn.close()


async def test_a_hash_unknown_is_persisted_query_not_found_as_apollo_clients_expect(api):
    status, result = await send(api, {"extensions": persisted(sha(QUERY))}, token=await api.token("admin"))
    assert status == 200
    assert code_of(result) == "PERSISTED_QUERY_NOT_FOUND"
    assert result["errors"][0]["message"] == "PersistedQueryNotFound"
    assert result["errors"][0]["extensions"]["messageFa"]


async def test_hash_and_query_register_it_then_the_hash_alone_runs_it(api):
    token = await api.token("admin")
    status, registered = await send(api, {"query": QUERY, "extensions": persisted(sha(QUERY))}, token=token)
    assert status == 200 and registered["data"] == {"me": {"role": "NATIONAL_ADMIN"}}
    status, hit = await send(api, {"extensions": persisted(sha(QUERY))}, token=token)
    assert status == 200 and hit["data"] == {"me": {"role": "NATIONAL_ADMIN"}}
    # The document runs as the caller, whoever registered it.
    _, other = await send(api, {"extensions": persisted(sha(QUERY))}, token=await api.token("clinic.worker1"))
    assert other["data"] == {"me": {"role": "PARTNER_WORKER"}}


async def test_a_hash_that_is_not_the_querys_is_refused_and_registers_nothing(api):
    token = await api.token("admin")
    wrong = sha("{ me { scope } }")
    status, result = await send(api, {"query": QUERY, "extensions": persisted(wrong)}, token=token)
    assert status == 400 and code_of(result) == "BAD_USER_INPUT"
    _, after = await send(api, {"extensions": persisted(wrong)}, token=token)
    assert code_of(after) == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize("extension", [
    {"persistedQuery": {"version": 2, "sha256Hash": "0" * 64}},
    {"persistedQuery": {"version": 1, "sha256Hash": "not-a-hash"}},
    {"persistedQuery": "yes"},
])
async def test_a_malformed_persisted_query_is_bad_user_input(api, extension):
    status, result = await send(api, {"query": QUERY, "extensions": extension})
    assert status == 400 and code_of(result) == "BAD_USER_INPUT"


async def test_the_registered_documents_are_found_by_hash_without_registering(api, database_url):
    await register(database_url, {sha(QUERY): QUERY})
    _, result = await send(api, {"extensions": persisted(sha(QUERY))}, token=await api.token("admin"))
    assert result["data"] == {"me": {"role": "NATIONAL_ADMIN"}}


async def test_apq_is_shared_by_processes_through_redis(settings, database_url, redis_url, redis_prefix, api):
    shared = settings.model_copy(update={"redis_url": redis_url, "redis_key_prefix": redis_prefix})
    token = await api.token("admin")
    async with serve(shared, database_url) as one, serve(shared, database_url) as two:
        await send(one, {"query": QUERY, "extensions": persisted(sha(QUERY))}, token=token)
        _, hit = await send(two, {"extensions": persisted(sha(QUERY))}, token=token)
    assert hit["data"] == {"me": {"role": "NATIONAL_ADMIN"}}


async def test_only_a_request_with_a_token_registers_in_redis(settings, database_url, redis_url, redis_prefix):
    """Registering needs no token (a login may be persisted), so an anonymous registration stays in its process's
    bounded cache: no one without a token fills Redis."""
    shared = settings.model_copy(update={"redis_url": redis_url, "redis_key_prefix": redis_prefix})
    typename = "{ __typename }"
    async with serve(shared, database_url) as one, serve(shared, database_url) as two:
        _, registered = await send(one, {"query": typename, "extensions": persisted(sha(typename))})
        assert registered["data"] == {"__typename": "Query"}
        _, here = await send(one, {"extensions": persisted(sha(typename))})
        assert here["data"] == {"__typename": "Query"}
        _, there = await send(two, {"extensions": persisted(sha(typename))})
        assert code_of(there) == "PERSISTED_QUERY_NOT_FOUND"


async def test_each_process_keeps_a_bounded_number_of_documents(app):
    """The least recently used document goes first."""
    documents = PersistedDocuments(SharedState(), cache_size=2, trusted_only=False)
    first, second, third = "{ a }", "{ b }", "{ c }"
    for document in (first, second):
        await documents.document_for(document, persisted(sha(document)), authenticated=True)
    assert await documents.document_for(None, persisted(sha(first)), authenticated=True) == first
    await documents.document_for(third, persisted(sha(third)), authenticated=True)
    assert await documents.document_for(None, persisted(sha(first)), authenticated=True) == first
    assert await documents.document_for(None, persisted(sha(third)), authenticated=True) == third
    with pytest.raises(DocumentRefused) as refused:
        await documents.document_for(None, persisted(sha(second)), authenticated=True)
    assert refused.value.code == "PERSISTED_QUERY_NOT_FOUND"


async def test_trusted_documents_only_runs_registered_operations_alone(settings, database_url, api):
    trusted = settings.model_copy(update={"trusted_documents_only": True})
    await register(database_url, {sha(QUERY): QUERY})
    token = await api.token("admin")
    other = "{ me { scope } }"
    async with serve(trusted, database_url) as strict:
        _, by_hash = await send(strict, {"extensions": persisted(sha(QUERY))}, token=token)
        assert by_hash["data"] == {"me": {"role": "NATIONAL_ADMIN"}}
        _, by_text = await send(strict, {"query": QUERY}, token=token)
        assert by_text["data"] == {"me": {"role": "NATIONAL_ADMIN"}}
        for body in ({"query": other}, {"query": other, "extensions": persisted(sha(other))},
                     {"extensions": persisted(sha(other))}):
            status, refused = await send(strict, body, token=token)
            assert status == 400 and code_of(refused) == "PERSISTED_QUERY_NOT_IN_LIST", body
            assert "data" not in refused
        # Still not registered: an APQ registration does not count.
        _, still = await send(strict, {"extensions": persisted(sha(other))}, token=token)
        assert code_of(still) == "PERSISTED_QUERY_NOT_IN_LIST"
        # The login too must be a registered document: no token is needed to be refused.
        status, login = await send(strict, {"query": 'mutation { login(input: {username: "admin", password: '
                                                     '"demo"}) { accessToken } }'})
        assert status == 400 and code_of(login) == "PERSISTED_QUERY_NOT_IN_LIST"


async def test_the_api_role_may_read_trusted_documents_but_not_write_them(api, database_url):
    await register(database_url, {sha(QUERY): QUERY})
    conn = await asyncpg.connect(db.asyncpg_dsn(db.with_user(database_url, "welfare_api")))
    try:
        assert await conn.fetchval("select count(*) from trusted_document") == 1
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("insert into trusted_document values ($1, '{ __typename }')", sha("{ __typename }"))
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("update trusted_document set document = '{ __typename }'")
    finally:
        await conn.close()


def test_a_manifest_is_an_object_of_hashes_a_list_or_apollos_format():
    other = "{ me { scope } }"
    expected = {sha(QUERY): QUERY, sha(other): other}
    assert manifest_documents({sha(QUERY): QUERY, sha(other): other}) == expected
    assert manifest_documents([QUERY, other]) == expected
    assert manifest_documents({"format": "apollo-persisted-query-manifest", "version": 1, "operations": [
        {"id": sha(QUERY), "name": "Me", "type": "query", "body": QUERY},
        {"id": sha(other), "name": "Scope", "type": "query", "body": other}]}) == expected
    for bad in ({sha(other): QUERY}, [QUERY, 3], "{ me { role } }", {"format": "apollo-persisted-query-manifest"}):
        with pytest.raises(ValueError):
            manifest_documents(bad)


async def test_documents_register_stores_a_manifest_checked_against_the_schema(database_url, tmp_path):
    """`welfare-api documents register FILE`: the documents of a valid manifest are stored once (a second run adds
    none); a wrong hash or a document the schema refuses registers nothing."""
    other = "query Scope { me { scope } }"
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({sha(QUERY): QUERY, sha(other): other}))
    first = run(database_url, "documents", "register", str(manifest))
    assert first.returncode == 0, first.stderr
    assert "2 document(s) registered, 0 already registered" in first.stdout
    again = run(database_url, "documents", "register", str(manifest))
    assert "0 document(s) registered, 2 already registered" in again.stdout
    for bad in ({sha(other): QUERY}, ["{ noSuchField }"], ["{ me { "]):
        manifest.write_text(json.dumps(bad))
        refused = run(database_url, "documents", "register", str(manifest))
        assert refused.returncode == 2 and "documents register" in refused.stderr, bad
    conn = await asyncpg.connect(db.asyncpg_dsn(database_url))
    try:
        stored = dict(await conn.fetch("select sha256_hash, document from trusted_document"))
    finally:
        await conn.close()
    assert stored == {sha(QUERY): QUERY, sha(other): other}

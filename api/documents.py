"""Persisted operations (issue #11, "Persisted operations"): a client sends a hash instead of the query.

**Automatic persisted queries**, the protocol of Apollo's clients: a request whose `extensions.persistedQuery` is
`{"version": 1, "sha256Hash": H}` and has no `query` runs the document registered under H; when there is none it
answers `PERSISTED_QUERY_NOT_FOUND` (message `PersistedQueryNotFound`, HTTP 200, as those clients expect) and the
client sends the hash again with the query, which registers it once the hash is checked to be the query's SHA-256.
Each process keeps the documents it learnt in an LRU bounded in entries (PERSISTED_QUERIES_CACHE_SIZE) and in
characters (`CACHE_CHARACTERS`); with REDIS_URL they are kept in Redis too (auth/shared.py), so that one registration
serves every process (Redis forgets an unused one after `REDIS_TTL_SECONDS`). Registering needs no token (a login may
be persisted too), so that anyone could fill Redis: only a request with a valid access token registers there; an
anonymous one, only in its process's bounded LRU.

**Trusted documents**: with TRUSTED_DOCUMENTS_ONLY=true, only the operations registered from a manifest
(`welfare-api documents register FILE`, stored in the database's `trusted_document` table, migration 0019, so every
process agrees) run, whether sent by hash or as their text; anything else is refused with
`PERSISTED_QUERY_NOT_IN_LIST`, so that a stolen token cannot run queries of its own making. Without the setting the
registered documents are found by hash too, so an app built against the manifest needs no registering round trip.

A manifest is JSON: an object of `{hash: document}` (each hash checked), a list of documents, or Apollo's persisted
query manifest (`{"format": "apollo-persisted-query-manifest", "operations": [{"id", "body"}, …]}`).
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from tortoise import connections

from auth.shared import SharedState, Unavailable, decoded

SHA256_HEX = re.compile(r"[0-9a-f]{64}")
REDIS_TTL_SECONDS = 7 * 24 * 3600
CACHE_CHARACTERS = 16 << 20  # of the documents one process keeps: a thousand of a megabyte each would be too many


class DocumentRefused(Exception):
    """A request refused for its persisted operation, in the contract's form (api/request_limits.py `refusal`)."""

    def __init__(self, status: int, code: str, message_en: str, message_fa: str) -> None:
        super().__init__(message_en)
        self.status = status
        self.code = code
        self.message_en = message_en
        self.message_fa = message_fa


def not_found() -> DocumentRefused:
    return DocumentRefused(200, "PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound",
                           "این پرس‌وجو ثبت نشده است؛ متن آن را همراه هش بفرستید.")


def not_in_list() -> DocumentRefused:
    return DocumentRefused(400, "PERSISTED_QUERY_NOT_IN_LIST",
                           "This server runs only registered operations, and this is not one of them.",
                           "این سرور فقط عملیات ثبت‌شده را اجرا می‌کند و این عملیات ثبت نشده است.")


def bad_request(message_en: str, message_fa: str) -> DocumentRefused:
    return DocumentRefused(400, "BAD_USER_INPUT", message_en, message_fa)


def document_hash(document: str) -> str:
    """The SHA-256 of a document's text (UTF-8) in lowercase hex: Apollo's `sha256Hash`."""
    return hashlib.sha256(document.encode()).hexdigest()


def requested_hash(extensions: dict[str, Any] | None) -> str | None:
    """The hash of `extensions.persistedQuery`, None when the request has none; refused when it is not version 1
    with a SHA-256 in hex."""
    persisted = (extensions or {}).get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise bad_request("Only version 1 of extensions.persistedQuery is supported.",
                          "فقط نسخه ۱ از extensions.persistedQuery پشتیبانی می‌شود.")
    sha = persisted.get("sha256Hash")
    if not isinstance(sha, str) or not SHA256_HEX.fullmatch(sha):
        raise bad_request("extensions.persistedQuery.sha256Hash must be a SHA-256 in lowercase hex.",
                          "extensions.persistedQuery.sha256Hash باید هش SHA-256 به صورت هگز باشد.")
    return sha


def manifest_documents(manifest: Any) -> dict[str, str]:
    """hash → document of a manifest (module docstring); ValueError saying what is wrong with it."""
    if isinstance(manifest, dict) and manifest.get("format") == "apollo-persisted-query-manifest":
        operations = manifest.get("operations")
        if not isinstance(operations, list) or not all(isinstance(o, dict) for o in operations):
            raise ValueError("an Apollo manifest's `operations` must be a list of objects")
        pairs: Iterable[tuple[Any, Any]] = [(o.get("id"), o.get("body")) for o in operations]
    elif isinstance(manifest, dict):
        pairs = manifest.items()
    elif isinstance(manifest, list):
        pairs = [(None, document) for document in manifest]
    else:
        raise ValueError("a manifest is a JSON object of {hash: document} or a list of documents")
    documents: dict[str, str] = {}
    for given, document in pairs:
        if not isinstance(document, str) or not document.strip():
            raise ValueError(f"not a document: {str(document)[:60]!r}")
        sha = document_hash(document)
        if given is not None and given != sha:
            raise ValueError(f"hash {str(given)[:70]!r} is not the SHA-256 of its document (that is {sha})")
        documents[sha] = document
    return documents


async def register_documents(documents: dict[str, str]) -> int:
    """Store the documents as trusted (as the owner: the API's role may not); the number not stored before."""
    connection = connections.get("default")
    added = 0
    for sha, document in documents.items():
        rows = await connection.execute_query_dict(
            "insert into trusted_document (sha256_hash, document) values ($1, $2) on conflict do nothing"
            " returning sha256_hash", [sha, document])
        added += len(rows)
    return added


class PersistedDocuments:
    """The documents a request may name by hash: those learnt by APQ (this process's LRU, and Redis), and the trusted
    ones of the database."""

    def __init__(self, shared: SharedState, *, cache_size: int, trusted_only: bool) -> None:
        self.shared = shared
        self.cache_size = cache_size
        self.trusted_only = trusted_only
        self._learnt: OrderedDict[str, str] = OrderedDict()
        self._characters = 0  # of the documents in `_learnt`
        self._trusted: dict[str, str] = {}  # a registered document never changes: once read, kept

    async def document_for(self, query: str | None, extensions: dict[str, Any] | None, *,
                           authenticated: bool) -> str | None:
        """The document the request runs: its `query`, or the one its hash names; DocumentRefused when there is none
        it may run. A registration of a request with a valid access token (`authenticated`) is shared in Redis."""
        sha = requested_hash(extensions)
        if sha is None:
            if self.trusted_only and query is not None and await self.trusted(document_hash(query)) is None:
                raise not_in_list()
            return query
        if query is not None and document_hash(query) != sha:
            raise bad_request("extensions.persistedQuery.sha256Hash is not the SHA-256 of the query.",
                              "هش extensions.persistedQuery با متن پرس‌وجو نمی‌خواند.")
        if query is not None:
            if self.trusted_only:
                if await self.trusted(sha) is None:
                    raise not_in_list()
                return query
            await self._learn(sha, query, share=authenticated)
            return query
        known = None if self.trusted_only else await self._learnt_document(sha)
        if known is None:
            known = await self.trusted(sha)
        if known is None:
            raise not_in_list() if self.trusted_only else not_found()
        return known

    async def trusted(self, sha: str) -> str | None:
        """The registered document of hash `sha`, None if there is none."""
        if sha in self._trusted:
            return self._trusted[sha]
        rows = await connections.get("default").execute_query_dict(
            "select document from trusted_document where sha256_hash = $1", [sha])
        if not rows:
            return None
        self._trusted[sha] = str(rows[0]["document"])
        return self._trusted[sha]

    async def _learnt_document(self, sha: str) -> str | None:
        if sha in self._learnt:
            self._learnt.move_to_end(sha)
            return self._learnt[sha]
        try:
            held = await self.shared.run(lambda redis: redis.get(self.shared.key("apq", sha)))
        except Unavailable:
            return None
        if held is None:
            return None
        document = decoded(held)
        if document_hash(document) != sha:  # not ours, or damaged: never run a document under another's hash
            return None
        self._remember(sha, document)
        return document

    async def _learn(self, sha: str, document: str, *, share: bool) -> None:
        self._remember(sha, document)
        if not share:
            return
        try:
            await self.shared.run(lambda redis: redis.set(self.shared.key("apq", sha), document, ex=REDIS_TTL_SECONDS))
        except Unavailable:
            pass  # this process knows it; another asks for the text once more

    def _remember(self, sha: str, document: str) -> None:
        if sha in self._learnt:
            self._learnt.move_to_end(sha)
            return
        if self.cache_size <= 0 or len(document) > CACHE_CHARACTERS // 16:
            return  # a document too large to keep runs all the same, and is asked for again next time
        self._learnt[sha] = document
        self._characters += len(document)
        while len(self._learnt) > self.cache_size or self._characters > CACHE_CHARACTERS:
            self._characters -= len(self._learnt.popitem(last=False)[1])

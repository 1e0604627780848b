"""What a request must be before GraphQL reads it (issue #8, items 7 and 8), and the refusals in the contract's form.

- `BodySizeLimit`: a body over MAX_REQUEST_BYTES is refused with HTTP 413 before anything parses it. The body is
  counted as it arrives, not taken from Content-Length (a declared length over the limit is refused at once; one
  under it, or none, is not believed).
- `ContractGraphQL`: /graphql answers what it refuses before execution — any method but POST (save a browser's GET
  of GraphiQL where GraphiQL is on), a body not declared JSON (Content-Type), not UTF-8, nested past Python's stack,
  not an object, or without a query — with the contract's JSON error body (docs/api.md, conventions) rather than
  strawberry's plain text, and never a 500. It also finds the document of a persisted operation, and refuses one
  it does not know or may not run (`PERSISTED_QUERY_NOT_FOUND`, `PERSISTED_QUERY_NOT_IN_LIST`; api/documents.py).

A refusal is ``{"errors": [{"message", "extensions": {"code": "BAD_USER_INPUT", "messageFa", "requestId"}}]}`` with
the HTTP status that says what was wrong (400, 405, 413, 415), as the exports answer theirs (api/exports.py).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.types.unset import UNSET

from api.documents import DocumentRefused, PersistedDocuments

DEFAULT_MAX_REQUEST_BYTES = 1 << 20  # 1 MiB


def refusal(status: int, message_en: str, message_fa: str, scope: Scope,
            headers: dict[str, str] | None = None, code: str = "BAD_USER_INPUT") -> JSONResponse:
    """The contract's error body for a request refused before GraphQL runs."""
    request_id = scope.get("state", {}).get("request_id", "-")
    extensions = {"code": code, "messageFa": message_fa, "requestId": request_id}
    return JSONResponse({"errors": [{"message": message_en, "extensions": extensions}]}, status_code=status,
                        headers=headers)


class BodySizeLimit:
    """Reads a request's body up to `max_bytes` before the app sees it, and refuses a longer one with 413."""

    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_REQUEST_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client left before sending its body: nobody to answer
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            """The body read above, once; then whatever the server sends next (a disconnect)."""
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The connection is closed after the answer: the rest of the body is never read.
        response = refusal(413, f"The request is larger than {self.max_bytes} bytes.",
                           f"درخواست بزرگ‌تر از {self.max_bytes} بایت است.", scope, headers={"connection": "close"})
        await response(scope, receive, send)


_NOT_UTF8 = "The request body is not valid UTF-8."


class ContractGraphQL(GraphQL):
    """Strawberry's ASGI view, answering what it refuses before execution in the contract's JSON form."""

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        if isinstance(request, Request):
            refused = self._refused(request)
            if refused is not None:
                return refused
        try:
            return await super().run(request, context, root_value)
        except DocumentRefused as refused:  # a persisted operation it does not know, or may not run (api/documents.py)
            if not isinstance(request, Request):
                raise
            return refusal(refused.status, refused.message_en, refused.message_fa, request.scope, code=refused.code)
        except HTTPException as error:  # strawberry's refusals of a body it could not read
            if not isinstance(request, Request):
                raise
            if error.reason == _NOT_UTF8:
                return refusal(400, _NOT_UTF8, "متن درخواست UTF-8 معتبر نیست.", request.scope)
            return refusal(error.status_code, f"Invalid GraphQL request: {error.reason}.",
                           "درخواست GraphQL نامعتبر است.", request.scope)

    async def execute_operation(self, request: Any, request_adapter: Any, request_data: Any, context: Any,  # noqa: PLR0913, PLR0917
                                root_value: Any, sub_response: Any) -> Any:
        """As strawberry's, with the document a persisted operation names (api/documents.py, `app.state.documents`):
        here, before the request is split by transport, so that no transport runs a document the server may not."""
        documents: PersistedDocuments | None = getattr(request.app.state, "documents", None)
        if documents is not None and isinstance(request_data, GraphQLRequestData):
            document = await documents.document_for(request_data.query, request_data.extensions,
                                                    authenticated=getattr(context, "viewer", None) is not None)
            request_data = dataclasses.replace(request_data, query=document)
        return await super().execute_operation(request, request_adapter, request_data, context, root_value,
                                               sub_response)

    def _refused(self, request: Request) -> Response | None:
        """Any method but POST, save a GET of GraphiQL's page where it is on; a body not declared JSON."""
        if request.method != "POST":
            if request.method == "GET" and self.graphql_ide and self.should_render_graphql_ide(
                    self.request_adapter_class(request)):
                return None
            return refusal(405, "Send GraphQL requests with POST, as JSON.",
                           "درخواست‌های GraphQL را با POST و به صورت JSON بفرستید.", request.scope,
                           headers={"allow": "POST"})
        content_type, _ = parse_content_type(request.headers.get("content-type", ""))
        if content_type.lower() != "application/json":
            return refusal(415, "Send the request as JSON (Content-Type: application/json).",
                           "درخواست را به صورت JSON بفرستید (Content-Type: application/json).", request.scope)
        return None

    def decode_json(self, data: str | bytes) -> object:
        """The request's JSON, which must be UTF-8 and an object (batches are off)."""
        try:
            decoded = json.loads(data)
        except UnicodeDecodeError:
            raise HTTPException(400, _NOT_UTF8) from None
        except RecursionError:  # arrays in arrays, deeper than Python's stack: a megabyte holds half a million
            raise HTTPException(400, "the JSON is nested too deeply") from None
        if not isinstance(decoded, dict):
            raise HTTPException(400, "the body must be a JSON object")
        return decoded

"""Logs (issue #11, operations): plain text for a terminal, or one JSON object a line for a log pipeline
(`LOG_FORMAT=json`), and one record for every request.

**The request record.** `RequestLog`, a middleware, times each HTTP request and, when it is answered, logs one record
(logger `welfare_api.requests`) with its request ID, the user's username and role (from the token, through the
GraphQL view's context), the GraphQL operation's name (`OperationName`, a schema extension), the duration, the HTTP
status and the outcome: `OK`, or the `extensions.code` of the answer's first error (docs/api.md). The same record feeds
the metrics (api/metrics.py). Probes (/healthz, /readyz, /metrics) are logged at DEBUG only.

**What never reaches a log.** No request body, variable, header or query text is logged, so neither a token nor a
password nor a national ID is; the operation name is the one field a client chooses, and only a GraphQL name is kept.
As a last wall, every line is scrubbed before it is written (`scrub`): a bearer token or anything shaped like a JWT,
and any run of exactly ten digits (a national ID's length; Latin or Persian digits), are replaced — an exception's
text may quote a row (a unique violation names the key's value). Tortoise's SQL log, which shows statements'
parameters and the pool's password at DEBUG, is held at WARNING whatever LOG_LEVEL says (its INFO is one "shutdown"
line per connection's close).
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

REQUEST_LOGGER = "welfare_api.requests"
PROBES = frozenset({"/healthz", "/readyz", "/metrics"})

# The request a log line was written in, for every line (not only the request record).
current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)

_GRAPHQL_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,99}$")
_SECRETS = (
    (re.compile(r"(?i)\bbearer\s+\S+"), "Bearer [token]"),
    (re.compile(r"\beyJ[\w-]*\.[\w-]+\.[\w-]*"), "[token]"),
    (re.compile(r"(?<![0-9۰-۹])[0-9۰-۹]{10}(?![0-9۰-۹])"), "[national-id]"),
)


def scrub(text: str) -> str:
    """`text` without what looks like a token or a national ID."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


def operation_label(name: str | None) -> str | None:
    """The operation's name as logged and counted: a GraphQL name, or None (anonymous, or not a name at all)."""
    return name if name is not None and _GRAPHQL_NAME.match(name) else None


@dataclass
class RequestRecord:
    """What one request's log record says; filled in as the request passes (the view adds the user and the
    outcome, the schema extension the operation)."""

    request_id: str
    method: str
    path: str
    started: float
    user: str | None = None
    role: str | None = None
    operation: str | None = None
    outcome: str | None = None
    status: int = 0
    duration: float = 0.0

    def fields(self) -> dict[str, Any]:
        return {"request_id": self.request_id, "method": self.method, "path": self.path, "status": self.status,
                "user": self.user, "role": self.role, "operation": self.operation, "outcome": self.outcome,
                "duration_ms": round(self.duration * 1000, 2)}


def request_record(scope: Any) -> RequestRecord | None:
    """The record of the request whose ASGI scope (or Starlette request) this is; None outside `RequestLog`."""
    state = getattr(scope, "scope", scope).get("state", {})
    record = state.get("request_record")
    return record if isinstance(record, RequestRecord) else None


def record_outcome(scope: Any, codes: list[str | None]) -> None:
    """The outcome of a GraphQL answer: OK, or its first error's code (a batch's first failing answer wins)."""
    record = request_record(scope)
    if record is None or record.outcome not in (None, "OK"):
        return
    record.outcome = next((code or "INTERNAL" for code in codes), "OK")


class OperationName(SchemaExtension):
    """Notes the operation's name in the request record: the client's `operationName`, or the document's only
    operation's (known once it is parsed)."""

    def on_operation(self) -> Any:
        yield
        context = self.execution_context.context
        record = request_record(getattr(context, "request", None) or {})
        if record is not None:
            record.operation = operation_label(self.execution_context.operation_name)


Observer = Callable[[RequestRecord], None]


class RequestLog:
    """Times every HTTP request and logs one record when it is answered (then hands it to `observe`: the metrics).
    Outermost but for the request ID, so that it times everything the app does."""

    def __init__(self, app: ASGIApp, observe: Observer | None = None) -> None:
        self.app = app
        self.observe = observe
        self.log = logging.getLogger(REQUEST_LOGGER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        record = RequestRecord(request_id=state.get("request_id", "-"), method=scope["method"], path=scope["path"],
                               started=time.perf_counter())
        state["request_record"] = record
        token = current_request_id.set(record.request_id)
        error_body: list[bytes] = []

        async def send_noting_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                record.status = message["status"]
            elif message["type"] == "http.response.body" and record.status >= 400 and record.outcome is None:
                error_body.append(message.get("body", b""))  # a refusal's body is small: its code is read below
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        except BaseException:
            record.status, record.outcome = 500, "INTERNAL"
            raise
        finally:
            record.duration = time.perf_counter() - record.started
            if record.outcome is None:
                record.outcome = _code_of(b"".join(error_body)) if record.status >= 400 else "OK"
            self._emit(record)
            current_request_id.reset(token)

    def _emit(self, record: RequestRecord) -> None:
        probe = record.path in PROBES
        level = logging.DEBUG if probe else logging.INFO
        if self.log.isEnabledFor(level):
            self.log.log(level, "%s %s %s %s %s %.1f ms user=%s role=%s request=%s", record.method, record.path,
                         record.status, record.operation or "-", record.outcome, record.duration * 1000,
                         record.user or "-", record.role or "-", record.request_id, extra={"request": record.fields()})
        if self.observe is not None and not probe:
            self.observe(record)


def _code_of(body: bytes) -> str:
    """The first error's code of a refusal in the contract's form (exports, request limits), else ERROR."""
    try:
        return str(json.loads(body)["errors"][0]["extensions"]["code"])
    except (ValueError, LookupError, TypeError):
        return "ERROR"


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, the request ID it was written in, the request record's
    fields for a request record, and the exception's traceback if any; all of it scrubbed."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = current_request_id.get()
        if request_id is not None:
            entry["request_id"] = request_id
        fields = getattr(record, "request", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return scrub(json.dumps(entry, ensure_ascii=False, default=str))


class TextFormatter(logging.Formatter):
    """The plain format, scrubbed like the JSON one."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


def configure_logging(level: str, log_format: str) -> None:
    """Every logger of the process (uvicorn's too, which `serve` leaves unconfigured) writes through one handler on
    stderr, in `log_format` ("text" or "json")."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Tortoise's DEBUG log shows every statement's parameters and the pool's settings with the database password.
    logging.getLogger("tortoise").setLevel(max(logging.WARNING, root.level))
    for name in ("uvicorn", "uvicorn.error"):
        uvicorn = logging.getLogger(name)
        uvicorn.handlers[:] = []
        uvicorn.propagate = True

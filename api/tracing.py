"""Tracing with OpenTelemetry (issue #11, operations), on only when `OTEL_EXPORTER_OTLP_ENDPOINT` is set.

Each GraphQL operation is a span (strawberry's `OpenTelemetryExtension`: parsing, validation and each resolver
beneath it) and each SQL statement one more (the asyncpg instrumentation), exported over OTLP/HTTP to the collector at
that endpoint (`<endpoint>/v1/traces`; `OTEL_SERVICE_NAME` and the other standard OTEL_* variables apply as usual).

The packages are the `otel` extra (`pip install 'welfare-api[otel]'`), imported here only when tracing is on, so the
base install stays small; without them a configured endpoint stops the start with a message saying so.

**What a span never holds.** strawberry's extension records the query's text and every resolver's arguments, where a
login's password or a national ID filter would be: `Tracing`'s extension records neither (the operation's name, type
and the fields' paths only). The asyncpg instrumentation records a statement's SQL, not its parameters (its
`capture_parameters` stays off), and starts with the app, after the migrations, whose role statements carry a
password.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from api.logs import operation_label

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from strawberry.extensions.tracing import OpenTelemetryExtension

SERVICE_NAME = "welfare-api"


class TracingUnavailable(RuntimeError):
    """OTEL_EXPORTER_OTLP_ENDPOINT is set but the `otel` extra is not installed."""


class Tracing:
    """The tracer provider the app's spans go to, its strawberry extension, and the database's instrumentation."""

    def __init__(self, provider: TracerProvider) -> None:
        self.provider = provider
        self._instrumentor: Any = None

    def extension(self) -> Any:
        """A factory of the schema extension (strawberry makes one per operation), bound to this provider."""
        extension_class = _redacting_extension()
        provider = self.provider
        return lambda: extension_class(tracer_provider=provider)

    def instrument_database(self) -> None:
        from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor

        if self._instrumentor is None:
            self._instrumentor = AsyncPGInstrumentor(capture_parameters=False)  # type: ignore[no-untyped-call]
            self._instrumentor.instrument(tracer_provider=self.provider)

    def shutdown(self) -> None:
        """Stops instrumenting asyncpg and sends the spans still held."""
        if self._instrumentor is not None:
            self._instrumentor.uninstrument()
            self._instrumentor = None
        self.provider.force_flush()


def tracing_installed() -> bool:
    """Whether the `otel` extra is installed (without importing it)."""
    from importlib.util import find_spec

    try:
        return all(find_spec(name) is not None for name in (
            "opentelemetry.sdk", "opentelemetry.exporter.otlp.proto.http", "opentelemetry.instrumentation.asyncpg"))
    except ModuleNotFoundError:  # a parent package is missing
        return False


def tracing_from_endpoint(endpoint: str | None) -> Tracing | None:
    """Tracing to the OTLP/HTTP collector at `endpoint`, or None when it is unset."""
    if not endpoint:
        return None
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError as missing:
        raise TracingUnavailable("OTEL_EXPORTER_OTLP_ENDPOINT is set but OpenTelemetry is not installed: "
                                 "pip install 'welfare-api[otel]'") from missing
    # OTEL_SERVICE_NAME (read by Resource.create) names the service when set; explicit attributes would win over it.
    named = {} if os.environ.get("OTEL_SERVICE_NAME") else {"service.name": SERVICE_NAME}
    provider = TracerProvider(resource=Resource.create(named))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint.rstrip("/") + "/v1/traces")))
    return Tracing(provider)


_extension_class: type[OpenTelemetryExtension] | None = None


def _redacting_extension() -> type[OpenTelemetryExtension]:
    """strawberry's OpenTelemetryExtension, less the query's text and the resolvers' arguments; the operation's span
    is made current, so that the SQL of the request's transaction (run outside any resolver) joins its trace."""
    global _extension_class
    if _extension_class is not None:
        return _extension_class

    from collections.abc import Generator

    from opentelemetry import context as otel_context
    from opentelemetry import trace
    from opentelemetry.trace import SpanKind
    from strawberry.extensions import LifecycleStep
    from strawberry.extensions.tracing import OpenTelemetryExtension

    class RedactingOpenTelemetryExtension(OpenTelemetryExtension):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(arg_filter=lambda _args, _info: {}, **kwargs)

        def on_operation(self) -> Generator[None, None, None]:
            span = self._tracer.start_span("GraphQL Query", kind=SpanKind.SERVER)
            span.set_attribute("component", "graphql")
            self._span_holder[LifecycleStep.OPERATION] = span
            attached = otel_context.attach(trace.set_span_in_context(span))
            try:
                yield
            finally:
                otel_context.detach(attached)
                name = operation_label(self.execution_context.operation_name)
                if name:
                    span.update_name(f"GraphQL Query: {name}")
                    span.set_attribute("graphql.operation.name", name)
                if self.execution_context.graphql_document is not None:
                    try:
                        span.set_attribute("graphql.operation.type", self.execution_context.operation_type.value)
                    except Exception:  # noqa: BLE001 - no such operation in the document: the error says so
                        pass
                span.end()

    _extension_class = RedactingOpenTelemetryExtension
    return _extension_class

"""The Starlette application: /graphql, /healthz, /readyz, and the lifespan that owns the database."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import orjson
import strawberry
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from api import db
from api.client_address import ClientAddressMiddleware
from api.documents import PersistedDocuments
from api.exports import export_routes
from api.graphiql import graphiql_html, ide_routes
from api.logs import OperationName, RequestLog, record_outcome, request_record
from api.metrics import Metrics, metrics_endpoint
from api.middleware import RequestIdMiddleware
from api.request_limits import BodySizeLimit, ContractGraphQL
from api.settings import Settings, get_settings
from api.tracing import Tracing, tracing_from_endpoint
from auth.identity import ViewerCache, bearer_token, viewer_from_token
from auth.sessions import RefreshTokens
from auth.shared import SharedState, redis_client
from auth.throttle import LoginThrottle, SharedLoginThrottle
from auth.tokens import InvalidToken, token_service_from_settings
from schema import build_schema
from schema.context import Context
from schema.errors import internal_error, present_error
from schema.loaders import Loaders
from schema.services import Services

log = logging.getLogger("welfare_api")


class WelfareGraphQL(ContractGraphQL):
    """Strawberry's ASGI app with our per-request context: the viewer comes from the token, and only from it; what it
    refuses before execution answers in the contract's form (api/request_limits.py)."""

    ide_html: str | None = None  # the GraphiQL page, with its files served by the app when installed (api/graphiql.py)

    @property
    def graphql_ide_html(self) -> str:
        return self.ide_html or super().graphql_ide_html

    async def get_context(self, request: Request, response: Any) -> Context:  # type: ignore[override]
        services: Services = request.app.state.services
        request_id = request.scope.get("state", {}).get("request_id", "-")
        viewer, token_refusal = None, None
        header = request.headers.get("authorization", "")
        if header:
            try:
                viewer = await viewer_from_token(bearer_token(header), services.tokens, services.viewers,
                                                 demo_mode=services.demo_mode)
            except InvalidToken as refused:
                token_refusal = refused.client_reason
                log.info("token refused (%s) in request %s", refused.reason, request_id)  # never the token
        record = request_record(request)
        if record is not None and viewer is not None:
            record.user, record.role = viewer.username, viewer.role.value
        return Context(
            request=request,
            response=response,
            request_id=request_id,
            client_address=request.client.host if request.client else "-",
            viewer=viewer,
            token_refusal=token_refusal,
            loaders=Loaders(viewer),
            services=services,
        )


    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """As strawberry's, but a failure before execution (the database gone while the viewer is read, issue #8,
        item 16) answers INTERNAL with the request ID, in the contract's form, like one during execution."""
        try:
            return await super().run(request, context, root_value)
        except Exception:
            if not isinstance(request, Request):
                raise
            request_id = request.scope.get("state", {}).get("request_id", "-")
            log.error("unexpected error in request %s before execution", request_id, exc_info=True)
            return JSONResponse({"errors": [internal_error(request_id)]}, status_code=500)

    def encode_json(self, data: object) -> bytes:
        """Responses serialised by orjson (issue #10, item 3): several times faster than `json.dumps` on a page of
        families, and Persian text leaves as UTF-8 rather than `\\u` escapes, about a third of the bytes. The same
        JSON value either way."""
        return orjson.dumps(data)

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        """Every error leaves in the contract's form (code, English and Persian messages); the unexpected are
        masked as INTERNAL with the request ID. Done here so that errors raised before execution (syntax,
        token limits) are covered too."""
        if result.errors:
            request_id = request.scope.get("state", {}).get("request_id", "-")
            result.errors = [present_error(error, request_id) for error in result.errors]
        record_outcome(request, [(error.extensions or {}).get("code") for error in result.errors or ()])
        return await super().process_result(request, result)


async def healthz(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(_: Request) -> JSONResponse:
    if await db.is_reachable():
        return JSONResponse({"status": "ready"})
    return JSONResponse({"status": "database unreachable"}, status_code=503)


def schema_for(settings: Settings, *, plain_field_shortcut: bool = True,
               tracing: Tracing | None = None) -> strawberry.Schema:
    """The GraphQL schema with the limits and switches of `settings` (and spans to `tracing`'s provider)."""
    observers = (OperationName, *([tracing.extension()] if tracing else []))
    return build_schema(introspection=settings.introspection_enabled, max_depth=settings.max_query_depth,
                        max_aliases=settings.max_aliases, max_tokens=settings.max_tokens,
                        max_cost=settings.max_query_cost, statement_timeout_ms=settings.statement_timeout_ms,
                        plain_field_shortcut=plain_field_shortcut, compiled_reads=settings.compiled_reads,
                        observers=observers)


def create_app(settings: Settings | None = None, *, database_url: str | None = None,
               apply_migrations: bool = True, plain_field_shortcut: bool = True,
               schema: strawberry.Schema | None = None, tracing: Tracing | None = None) -> Starlette:
    """The app. `database_url` overrides the settings (tests pass their own database); `plain_field_shortcut`
    False executes every field the standard way (tests compare the two); `schema`, one already built by
    `schema_for` with the same settings (building it is most of an app's start, and it holds no request's state);
    `tracing`, where spans go (default: OTEL_EXPORTER_OTLP_ENDPOINT's collector, or none; a `schema` given with it
    must have been built with it)."""
    settings = settings or get_settings()
    tracing = tracing or tracing_from_endpoint(settings.otel_exporter_otlp_endpoint)
    schema = schema or schema_for(settings, plain_field_shortcut=plain_field_shortcut, tracing=tracing)
    metrics = Metrics() if settings.metrics_enabled else None
    graphql = WelfareGraphQL(schema, graphql_ide="graphiql" if settings.graphiql_enabled else None,
                             allow_queries_via_get=False)
    if settings.graphiql_enabled:
        graphql.ide_html = graphiql_html(settings.graphiql_assets_dir)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        owner_url = database_url or await db.resolve_database_url(settings.database_url, settings.data_dir)
        if apply_migrations:
            await db.migrate(owner_url, settings.app_database_role, settings.app_database_url)
        url = db.app_url(owner_url, settings.app_database_url, settings.app_database_role)
        if tracing is not None:  # after the migrations: their role statements carry a password
            tracing.instrument_database()
        # Several processes share the throttle and the user cache through Redis when REDIS_URL is set.
        shared = SharedState(redis_client(settings.redis_url) if settings.redis_url else None,
                             settings.redis_key_prefix)
        app.state.services = Services(
            tokens=token_service_from_settings(settings),
            throttle=SharedLoginThrottle(
                LoginThrottle(settings.login_max_failures, settings.login_window_seconds,
                              max_address_failures=settings.login_max_failures_per_address), shared),
            viewers=ViewerCache(settings.user_cache_seconds, shared=shared),
            demo_mode=settings.demo_mode,
            shared=shared,
            sessions=RefreshTokens(timedelta(days=settings.refresh_token_days)),
        )
        app.state.documents = PersistedDocuments(shared, cache_size=settings.persisted_queries_cache_size,
                                                 trusted_only=settings.trusted_documents_only)
        try:
            async with db.connected(url):
                await db.check_app_role()
                yield
        finally:
            await shared.close()
            if tracing is not None:
                tracing.shutdown()
            if metrics is not None:
                metrics.close()
            # uvicorn re-raises SIGTERM after shutdown, so atexit hooks never run: stop the embedded server here.
            db.stop_embedded_postgres()

    return Starlette(
        routes=[
            Route("/graphql", graphql),  # every method: the view answers the ones it refuses (api/request_limits.py)
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            *export_routes(graphql),
            *(ide_routes(settings.graphiql_assets_dir) if settings.graphiql_enabled else []),
            # Off by default (a 404), and behind METRICS_TOKEN when one is set: the figures are not public.
            *([Route("/metrics", metrics_endpoint(metrics, settings.metrics_token))] if metrics else []),
        ],
        middleware=[Middleware(RequestIdMiddleware),
                    Middleware(RequestLog, observe=metrics.observe if metrics else None),
                    Middleware(ClientAddressMiddleware, trusted=settings.trusted_proxy_networks),
                    Middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)],
        lifespan=lifespan,
    )

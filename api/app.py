"""The Starlette application: /graphql, /healthz, /readyz, and the lifespan that owns the database."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import strawberry
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from api import db
from api.client_address import ClientAddressMiddleware
from api.exports import export_routes
from api.middleware import RequestIdMiddleware
from api.request_limits import BodySizeLimit, ContractGraphQL
from api.settings import Settings, get_settings
from auth.identity import ViewerCache, bearer_token, viewer_from_token
from auth.throttle import LoginThrottle
from auth.tokens import InvalidToken, token_service_from_settings
from schema import build_schema
from schema.context import Context
from schema.errors import present_error
from schema.loaders import Loaders
from schema.services import Services

log = logging.getLogger("welfare_api")


class WelfareGraphQL(ContractGraphQL):
    """Strawberry's ASGI app with our per-request context: the viewer comes from the token, and only from it; what it
    refuses before execution answers in the contract's form (api/request_limits.py)."""

    async def get_context(self, request: Request, response: Any) -> Context:  # type: ignore[override]
        services: Services = request.app.state.services
        request_id = request.scope.get("state", {}).get("request_id", "-")
        viewer, token_error = None, False
        header = request.headers.get("authorization", "")
        if header:
            try:
                viewer = await viewer_from_token(bearer_token(header), services.tokens, services.viewers,
                                                 demo_mode=services.demo_mode)
            except InvalidToken as refused:
                token_error = True
                log.info("token refused (%s) in request %s", refused.reason, request_id)  # never the token
        return Context(
            request=request,
            response=response,
            request_id=request_id,
            client_address=request.client.host if request.client else "-",
            viewer=viewer,
            token_error=token_error,
            loaders=Loaders(viewer),
            services=services,
        )


    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        """Every error leaves in the contract's form (code, English and Persian messages); the unexpected are
        masked as INTERNAL with the request ID. Done here so that errors raised before execution (syntax,
        token limits) are covered too."""
        if result.errors:
            request_id = request.scope.get("state", {}).get("request_id", "-")
            result.errors = [present_error(error, request_id) for error in result.errors]
        return await super().process_result(request, result)


async def healthz(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


async def readyz(_: Request) -> JSONResponse:
    if await db.is_reachable():
        return JSONResponse({"status": "ready"})
    return JSONResponse({"status": "database unreachable"}, status_code=503)


def schema_for(settings: Settings, *, plain_field_shortcut: bool = True) -> strawberry.Schema:
    """The GraphQL schema with the limits and switches of `settings`."""
    return build_schema(introspection=settings.introspection_enabled, max_depth=settings.max_query_depth,
                        max_aliases=settings.max_aliases, max_tokens=settings.max_tokens,
                        max_cost=settings.max_query_cost, statement_timeout_ms=settings.statement_timeout_ms,
                        plain_field_shortcut=plain_field_shortcut)


def create_app(settings: Settings | None = None, *, database_url: str | None = None,
               apply_migrations: bool = True, plain_field_shortcut: bool = True,
               schema: strawberry.Schema | None = None) -> Starlette:
    """The app. `database_url` overrides the settings (tests pass their own database); `plain_field_shortcut`
    False executes every field the standard way (tests compare the two); `schema`, one already built by
    `schema_for` with the same settings (building it is most of an app's start, and it holds no request's state)."""
    settings = settings or get_settings()
    schema = schema or schema_for(settings, plain_field_shortcut=plain_field_shortcut)
    graphql = WelfareGraphQL(schema, graphql_ide="graphiql" if settings.graphiql_enabled else None,
                             allow_queries_via_get=False)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        owner_url = database_url or await db.resolve_database_url(settings.database_url, settings.data_dir)
        if apply_migrations:
            await db.migrate(owner_url, settings.app_database_role, settings.app_database_url)
        url = db.app_url(owner_url, settings.app_database_url, settings.app_database_role)
        app.state.services = Services(
            tokens=token_service_from_settings(settings),
            throttle=LoginThrottle(settings.login_max_failures, settings.login_window_seconds,
                                   max_address_failures=settings.login_max_failures_per_address),
            viewers=ViewerCache(settings.user_cache_seconds),
            demo_mode=settings.demo_mode,
        )
        try:
            async with db.connected(url):
                await db.check_app_role()
                yield
        finally:
            # uvicorn re-raises SIGTERM after shutdown, so atexit hooks never run: stop the embedded server here.
            db.stop_embedded_postgres()

    return Starlette(
        routes=[
            Route("/graphql", graphql),  # every method: the view answers the ones it refuses (api/request_limits.py)
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            *export_routes(graphql),
        ],
        middleware=[Middleware(RequestIdMiddleware),
                    Middleware(ClientAddressMiddleware, trusted=settings.trusted_proxy_networks),
                    Middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)],
        lifespan=lifespan,
    )

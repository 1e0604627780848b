"""Settings, read once from the environment (the README's configuration table lists every one)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import platformdirs
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.client_address import Network, trusted_networks

ROLE_NAME = r"^[a-z_][a-z0-9_]{0,62}$"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("welfare-api"))


class Settings(BaseSettings):
    """Every knob of the service. Names are the environment variables, upper-cased."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False)

    environment: Literal["development", "production"] = "development"
    database_url: str | None = Field(default=None, description="PostgreSQL URL; unset = embedded PostgreSQL")
    app_database_url: str | None = Field(
        default=None, description="URL the API itself connects with (a plain role; row-level security binds it); "
        "unset = DATABASE_URL's server and database as APP_DATABASE_ROLE")
    app_database_role: str = Field(default="welfare_api", pattern=ROLE_NAME,
                                   description="the API's role when APP_DATABASE_URL is unset; else that URL's role")
    data_dir: Path = Field(default_factory=default_data_dir, description="embedded PostgreSQL and local secrets")
    demo_mode: bool = Field(default=False, description="demo accounts may log in only when this is on")

    jwt_algorithm: Literal["HS256", "RS256", "EdDSA"] = "HS256"
    jwt_secret: str | None = Field(default=None, description="HS256 secret; unset = generated into data_dir")
    jwt_private_key_file: Path | None = None
    jwt_public_key_file: Path | None = None
    jwt_jwks_url: str | None = Field(default=None, description="verify tokens of an external identity provider")
    jwt_issuer: str = "welfare-api"
    jwt_audience: str = "welfare-api"
    access_token_minutes: int = Field(default=60, ge=1, le=24 * 60)
    refresh_token_days: int = Field(
        default=30, ge=1, le=365, description="a refresh token (login, refreshToken) unused this long expires; "
        "each use gives a new one for as long again")
    user_cache_seconds: float = Field(default=3.0, ge=0, le=10)
    redis_url: str | None = Field(
        default=None, description="Redis (redis://, rediss://, unix://) shared by every process: the login throttle "
        "and the user cache; unset = each process keeps its own")
    redis_key_prefix: str = Field(default="welfare-api:", description="prefix of every key the API writes in Redis")

    login_max_failures: int = Field(default=5, ge=1,
                                    description="failures of one username before its logins are slowed down")
    login_max_failures_per_address: int = Field(
        default=50, ge=1, description="failures from one client address before its wrong passwords are refused "
        "as RATE_LIMITED (a right password still logs in: an office shares one address)")
    login_window_seconds: int = Field(default=900, ge=1)
    trusted_proxies: str = Field(
        default="", description="comma-separated addresses/CIDRs of the proxies whose X-Forwarded-For is believed; "
        "empty = none, the peer is the client")

    graphiql: bool | None = Field(default=None, description="default: on in development, off in production")
    graphiql_assets_dir: Path = Field(
        default=Path(__file__).parent / "graphiql_assets", description="GraphiQL's React and GraphiQL files, "
        "installed by `welfare-api ide fetch` and served under /graphiql-assets/; absent = loaded from unpkg.com")
    introspection: bool | None = Field(default=None, description="default: on in development, off in production")
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    max_query_cost: int = Field(default=100_000, ge=1, description="largest cost of an operation: a connection "
                                "costs its `first` times its selection's cost (schema/query_cost.py)")
    statement_timeout_ms: int = Field(default=5000, ge=1, description="PostgreSQL statement_timeout of each request")
    compiled_reads: bool = Field(default=False, description="answer the hot reads (families, children) with one SQL "
                                 "statement built from the schema (schema/compiled.py); anything else as before")
    max_request_bytes: int = Field(default=1 << 20, ge=1024,
                                   description="a larger request body is refused with HTTP 413 before it is read")

    persisted_queries_cache_size: int = Field(
        default=1000, ge=0, description="automatic persisted queries each process keeps (least recently used "
        "dropped first; 0 = none); with REDIS_URL they are kept in Redis too")
    trusted_documents_only: bool = Field(
        default=False, description="accept only the operations registered with `welfare-api documents register FILE`"
        ", by hash or by text; anything else is refused")

    log_level: str = "INFO"
    log_format: Literal["text", "json"] = Field(
        default="text", description="json: one JSON object a line, one per request with its ID, user, role, operation, "
        "duration and outcome (api/logs.py); never a token, password or national ID")
    metrics_enabled: bool = Field(default=False, description="serve Prometheus metrics at /metrics (api/metrics.py); "
                                  "off = 404")
    metrics_token: str | None = Field(default=None, description="when set, /metrics asks for "
                                      "`Authorization: Bearer <this>`")
    otel_exporter_otlp_endpoint: str | None = Field(
        default=None, description="OpenTelemetry collector (OTLP over HTTP, e.g. http://collector:4318): traces of "
        "every operation and SQL statement (api/tracing.py, the `otel` extra); unset = no tracing")

    @model_validator(mode="after")
    def _one_app_role(self) -> Settings:
        """APP_DATABASE_URL's role is the one migrations create and grant: APP_DATABASE_ROLE is derived from it, and
        an explicit APP_DATABASE_ROLE naming another role is refused here, at start, rather than granted in vain
        while the API then connects as a role that has no grants (or does not exist)."""
        if self.app_database_url is None:
            return self
        role = urlsplit(self.app_database_url).username
        if not role:
            raise ValueError("APP_DATABASE_URL names no role: give it as postgres://ROLE:PASSWORD@HOST:PORT/DATABASE")
        if "app_database_role" in self.model_fields_set and self.app_database_role != role:
            raise ValueError(f"APP_DATABASE_URL connects as {role!r} but APP_DATABASE_ROLE is "
                             f"{self.app_database_role!r}: set only APP_DATABASE_URL (its role is the one created "
                             "and granted), or make the two name the same role")
        if not re.fullmatch(ROLE_NAME, role):
            raise ValueError(f"APP_DATABASE_URL's role {role!r} is not a plain role name ({ROLE_NAME})")
        self.app_database_role = role
        return self

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses_or_cidrs(cls, value: str) -> str:
        trusted_networks(value)  # refuses a typo at start rather than trusting nothing in silence
        return value

    @property
    def trusted_proxy_networks(self) -> tuple[Network, ...]:
        return trusted_networks(self.trusted_proxies)

    @property
    def graphiql_enabled(self) -> bool:
        return self.environment == "development" if self.graphiql is None else self.graphiql

    @property
    def introspection_enabled(self) -> bool:
        return self.environment == "development" if self.introspection is None else self.introspection


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()

"""Settings, read once from the environment (the README's configuration table lists every one)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.client_address import Network, trusted_networks


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
    app_database_role: str = Field(default="welfare_api", pattern=r"^[a-z_][a-z0-9_]{0,62}$")
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
    user_cache_seconds: float = Field(default=3.0, ge=0, le=10)

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
    introspection: bool | None = Field(default=None, description="default: on in development, off in production")
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    max_query_cost: int = Field(default=100_000, ge=1, description="largest cost of an operation: a connection "
                                "costs its `first` times its selection's cost (schema/query_cost.py)")
    statement_timeout_ms: int = Field(default=5000, ge=1, description="PostgreSQL statement_timeout of each request")
    max_request_bytes: int = Field(default=1 << 20, ge=1024,
                                   description="a larger request body is refused with HTTP 413 before it is read")

    log_level: str = "INFO"

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

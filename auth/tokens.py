"""Access tokens: JWTs with sub, iss, aud, iat, exp and jti, on one algorithm pinned by configuration.

`iat` carries microseconds (a JSON number with a fraction, which RFC 7519's NumericDate allows), so that a password
change retires a token issued earlier in the same second (auth/identity.py). A token whose lifetime (exp − iat)
is longer than the configured one is refused, whoever signed it.

HS256 with a secret is the embedded default (the secret is generated into the data folder when none is
configured); RS256 or EdDSA with a key pair, or with a JWKS URL so that an external identity provider can
issue the tokens, are for production. The algorithm a token claims in its header is never trusted: only
the configured one verifies, so `alg=none` and algorithm-confusion tokens are rejected.
"""

from __future__ import annotations

import math
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from jwt import exceptions as jwt_errors


class InvalidToken(Exception):
    """Missing, expired, forged or otherwise unusable token. `reason` says why in a few words, for the log; it
    never holds the token itself."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    @property
    def client_reason(self) -> str:
        """What the client reads in `extensions.reason` (docs/api.md, conventions): TOKEN_EXPIRED when only the
        time is past, so that it trades its refresh token for a new pair; TOKEN_INVALID for everything else."""
        return TOKEN_EXPIRED if self.reason == EXPIRED else TOKEN_INVALID


TOKEN_EXPIRED = "TOKEN_EXPIRED"
TOKEN_INVALID = "TOKEN_INVALID"
EXPIRED = "expired"


# Why PyJWT refused a token, in the log's words. Subclasses come before their bases (a bad signature is a
# DecodeError too); the first match wins.
_REFUSALS: tuple[tuple[type[jwt_errors.PyJWTError], str], ...] = (
    (jwt_errors.ExpiredSignatureError, EXPIRED),
    (jwt_errors.ImmatureSignatureError, "not yet valid"),
    (jwt_errors.InvalidSignatureError, "bad signature"),
    (jwt_errors.InvalidAlgorithmError, "algorithm not allowed"),
    (jwt_errors.InvalidAudienceError, "wrong audience"),
    (jwt_errors.InvalidIssuerError, "wrong issuer"),
    (jwt_errors.InvalidIssuedAtError, "bad iat claim"),
    (jwt_errors.InvalidSubjectError, "bad sub claim"),
    (jwt_errors.InvalidJTIError, "bad jti claim"),
    (jwt_errors.PyJWKClientConnectionError, "signing keys unreachable"),
    (jwt_errors.PyJWKClientError, "unknown signing key"),
    (jwt_errors.DecodeError, "malformed"),
)


def refusal_reason(error: jwt_errors.PyJWTError) -> str:
    """The log's words for why PyJWT refused a token (`missing claim jti`, `expired`, `bad signature` …)."""
    if isinstance(error, jwt_errors.MissingRequiredClaimError):
        return f"missing claim {error.claim}"
    return next((reason for kind, reason in _REFUSALS if isinstance(error, kind)), "invalid")


LIFETIME_TOO_LONG = "lifetime too long"


def numeric_date(claims: dict[str, Any], name: str) -> float:
    """A time claim as epoch seconds: a JSON number (RFC 7519's NumericDate), not a string or a boolean, which
    PyJWT lets through; one past a float's range counts as infinitely far."""
    value = claims[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidToken(f"bad {name} claim")
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime


class TokenService:
    """Issues and verifies access tokens with the configured algorithm and keys."""

    def __init__(
        self,
        *,
        algorithm: str,
        issuer: str,
        audience: str,
        lifetime: timedelta,
        signing_key: Any | None,
        verifying_key: Any | None,
        jwks_url: str | None = None,
    ) -> None:
        self.algorithm = algorithm
        self.issuer = issuer
        self.audience = audience
        self.lifetime = lifetime
        self._signing_key = signing_key
        self._verifying_key = verifying_key
        self._jwks = jwt.PyJWKClient(jwks_url, cache_keys=True) if jwks_url else None

    @property
    def can_issue(self) -> bool:
        return self._signing_key is not None

    def issue(self, subject: str, now: datetime | None = None) -> IssuedToken:
        if self._signing_key is None:
            raise RuntimeError("this server verifies tokens of an external identity provider and issues none")
        now = now or datetime.now(UTC)
        expires_at = now + self.lifetime
        claims = {
            "sub": subject,
            "iss": self.issuer,
            "aud": self.audience,
            "iat": now.timestamp(),  # with microseconds
            "exp": int(expires_at.timestamp()),
            "jti": uuid.uuid4().hex,
        }
        token = jwt.encode(claims, self._signing_key, algorithm=self.algorithm)
        return IssuedToken(token=token, expires_at=expires_at.replace(microsecond=0))

    def verify(self, token: str) -> dict[str, Any]:
        """The token's claims, or InvalidToken with the reason."""
        try:
            key = self._jwks.get_signing_key_from_jwt(token).key if self._jwks else self._verifying_key
            if key is None:  # jwt would refuse it with a TypeError; say why instead
                raise RuntimeError("no key to verify tokens with: give verifying_key or jwks_url")
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[self.algorithm],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["sub", "iss", "aud", "iat", "exp", "jti"]},
            )
        except jwt_errors.PyJWTError as exc:
            raise InvalidToken(refusal_reason(exc)) from exc
        if not numeric_date(claims, "exp") - numeric_date(claims, "iat") <= self.lifetime.total_seconds():
            raise InvalidToken(LIFETIME_TOO_LONG)
        return claims


def local_hs256_secret(data_dir: Path) -> str:
    """The embedded default's HS256 secret, generated once into the data folder (mode 0600)."""
    path = data_dir / "jwt-secret"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    path.touch(mode=0o600)
    path.write_text(secret)
    return secret


def token_service_from_settings(settings: Any) -> TokenService:
    """Build the token service the settings describe; refuse unsafe combinations in production."""
    lifetime = timedelta(minutes=settings.access_token_minutes)
    common = dict(algorithm=settings.jwt_algorithm, issuer=settings.jwt_issuer, audience=settings.jwt_audience,
                  lifetime=lifetime)
    if settings.jwt_algorithm == "HS256":
        if settings.jwt_secret:
            secret = settings.jwt_secret
        elif settings.environment == "production":
            raise RuntimeError("JWT_SECRET must be set in production when JWT_ALGORITHM is HS256")
        else:
            secret = local_hs256_secret(settings.data_dir)
        if len(secret) < 32:
            raise RuntimeError("JWT_SECRET must be at least 32 characters")
        return TokenService(signing_key=secret, verifying_key=secret, **common)
    private = settings.jwt_private_key_file.read_bytes() if settings.jwt_private_key_file else None
    public = settings.jwt_public_key_file.read_bytes() if settings.jwt_public_key_file else None
    if public is None and not settings.jwt_jwks_url:
        raise RuntimeError(f"{settings.jwt_algorithm} needs JWT_PUBLIC_KEY_FILE or JWT_JWKS_URL")
    return TokenService(signing_key=private, verifying_key=public, jwks_url=settings.jwt_jwks_url, **common)

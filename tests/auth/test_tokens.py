"""Access tokens: the configured algorithm alone verifies; RS256 and EdDSA key pairs work (issue #2, auth)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from api.settings import Settings
from auth.tokens import InvalidToken, TokenService, token_service_from_settings


def pem_pair(private_key) -> tuple[bytes, bytes]:
    private = private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
    public = private_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, public


def service(algorithm: str, signing, verifying) -> TokenService:
    return TokenService(algorithm=algorithm, issuer="welfare-api", audience="welfare-api",
                        lifetime=timedelta(minutes=5), signing_key=signing, verifying_key=verifying)


@pytest.mark.parametrize("make_key", [
    lambda: ("RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048)),
    lambda: ("EdDSA", ed25519.Ed25519PrivateKey.generate()),
])
def test_key_pair_algorithms_issue_and_verify(make_key):
    algorithm, key = make_key()
    private, public = pem_pair(key)
    tokens = service(algorithm, private, public)
    claims = tokens.verify(tokens.issue("clinic.manager").token)
    assert claims["sub"] == "clinic.manager"
    assert set(claims) == {"sub", "iss", "aud", "iat", "exp", "jti"}


def test_iat_carries_microseconds_and_a_lifetime_up_to_the_configured_one_passes():
    secret = "s" * 40
    tokens = service("HS256", secret, secret)
    issued_at = datetime(2026, 3, 1, 10, 0, 0, 250_001, tzinfo=UTC)
    token = tokens.issue("admin", now=issued_at).token
    assert jwt.decode(token, options={"verify_signature": False})["iat"] == issued_at.timestamp()
    now = int(datetime.now(UTC).timestamp())
    exact = jwt.encode({"sub": "admin", "iss": "welfare-api", "aud": "welfare-api", "iat": now, "exp": now + 5 * 60,
                        "jti": "j1"}, secret, algorithm="HS256")
    assert tokens.verify(exact)["sub"] == "admin"


def test_a_verifier_without_the_private_key_cannot_issue():
    _, public = pem_pair(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    verifier = service("RS256", None, public)
    assert not verifier.can_issue
    with pytest.raises(RuntimeError):
        verifier.issue("x")


def test_algorithm_confusion_is_rejected():
    """An HS256 token keyed with the RS256 public key must not pass an RS256 verifier."""
    private, public = pem_pair(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    tokens = service("RS256", private, public)
    header = base64.urlsafe_b64encode(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()).rstrip(b"=")
    body = base64.urlsafe_b64encode(json.dumps(jwt.decode(tokens.issue("a").token,
                                                          options={"verify_signature": False})).encode()).rstrip(b"=")
    import hashlib
    import hmac

    signature = base64.urlsafe_b64encode(hmac.new(public, header + b"." + body, hashlib.sha256).digest()).rstrip(b"=")
    with pytest.raises(InvalidToken):
        tokens.verify((header + b"." + body + b"." + signature).decode())


def test_production_refuses_a_missing_or_short_hs256_secret(tmp_path):
    with pytest.raises(RuntimeError):
        token_service_from_settings(Settings(environment="production", data_dir=tmp_path))
    with pytest.raises(RuntimeError):
        token_service_from_settings(Settings(jwt_secret="short", data_dir=tmp_path))


def test_the_embedded_default_generates_and_keeps_its_secret(tmp_path):
    first = token_service_from_settings(Settings(data_dir=tmp_path))
    token = first.issue("admin").token
    second = token_service_from_settings(Settings(data_dir=tmp_path))
    assert second.verify(token)["sub"] == "admin"
    assert (tmp_path / "jwt-secret").stat().st_mode & 0o077 == 0


def test_rs256_needs_a_public_key_or_jwks(tmp_path):
    with pytest.raises(RuntimeError):
        token_service_from_settings(Settings(jwt_algorithm="RS256", data_dir=tmp_path))


def test_tokens_of_an_external_identity_provider_verify_through_its_jwks(tmp_path):
    """JWT_JWKS_URL: an identity provider signs, this server only verifies (keys fetched from its JWKS)."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from jwt.algorithms import RSAAlgorithm

    provider_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(RSAAlgorithm.to_jwk(provider_key.public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": "idp-1", "alg": "RS256", "use": "sig"}]}).encode()

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server hook's name
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Jwks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        verifier = token_service_from_settings(Settings(
            jwt_algorithm="RS256", jwt_jwks_url=f"http://127.0.0.1:{server.server_port}/jwks", data_dir=tmp_path))
        assert not verifier.can_issue
        private, _ = pem_pair(provider_key)
        now = datetime.now(UTC)
        claims = {"sub": "yazd.county", "iss": "welfare-api", "aud": "welfare-api", "iat": int(now.timestamp()),
                  "exp": int((now + timedelta(minutes=5)).timestamp()), "jti": "x1"}
        token = jwt.encode(claims, private, algorithm="RS256", headers={"kid": "idp-1"})
        assert verifier.verify(token)["sub"] == "yazd.county"
        stranger, _ = pem_pair(rsa.generate_private_key(public_exponent=65537, key_size=2048))
        with pytest.raises(InvalidToken):
            verifier.verify(jwt.encode(claims, stranger, algorithm="RS256", headers={"kid": "idp-1"}))
    finally:
        server.shutdown()


def test_a_refused_token_says_why_and_never_echoes_itself():
    """The reason goes to the log (auth/identity.py): it names what was wrong, not the token."""
    secret = "s" * 40
    tokens = service("HS256", secret, secret)
    now = int(datetime.now(UTC).timestamp())

    def signed(key: str = secret, **changes) -> str:
        claims = {"sub": "admin", "iss": "welfare-api", "aud": "welfare-api", "iat": now, "exp": now + 60,
                  "jti": "j1", **changes}
        return jwt.encode({k: v for k, v in claims.items() if v is not None}, key, algorithm="HS256")

    def unsigned(**header) -> str:
        return ".".join(base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()
                        for part in (header, {"sub": "admin"})) + "."

    refused = {
        "expired": signed(iat=now - 120, exp=now - 60),
        "bad signature": signed("another-secret-" + "y" * 40),
        "malformed": "not.a.token",
        "algorithm not allowed": unsigned(alg="none", typ="JWT"),
        "wrong audience": signed(aud="someone-else"),
        "wrong issuer": signed(iss="evil-issuer"),
        "missing claim jti": signed(jti=None),
        "not yet valid": signed(iat=now + 3600, exp=now + 7200),
        "bad sub claim": signed(sub=7),
        "lifetime too long": signed(exp=now + 5 * 60 + 1),  # the service's lifetime is 5 minutes
        "bad iat claim": signed(iat=str(now)),  # PyJWT lets a string of digits through; a NumericDate is a number
        "bad exp claim": signed(exp=str(now + 60)),
    }
    for reason, token in refused.items():
        with pytest.raises(InvalidToken) as caught:
            tokens.verify(token)
        assert caught.value.reason == reason
        assert token not in str(caught.value)

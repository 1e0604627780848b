"""The contract's errors (docs/api.md, conventions): a code, an English message, a Persian one.

Anything else that escapes a resolver is masked as INTERNAL with the request ID; its details go to the log.
"""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError

from rules.errors import RuleInputError, RuleViolation

log = logging.getLogger("welfare_api.errors")

CODES = frozenset({
    "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT", "CONFLICT", "QUOTA_EXCEEDED",
    "RULE_VIOLATION", "QUERY_TOO_COMPLEX", "RATE_LIMITED", "INTERNAL",
    # Persisted operations (api/documents.py): Apollo's clients send the query text on the first, and the second
    # is the answer of a server that runs only registered documents (TRUSTED_DOCUMENTS_ONLY).
    "PERSISTED_QUERY_NOT_FOUND", "PERSISTED_QUERY_NOT_IN_LIST",
})


class ApiError(Exception):
    """An error the client is meant to read: `code` from the contract, messages in English and Persian."""

    code = "INTERNAL"

    def __init__(self, message_en: str, message_fa: str, **extensions: Any) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_fa = message_fa
        self.extensions = {k: v for k, v in extensions.items() if v is not None}


class Unauthenticated(ApiError):
    """No valid token. `reason` (docs/api.md, errors) tells a client what to do: `TOKEN_EXPIRED`, trade the
    refresh token for a new pair (`refreshToken`); `TOKEN_INVALID`, log in again; none, no token was sent."""

    code = "UNAUTHENTICATED"

    def __init__(self, reason: str | None = None) -> None:
        super().__init__("A valid access token is required.", "برای این درخواست توکن دسترسی معتبر لازم است.",
                         reason=reason)


class RefreshRefused(ApiError):
    """A refresh token that cannot be used (never issued, rotated, revoked or expired): log in again. The caller
    learns no more; the trail records a rotated token used again as `TOKEN_REUSED` (auth/sessions.py)."""

    code = "UNAUTHENTICATED"

    def __init__(self, outcome: str = "UNAUTHENTICATED") -> None:
        super().__init__("This refresh token is not valid; log in again.",
                         "این توکن تازه‌سازی معتبر نیست؛ دوباره وارد شوید.", reason="TOKEN_INVALID")
        self.outcome = outcome


class Forbidden(ApiError):
    code = "FORBIDDEN"

    def __init__(self, what: str | None = None) -> None:
        detail = f": {what}" if what else ""
        super().__init__(f"You may not do this{detail}.", f"شما مجاز به این کار نیستید{detail}.")


class NotFound(ApiError):
    """Absent and out-of-slice look the same (docs/access.md rule 3): the message never says which."""

    code = "NOT_FOUND"

    def __init__(self, field: str | None = None) -> None:
        super().__init__("No such object.", "چنین موردی یافت نشد.", field=field)


class BadUserInput(ApiError):
    code = "BAD_USER_INPUT"

    def __init__(self, message_en: str, message_fa: str, field: str | None = None) -> None:
        super().__init__(message_en, message_fa, field=field)


class WrongCredentials(BadUserInput):
    """A refused login. The caller reads BAD_USER_INPUT on `password` whatever was wrong, so that no answer says
    which usernames exist; the audit trail records the attempt as UNAUTHENTICATED (issue #8, item 2)."""

    outcome = "UNAUTHENTICATED"

    def __init__(self) -> None:
        super().__init__("Wrong username or password.", "نام کاربری یا گذرواژه نادرست است.", field="password")


class Conflict(ApiError):
    code = "CONFLICT"


class QuotaExceeded(ApiError):
    code = "QUOTA_EXCEEDED"


class StaleVersion(Conflict):
    def __init__(self) -> None:
        super().__init__("Someone else changed this object; reload it and try again.",
                         "این مورد را کس دیگری تغییر داده است؛ دوباره بارگذاری و تلاش کنید.", field="version")


class RateLimited(ApiError):
    code = "RATE_LIMITED"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many failed attempts; try again in {retry_after} s.",
                         f"تلاش‌های ناموفق بیش از حد؛ {retry_after} ثانیه دیگر دوباره تلاش کنید.",
                         retryAfter=retry_after)


class QueryTooComplex(ApiError):
    """A document over one of the complexity limits (schema/limits.py); `detail` says which and by how much."""

    code = "QUERY_TOO_COMPLEX"

    def __init__(self, detail: str) -> None:
        super().__init__(f"The query is too complex: {detail}.", "پرس‌وجو بیش از حد پیچیده است.")


def outcome_of(error: GraphQLError) -> str:
    """What the audit trail records of a request refused with `error`: the contract's code the caller reads
    (as `present_error` gives it), or the error's own `outcome` where that says more (docs/access.md rule 7)."""
    original = error.original_error
    coerced = False
    while isinstance(original, GraphQLError):
        original, coerced = original.original_error, True
    if isinstance(original, ApiError):
        return str(getattr(original, "outcome", original.code))
    if isinstance(original, RuleInputError):
        return "BAD_USER_INPUT"
    if isinstance(original, RuleViolation):
        return "RULE_VIOLATION"
    if original is None or (coerced and error.path is None):
        return "BAD_USER_INPUT"
    return "INTERNAL"


def _formatted(error: GraphQLError, code: str, message_en: str, message_fa: str, **ext: Any) -> GraphQLError:
    extensions = {"code": code, "messageFa": message_fa, **{k: v for k, v in ext.items() if v is not None}}
    return GraphQLError(message_en, nodes=error.nodes, source=error.source, positions=error.positions,
                        path=error.path, original_error=None, extensions=extensions)


def present_error(error: GraphQLError, request_id: str) -> GraphQLError:
    """Turn any error of a result into one the contract allows, masking the unexpected."""
    original = error.original_error
    # graphql-core wraps a failed variable coercion in GraphQLErrors; the cause is at the bottom.
    coerced = False
    while isinstance(original, GraphQLError):
        original, coerced = original.original_error, True
    if isinstance(original, ApiError):
        return _formatted(error, original.code, original.message_en, original.message_fa, **original.extensions)
    if isinstance(original, RuleInputError):
        return _formatted(error, "BAD_USER_INPUT", original.message_en, original.message_fa, field=original.field)
    if isinstance(original, RuleViolation):
        return _formatted(error, "RULE_VIOLATION", original.message_en, original.message_fa, rule=original.rule)
    if original is None or (coerced and error.path is None):
        # Syntax and validation errors, and variables that did not coerce (an unknown enum value fails with a
        # KeyError beneath): the client's document is at fault; its text is safe to show.
        return _formatted(error, "BAD_USER_INPUT", error.message, "درخواست نامعتبر است.")
    log.error("unexpected error in request %s at %s", request_id, error.path, exc_info=original)
    masked = internal_error(request_id)
    return _formatted(error, "INTERNAL", masked["message"], masked["extensions"]["messageFa"], requestId=request_id)


def internal_error(request_id: str) -> dict[str, Any]:
    """The contract's masked error, which names the request ID and nothing of the cause (that goes to the log)."""
    return {"message": f"Internal error; quote request {request_id}.",
            "extensions": {"code": "INTERNAL", "messageFa": f"خطای داخلی؛ شناسه درخواست را گزارش کنید: {request_id}",
                           "requestId": request_id}}

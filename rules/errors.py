"""Exceptions raised by the rules package.

Source: docs/api.md, "Errors" — input problems map to ``BAD_USER_INPUT`` with ``extensions.field``,
broken directive rules map to ``RULE_VIOLATION`` with ``extensions.rule``; both carry a Persian and an
English message (``extensions.messageFa`` carries the Persian).
"""

from __future__ import annotations

__all__ = ["RuleInputError", "RuleViolation"]


class RuleInputError(ValueError):
    """An input value that no rule can accept (maps to ``BAD_USER_INPUT``, docs/api.md "Errors").

    ``field`` names the offending input field in camelCase (``extensions.field``), or is ``None``
    when the caller must supply it.
    """

    field: str | None
    message_en: str
    message_fa: str

    def __init__(self, message_en: str, message_fa: str, field: str | None = None) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_fa = message_fa
        self.field = field

    def __repr__(self) -> str:
        return f"RuleInputError({self.message_en!r}, {self.message_fa!r}, field={self.field!r})"


class RuleViolation(Exception):
    """A well-formed request that a directive rule forbids (maps to ``RULE_VIOLATION``, docs/api.md "Errors").

    ``rule`` is the stable code of the rule broken, e.g. ``"ART_2_NOTE_1"`` (``extensions.rule``).
    """

    rule: str
    message_en: str
    message_fa: str

    def __init__(self, rule: str, message_en: str, message_fa: str) -> None:
        super().__init__(message_en)
        self.rule = rule
        self.message_en = message_en
        self.message_fa = message_fa

    def __repr__(self) -> str:
        return f"RuleViolation({self.rule!r}, {self.message_en!r}, {self.message_fa!r})"

"""Bilingual labels for the directive's enumerations, in the shape the GraphQL enums describe them.

Source: docs/api.md, "Conventions" — "an enum value's description starts with its Persian label
(``WOMAN_HEADED`` — «زن سرپرست خانوار»), so partner apps can show it without a table of their own." The
schema's enums read ``"«Persian» — English."`` (schema/enums.py, ``described``); :func:`descriptions` turns
a rules table into exactly that mapping, keyed by member name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

__all__ = ["Label", "descriptions"]

E = TypeVar("E", bound=Enum)


@dataclass(frozen=True)
class Label:
    """One value's Persian label, its English gloss, and where the seeds name it (``source``, may be empty)."""

    fa: str
    en: str
    source: str = ""

    @property
    def description(self) -> str:
        """The GraphQL description: ``«fa» — en (source).`` — the Persian words first, in guillemets."""
        where = f" ({self.source})" if self.source else ""
        return f"«{self.fa}» — {self.en}{where}."


def descriptions(labels: Mapping[E, Label]) -> dict[str, str]:
    """Map each member's name to its :attr:`Label.description`, the ``labels`` argument ``described`` takes."""
    return {member.name: label.description for member, label in labels.items()}

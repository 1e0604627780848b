"""Whether the rehabilitation bonus of a partner's statement is approved, and so paid (Art. 4.15–4.16, Art. 6.8).

Source: the 2014 delegation directive (seed ``004_…``). Art. 4.15: the level-2 committee reviews the exited files for
the bonus and proposes it («… پیشنهاد پرداخت پاداش بازتوانی به کمیته سطح سه»); Art. 4.16: the level-3 committee
(at the province office, Art. 1.10) approves it («موافقت با پرداخت پاداش»); Art. 6.8 (and note 7): the province
office pays it. rules/subsidy.py computes the bonus lines as *proposed*; this says when they are paid.

- **The approval** is a level-3 ``BONUS_APPROVAL`` decision about the partner in the committee register
  (rules/committees.py; models/casework.CommitteeDecision): a decision of another level, or on another subject,
  approves nothing.
- **Which year's bonus it approves.** The register names no year, so a decision approves the bonus of a statement
  when it was decided *in or after the statement's year* — a year's bonus is proposed once its exits are known, and
  decided during the year or after it — and *by the day the statement is approved* (by today for a statement not yet
  approved): the province office pays what level 3 had approved when it approved the statement. **One decision
  approves one year's bonus** (this project's reading, the less generous one): a decision an approved statement of
  another year was paid under approves no other. Of several that qualify, the earliest (then the first recorded).
- **Without it** the statement is still approved and paid — its file-month lines — and keeps its bonus lines
  listed, proposed and not approved, paying nothing for them. A bonus approved by level 3 after the statement was
  approved is not paid by the approval, which never changes (schema/money/statement_approval.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from rules.subsidy import Statement

__all__ = ["APPROVING_LEVEL", "BonusDecision", "approving_decision", "paid_rials"]

APPROVING_LEVEL = 3
"""Art. 4.16: level 3 approves the bonus level 2 proposed."""


@dataclass(frozen=True)
class BonusDecision:
    """A ``BONUS_APPROVAL`` decision about the partner, as the register holds it: its number, level and day."""

    id: int
    level: int
    decided_on: datetime.date


def approving_decision(decisions: Iterable[BonusDecision], *, year_starts: datetime.date, by: datetime.date,
                       used: Collection[int] = ()) -> BonusDecision | None:
    """The decision that approves the bonus of the statement whose year begins on ``year_starts``, approved on ``by``
    (module docstring): level 3, decided from ``year_starts`` to ``by``, not among ``used`` (the decisions other
    years' approved statements were paid under); the earliest. None: the bonus is not approved."""
    found = [d for d in decisions if d.level == APPROVING_LEVEL and year_starts <= d.decided_on <= by
             and d.id not in used]
    return min(found, key=lambda d: (d.decided_on, d.id), default=None)


def paid_rials(statement: Statement, bonus_approved: bool) -> int:
    """What the statement pays: its file-month lines, and its bonus lines only when level 3 approved the bonus."""
    return statement.subsidy_rials + (statement.proposed_bonus_rials if bonus_approved else 0)

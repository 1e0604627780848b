"""Whether the office still works with a partner (Art. 4.12): the decision in force is the partner's latest.

A decision is never dated before the one it follows (rules/supervision.check_decision), so the latest recorded is also
the latest decided. Read here once, by the decision itself, by `assignFiles` (no new files to a stopped partner) and
by the partner's `filesToReturn`.
"""

from __future__ import annotations

from auth.roles import Viewer
from models.supervision import PartnerDecision
from schema.sources import scoped_rows


async def decision_in_force(viewer: Viewer | None, partner_id: int) -> PartnerDecision | None:
    """The partner's latest decision the viewer reaches; None when none was made."""
    found: PartnerDecision | None = await scoped_rows(viewer, "PartnerDecision").filter(
        partner_id=partner_id).order_by("-id").first()
    return found


def stops(decision: PartnerDecision | None) -> bool:
    """Whether the decision in force is to stop working with the partner."""
    return decision is not None and not decision.continues


async def partner_stopped(viewer: Viewer | None, partner_id: int) -> bool:
    """Whether the office's decision in force is to stop working with the partner."""
    return stops(await decision_in_force(viewer, partner_id))

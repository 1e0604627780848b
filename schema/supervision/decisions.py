"""The office's decision to continue or stop working with a partner (Art. 4.12: «تصمیم گیری بر اساس عملکرد و نظارت
های انجام شده در خصوص ادامه کار یا توقف همکاری با بخش غیر دولتی»).

A stop, in the request's one transaction: the decision is recorded; the partner's agreements still in force from
the decision's Jalali year on are ENDED (rules/supervision.first_year_ended_by_stop), each change kept in the history
(`change_record`, entity `Agreement`); from then on `assignFiles` refuses the partner new files (RULE_VIOLATION
`ART_4_12_STOPPED`, schema/supervision/standing.py), and its `filesToReturn` lists the files it still holds for the
county office to return. A later decision to continue lifts the block; the ended agreements stay ended.

The partner's row is locked while deciding (as `assignFiles` locks it while delegating), so that two decisions about
one partner are made one after the other, each reading the other's.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from auth.roles import Viewer
from models.delegation import AgreementStatus
from models.organizations import Organization
from models.supervision import PartnerDecision as PartnerDecisionRow
from rules.supervision import check_decision, first_year_ended_by_stop
from schema.casework.records import REPORT_LENGTH
from schema.common import clean_text, find_scoped, update_versioned, viewer_of
from schema.context import Info
from schema.history import record_change
from schema.rowtypes import served_as
from schema.sources import scoped_rows
from schema.supervision.standing import decision_in_force, stops
from schema.supervision.types import PartnerDecision

if TYPE_CHECKING:
    from schema.delegation.types import Agreement


@strawberry.input(description="The office's decision to continue or stop working with a partner in its area "
                              "(Art. 4.12).")
class DecidePartnerContinuationInput:
    partner_id: strawberry.ID = strawberry.field(description="The partner.")
    decided_on: datetime.date = strawberry.field(description="When it was decided (not in the future, not before the "
                                                             "partner's latest decision). Jalali accepted.")
    continues: bool = strawberry.field(description="True: work continues; false: it stops — the partner's agreements "
                                                   "from this Jalali year on end and it receives no new files.")
    reasons: str = strawberry.field(description="Why, on the partner's performance and its supervision.")


@strawberry.type(description="The decision recorded, and the agreements a stop ended.")
class PartnerDecisionPayload:
    partner_decision: PartnerDecision = strawberry.field(description="The decision.")
    ended_agreements: list[Annotated[Agreement, strawberry.lazy("schema.delegation.types")]] = strawberry.field(
        description="The agreements the stop ended, oldest year first; empty for a decision to continue.")


async def _end_agreements(viewer: Viewer, partner_id: int, decided_on: datetime.date) -> list[Any]:
    """End the partner's agreements still in force from the decision's Jalali year on, each in the history."""
    in_force = await scoped_rows(viewer, "Agreement").filter(
        partner_id=partner_id, status=AgreementStatus.ACTIVE,
        jalali_year__gte=first_year_ended_by_stop(decided_on)).order_by("jalali_year")
    ended = []
    for agreement in in_force:
        ended.append(await update_versioned(viewer, "Agreement", agreement, agreement.version,
                                            status=AgreementStatus.ENDED))
        await record_change(viewer, entity="Agreement", entity_id=agreement.id, family_id=None, child_id=None,
                            operation="end", before={"status": agreement.status},
                            after={"status": AgreementStatus.ENDED}, province_id=agreement.province_id,
                            county_id=agreement.county_id)
    return ended


@strawberry.type
class DecisionMutations:
    @strawberry.mutation(description="Decide to continue or stop working with a partner (Art. 4.12). A stop ends its "
                                     "agreements from the decision's Jalali year on, refuses it new files "
                                     "(assignFiles: RULE_VIOLATION ART_4_12_STOPPED) and lists its files to return; "
                                     "a second stop is a RULE_VIOLATION.")
    async def decide_partner_continuation(self, info: Info, input: DecidePartnerContinuationInput) -> \
            PartnerDecisionPayload:
        viewer = viewer_of(info)
        partner = await find_scoped(info, "Partner", input.partner_id, "partnerId")
        await Organization.select_for_update().get(id=partner.id)  # one decision about a partner at a time
        latest = await decision_in_force(viewer, partner.id)
        decided_on = check_decision(input.decided_on, datetime.date.today(), continues=input.continues,
                                    latest_decided_on=latest.decided_on if latest else None, stopped=stops(latest))
        decision = await PartnerDecisionRow.create(
            partner_id=partner.id, province_id=partner.province_id, county_id=partner.county_id,
            decided_on=decided_on, continues=input.continues,
            reasons=clean_text(input.reasons, "reasons", REPORT_LENGTH, required=True),
            author_id=viewer.user_id, author_username=viewer.username)
        ended = [] if input.continues else await _end_agreements(viewer, partner.id, decided_on)
        return PartnerDecisionPayload(partner_decision=served_as(PartnerDecision, decision), ended_agreements=ended)

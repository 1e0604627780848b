"""The demo supervision (issue 9): a visit to every demo partner in the last eight months (Art. 4.11, Art. 7.2), action
plans in answer (Art. 4.13), complaints (Art. 7.4), a violation report (Art. 7.7) and a decision to continue
(Art. 4.12), dated back from the seed's day.

- Clinic 1 (Yazd) was visited about eight months ago and again last month by the province office; the first visit's
  action plan is carried out and closed, and the province office decided to keep working with it.
- Clinic 2 (Yazd) was visited three months ago.
- The charity (Meybod) was visited two months ago by Meybod's supervising expert; its manager's action plan is open,
  due next month.
- The child home (Yazd) was last visited seven months ago: overdue (more than six Jalali months,
  rules/supervision.supervision_overdue), so `partners(filter: {supervisionOverdue: true})` has it to show. A
  violation reported of it has the Article 26 commission's outcome.
- Two complaints: one about clinic 1 still open in Yazd, one about the charity that Meybod's supervising expert
  dismissed.

No partner is stopped: a stop would end its agreement and refuse it files (assignFiles), which the other demo data
and the README's walkthrough rely on.

Files sampled on a visit are files delegated to the partner then and still now. Who recorded each row is the demo
account that would have (auth/policy.py: the supervising expert or the province office visits; the partner's manager
plans; the county office files complaints).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient

from demo.cases import CaseRefs
from models.delegation import Assignment
from models.supervision import (
    ActionPlan,
    Complaint,
    ComplaintStatus,
    PartnerDecision,
    SupervisionSample,
    SupervisionVisit,
    ViolationReport,
)
from models.users import User
from rules.persian import normalise_text

__all__ = ["write_supervision"]

SAMPLED_FILES = 3


@dataclass(frozen=True)
class _Visit:
    partner: str
    days_ago: int
    author: str
    findings: str
    suggestions: str


VISITS: list[_Visit] = [
    _Visit("clinic1", 245, "yazd.province", "پرونده‌ها کامل است؛ گزارش‌های مددکاری دو پرونده با تأخیر ثبت شده است.",
           "ثبت به‌موقع گزارش مددکاری و بازدید منزل ظرف یک هفته پس از هر ملاقات."),
    _Visit("childhome", 215, "yazd.province", "پیگیری ماهانه فرزندان انجام می‌شود؛ روان‌شناس در جلسات حاضر است.",
           "ثبت دقیق‌تر وضعیت تحصیلی فرزندان در گزارش ماهانه."),
    _Visit("clinic2", 90, "yazd.province", "کلینیک تازه‌کار است؛ ارزیابی‌های اولیه انجام شده است.", ""),
    _Visit("charity", 60, "meybod.supervisor", "دفتر اسناد مالی به‌روز نیست؛ دو پرداخت به مددجو بدون رسید است.",
           "تکمیل دفتر اسناد مالی و نگهداری رسید همه پرداخت‌ها (بند ۹ ماده ۶)."),
    _Visit("clinic1", 40, "yazd.province", "برنامه اقدام بازدید قبلی اجرا شده است؛ ارزیابی سالانه پرونده‌ها به‌روز است.",
           ""),
]


def _on(today: datetime.date, days_ago: int) -> datetime.date:
    return today - datetime.timedelta(days=days_ago)


def _at(today: datetime.date, days_ago: int) -> datetime.datetime:
    return datetime.datetime.combine(_on(today, days_ago), datetime.time(10), tzinfo=datetime.UTC)


async def write_supervision(conn: BaseDBAsyncClient, today: datetime.date, refs: CaseRefs) -> dict[str, int]:
    """Write the demo's supervision inside the seed's transaction, once the partners, the users and the files' live
    assignments exist; return what was written."""
    users = dict(await User.filter(username__in=[
        "yazd.province", "yazd.county", "meybod.county", "meybod.supervisor", "clinic.manager", "charity.manager",
    ]).using_db(conn).values_list("username", "id"))

    def area(partner: str) -> dict[str, int]:
        return {"partner_id": refs.partners[partner], "province_id": refs.province_id,
                "county_id": refs.counties[refs.partner_counties[partner]]}

    async def live_files(partner: str, since: datetime.date, count: int) -> list[int]:
        """Families delegated to `partner` on or before `since` and still now."""
        live = Assignment.filter(partner_id=refs.partners[partner], ended_at__isnull=True, family_id__isnull=False,
                                 assigned_on__lte=since)
        return [row["family_id"] for row in await live.order_by("id").limit(count).using_db(conn).values("family_id")]

    visits: list[SupervisionVisit] = []
    samples = 0
    for v in VISITS:
        visit = await SupervisionVisit.create(
            using_db=conn, **area(v.partner), visited_on=_on(today, v.days_ago),
            findings=normalise_text(v.findings), suggestions=normalise_text(v.suggestions),
            author_id=users[v.author], author_username=v.author, client_digest="", created_at=_at(today, v.days_ago))
        sampled = await live_files(v.partner, visit.visited_on, SAMPLED_FILES)
        await SupervisionSample.bulk_create(
            [SupervisionSample(visit_id=visit.id, family_id=family_id, **area(v.partner)) for family_id in sampled],
            using_db=conn)
        samples += len(sampled)
        visits.append(visit)
    first_clinic_visit, charity_visit = visits[0], visits[3]

    # Clinic 1 answered its first visit and the province office closed the plan once carried out; the charity's is
    # open, due next month.
    await ActionPlan.create(
        using_db=conn, visit_id=first_clinic_visit.id, **area("clinic1"),
        actions=normalise_text("ثبت گزارش هر ملاقات حداکثر سه روز پس از آن؛ بازبینی هفتگی پرونده‌ها توسط مسئول فنی."),
        due_on=_on(today, 180), author_id=users["clinic.manager"], author_username="clinic.manager",
        created_at=_at(today, 238), closed_at=_at(today, 40), closed_by_id=users["yazd.province"],
        closed_by_username="yazd.province", closing_notes=normalise_text("در بازدید بعدی اجرای کامل برنامه تأیید شد."),
        version=2)
    await ActionPlan.create(
        using_db=conn, visit_id=charity_visit.id, **area("charity"),
        actions=normalise_text("تکمیل دفتر اسناد مالی سال جاری و دریافت رسید پرداخت‌های گذشته از مددجویان."),
        due_on=_on(today, -30), author_id=users["charity.manager"], author_username="charity.manager",
        created_at=_at(today, 52))

    await PartnerDecision.create(
        using_db=conn, **area("clinic1"), decided_on=_on(today, 35), continues=True,
        reasons=normalise_text("عملکرد مطلوب و اجرای کامل برنامه اقدام بازدید پیشین."),
        author_id=users["yazd.province"], author_username="yazd.province", created_at=_at(today, 35))

    await ViolationReport.create(
        using_db=conn, **area("childhome"), reported_on=_on(today, 150),
        description=normalise_text("ارائه گزارش ماهانه خلاف واقع درباره شمار پیگیری‌های انجام‌شده."),
        outcome=normalise_text("تذکر کتبی و الزام به اصلاح گزارش‌ها."), outcome_on=_on(today, 100),
        author_id=users["yazd.province"], author_username="yazd.province", created_at=_at(today, 150), version=2)

    clinic_family = (await live_files("clinic1", today, 1))[0]
    charity_family = (await live_files("charity", today, 1))[0]
    await Complaint.create(
        using_db=conn, **area("clinic1"), family_id=clinic_family, received_on=_on(today, 10),
        summary=normalise_text("مددجو می‌گوید سه ماه است مددکار کلینیک با او تماسی نگرفته است."),
        author_id=users["yazd.county"], author_username="yazd.county", client_digest="", created_at=_at(today, 10))
    await Complaint.create(
        using_db=conn, **area("charity"), family_id=charity_family, received_on=_on(today, 45),
        summary=normalise_text("مددجو از پرداخت نشدن کمک‌هزینه درمان شکایت دارد."), status=ComplaintStatus.DISMISSED,
        handler_id=users["meybod.supervisor"], handler_username="meybod.supervisor",
        outcome=normalise_text("کمک‌هزینه با رسید پرداخت شده بود؛ شکایت وارد نیست."),
        author_id=users["meybod.county"], author_username="meybod.county", client_digest="", created_at=_at(today, 45),
        version=3)
    return {"supervision visits": len(visits), "sampled files": samples, "action plans": 2, "complaints": 2,
            "violation reports": 1, "partner decisions": 1}

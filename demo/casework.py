"""The demo casework (issue 7): a Jalali year of what the partners and the county offices recorded on the demo files.

Like demo/cases.py, two halves. :func:`build_casework` makes the records in memory from a seeded generator
(``random.Random(1407)``), the demo case files and the date it is given — no database, so two calls give the same
result. :func:`write_casework` writes them with bulk inserts inside the demo seed's transaction, once the files, their
assignments and the demo users exist.

What a file holds follows the workflow of the directive, over the last Jalali year up to yesterday and never before
the file reached whoever serves it now (rules.casework.record_date_allowed):

- a file that arrived within the year: an interview and a home visit at intake (Art. 4.6) and the empowerment scale
  within 30 days (Art. 5, rules.casework.INTAKE_ASSESSMENT_DAYS); an older file: a follow-up visit and its yearly
  re-assessment. A few files are left unassessed on purpose, so ``assessmentOverdue`` has something to show;
- an aid plan for many files (Art. 4.7): a worker's plan decided by the partner's manager — most approved, some
  rejected and sent again —, a plan the manager or the office wrote still awaiting its committee (who submits a plan
  never decides it);
- services of the plan's kinds once it is approved, and everyday ones besides (Art. 5), with the money in whole rials;
  referrals; loans for some employment plans (seed 001), their six-month follow-up recorded for some, pending for
  others (rules.casework.loan_follow_up_due);
- children delegated to the child home or a clinic: monthly follow-ups (seed 003), with one abuse concern still open
  for the county office and one it has handled;
- two peer groups (Art. 4.8, seed 002) of files that came to their partner at least four months ago, formed some
  months back and meeting about monthly since, trainings among the sessions: one that clinic.worker1 formed of files
  assigned to her (so a worker sees the group she formed), one the charity's manager formed (so the groups of two
  partners and two counties stay apart).

Who recorded a record is the demo account that would have: the file's worker where that worker has an account, else
the partner's manager, or the county officer for a file the office serves (offices without a demo officer record
nothing here).
"""

from __future__ import annotations

import datetime
import functools
import random
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from demo.cases import ChildPlan, DemoCases, FamilyPlan
from models.casework import (
    AidPlan,
    AidPlanStatus,
    Alert,
    Assessment,
    CaseRecord,
    ChildRecord,
    CommitteeDecision,
    FollowUp,
    GroupSession,
    GroupSessionAttendee,
    HomeVisit,
    Interview,
    Loan,
    PeerGroup,
    PeerGroupFamily,
    Referral,
    ServiceRecord,
)
from models.children import Child
from models.families import Family, FamilyCategory, Rehabilitability
from models.organizations import Organization
from models.users import User
from rules.casework import (
    INTAKE_ASSESSMENT_DAYS,
    MAX_GROUP_FAMILIES,
    MIN_GROUP_FAMILIES,
    loan_follow_up_due,
    needs_loan_follow_up,
)
from rules.committees import CommitteeSubject
from rules.empowerment import EmpowermentDomain, score_empowerment
from rules.periods import add_jalali_months, add_jalali_years
from rules.persian import normalise_text
from rules.services import ChildFollowUpKind, LoanKind, ServiceKind

__all__ = ["Accounts", "AlertPlan", "DemoCasework", "GroupPlan", "RecordPlan", "SessionPlan", "build_casework",
           "write_casework"]

SEED = 1407
"""The casework generator's own seed: the case files keep theirs (demo/cases.py), so adding casework changes none."""

_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Accounts:
    """The demo accounts that record casework, by username: workers by (partner key, staff key), managers by partner
    key, county officers by county code."""

    workers: Mapping[tuple[str, str], str]
    managers: Mapping[str, str]
    officers: Mapping[str, str]


@dataclass(frozen=True)
class Desk:
    """Who serves a file now and who records on it: the first day a record may be for, the author, and who
    decides the author's plans (None: no one but the author could, so they wait for the committee)."""

    file_number: str
    county: str
    partner: str | None
    opened_on: datetime.date
    author: str
    decider: str | None


@dataclass(frozen=True)
class RecordPlan:
    """One casework record: its model, the file's desk, when it was recorded, and its own columns."""

    model: type[CaseRecord]
    desk: Desk
    recorded_at: datetime.datetime
    values: Mapping[str, Any]


@dataclass(frozen=True)
class AlertPlan:
    """The alert of a child's abuse concern (the child's one follow-up with ``abuse_concern``), open or handled."""

    child: str
    county: str
    opened_at: datetime.datetime
    handled_at: datetime.datetime | None = None
    handled_by: str | None = None
    handling: str = ""


@dataclass(frozen=True)
class SessionPlan:
    """A session of a peer group, or a training held for it, and the group's families that attended (file numbers)."""

    held_on: datetime.date
    recorded_at: datetime.datetime
    topic: str
    is_training: bool
    notes: str
    attendees: tuple[str, ...]


@dataclass(frozen=True)
class GroupPlan:
    """A peer group: its partner (key), who formed it (`author`, a username; `worker`, the staff key of the worker
    who did, None for the manager), its families (file numbers) and its sessions, oldest first."""

    partner: str
    worker: str | None
    author: str
    name: str
    formed_on: datetime.date
    recorded_at: datetime.datetime
    families: tuple[str, ...]
    sessions: tuple[SessionPlan, ...]


@dataclass(frozen=True)
class DemoCasework:
    """The whole demo casework, in memory."""

    records: tuple[RecordPlan, ...]
    alerts: tuple[AlertPlan, ...]
    groups: tuple[GroupPlan, ...]


# --- what the records say ---------------------------------------------------------------------------------------

PRESENT: dict[FamilyCategory, tuple[str, ...]] = {
    FamilyCategory.WOMAN_HEADED: ("مادر (سرپرست خانوار)", "مادر و فرزندان", "مادر و دختر بزرگ خانواده"),
    FamilyCategory.ELDERLY_DISABLED: ("سرپرست سالمند", "سرپرست سالمند و همسر", "سرپرست و فرزند مراقب"),
    FamilyCategory.ORPHANS: ("سرپرست خانوار و نوه‌ها", "خواهر بزرگ‌تر (سرپرست) و برادرها", "سرپرست خانوار"),
    FamilyCategory.NEEDY_FAMILY: ("سرپرست خانوار و همسر", "همسر سرپرست و فرزندان", "سرپرست خانوار"),
}
VISIT_FINDINGS = (
    "منزل استیجاری دو اتاقه؛ وسایل ضروری زندگی ناکافی و دیوارها نم‌دار است.",
    "منزل ملکی قدیمی که سقف آن تعمیر لازم دارد؛ یخچال و بخاری فرسوده است.",
    "خانوار در یک اتاق از منزل اقوام زندگی می‌کند؛ بهداشت منزل مناسب است.",
    "اجاره‌بها بیش از نیمی از درآمد خانوار است؛ فرزندان مرتب به مدرسه می‌روند.",
    "منزل کوچک ولی تمیز و مرتب؛ پوشاک زمستانی فرزندان کافی نیست.",
    "خانه در بافت قدیم و دور از مراکز خدمات است؛ رفت‌وآمد سرپرست سالمند دشوار است.",
)
VISIT_REPORTS = (
    "نیاز به حمایت معیشتی و پیگیری اشتغال سرپرست؛ طرح موضوع در کمیته سطح یک پیشنهاد می‌شود.",
    "وضعیت مسکن نامناسب است؛ کمک ودیعه یا تعمیر منزل پیشنهاد می‌شود.",
    "خانواده برای توانمندسازی انگیزه دارد؛ آموزش مهارت شغلی پیشنهاد شد.",
    "درمان بیمار خانوار و تمدید بیمه سلامت باید پیگیری شود.",
)
FOLLOW_UP_VISIT_FINDINGS = (
    "نسبت به بازدید قبلی بهداشت منزل بهتر شده است.",
    "سرپرست در کارگاه خیاطی محله مشغول به کار شده است.",
    "سقف منزل با کمک خیرین تعمیر شده است.",
    "بدهی اجاره هنوز باقی است؛ خانواده نگران تمدید قرارداد است.",
    "فرزند بزرگ خانواده ترک تحصیل کرده و در مغازه کار می‌کند.",
)
FOLLOW_UP_VISIT_REPORTS = (
    "روند برنامه حمایتی رضایت‌بخش است؛ پیگیری ماهانه ادامه می‌یابد.",
    "بازگشت فرزند به مدرسه با مشاوره تحصیلی پیگیری شود.",
    "در بازنگری برنامه، کمک اجاره‌بها در نظر گرفته شود.",
)
INTERVIEW_FINDINGS = (
    "درآمد ماهانه خانوار کمتر از حداقل دستمزد است و بدهی اجاره دارد.",
    "سرپرست سابقه قالی‌بافی دارد و به اشتغال خانگی علاقه‌مند است.",
    "همسر سرپرست از کار افتاده است؛ هزینه دارو بار اصلی خانوار است.",
    "سرپرست پس از جدایی، حضانت فرزندان را دارد و نفقه دریافت نمی‌کند.",
    "فرزندان خانوار در مقطع ابتدایی و راهنمایی تحصیل می‌کنند؛ هزینه تحصیل مشکل اصلی است.",
)
INTERVIEW_REPORTS = (
    "علل مشکل (بیکاری، بیماری، نبود حمایت خانوادگی) بررسی و گزارش مددکاری تهیه شد.",
    "توانایی‌های سرپرست شناسایی شد؛ پیش‌نویس برنامه حمایتی تهیه می‌شود.",
    "نیازهای فوری خانوار (معیشت و درمان) در اولویت برنامه قرار گرفت.",
)


@dataclass(frozen=True)
class _PlanTemplate:
    goals: str
    services: tuple[ServiceKind, ...]
    resources: str


_S = ServiceKind
EMPLOYMENT_PLAN = _PlanTemplate(
    "اشتغال خانگی سرپرست خانوار و افزایش درآمد ماهانه",
    (_S.JOB_AND_RESOURCE_FINDING, _S.TRAINING, _S.LOANS_AND_FACILITIES),
    "وام اشتغال، دوره آموزش فنی و حرفه‌ای")
HOUSING_PLAN = _PlanTemplate(
    "بهبود وضعیت مسکن و کاهش هزینه اجاره", (_S.HOUSING, _S.FUNDRAISING), "کمک ودیعه مسکن، مشارکت خیرین محله")
PLANS: dict[Rehabilitability, tuple[tuple[_PlanTemplate, int], ...]] = {
    Rehabilitability.REHABILITABLE: (
        (EMPLOYMENT_PLAN, 5),
        (HOUSING_PLAN, 2),
        (_PlanTemplate("ادامه تحصیل فرزندان و آموزش مهارت‌های زندگی", (_S.TRAINING, _S.FOOD_AND_CLOTHING,
                                                                      _S.COUNSELLING),
                       "کمک‌هزینه تحصیلی، کلاس مهارت‌های زندگی"), 2),
        (_PlanTemplate("پیگیری درمان و پوشش بیمه‌ای اعضای خانوار", (_S.HEALTH_AND_TREATMENT, _S.INSURANCE),
                       "بیمه سلامت، پزشک داوطلب"), 1),
    ),
    Rehabilitability.NON_REHABILITABLE: (
        (_PlanTemplate("تأمین معیشت و مراقبت از اعضای سالمند یا بیمار", (_S.PENSION_AND_BONUSES, _S.FOOD_AND_CLOTHING,
                                                                       _S.HEALTH_AND_TREATMENT),
                       "مستمری بهزیستی، سبد غذایی خیرین"), 4),
        (_PlanTemplate("پیگیری درمان و پوشش بیمه‌ای اعضای خانوار", (_S.HEALTH_AND_TREATMENT, _S.INSURANCE,
                                                                   _S.COUNSELLING),
                       "بیمه سلامت، مرکز مشاوره بهزیستی"), 2),
        (_PlanTemplate("تعمیر منزل و ایمن‌سازی آن برای عضو دارای معلولیت", (_S.HOUSING, _S.FUNDRAISING),
                       "کمک تعمیر مسکن، خیرین"), 1),
    ),
}
APPROVED_MINUTES = (
    "کمیته سطح یک برنامه را تصویب کرد؛ گزارش پیشرفت سه‌ماهه ارائه شود.",
    "برنامه با اصلاح زمان‌بندی تصویب شد.",
    "تصویب شد؛ خدمات به ترتیب اولویت برنامه ارائه شود.",
)
REJECTED_MINUTES = (
    "رد شد: منابع پیش‌بینی‌شده روشن نیست؛ با برآورد هزینه دوباره ارسال شود.",
    "رد شد: اهداف با نتیجه ارزیابی توانمندی هم‌خوان نیست؛ بازنگری شود.",
)

# kind -> (what was given, money range in rials or None when no money changes hands)
SERVICES: dict[ServiceKind, tuple[tuple[str, ...], tuple[int, int] | None]] = {
    _S.INTERVIEW_HOME_VISIT_REPORT: (("مصاحبه، بازدید منزل و گزارش مددکاری اولیه",), None),
    _S.JOB_AND_RESOURCE_FINDING: (("معرفی به کارگاه بسته‌بندی خرما", "شناسایی بازار فروش صنایع دستی",
                                   "معرفی به کارفرمای محلی"), None),
    _S.PENSION_AND_BONUSES: (("مستمری ماهانه", "عیدی نوروز"), (5_000_000, 20_000_000)),
    _S.FOOD_AND_CLOTHING: (("سبد غذایی", "کارت خرید پوشاک زمستانی فرزندان", "بن خرید کالای اساسی"),
                           (5_000_000, 25_000_000)),
    _S.HEALTH_AND_TREATMENT: (("کمک‌هزینه درمان و دارو", "کمک‌هزینه جراحی", "هزینه عینک و سمعک"),
                              (10_000_000, 80_000_000)),
    _S.HOUSING: (("کمک ودیعه مسکن", "تعمیر سقف و عایق‌کاری منزل", "کمک اجاره‌بها"), (30_000_000, 80_000_000)),
    _S.SOCIAL_WORK: (("جلسه مددکاری فردی با سرپرست", "جلسه گروهی زنان سرپرست خانوار"), None),
    _S.COUNSELLING: (("مشاوره روان‌شناختی سرپرست", "مشاوره حقوقی نفقه و حضانت", "مشاوره تحصیلی فرزندان"), None),
    _S.TRAINING: (("شهریه دوره خیاطی فنی و حرفه‌ای", "کمک‌هزینه تحصیلی فرزندان", "کلاس مهارت‌های زندگی"),
                  (5_000_000, 15_000_000)),
    _S.INSURANCE: (("تمدید بیمه سلامت خانوار", "حق بیمه خویش‌فرمای سرپرست"), (5_000_000, 30_000_000)),
    _S.FUNDRAISING: (("جذب حامی ماهانه از خیرین", "معرفی به خیریه برای تأمین یخچال"), None),
}
EVERYDAY_SERVICES = (_S.FOOD_AND_CLOTHING, _S.SOCIAL_WORK, _S.COUNSELLING, _S.PENSION_AND_BONUSES)

REFERRALS = (
    ("مرکز آموزش فنی و حرفه‌ای", "دوره آموزش خیاطی", "ثبت‌نام شد"),
    ("مرکز خدمات جامع سلامت محله", "پیگیری دیابت سرپرست", ""),
    ("مرکز مشاوره بهزیستی (۱۴۸۰)", "مشاوره روان‌شناختی", "سه جلسه مشاوره انجام شد"),
    ("اداره تعاون، کار و رفاه اجتماعی", "کاریابی", ""),
    ("شورای حل اختلاف", "پیگیری نفقه فرزندان", "جلسه رسیدگی تعیین شد"),
    ("کمیته امداد امام خمینی (ره)", "استعلام حمایت هم‌پوشان", "حمایت هم‌پوشان ندارد"),
)
LOAN_REFERRAL = ("دریافت وام", "پرونده وام تشکیل شد")
"""Why a client is referred to the lending bank before a loan, and what came of it."""

# kind -> (rial range in whole millions, lender)
LOANS: dict[LoanKind, tuple[tuple[int, int], str]] = {
    LoanKind.EMPLOYMENT_LOAN: ((300, 1000), "بانک قرض‌الحسنه مهر ایران"),
    LoanKind.WORK_CAPITAL: ((100, 300), "بهزیستی شهرستان"),
    LoanKind.GRANT: ((50, 150), "بهزیستی شهرستان"),
    LoanKind.HOUSING_DEPOSIT_LOAN: ((200, 500), "بانک قرض‌الحسنه رسالت"),
}
EMPLOYMENT_LOANS = (LoanKind.EMPLOYMENT_LOAN, LoanKind.WORK_CAPITAL, LoanKind.GRANT)
LOAN_FOLLOW_UPS = (
    "کارگاه خیاطی خانگی راه افتاده و درآمد ماهانه دارد.",
    "با سرمایه کار، دستگاه بسته‌بندی خریداری شد؛ فروش به بازار محلی ادامه دارد.",
    "شغل پابرجاست ولی درآمد کم است؛ معرفی به بازارچه خیریه پیشنهاد شد.",
)

CHILD_NOTES: dict[ChildFollowUpKind, tuple[str, ...]] = {
    ChildFollowUpKind.HEALTH: ("پرونده سلامت و واکسیناسیون کامل است.", "دندان‌پزشکی لازم است؛ نوبت گرفته شد."),
    ChildFollowUpKind.MENTAL_STATE: ("کودک آرام است و با مراقبان رابطه خوبی دارد.",
                                     "گوشه‌گیر و کم‌حرف است؛ جلسه با روان‌شناس هماهنگ شد."),
    ChildFollowUpKind.SCHOOLING: ("حضور منظم در مدرسه؛ کارنامه قابل قبول است.",
                                  "افت درسی در ریاضی؛ کلاس تقویتی پیشنهاد شد."),
    ChildFollowUpKind.NUTRITION: ("تغذیه کافی و متنوع است.", "کم‌وزنی خفیف؛ سبد تغذیه تکمیلی پیشنهاد شد."),
    ChildFollowUpKind.LEISURE: ("عضو کانون پرورش فکری محله است.", "در اردوی تابستانی شرکت کرد."),
    ChildFollowUpKind.FAMILY_RELATIONS: ("رابطه عاطفی کودک با خانواده خوب است.",
                                         "تنش میان کودک و فرزند خانواده؛ جلسه مشاوره خانوادگی برگزار شد."),
    ChildFollowUpKind.CHILD_ABUSE: ("نشانه‌ای از کودک‌آزاری دیده نشد.",),
    ChildFollowUpKind.EMPLOYMENT: ("معرفی به دوره کارآموزی تعمیر تلفن همراه.",),
    ChildFollowUpKind.MARRIAGE: ("مشاوره پیش از ازدواج انجام شد.",),
    ChildFollowUpKind.UNFORESEEN_PROBLEM: ("بیماری ناگهانی مادر خانواده؛ مراقبت موقت کودک هماهنگ شد.",),
    ChildFollowUpKind.WALK_IN_COUNSELLING: ("نوجوان برای مشاوره تحصیلی به مرکز مراجعه کرد.",),
}
MONTHLY_KINDS = (ChildFollowUpKind.HEALTH, ChildFollowUpKind.MENTAL_STATE, ChildFollowUpKind.SCHOOLING,
                 ChildFollowUpKind.NUTRITION, ChildFollowUpKind.LEISURE, ChildFollowUpKind.FAMILY_RELATIONS)
OCCASIONAL_KINDS = (ChildFollowUpKind.UNFORESEEN_PROBLEM, ChildFollowUpKind.WALK_IN_COUNSELLING)
OPEN_ABUSE_NOTES = "کبودی روی بازوی کودک و ترس از بازگشت به خانه؛ گزارش فوری به اورژانس اجتماعی (۱۲۳) لازم است."
HANDLED_ABUSE_NOTES = "کودک از تنبیه بدنی توسط یکی از اعضای خانواده گفت."
HANDLING = "بازدید مشترک با اورژانس اجتماعی؛ تعهد کتبی از خانواده گرفته شد و پیگیری ماهانه ادامه دارد."


@dataclass(frozen=True)
class _GroupTemplate:
    """A demo peer group: whose, formed by which worker (None: the manager), of how many files, preferring which, and
    what its sessions were about, in order — (topic, a training?, the facilitator's notes)."""

    partner: str
    worker: str | None
    name: str
    size: int
    prefer: Rehabilitability | FamilyCategory
    sessions: tuple[tuple[str, bool, str], ...]


PEER_GROUPS = (
    _GroupTemplate("clinic1", "worker1", "گروه همیار مشاغل خانگی مهرآفرین", 6, Rehabilitability.REHABILITABLE, (
        ("آشنایی اعضا و تعیین اهداف گروه", False,
         "اعضا خود را معرفی کردند و قرار شد ماهی یک بار در کلینیک دور هم جمع شوند."),
        ("آموزش مدیریت هزینه‌های خانوار", True, "دفترچه دخل و خرج به اعضا داده شد؛ ثبت هزینه‌ها تا جلسه بعد."),
        ("راه‌اندازی صندوق پس‌انداز گروه", False,
         "اعضا پذیرفتند هر ماه مبلغ کمی پس‌انداز کنند؛ یک نفر مسئول دفتر صندوق شد."),
        ("آموزش بسته‌بندی و فروش محصولات خانگی", True, "دو عضو گروه از تجربه فروش در بازارچه محلی گفتند."),
        ("برنامه غرفه گروه در بازارچه خیریه", False, "کار غرفه میان اعضا تقسیم شد؛ هر خانوار دو محصول می‌آورد."),
        ("آموزش مهارت‌های زندگی: حل مسئله", True, "تمرین گروهی حل مسئله با نمونه‌هایی از زندگی اعضا."),
    )),
    _GroupTemplate("charity", None, "گروه همیار خانواده‌های مراقب میبد", 8, FamilyCategory.ELDERLY_DISABLED, (
        ("آشنایی خانواده‌های مراقب و نیازهای مشترک", False,
         "اعضا از دشواری‌های مراقبت در خانه گفتند؛ فهرست نیازهای مشترک تهیه شد."),
        ("آموزش مراقبت از سالمند در منزل", True, "جابه‌جایی ایمن بیمار و پیشگیری از زخم بستر آموزش داده شد."),
        ("همفکری درباره هزینه دارو و درمان", False, "قرار شد خرید گروهی دارو از داروخانه طرف قرارداد پیگیری شود."),
        ("آموزش کاهش فشار روانی مراقبان", True, "مشاور بهزیستی تمرین‌های آرام‌سازی را با اعضا انجام داد."),
        ("برنامه دیدار از اعضای بیمار گروه", False, "نوبت دیدار هفتگی از دو عضو بستری تعیین شد."),
        ("آموزش پیشگیری از سقوط سالمندان", True, "نکات ایمن‌سازی حمام و پله‌های منزل مرور شد."),
    )),
)
GROUP_SETTLED = datetime.timedelta(days=120)
"""A peer group is formed of files that have been with the partner at least this long (four months): the worker
knows the families by then, and the group has months of sessions behind it."""

DAY_COLUMNS: dict[type[CaseRecord], str] = {
    Interview: "held_on", HomeVisit: "visited_on", Assessment: "assessed_on", AidPlan: "submitted_on",
    ServiceRecord: "given_on", Referral: "referred_on", Loan: "granted_on", FollowUp: "followed_up_on",
}
"""The column that says which day each kind of record is for."""

BEHIND_ON_ASSESSMENT = 0.07
"""The share of files left without an assessment in the year, on purpose (``assessmentOverdue``)."""


# --- building ---------------------------------------------------------------------------------------------------


def year_before(today: datetime.date) -> datetime.date:
    """The same Jalali day a year before `today` (the first day whose Jalali anniversary is not before `today`)."""
    day = today - datetime.timedelta(days=367)
    while add_jalali_years(day, 1) < today:
        day += _DAY
    return day


@dataclass
class _Year:
    """What the whole build shares: the generator, the last day a record may be for, and how many loans have fallen
    due for their follow-up so far (every third of them is left pending, so the demo always shows both)."""

    rng: random.Random
    yesterday: datetime.date
    loans_due: int = 0


class _Writer:
    """Collects the records of one desk, each for a day in [the desk's first day, yesterday]."""

    def __init__(self, year: _Year, desk: Desk) -> None:
        self.year = year
        self.rng = year.rng
        self.desk = desk
        self.yesterday = year.yesterday
        self.records: list[RecordPlan] = []

    def fits(self, on: datetime.date) -> bool:
        return self.desk.opened_on <= on <= self.yesterday

    def day_between(self, first: datetime.date, last: datetime.date) -> datetime.date | None:
        """A day in [first, last] that a record may be for, or None."""
        first, last = max(first, self.desk.opened_on), min(last, self.yesterday)
        if last < first:
            return None
        return first + datetime.timedelta(days=self.rng.randint(0, (last - first).days))

    def add(self, model: type[CaseRecord], on: datetime.date, **values: Any) -> None:
        assert self.fits(on), (self.desk, on)
        stored = {key: _stored_text(value) if isinstance(value, str) else value for key, value in values.items()}
        stored[DAY_COLUMNS[model]] = on
        self.records.append(RecordPlan(model, self.desk, _recorded_at(self.rng, on), stored))


def _recorded_at(rng: random.Random, on: datetime.date) -> datetime.datetime:
    """When a record for `on` was made: the same working day, between 08:00 and 15:00 Tehran time (UTC+3:30)."""
    minutes = rng.randint(4 * 60 + 30, 11 * 60 + 30)
    return datetime.datetime.combine(on, datetime.time(minutes // 60, minutes % 60), datetime.UTC)


@functools.cache
def _stored_text(text: str) -> str:
    """The stored form of the free text (as the API's clean_text stores it); the texts come from small tables."""
    return normalise_text(text)


def _rials(rng: random.Random, low: int, high: int) -> int:
    """A whole amount in [low, high], rounded to 100 000 rials (10 000 tomans), as payments are."""
    return rng.randint(low // 100_000, high // 100_000) * 100_000


def _scores(rng: random.Random, family: FamilyPlan, years_in: int) -> dict[str, int]:
    """Eight domain scores: a rehabilitable household a little stronger, and each year in a little more."""
    base = 2 if family.rehabilitability is Rehabilitability.REHABILITABLE else 1
    scores = {domain.value: min(5, max(1, base + rng.choice((0, 0, 1, 1, 2)) + min(years_in, 2) * rng.randint(0, 1)))
              for domain in EmpowermentDomain}
    if family.category is FamilyCategory.ELDERLY_DISABLED:
        scores[EmpowermentDomain.JOB_SKILLS.value] = 1
        scores[EmpowermentDomain.EMPLOYMENT_STATUS.value] = 1
    return scores


def _assess(w: _Writer, family: FamilyPlan, on: datetime.date, years_in: int) -> None:
    scored = score_empowerment(_scores(w.rng, family, years_in))
    notes = "ارزیابی اولیه هنگام پذیرش پرونده." if years_in == 0 else "ارزیابی سالانه و مقایسه با ارزیابی پیشین."
    w.add(Assessment, on, scores={d.value: s for d, s in scored.scores.items()}, total=scored.total,
          level=scored.level, notes=notes)


def _assessments(w: _Writer, family: FamilyPlan, assigned_on: datetime.date) -> datetime.date | None:
    """The intake assessment within 30 days of `assigned_on`, then one a little before each Jalali anniversary of
    the last (never overdue); those in the year are written. Returns the first written, if any."""
    on = assigned_on + datetime.timedelta(days=w.rng.randint(2, INTAKE_ASSESSMENT_DAYS - 5))
    first = None
    years_in = 0
    while on <= w.yesterday:
        if w.fits(on):
            _assess(w, family, on, years_in)
            first = first or on
        on = add_jalali_years(on, 1) - datetime.timedelta(days=w.rng.randint(0, 20))
        years_in += 1
    return first


def _visit(w: _Writer, family: FamilyPlan, on: datetime.date, intake: bool) -> None:
    rng = w.rng
    findings, reports = (VISIT_FINDINGS, VISIT_REPORTS) if intake else (FOLLOW_UP_VISIT_FINDINGS,
                                                                          FOLLOW_UP_VISIT_REPORTS)
    w.add(HomeVisit, on, present=rng.choice(PRESENT[family.category]), findings=rng.choice(findings),
          report=rng.choice(reports))


def _interview(w: _Writer, family: FamilyPlan, on: datetime.date) -> None:
    rng = w.rng
    w.add(Interview, on, present=rng.choice(PRESENT[family.category]), findings=rng.choice(INTERVIEW_FINDINGS),
          report=rng.choice(INTERVIEW_REPORTS))


def _service(w: _Writer, kind: ServiceKind, on: datetime.date) -> None:
    descriptions, money = SERVICES[kind]
    amount = _rials(w.rng, *money) if money else None
    w.add(ServiceRecord, on, kind=kind, description=w.rng.choice(descriptions), amount_rials=amount)


def _referral(w: _Writer, on: datetime.date, to: tuple[str, str, str]) -> None:
    referred_to, reason, outcome = to
    w.add(Referral, on, referred_to=referred_to, reason=reason, outcome=outcome)


def _loan(w: _Writer, after: datetime.date, kinds: Sequence[LoanKind]) -> None:
    """A loan of one of `kinds` some weeks after `after` (a bank's client referred to it first); its six-month
    follow-up recorded once due, save every third loan due, left pending."""
    rng = w.rng
    granted_on = w.day_between(after + datetime.timedelta(days=20), after + datetime.timedelta(days=90))
    if granted_on is None:
        return
    kind = rng.choice(kinds)
    (low, high), lender = LOANS[kind]
    if lender.startswith("بانک") and w.fits(granted_on - datetime.timedelta(days=14)):
        _referral(w, granted_on - datetime.timedelta(days=14), (lender, *LOAN_REFERRAL))
    due = loan_follow_up_due(granted_on) if needs_loan_follow_up(kind) else None
    followed_up_on = None
    if due is not None and due <= w.yesterday:
        w.year.loans_due += 1
        if w.year.loans_due % 3 != 2:
            followed_up_on = w.day_between(due, due + datetime.timedelta(days=20))
    w.add(Loan, granted_on, kind=kind, amount_rials=rng.randint(low, high) * 1_000_000, lender=lender,
          follow_up_due_on=due, followed_up_on=followed_up_on,
          follow_up_notes=rng.choice(LOAN_FOLLOW_UPS) if followed_up_on else "",
          version=2 if followed_up_on else 1)


def _plan(w: _Writer, family: FamilyPlan, after: datetime.date) -> None:
    """An aid plan submitted after `after`; decided by the desk's decider where there is one, then served."""
    rng = w.rng
    submitted_on = w.day_between(after + datetime.timedelta(days=3), after + datetime.timedelta(days=25))
    if submitted_on is None:
        return
    templates = PLANS.get(family.rehabilitability)
    if not templates:  # an unclassified file waits for its level-2 decision before any plan
        return
    template = rng.choices([t for t, _ in templates], weights=[n for _, n in templates])[0]
    for attempt in range(2):
        decided_on = None
        if w.desk.decider is not None:
            decided_on = w.day_between(submitted_on + datetime.timedelta(days=3),
                                       submitted_on + datetime.timedelta(days=20))
        approved = attempt == 1 or rng.random() < 0.8
        status = AidPlanStatus.SUBMITTED
        if decided_on is not None:
            status = AidPlanStatus.APPROVED if approved else AidPlanStatus.REJECTED
        w.add(AidPlan, submitted_on, goals=template.goals, planned_services=sorted(k.value for k in template.services),
              resources=template.resources, target_date=add_jalali_months(submitted_on, rng.choice((6, 9, 12))),
              status=status, decided_on=decided_on,
              decision_minutes=rng.choice(APPROVED_MINUTES if approved else REJECTED_MINUTES) if decided_on else "",
              decided_by_username=w.desk.decider if decided_on else "", version=2 if decided_on else 1)
        if decided_on is None:
            return
        if status is AidPlanStatus.APPROVED:
            _serve(w, template, decided_on)
            return
        # Rejected: sent again, amended, a few weeks later.
        resubmitted = w.day_between(decided_on + datetime.timedelta(days=7), decided_on + datetime.timedelta(days=30))
        if resubmitted is None:
            return
        submitted_on = resubmitted


def _serve(w: _Writer, template: _PlanTemplate, approved_on: datetime.date) -> None:
    """The approved plan's services over the months after its approval, and a loan for some employment plans."""
    for kind in template.services:
        if kind is ServiceKind.LOANS_AND_FACILITIES:
            continue
        for _ in range(w.rng.randint(1, 2)):
            on = w.day_between(approved_on + _DAY, approved_on + datetime.timedelta(days=150))
            if on is not None:
                _service(w, kind, on)
    if template is EMPLOYMENT_PLAN and w.rng.random() < 0.8:
        _loan(w, approved_on, EMPLOYMENT_LOANS)
    elif template is HOUSING_PLAN and w.rng.random() < 0.4:
        _loan(w, approved_on, (LoanKind.HOUSING_DEPOSIT_LOAN,))


def _family_records(year: _Year, family: FamilyPlan, desk: Desk, assigned_on: datetime.date) -> list[RecordPlan]:
    rng, yesterday = year.rng, year.yesterday
    w = _Writer(year, desk)
    if desk.opened_on > yesterday:
        return []
    intake = assigned_on >= desk.opened_on
    if intake:
        interviewed = w.day_between(assigned_on, assigned_on + datetime.timedelta(days=5))
        if interviewed:
            _interview(w, family, interviewed)
        visited = w.day_between(assigned_on + _DAY, assigned_on + datetime.timedelta(days=12))
        if visited:
            _visit(w, family, visited, intake=True)
            _service(w, ServiceKind.INTERVIEW_HOME_VISIT_REPORT, visited)
    start = desk.opened_on if not intake else assigned_on + datetime.timedelta(days=30)
    for _ in range(rng.choice((0, 1, 1, 2))):
        on = w.day_between(start, yesterday)
        if on is not None:
            _visit(w, family, on, intake=False)
    if not intake and rng.random() < 0.4:
        on = w.day_between(start, yesterday)
        if on is not None:
            _interview(w, family, on)
    first_assessed = None
    if rng.random() >= BEHIND_ON_ASSESSMENT:
        first_assessed = _assessments(w, family, assigned_on)
    after = first_assessed or desk.opened_on
    if desk.decider is not None and rng.random() < 0.75:
        _plan(w, family, after)
    elif desk.decider is None and rng.random() < 0.3:
        # No one but its author could decide it here: a plan waiting for its committee, sent lately.
        _plan(w, family, max(after, yesterday - datetime.timedelta(days=40)))
    if (not intake and desk.decider is not None and family.rehabilitability is Rehabilitability.REHABILITABLE
            and rng.random() < 0.3):
        # A loan from the plan of an earlier year, granted in the first months of this one: followed up by now.
        _loan(w, desk.opened_on + datetime.timedelta(days=rng.randint(0, 60)), EMPLOYMENT_LOANS)
    for _ in range(rng.randint(0, 3)):
        on = w.day_between(desk.opened_on + datetime.timedelta(days=7), yesterday)
        if on is not None:
            _service(w, rng.choice(EVERYDAY_SERVICES), on)
    if rng.random() < 0.3:
        on = w.day_between(desk.opened_on + datetime.timedelta(days=5), yesterday)
        if on is not None:
            _referral(w, on, rng.choice(REFERRALS))
    return w.records


def _follow_up(w: _Writer, on: datetime.date, kind: ChildFollowUpKind, notes: str | None = None,
               abuse_concern: bool = False) -> None:
    w.add(FollowUp, on, kind=kind, notes=notes or w.rng.choice(CHILD_NOTES[kind]), abuse_concern=abuse_concern)


def _monthly_follow_ups(year: _Year, child: ChildPlan, desk: Desk) -> list[RecordPlan]:
    """A visit about every month from the desk's first day: one or two of the things seed 003 lists, a check for
    abuse each third visit, now and then the unforeseen or a walk-in, and job finding for a child of 15 or more."""
    rng, yesterday = year.rng, year.yesterday
    w = _Writer(year, desk)
    on = desk.opened_on + datetime.timedelta(days=rng.randint(3, 20))
    visit = 0
    while on <= yesterday:
        kinds = rng.sample(MONTHLY_KINDS, rng.choice((1, 2, 2)))
        if visit % 3 == 2:
            kinds.append(ChildFollowUpKind.CHILD_ABUSE)
        if rng.random() < 0.08:
            kinds.append(rng.choice(OCCASIONAL_KINDS))
        if (on - child.birth_date).days >= 15 * 365 and rng.random() < 0.2:
            kinds.append(ChildFollowUpKind.EMPLOYMENT)
        for kind in kinds:
            _follow_up(w, on, kind)
        visit += 1
        on += datetime.timedelta(days=rng.randint(26, 34))
    return w.records


def _desk(accounts: Accounts, file_number: str, county: str, partner: str | None, worker: str | None,
          opened_on: datetime.date) -> Desk | None:
    """Who records on a file: the worker's account, else the manager's; the county officer for an office file."""
    if partner is None:
        officer = accounts.officers.get(county)
        return None if officer is None else Desk(file_number, county, None, opened_on, officer, None)
    manager = accounts.managers[partner]
    author = accounts.workers.get((partner, worker)) if worker else None
    if author is None:
        return Desk(file_number, county, partner, opened_on, manager, None)
    return Desk(file_number, county, partner, opened_on, author, manager)


def _raise_concern(year: _Year, visits: list[RecordPlan], days_ago: int, notes: str) -> list[RecordPlan]:
    """A child's follow-ups (`visits`) with an abuse concern raised, last, at the visit nearest `days_ago` days
    before yesterday, in place of that visit's routine abuse check."""
    wanted = year.yesterday - datetime.timedelta(days=days_ago)
    on = min((r.values["followed_up_on"] for r in visits), key=lambda day: abs((day - wanted).days))
    kept = [r for r in visits
            if not (r.values["followed_up_on"] == on and r.values["kind"] is ChildFollowUpKind.CHILD_ABUSE)]
    w = _Writer(year, visits[0].desk)
    _follow_up(w, on, ChildFollowUpKind.CHILD_ABUSE, notes, abuse_concern=True)
    return kept + w.records


def _abuse_alerts(year: _Year, followed: dict[str, list[RecordPlan]], children: Mapping[str, ChildPlan],
                  accounts: Accounts) -> list[AlertPlan]:
    """Raise two concerns in `followed` (replacing their children's records there): one still open, at the last
    visit of the first child followed in Yazd; one that its county office handled two days after a visit some four
    months ago, of a child in another county where one is followed."""
    numbers = sorted(number for number, visits in followed.items() if visits)
    open_child = next((n for n in numbers if children[n].county == "YZD-YAZD"), numbers[0])
    others = [n for n in numbers if n != open_child]
    handled_child = next((n for n in others if children[n].county != children[open_child].county), others[0])
    alerts: list[AlertPlan] = []
    for number, days_ago, notes in ((open_child, 0, OPEN_ABUSE_NOTES), (handled_child, 120, HANDLED_ABUSE_NOTES)):
        child = children[number]
        followed[number] = _raise_concern(year, followed[number], days_ago, notes)
        raised = followed[number][-1]
        if number == open_child:
            alerts.append(AlertPlan(number, child.county, raised.recorded_at))
            continue
        handled_on = min(raised.values["followed_up_on"] + 2 * _DAY, year.yesterday)
        handled_at = max(datetime.datetime.combine(handled_on, datetime.time(7, 15), datetime.UTC), raised.recorded_at)
        handler = accounts.officers.get(child.county, accounts.officers["YZD-YAZD"])
        alerts.append(AlertPlan(number, child.county, raised.recorded_at, handled_at, handler, HANDLING))
    return alerts


def _peer_group(year: _Year, template: _GroupTemplate, families: Sequence[FamilyPlan],
                accounts: Accounts) -> GroupPlan:
    """The group of `template`: of the partner's files (the worker's, for a worker's group) that came at least
    GROUP_SETTLED ago, the preferred kind first; formed some 3–6 months ago (never before the last of them came); a
    session about every month since, as long as the template's topics last — three at least."""
    rng, yesterday = year.rng, year.yesterday
    candidates = [f for f in families if f.delegation is not None and f.delegation.partner == template.partner
                  and (template.worker is None or f.delegation.worker == template.worker)
                  and f.delegation.assigned_on <= yesterday - GROUP_SETTLED]
    preferred = [f for f in candidates if template.prefer in (f.rehabilitability, f.category)]
    others = [f for f in candidates if f not in preferred]
    chosen = rng.sample(preferred, min(template.size, len(preferred)))
    chosen += rng.sample(others, min(template.size - len(chosen), len(others)))
    assert MIN_GROUP_FAMILIES <= len(chosen) <= MAX_GROUP_FAMILIES, (template.name, len(chosen))
    members = sorted(f.file_number for f in chosen)
    came = max(f.delegation.assigned_on for f in chosen if f.delegation is not None)
    formed_on = max(came, yesterday - datetime.timedelta(days=170)) + datetime.timedelta(days=rng.randint(0, 20))
    author = (accounts.workers[(template.partner, template.worker)] if template.worker is not None
              else accounts.managers[template.partner])
    sessions: list[SessionPlan] = []
    on = formed_on + datetime.timedelta(days=rng.randint(7, 14))
    for topic, is_training, notes in template.sessions:
        if on > yesterday:
            break
        attended = rng.sample(members, rng.randint(max(MIN_GROUP_FAMILIES, len(members) * 3 // 5), len(members)))
        sessions.append(SessionPlan(on, _recorded_at(rng, on), _stored_text(topic), is_training, _stored_text(notes),
                                    tuple(sorted(attended))))
        on += datetime.timedelta(days=rng.randint(24, 35))
    return GroupPlan(template.partner, template.worker, author, _stored_text(template.name), formed_on,
                     _recorded_at(rng, formed_on), tuple(members), tuple(sessions))


def build_casework(today: datetime.date, cases: DemoCases, accounts: Accounts) -> DemoCasework:
    """The demo casework as of `today`, from ``random.Random(1407)``: the same records for the same day and files."""
    year = _Year(random.Random(SEED), today - _DAY)
    since = year_before(today)
    records: list[RecordPlan] = []
    for family in sorted(cases.families, key=lambda f: f.file_number):
        d = family.delegation
        # An office file counts from its admission (rules.casework.assessment_due_on).
        assigned_on = d.assigned_on if d else family.support_started_on
        desk = _desk(accounts, family.file_number, family.county, d.partner if d else None,
                     d.worker if d else None, max(since, assigned_on))
        if desk is not None:
            records += _family_records(year, family, desk, assigned_on)
    followed: dict[str, list[RecordPlan]] = {}
    for child in sorted(cases.children, key=lambda c: c.file_number):
        d = child.delegation
        if d is None:
            continue
        desk = _desk(accounts, child.file_number, child.county, d.partner, d.worker, max(since, d.assigned_on))
        if desk is not None:
            followed[child.file_number] = _monthly_follow_ups(year, child, desk)
    alerts = _abuse_alerts(year, followed, {c.file_number: c for c in cases.children}, accounts)
    records += [record for visits in followed.values() for record in visits]
    # Last, so that adding them changed none of the records above.
    families = sorted(cases.families, key=lambda f: f.file_number)
    groups = tuple(_peer_group(year, template, families, accounts) for template in PEER_GROUPS)
    return DemoCasework(records=tuple(records), alerts=tuple(alerts), groups=groups)


# --- writing ----------------------------------------------------------------------------------------------------


def _by_model(records: Sequence[RecordPlan]) -> Iterator[tuple[type[CaseRecord], list[RecordPlan]]]:
    grouped: dict[type[CaseRecord], list[RecordPlan]] = defaultdict(list)
    for record in records:
        grouped[record.model].append(record)
    yield from grouped.items()


async def write_casework(conn: BaseDBAsyncClient, casework: DemoCasework, province_id: int,
                         counties: Mapping[str, int], partners: Mapping[str, int]) -> dict[str, int]:
    """Write the casework with bulk inserts inside the caller's transaction; return what was written."""
    family_ids = dict(await Family.all().using_db(conn).values_list("file_number", "id"))
    child_ids = dict(await Child.all().using_db(conn).values_list("file_number", "id"))
    user_ids = dict(await User.all().using_db(conn).values_list("username", "id"))
    counts: dict[str, int] = {}
    for model, records in _by_model(casework.records):
        child_record = issubclass(model, ChildRecord)
        rows = []
        for r in records:
            desk = r.desk
            values = dict(r.values)
            if model is AidPlan and values["decided_by_username"]:
                values["decided_by_id"] = user_ids[values["decided_by_username"]]
            file_key = {"child_id": child_ids[desk.file_number]} if child_record else {
                "family_id": family_ids[desk.file_number]}
            rows.append(model(
                **values, **file_key, province_id=province_id, county_id=counties[desk.county],
                partner_id=partners[desk.partner] if desk.partner else None, author_id=user_ids[desk.author],
                author_username=desk.author, created_at=r.recorded_at,
            ))
        await model.bulk_create(rows, using_db=conn)
        counts[model._meta.db_table] = len(rows)
    counts["committee_decision (aid plans)"] = await _register_plan_decisions(conn)

    raised = dict(await FollowUp.filter(abuse_concern=True).using_db(conn).values_list("child_id", "id"))
    await Alert.bulk_create([
        Alert(child_id=child_ids[a.child], follow_up_id=raised[child_ids[a.child]], province_id=province_id,
              county_id=counties[a.county], opened_at=a.opened_at, handled_at=a.handled_at,
              handled_by_id=user_ids[a.handled_by] if a.handled_by else None, handled_by_username=a.handled_by or "",
              handling=a.handling, version=2 if a.handled_at else 1)
        for a in casework.alerts
    ], using_db=conn)
    await Child.filter(file_number__in=[a.child for a in casework.alerts]).using_db(conn).update(abuse_flag=True)
    counts["alert"] = len(casework.alerts)
    counts.update(await _write_groups(conn, casework.groups, province_id, partners, family_ids))
    return counts


async def _register_plan_decisions(conn: BaseDBAsyncClient) -> int:
    """Each decided plan in the committee register, as decideAidPlan writes it (schema/casework/committees.py)."""
    plans = await AidPlan.filter(decided_by_id__not_isnull=True).using_db(conn)
    await CommitteeDecision.bulk_create([
        CommitteeDecision(level=1, subject=CommitteeSubject.AID_PLAN, decided_on=p.decided_on,
                          minutes=p.decision_minutes, family_id=p.family_id, partner_id=p.partner_id, aid_plan_id=p.id,
                          province_id=p.province_id, county_id=p.county_id, author_id=p.decided_by_id,
                          author_username=p.decided_by_username)
        for p in plans], using_db=conn)
    return len(plans)


async def _write_groups(conn: BaseDBAsyncClient, groups: Sequence[GroupPlan], province_id: int,
                        partners: Mapping[str, int], family_ids: Mapping[str, int]) -> dict[str, int]:
    """The peer groups, their families, sessions and attendees, with the columns formPeerGroup and
    recordGroupSession fill: a group lies in its partner's area and names the staff member of the worker who formed
    it; a session carries its group's area and partner and is recorded by whoever formed the group."""
    users = {username: (user_id, staff_id) for username, user_id, staff_id
             in await User.all().using_db(conn).values_list("username", "id", "staff_member_id")}
    areas = {org_id: county_id for org_id, county_id
             in await Organization.filter(id__in=list(partners.values())).using_db(conn).values_list("id", "county_id")}
    assert len({g.name for g in groups}) == len(groups), "the demo groups are told apart by name"
    rows = []
    for g in groups:
        author_id, staff_id = users[g.author]
        assert g.worker is None or staff_id is not None, g.author
        rows.append(PeerGroup(
            province_id=province_id, county_id=areas[partners[g.partner]], partner_id=partners[g.partner],
            author_id=author_id, author_username=g.author, created_at=g.recorded_at, name=g.name,
            formed_on=g.formed_on, worker_id=staff_id if g.worker is not None else None))
    await PeerGroup.bulk_create(rows, using_db=conn)
    made = {name: (group_id, county_id) for name, group_id, county_id
            in await PeerGroup.all().using_db(conn).values_list("name", "id", "county_id")}
    await PeerGroupFamily.bulk_create([PeerGroupFamily(group_id=made[g.name][0], family_id=family_ids[number])
                                       for g in groups for number in g.families], using_db=conn)
    await GroupSession.bulk_create([
        GroupSession(province_id=province_id, county_id=made[g.name][1], partner_id=partners[g.partner],
                     author_id=users[g.author][0], author_username=g.author, created_at=s.recorded_at,
                     group_id=made[g.name][0], held_on=s.held_on, topic=s.topic, is_training=s.is_training,
                     notes=s.notes)
        for g in groups for s in g.sessions], using_db=conn)
    held = {(group_id, held_on): session_id for group_id, held_on, session_id
            in await GroupSession.all().using_db(conn).values_list("group_id", "held_on", "id")}
    await GroupSessionAttendee.bulk_create([
        GroupSessionAttendee(session_id=held[(made[g.name][0], s.held_on)], family_id=family_ids[number])
        for g in groups for s in g.sessions for number in s.attendees], using_db=conn)
    return {
        "peer_group": len(groups),
        "peer_group_family": sum(len(g.families) for g in groups),
        "group_session": sum(len(g.sessions) for g in groups),
        "group_session_attendee": sum(len(s.attendees) for g in groups for s in g.sessions),
    }

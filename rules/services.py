"""What a partner records doing for a file: service kinds, child follow-up kinds, loans, exit routes and
household changes — each an enum with one table of bilingual labels (:class:`rules.labels.Label`).

Sources, all Persian, quoted where a label is taken from them:

- the 2014 delegation directive (seed ``004_…``), Art. 5: «شرح خدمات حمایتی و توانمندسازی قابل ارائه به خدمت
  گیرندگان», fourteen kinds (5.1 … 5.14), then «سایر اقدامات»: the yearly empowerment scale (recorded as an
  assessment, :mod:`rules.empowerment`) and the address sketch (part of the family's address), which are
  therefore not service kinds here;
- seed ``003_…`` (children in family care), «فعالیتهای قابل واگذاری به موسسه»: (الف) care and social-work
  follow-up — health, mental state, schooling, nutrition, leisure, relations between the children and the
  family, «و توجه دقیق به مواردی چون (کودک آزاری)»; (ب) marriage; (ج) job finding and employment; (د) the
  unforeseen: (د-1) a problem, followed «تا زمان رفع کامل مشکل», and (د-2) counselling when a child comes to
  the partner;
- seed ``001_…``: «از تسهیلات سازمان شامل سرمایه کار، بلاعوض و یا وام اشتغال با بهره کم و بازپرداخت مناسب
  استفاده می گردد», and Art. 5.12: «امور مربوط به وام و تسهیلات از قبیل اشتغال، و دیعه مسکن و ...»;
- Art. 4.8 (the quarterly report counts «اشتغال فردی، گروهی» and «تعداد افراد خارج شده از چرخه حمایت») and the
  directive's closing process chart: «افراد خارج شده (اشتغال فردی، گروهی، کاریابی و...)».

Where the seed's text has an evident OCR slip the label is written correctly: «عییدی» → «عیدی» (5.4),
«پوشانک» → «پوشاک» (5.5), «زنتیک» → «ژنتیک» (5.10), «و دیعه» → «ودیعه» (5.8, 5.12).
"""

from __future__ import annotations

from enum import StrEnum

from rules.labels import Label

__all__ = [
    "CHILD_FOLLOW_UP_KINDS",
    "EXIT_ROUTES",
    "HOUSEHOLD_CHANGE_REASONS",
    "LOAN_KINDS",
    "SERVICE_KINDS",
    "SIX_MONTH_FOLLOW_UP_LOANS",
    "ChildFollowUpKind",
    "ExitRoute",
    "HouseholdChangeReason",
    "LoanKind",
    "ServiceKind",
]


class ServiceKind(StrEnum):
    """The fourteen kinds of service of Art. 5 (5.1 … 5.14), in the directive's order."""

    INTERVIEW_HOME_VISIT_REPORT = "INTERVIEW_HOME_VISIT_REPORT"
    STRENGTHS_AND_INTERVENTION_PLAN = "STRENGTHS_AND_INTERVENTION_PLAN"
    JOB_AND_RESOURCE_FINDING = "JOB_AND_RESOURCE_FINDING"
    PENSION_AND_BONUSES = "PENSION_AND_BONUSES"
    FOOD_AND_CLOTHING = "FOOD_AND_CLOTHING"
    HEALTH_AND_TREATMENT = "HEALTH_AND_TREATMENT"
    DOWRY_AND_MARRIAGE = "DOWRY_AND_MARRIAGE"
    HOUSING = "HOUSING"
    SOCIAL_WORK = "SOCIAL_WORK"
    COUNSELLING = "COUNSELLING"
    TRAINING = "TRAINING"
    LOANS_AND_FACILITIES = "LOANS_AND_FACILITIES"
    INSURANCE = "INSURANCE"
    FUNDRAISING = "FUNDRAISING"


SERVICE_KINDS: dict[ServiceKind, Label] = {
    ServiceKind.INTERVIEW_HOME_VISIT_REPORT: Label(
        "مصاحبه، بازدید منزل و تهیه گزارش مددکاری",
        "interview, home visit and social-work report, to find the causes of the problem and draft an aid plan",
        "Art. 5.1"),
    ServiceKind.STRENGTHS_AND_INTERVENTION_PLAN: Label(
        "شناسایی نقاط قوت و توانمندی‌ها و تدوین برنامه مداخلاتی",
        "strengths assessment on the empowerment scale and an intervention plan", "Art. 5.2"),
    ServiceKind.JOB_AND_RESOURCE_FINDING: Label(
        "شناسایی و به‌کارگیری منابع موجود و فرصت‌های شغلی",
        "finding and using the community's resources and job opportunities", "Art. 5.3"),
    ServiceKind.PENSION_AND_BONUSES: Label(
        "پرداخت مستمری، عیدی، پاداش", "pension, holiday bonus and rewards", "Art. 5.4"),
    ServiceKind.FOOD_AND_CLOTHING: Label("تغذیه و پوشاک", "food and clothing", "Art. 5.5"),
    ServiceKind.HEALTH_AND_TREATMENT: Label("بهداشت، سلامت و درمان", "hygiene, health and treatment", "Art. 5.6"),
    ServiceKind.DOWRY_AND_MARRIAGE: Label("جهیزیه و ازدواج", "dowry and marriage", "Art. 5.7"),
    ServiceKind.HOUSING: Label(
        "مسکن (خرید، ساخت، تعمیر، ودیعه مسکن، اجاره)",
        "housing: buying, building, repair, rent deposit, rent", "Art. 5.8"),
    ServiceKind.SOCIAL_WORK: Label(
        "خدمات مددکاری اجتماعی در سطوح فردی، گروهی و جامعه‌ای",
        "social work with individuals, groups and communities", "Art. 5.9"),
    ServiceKind.COUNSELLING: Label(
        "خدمات مشاوره‌ای (روان‌شناختی، حقوقی، ژنتیک، تحصیلی)",
        "counselling: psychological, legal, genetic, educational", "Art. 5.10"),
    ServiceKind.TRAINING: Label(
        "آموزش (پیش‌دبستانی، تحصیلی، مهارت‌های زندگی، کسب‌وکار و کارآفرینی، فنی و حرفه‌ای، …)",
        "training: pre-school, schooling, life skills, business, labour and social-security law, vocational, "
        "cultural, disaster readiness, parenting", "Art. 5.11"),
    ServiceKind.LOANS_AND_FACILITIES: Label(
        "وام و تسهیلات", "loans and facilities, e.g. for employment or a rent deposit", "Art. 5.12"),
    ServiceKind.INSURANCE: Label(
        "امور بیمه‌ای", "insurance: health, social security, rural and nomad, supplementary", "Art. 5.13"),
    ServiceKind.FUNDRAISING: Label(
        "حمایت‌یابی", "finding support: volunteer experts, donors, other organisations", "Art. 5.14"),
}
"""Art. 5.1 … 5.14 of seed ``004_…``: the heading words of each clause, the examples in brackets as the seed gives
them."""


class ChildFollowUpKind(StrEnum):
    """What a partner following a child in family care records (seed ``003_…``, items الف–د)."""

    HEALTH = "HEALTH"
    MENTAL_STATE = "MENTAL_STATE"
    SCHOOLING = "SCHOOLING"
    NUTRITION = "NUTRITION"
    LEISURE = "LEISURE"
    FAMILY_RELATIONS = "FAMILY_RELATIONS"
    CHILD_ABUSE = "CHILD_ABUSE"
    MARRIAGE = "MARRIAGE"
    EMPLOYMENT = "EMPLOYMENT"
    UNFORESEEN_PROBLEM = "UNFORESEEN_PROBLEM"
    WALK_IN_COUNSELLING = "WALK_IN_COUNSELLING"


CHILD_FOLLOW_UP_KINDS: dict[ChildFollowUpKind, Label] = {
    ChildFollowUpKind.HEALTH: Label("شرایط بهداشتی", "health and hygiene", "seed 003, الف"),
    ChildFollowUpKind.MENTAL_STATE: Label("شرایط روانی", "mental state", "seed 003, الف"),
    ChildFollowUpKind.SCHOOLING: Label("شرایط تحصیلی", "schooling", "seed 003, الف"),
    ChildFollowUpKind.NUTRITION: Label("تغذیه", "nutrition", "seed 003, الف"),
    ChildFollowUpKind.LEISURE: Label("اوقات فراغت", "leisure", "seed 003, الف"),
    ChildFollowUpKind.FAMILY_RELATIONS: Label(
        "روابط عاطفی فرزندان و اعضای خانواده", "emotional ties between the child and the family", "seed 003, الف"),
    ChildFollowUpKind.CHILD_ABUSE: Label(
        "کودک‌آزاری", "child abuse, which the seed asks partners to watch for closely", "seed 003, الف"),
    ChildFollowUpKind.MARRIAGE: Label(
        "ایجاد زمینه ازدواج", "preparing for marriage and following it up", "seed 003, ب"),
    ChildFollowUpKind.EMPLOYMENT: Label(
        "کاریابی و ایجاد زمینه اشتغال", "job finding and employment, and following it up", "seed 003, ج"),
    ChildFollowUpKind.UNFORESEEN_PROBLEM: Label(
        "موارد پیش‌بینی نشده", "an unforeseen problem: studied, planned for and followed until fully resolved",
        "seed 003, د-1"),
    ChildFollowUpKind.WALK_IN_COUNSELLING: Label(
        "مشاوره مددکاری", "social-work counselling when the child comes to the partner: guidance, referral, "
        "coordination", "seed 003, د-2"),
}
"""Seed ``003_…``, «فعالیتهای قابل واگذاری به موسسه». Item الف lists six things to check and singles out child
abuse; each is its own kind so a monthly report can count them. Item د has two cases, one kind each."""


class LoanKind(StrEnum):
    """Loans and grants a client may receive (seed ``001_…``, note 1; Art. 5.12)."""

    EMPLOYMENT_LOAN = "EMPLOYMENT_LOAN"
    WORK_CAPITAL = "WORK_CAPITAL"
    GRANT = "GRANT"
    HOUSING_DEPOSIT_LOAN = "HOUSING_DEPOSIT_LOAN"
    OTHER = "OTHER"


LOAN_KINDS: dict[LoanKind, Label] = {
    LoanKind.EMPLOYMENT_LOAN: Label(
        "وام اشتغال", "employment loan, at low interest with suitable repayment", "seed 001"),
    LoanKind.WORK_CAPITAL: Label("سرمایه کار", "work capital", "seed 001"),
    LoanKind.GRANT: Label("کمک بلاعوض", "grant, not repaid", "seed 001"),
    LoanKind.HOUSING_DEPOSIT_LOAN: Label("وام ودیعه مسکن", "loan for a rent deposit", "Art. 5.12"),
    LoanKind.OTHER: Label("سایر تسهیلات", "another facility", "Art. 5.12, «و ...»"),
}
"""Seed ``001_…``: «سرمایه کار، بلاعوض و یا وام اشتغال»; Art. 5.12: «وام و تسهیلات از قبیل اشتغال، و دیعه مسکن
و ...»."""

SIX_MONTH_FOLLOW_UP_LOANS: frozenset[LoanKind] = frozenset(
    {LoanKind.EMPLOYMENT_LOAN, LoanKind.WORK_CAPITAL, LoanKind.GRANT})
"""The kinds followed for six months (seed ``001_…``: «شش ماه حمایت پس از دریافت سرمایه کار یا وام جهت ثبات شغل
ضروری می باشد»). The support is «جهت ثبات شغل», for the job to hold, so it follows the three employment facilities
of note 1 — the grant included, as note 1 names it beside work capital and the employment loan — and not a rent
deposit or a facility of unknown purpose (see :func:`rules.casework.loan_follow_up_due`)."""


class ExitRoute(StrEnum):
    """How a client left the support cycle (Art. 4.8, the process chart; Art. 6.3, 6.8).

    A superset of ``models.families.ExitRoute`` (which lacks ``JOB_PLACEMENT``), same spellings.
    """

    INDIVIDUAL_JOB = "INDIVIDUAL_JOB"
    GROUP_JOB = "GROUP_JOB"
    JOB_PLACEMENT = "JOB_PLACEMENT"
    MARRIAGE = "MARRIAGE"
    OTHER = "OTHER"


EXIT_ROUTES: dict[ExitRoute, Label] = {
    ExitRoute.INDIVIDUAL_JOB: Label("اشتغال فردی", "individual employment", "Art. 4.8"),
    ExitRoute.GROUP_JOB: Label("اشتغال گروهی", "group employment", "Art. 4.8"),
    ExitRoute.JOB_PLACEMENT: Label("کاریابی", "job placement with an employer", "process chart of seed 004"),
    ExitRoute.MARRIAGE: Label(
        "ازدواج", "marriage (a service in Art. 5.7 and seed 003; not an exit route the directive names)"),
    ExitRoute.OTHER: Label("سایر", "another route (the seed's «و...»)"),
}
"""Art. 4.8 counts «اشتغال فردی، گروهی»; the chart adds «کاریابی» and ends «و...». ``MARRIAGE`` is kept because the
existing model has it."""


class HouseholdChangeReason(StrEnum):
    """Why a household's members changed. The pension follows the household's size («بر اساس بعد خانوار»,
    seeds ``001_…`` and ``002_…``), so every change is recorded with its reason."""

    BIRTH = "BIRTH"
    DEATH = "DEATH"
    MARRIAGE = "MARRIAGE"
    LEAVING = "LEAVING"


HOUSEHOLD_CHANGE_REASONS: dict[HouseholdChangeReason, Label] = {
    HouseholdChangeReason.BIRTH: Label("تولد", "birth of a member"),
    HouseholdChangeReason.DEATH: Label("فوت", "death of a member"),
    HouseholdChangeReason.MARRIAGE: Label("ازدواج", "marriage: a member marries out, or a spouse joins"),
    HouseholdChangeReason.LEAVING: Label("جدا شدن از خانوار", "a member leaves the household to live elsewhere"),
}
"""No seed lists these reasons; they are the ordinary ways a household's size changes (docs/domain.md "Who is
served")."""

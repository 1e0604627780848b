"""Which files may be delegated to which partner, and how many (the 2014 delegation directive, Art. 1–4, 6.1;
seed ``003_…`` for children in family care).

Source: seed ``004_…`` (summarised in docs/domain.md, "The delegation workflow" and "Caseload norms"):

- Art. 1.1 — the non-state sector is the partners «مجوز رسمی فعالیت از سازمان را دریافت نموده اند»: only a
  partner holding a license valid on the day may receive files.
- Art. 4.1 — levels 2 and 3 first sort files into rehabilitable and non-rehabilitable; an unclassified file
  cannot be delegated, since which norm and which quota it counts against depends on it.
- Art. 4.2–4.3, Art. 6.1 — level 3 sets each partner's quota, and office and partner sign a yearly agreement;
  no agreement in force for the year, no delegation.
- Art. 3 note 3 — a charity or complex takes rehabilitable files only where, among other things, the agreement
  records the office's statement that no one applied to found a clinic in the county; only they may record it.
  (The caseload norms themselves are in ``rules.caseload``; a clinic's grade in ``rules.grading``.)
- Seed ``003_…``, step 5 — a child's follow-up may go to a partner only when «حداقل یک سال … از تاریخ ترخیص
  فرزند گذشته باشد». (Its second clause, files with problems first, orders the office's choice; it is not a
  refusal, so it is not a rule here.)
"""

from __future__ import annotations

import datetime

import jdatetime

from rules.errors import RuleInputError, RuleViolation
from rules.numbers import whole_number

__all__ = [
    "CHILD",
    "CLINIC_METHODS",
    "NON_REHABILITABLE",
    "QUOTA_RULE",
    "REHABILITABLE",
    "QuotaBreach",
    "check_agreement",
    "check_caseload_method",
    "check_license",
    "check_no_clinic_applicant",
    "check_quota",
    "check_quota_value",
    "child_delegable",
    "child_delegable_from",
    "file_load",
]

REHABILITABLE = "REHABILITABLE"
NON_REHABILITABLE = "NON_REHABILITABLE"
CHILD = "CHILD"
"""The loads a delegated file counts against: the two family quotas of Art. 4.2 and the children's (seed 003)."""

UNCLASSIFIED = "UNCLASSIFIED"
CLINIC_METHODS = (1, 2, 3)
"""Art. 2.2: the three methods a clinic's caseload may follow."""

QUOTA_RULE = "ART_4_2_QUOTA"

SEED_003_RULE = "SEED_003_ONE_YEAR_AFTER_DISCHARGE"
LICENSE_RULE = "ART_1_LICENSE"
AGREEMENT_RULE = "ART_6_1_AGREEMENT"
CLASSIFY_RULE = "ART_4_1_CLASSIFY_FIRST"

_LOAD_LABELS_FA = {REHABILITABLE: "قابل بازتوان", NON_REHABILITABLE: "غیرقابل بازتوان", CHILD: "فرزندان"}


class QuotaBreach(Exception):
    """Adding files would take a partner past the quota of its agreement (Art. 4.2; ``rule`` ``ART_4_2_QUOTA``) —
    the one cap on a clinic. Maps to ``QUOTA_EXCEEDED``."""

    def __init__(self, kind: str, quota: int, live: int, adding: int) -> None:
        self.kind = kind
        self.quota = quota
        self.live = live
        self.adding = adding
        self.rule = QUOTA_RULE
        self.message_en = (f"The partner holds {live} live {kind} files; adding {adding} would pass the quota of its "
                           f"agreement ({quota}).")
        self.message_fa = (f"همکار {live} پرونده {_LOAD_LABELS_FA.get(kind, kind)} در جریان دارد؛ افزودن {adding} "
                           f"پرونده از سهمیه تفاهم‌نامه ({quota}) فراتر می‌رود.")
        super().__init__(self.message_en)

    def __repr__(self) -> str:
        return (f"QuotaBreach(kind={self.kind!r}, quota={self.quota}, live={self.live}, adding={self.adding}, "
                f"rule={self.rule!r})")


def check_quota_value(value: int, field: str) -> int:
    """Return a quota set in an agreement (Art. 4.2) if it is a whole number ≥ 0; else RuleInputError on ``field``."""
    return whole_number(value, field, "A quota", "سهمیه")


def file_load(rehabilitability: str) -> str:
    """The load a family file counts against: ``REHABILITABLE`` or ``NON_REHABILITABLE`` (Art. 2.2, Art. 3).

    Art. 4.1 — levels 2 and 3 classify files first; an ``UNCLASSIFIED`` file cannot be delegated
    (RuleViolation ``ART_4_1_CLASSIFY_FIRST``).
    """
    value = str(getattr(rehabilitability, "value", rehabilitability))
    if value in (REHABILITABLE, NON_REHABILITABLE):
        return value
    if value == UNCLASSIFIED:
        raise RuleViolation(
            CLASSIFY_RULE,
            "The level-2 or level-3 committee must classify the file as rehabilitable or not before it is "
            "delegated (directive Art. 4.1).",
            "پیش از واگذاری، کمیته سطح ۲ یا ۳ باید قابل یا غیرقابل بازتوان بودن پرونده را تعیین کند (بند ۱ ماده ۴ "
            "دستورالعمل).",
        )
    raise RuleInputError(f"Unknown rehabilitability {rehabilitability!r}.", "وضعیت بازتوانی نامعتبر است.",
                         "rehabilitability")


def _add_jalali_year(d: datetime.date) -> datetime.date:
    """The same Jalali day one Jalali year later; 30 Esfand with no such day next year gives 1 Farvardin after it."""
    j = jdatetime.date.fromgregorian(date=d)
    try:
        return jdatetime.date(j.year + 1, j.month, j.day).togregorian()
    except ValueError:  # 30 Esfand of a leap year: the year is complete only when the next one begins
        return jdatetime.date(j.year + 2, 1, 1).togregorian()


def child_delegable_from(discharged_on: datetime.date) -> datetime.date:
    """The first day a discharged child's follow-up may be delegated (seed 003, step 5): one full year after
    discharge, counted in the Jalali calendar the office dates its papers by."""
    return _add_jalali_year(discharged_on)


def child_delegable(discharged_on: datetime.date | None, on: datetime.date) -> None:
    """Raise RuleViolation ``SEED_003_ONE_YEAR_AFTER_DISCHARGE`` unless a child's follow-up may be delegated on
    ``on``: «حداقل یک سال می بایست از تاریخ ترخیص فرزند گذشته باشد» (seed 003, step 5).

    A child never discharged (``discharged_on`` None) still lives in a child home: nothing to follow up in a
    family, so not delegable either.
    """
    if discharged_on is None:
        raise RuleViolation(
            SEED_003_RULE,
            "The child has not been discharged to family care; only a child discharged at least a year ago may "
            "be delegated (seed 003).",
            "فرزند هنوز ترخیص نشده است؛ فقط پرونده فرزندی که دست‌کم یک سال از ترخیص او گذشته واگذار می‌شود.",
        )
    if on < child_delegable_from(discharged_on):
        raise RuleViolation(
            SEED_003_RULE,
            f"The child was discharged on {discharged_on.isoformat()}; the follow-up may be delegated only once a "
            "full year has passed (seed 003).",
            f"فرزند در {jdatetime.date.fromgregorian(date=discharged_on).strftime('%Y/%m/%d')} ترخیص شده است؛ "
            "واگذاری پرونده تنها پس از گذشت دست‌کم یک سال از ترخیص مجاز است.",
        )


def check_license(valid_from: datetime.date | None, valid_until: datetime.date | None, on: datetime.date) -> None:
    """Raise RuleViolation ``ART_1_LICENSE`` unless the partner's license is valid on ``on`` (both ends included).

    Art. 1.1: the partners are those «که … مجوز رسمی فعالیت از سازمان را دریافت نموده اند»; a partner with no
    license dates, or outside them, receives no file.
    """
    if valid_from is None or valid_until is None or not valid_from <= on <= valid_until:
        raise RuleViolation(
            LICENSE_RULE,
            "The partner holds no license valid today; files go only to licensed partners (directive Art. 1.1).",
            "همکار پروانه فعالیت معتبر ندارد؛ پرونده فقط به همکار دارای مجوز معتبر واگذار می‌شود (بند ۱ ماده ۱).",
        )


def check_agreement(status: str | None, jalali_year: int) -> None:
    """Raise RuleViolation ``ART_6_1_AGREEMENT`` unless an agreement for ``jalali_year`` is in force.

    Art. 4.3 and Art. 6.1: the office and the partner sign a yearly agreement at the start of each year; files
    are delegated under it. ``status`` is that year's agreement's status, None when there is none.
    """
    if str(getattr(status, "value", status)) != "ACTIVE":
        raise RuleViolation(
            AGREEMENT_RULE,
            f"The partner has no agreement in force for {jalali_year}; sign the yearly agreement first "
            "(directive Art. 4.3, Art. 6.1).",
            f"همکار برای سال {jalali_year} تفاهم‌نامه فعال ندارد؛ ابتدا تفاهم‌نامه سالانه منعقد شود (ماده ۶).",
        )


def check_caseload_method(kind: str, method: int | None) -> int | None:
    """Return the caseload method an agreement sets: 1, 2 or 3 for a clinic (Art. 2.2), none for other partners.

    RuleInputError on field ``caseloadMethod`` when a clinic's is missing or not 1–3, or another kind sets one.
    """
    kind = str(getattr(kind, "value", kind))
    if kind == "CLINIC":
        if isinstance(method, bool) or not isinstance(method, int) or method not in CLINIC_METHODS:
            raise RuleInputError(
                "A clinic's agreement needs a caseload method of 1, 2 or 3 (directive Art. 2.2).",
                "در تفاهم‌نامه کلینیک باید یکی از روش‌های ۱، ۲ یا ۳ واگذاری پرونده (بند ۲-۲) تعیین شود.",
                "caseloadMethod",
            )
        return method
    if method is not None:
        raise RuleInputError(
            "Only clinics choose a caseload method (directive Art. 2.2); leave it out for other partners.",
            "روش واگذاری پرونده (بند ۲-۲) فقط برای کلینیک است؛ برای سایر همکاران آن را نفرستید.",
            "caseloadMethod",
        )
    return None


def check_no_clinic_applicant(kind: str, stated: bool) -> bool:
    """Return whether an agreement records the office's statement that no one applied to found a clinic in the
    partner's county (Art. 3 note 3: «در صورت عدم وجود کلینیک و یا متقاضی تأسیس کلینیک در شهرستان»). Only a charity
    or service complex may take rehabilitable files on it, so only their agreements may carry it: RuleInputError on
    ``noClinicApplicant`` for a clinic or a child home that sends true."""
    kind = str(getattr(kind, "value", kind))
    if stated and kind not in ("CHARITY", "SERVICE_COMPLEX"):
        raise RuleInputError(
            "Only a charity's or service complex's agreement records that no one applied to found a clinic "
            "(directive Art. 3 note 3).",
            "اعلام عدم وجود متقاضی تأسیس کلینیک (تبصره ۳ ماده ۳) فقط در تفاهم‌نامه مؤسسه خیریه یا مجتمع ثبت می‌شود.",
            "noClinicApplicant",
        )
    return bool(stated)


def check_quota(quota: int, live: int, adding: int, *, kind: str) -> None:
    """Raise QuotaBreach when ``live + adding`` files of load ``kind`` would pass the agreed ``quota`` (Art. 4.2:
    level 3 sets each partner's quota; the agreement, Art. 4.3, records it). Adding nothing never breaches: a
    quota lowered below the live load blocks new files, it does not fail unrelated ones."""
    if adding > 0 and live + adding > quota:
        raise QuotaBreach(kind, quota, live, adding)

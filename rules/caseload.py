"""Caseload norms per worker (Art. 2.2, Art. 3) as the directive reads them; their numbers are policy data.

The numbers live in one place, the ``caseload_norm`` table the national admin keeps; these functions take them as
arguments and decide what they mean. Source: the 2014 delegation directive (seed ``004_…``), summarised in
docs/domain.md "Caseload norms":

- Art. 2.2 — a clinic's norm is a **minimum** load per social worker, by one of three methods: (1) «حداقل ۱۰۰ پرونده
  خدمت گیرنده قابل بازتوان», (2) the same «به اضافه حداقل ۶۰ پرونده … غیرقابل بازتوان», (3) «حداقل ۲۰۰ پرونده خدمت
  گیرنده غیرقابل بازتوان». It tells the office how many files each eligible worker should carry, so that a clinic is
  not paid for idle staff; it never refuses an assignment — a clinic's cap is the quota level 3 sets (Art. 4.2) in its
  yearly agreement. Note 1: the clinic's one associate-degree worker is given files too.
- Art. 3.1 — a charity's or service complex's norm is a **cap**: «قابل واگذاری … به ازای هر کارشناس مرتبط ۱۵۰ پرونده
  غیرقابل بازتوان».
- Art. 3 note 3 — «در صورت عدم وجود کلینیک و یا متقاضی تأسیس کلینیک در شهرستان، واگذاری پرونده مددجویان قابل بازتوان
  … به ازای هر کارشناس تعداد ۱۰۰ پرونده قابل بازتوان بلامانع است». The note has no «نیز» (also): it **replaces**. An
  expert carries 150 non-rehabilitable files or 100 rehabilitable ones, a mix pro rata:
  ``rehabilitable/100 + nonRehabilitable/150 ≤ experts``. Rehabilitable files go to a charity only where the county
  has no licensed clinic *and* the agreement records the office's statement that no one applied to found one.
- Only bachelor-level experts («کارشناس») count at a charity or complex (``rules.staffing.counts_for_caseload``).
- NGO child homes: the directive sets no family caseload (seed ``003_…`` lets them follow up children only), so no
  family file goes to one (deny when unclear).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from rules.errors import RuleInputError, RuleViolation
from rules.numbers import whole_number

__all__ = [
    "CASELOAD_RULE",
    "NOTE_3_RULE",
    "PARTNER_KINDS",
    "FileCounts",
    "check_family_caseload",
    "check_partner_kind",
    "clinic_minimum",
    "experts_in_use",
    "note_3_applies",
    "under_loaded",
]

PARTNER_KINDS: tuple[str, ...] = ("CLINIC", "CHARITY", "SERVICE_COMPLEX", "CHILD_HOME")
"""The partner kinds of docs/api.md ``enum PartnerKind``."""
CHARITY_KINDS = ("CHARITY", "SERVICE_COMPLEX")
"""Art. 3: charities and welfare service complexes («مؤسسات و مجتمع ها»), under the same norm."""

CASELOAD_RULE = "ART_2_CASELOAD"
"""The caseload cap broken (the contract's name for the norms' rule; here the cap of Art. 3.1 and note 3)."""
NOTE_3_RULE = "ART_3_NOTE_3"
"""Rehabilitable files offered to a charity or complex where Art. 3 note 3 does not allow them."""


@dataclass(frozen=True)
class FileCounts:
    """Family files of the two loads of Art. 4.1 — per worker (a norm) or per partner (a load, a minimum)."""

    rehabilitable: int
    non_rehabilitable: int

    def __post_init__(self) -> None:
        for name, value in (("rehabilitable", self.rehabilitable), ("nonRehabilitable", self.non_rehabilitable)):
            whole_number(value, name, "A number of files", "تعداد پرونده")

    def __add__(self, other: FileCounts) -> FileCounts:
        return FileCounts(self.rehabilitable + other.rehabilitable, self.non_rehabilitable + other.non_rehabilitable)

    @property
    def total(self) -> int:
        """Both loads together."""
        return self.rehabilitable + self.non_rehabilitable


def check_partner_kind(kind: str) -> str:
    """Return ``kind`` as a plain string if it is one of docs/api.md's ``PartnerKind`` values, else raise.

    Raises :class:`RuleInputError` (field ``kind``) for anything else.
    """
    if isinstance(kind, str) and str(getattr(kind, "value", kind)) in PARTNER_KINDS:
        return str(getattr(kind, "value", kind))
    raise RuleInputError(
        f"Unknown partner kind {kind!r}; expected one of {', '.join(PARTNER_KINDS)}.",
        "نوع همکار نامعتبر است؛ باید کلینیک، مؤسسه خیریه، مجتمع خدمات بهزیستی یا خانه کودکان باشد.",
        "kind",
    )


def clinic_minimum(norm: FileCounts, eligible_workers: int) -> FileCounts:
    """The files a clinic's eligible workers should carry at least (Art. 2.2, «حداقل»): its method's per-worker norm
    times its eligible workers (note 1's associate-degree worker included). A minimum, never a cap."""
    workers = whole_number(eligible_workers, "eligibleWorkers", "The number of eligible workers",
                           "تعداد نیروهای واجد شرایط")
    return FileCounts(norm.rehabilitable * workers, norm.non_rehabilitable * workers)


def under_loaded(minimum: FileCounts, live: FileCounts) -> bool:
    """Whether a clinic holds fewer files of either load than its minimum (Art. 2.2): the office should send it more
    files, or it is paid for idle staff. Never a refusal."""
    return live.rehabilitable < minimum.rehabilitable or live.non_rehabilitable < minimum.non_rehabilitable


def note_3_applies(county_has_licensed_clinic: bool, no_clinic_applicant: bool) -> bool:
    """Whether a charity or complex may take rehabilitable files (Art. 3 note 3): «در صورت عدم وجود کلینیک و یا متقاضی
    تأسیس کلینیک در شهرستان» — no clinic holds a valid license in its county, and its agreement records the office's
    statement that no one applied to found one. Both must hold (deny when unclear)."""
    return county_has_licensed_clinic is False and no_clinic_applicant is True


def experts_in_use(files: FileCounts, per_expert: FileCounts) -> Fraction | None:
    """How many experts the files take, pro rata (Art. 3.1, note 3): ``rehabilitable/100 + nonRehabilitable/150``
    with the norm's figures per expert. None when files of a load whose norm is 0 are held: no number of experts
    covers them."""
    used = Fraction(0)
    for held, norm in ((files.rehabilitable, per_expert.rehabilitable),
                       (files.non_rehabilitable, per_expert.non_rehabilitable)):
        if held and not norm:
            return None
        if held:
            used += Fraction(held, norm)
    return used


def check_family_caseload(kind: str, norm: FileCounts | None, eligible_workers: int, live: FileCounts,
                          adding: FileCounts, *, note_3: bool) -> None:
    """Raise RuleViolation unless ``adding`` family files may go to a partner that holds ``live`` ones, under the
    caseload norms (Art. 2.2, Art. 3.1, Art. 3 note 3). ``norm`` is the partner's per-worker row of the policy table
    (None: there is none); ``note_3`` is :func:`note_3_applies`. Adding nothing never breaches.

    - ``CLINIC``: never refused here — Art. 2.2 sets a minimum; the quota (Art. 4.2) is the cap.
    - ``CHARITY`` / ``SERVICE_COMPLEX``: rehabilitable files only under note 3 (rule ``ART_3_NOTE_3``); then the cap,
      pro rata over the files held after adding: ``rehabilitable/100 + nonRehabilitable/150 ≤ experts`` (rule
      ``ART_2_CASELOAD``).
    - ``CHILD_HOME``, or no norm: no family files at all (rule ``ART_2_CASELOAD``).
    """
    kind = check_partner_kind(kind)
    workers = whole_number(eligible_workers, "eligibleWorkers", "The number of eligible workers",
                           "تعداد نیروهای واجد شرایط")
    if adding.total == 0 or kind == "CLINIC":
        return
    if kind not in CHARITY_KINDS or norm is None:
        raise RuleViolation(
            CASELOAD_RULE,
            "The directive sets no family caseload for this partner (Art. 2, Art. 3): NGO child homes follow up "
            "children only (seed 003).",
            "دستورالعمل برای این همکار سرانه پرونده خانوار تعیین نکرده است (مواد ۲ و ۳)؛ خانه کودکان فقط پیگیری "
            "فرزندان را بر عهده می‌گیرد.",
        )
    if adding.rehabilitable and not note_3:
        raise RuleViolation(
            NOTE_3_RULE,
            "A charity or service complex takes rehabilitable files only where the county has no licensed clinic and "
            "the agreement records that no one applied to found one (directive Art. 3 note 3).",
            "پرونده قابل بازتوان تنها در صورت عدم وجود کلینیک و متقاضی تأسیس کلینیک در شهرستان (با ثبت در "
            "تفاهم‌نامه) به مؤسسه یا مجتمع واگذار می‌شود (تبصره ۳ ماده ۳).",
        )
    after = live + adding
    used = experts_in_use(after, norm)
    if used is None or used > workers:
        raise RuleViolation(
            CASELOAD_RULE,
            f"With these files the partner would hold {after.rehabilitable} rehabilitable and "
            f"{after.non_rehabilitable} non-rehabilitable files: more than its {workers} eligible experts may carry at "
            f"{norm.rehabilitable} rehabilitable or {norm.non_rehabilitable} non-rehabilitable files each, pro rata "
            "(directive Art. 3.1, note 3).",
            f"با این پرونده‌ها همکار {after.rehabilitable} پرونده قابل بازتوان و {after.non_rehabilitable} پرونده "
            f"غیرقابل بازتوان خواهد داشت؛ بیش از سهم {workers} کارشناس واجد شرایط آن (هر کارشناس "
            f"{norm.non_rehabilitable} پرونده غیرقابل بازتوان یا {norm.rehabilitable} پرونده قابل بازتوان، به نسبت؛ "
            "بند ۱ و تبصره ۳ ماده ۳).",
        )

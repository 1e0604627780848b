"""Caseload norms per worker and a partner's capacity, as policy data.

Source: the 2014 delegation directive (seed ``004_…``), summarised in spec/DOMAIN.md "Caseload norms":

- Art. 2.2 — files delegable to each social worker of a clinic, by one of three methods:
  (1) «حداقل ۱۰۰ پرونده خدمت گیرنده قابل بازتوان», (2) the same «به اضافه حداقل ۶۰ پرونده … غیرقابل بازتوان»,
  (3) «حداقل ۲۰۰ پرونده خدمت گیرنده غیرقابل بازتوان» per worker;
- Art. 3.1 — charities and service complexes: «به ازای هر کارشناس مرتبط ۱۵۰ پرونده غیرقابل بازتوان»;
- Art. 3, note 3 — where the county has no clinic (nor anyone applying to found one), rehabilitable files may
  go to a charity or complex that has a social-work expert, «به ازای هر کارشناس تعداد ۱۰۰ پرونده قابل بازتوان».

The directive says "at least"; these are the standard loads the office assigns by (DOMAIN). It sets no norm
for NGO child homes (seed ``003_…`` only lets them take child follow-up), so their norm is 0/0: the office
must set one in the agreement, and until it does, assignments are refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from rules.errors import RuleInputError

__all__ = [
    "CHARITY_NORMS",
    "CHILD_HOME_NORM",
    "CLINIC_METHODS",
    "CaseloadNorm",
    "PARTNER_KINDS",
    "caseload_norm",
    "check_partner_kind",
    "partner_capacity",
]

PARTNER_KINDS: tuple[str, ...] = ("CLINIC", "CHARITY", "SERVICE_COMPLEX", "CHILD_HOME")
"""The partner kinds of CONTRACT ``enum PartnerKind``."""


@dataclass(frozen=True)
class CaseloadNorm:
    """Files per worker (or, from :func:`partner_capacity`, per partner) and the article that sets them."""

    rehabilitable: int
    non_rehabilitable: int
    article: str

    @property
    def total(self) -> int:
        """Both kinds of file together."""
        return self.rehabilitable + self.non_rehabilitable


CLINIC_METHODS: dict[int, CaseloadNorm] = {
    1: CaseloadNorm(rehabilitable=100, non_rehabilitable=0, article="ART_2_2_1"),
    2: CaseloadNorm(rehabilitable=100, non_rehabilitable=60, article="ART_2_2_2"),
    3: CaseloadNorm(rehabilitable=0, non_rehabilitable=200, article="ART_2_2_3"),
}
"""Art. 2.2: a clinic's per-worker norm by the method chosen in its agreement."""

CHARITY_NORMS: dict[bool, CaseloadNorm] = {
    True: CaseloadNorm(rehabilitable=0, non_rehabilitable=150, article="ART_3_1"),
    False: CaseloadNorm(rehabilitable=100, non_rehabilitable=150, article="ART_3_NOTE_3"),
}
"""Art. 3.1 and note 3: a charity's or service complex's per-expert norm, keyed by "the county has a clinic". Note 3
allows rehabilitable files where the county has no clinic; it adds to Art. 3.1, it does not take its 150 away."""

CHILD_HOME_NORM = CaseloadNorm(rehabilitable=0, non_rehabilitable=0, article="NONE")
"""The directive sets no norm for NGO child homes; the office sets it in the agreement (deny when unclear)."""


def check_partner_kind(kind: str) -> str:
    """Return ``kind`` as a plain string if it is one of CONTRACT's ``PartnerKind`` values, else raise.

    Raises :class:`RuleInputError` (field ``kind``) for anything else.
    """
    if isinstance(kind, str) and str(getattr(kind, "value", kind)) in PARTNER_KINDS:
        return str(getattr(kind, "value", kind))
    raise RuleInputError(
        f"Unknown partner kind {kind!r}; expected one of {', '.join(PARTNER_KINDS)}.",
        "نوع همکار نامعتبر است؛ باید کلینیک، مؤسسه خیریه، مجتمع خدمات بهزیستی یا خانه کودکان باشد.",
        "kind",
    )


def caseload_norm(kind: str, method: int | None, county_has_clinic: bool) -> CaseloadNorm:
    """Return the per-worker caseload norm for a partner (Art. 2.2, Art. 3.1 and Art. 3 note 3).

    - ``CLINIC``: ``method`` must be 1, 2 or 3 (Art. 2.2, methods 1–3); ``county_has_clinic`` is ignored.
    - ``CHARITY`` / ``SERVICE_COMPLEX``: 150 non-rehabilitable per expert (Art. 3.1), or 100 rehabilitable
      per expert when the county has no clinic (Art. 3 note 3). The note is read as a per-expert norm on its
      own, not added to Art. 3.1's 150, so no expert carries more than the directive names.
    - ``CHILD_HOME``: 0/0 — the directive sets none; the office must set one in the agreement.

    The Art. 2.2 methods are for clinics only, so ``method`` must be ``None`` for the other kinds, and a
    charity's ``county_has_clinic`` must be a real bool (no guessing). Raises :class:`RuleInputError`
    (field ``kind``, ``method`` or ``countyHasClinic``).
    """
    kind = check_partner_kind(kind)
    if kind == "CLINIC":
        if isinstance(method, bool) or not isinstance(method, int) or method not in CLINIC_METHODS:
            raise RuleInputError(
                "A clinic needs a caseload method of 1, 2 or 3 (directive Art. 2.2).",
                "برای کلینیک باید یکی از روش‌های ۱، ۲ یا ۳ واگذاری پرونده (بند ۲-۲ دستورالعمل) تعیین شود.",
                "method",
            )
        return CLINIC_METHODS[method]
    if method is not None:
        raise RuleInputError(
            "Only clinics choose a caseload method (directive Art. 2.2); leave it empty for other partners.",
            "روش واگذاری پرونده (بند ۲-۲ دستورالعمل) فقط برای کلینیک است؛ برای سایر همکاران خالی بگذارید.",
            "method",
        )
    if kind == "CHILD_HOME":
        return CHILD_HOME_NORM
    if not isinstance(county_has_clinic, bool):
        raise RuleInputError(
            "Say whether the county has a clinic: it decides the charity norm (directive Art. 3 note 3).",
            "مشخص کنید شهرستان کلینیک دارد یا نه؛ سهم هر کارشناس مؤسسه به آن بستگی دارد (تبصره ۳ ماده ۳).",
            "countyHasClinic",
        )
    return CHARITY_NORMS[county_has_clinic]


def partner_capacity(kind: str, method: int | None, county_has_clinic: bool, eligible_workers: int) -> CaseloadNorm:
    """Return a partner's capacity: the per-worker norm times its eligible workers (DOMAIN "Caseload norms").

    "A partner's capacity is the sum over its eligible workers" — norms from Art. 2.2 / Art. 3 via
    :func:`caseload_norm`. ``eligible_workers`` must be a whole number ≥ 0 (field ``eligibleWorkers``).
    """
    if isinstance(eligible_workers, bool) or not isinstance(eligible_workers, int) or eligible_workers < 0:
        raise RuleInputError(
            "The number of eligible workers must be a whole number, zero or more.",
            "تعداد نیروهای واجد شرایط باید عددی صحیح و نامنفی باشد.",
            "eligibleWorkers",
        )
    norm = caseload_norm(kind, method, county_has_clinic)
    return CaseloadNorm(
        rehabilitable=norm.rehabilitable * eligible_workers,
        non_rehabilitable=norm.non_rehabilitable * eligible_workers,
        article=norm.article,
    )

"""The demo case files (issue #3): households, children in family care, this year's agreements, and who serves what.

Two halves. :func:`build_cases` makes the whole data set in memory from a seeded random generator
(``random.Random(1404)``) and the date it is given — no database, so two calls give the same result and a
test can say so. :func:`write_cases` writes that data set with bulk inserts, inside the demo seed's
transaction, once the organisations, staff and users exist.

The delegation respects the directive: a child's follow-up goes to a partner only a year after discharge
(seed 003), no partner holds more files of a load than its agreement's quota (Art. 4.2), and files are named to
workers who carry a caseload (:func:`check_delegation` proves it before anything is written). The caseload norms'
own checks — a charity's cap (Art. 3.1), a clinic's minimum (Art. 2.2) — read the policy table, so the demo seed
makes them once the database holds it (demo/seed.py).
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from tortoise.backends.base.client import BaseDBAsyncClient

from models.casework import CommitteeDecision
from models.children import Child, CustodyReason, Placement
from models.delegation import Agreement, Assignment, AssignmentEvent, FileLoad, Transition
from models.families import Family, FamilyCategory, Member, Rehabilitability, Relation, Sex
from models.users import User
from rules.committees import CommitteeSubject
from rules.jalali import jalali_year, jalali_year_bounds
from rules.national_id import make_national_id
from rules.persian import normalise_search, normalise_text

__all__ = [
    "AgreementPlan",
    "CaseRefs",
    "ChildPlan",
    "DemoCases",
    "Delegation",
    "FamilyPlan",
    "MemberPlan",
    "PartnerStaff",
    "build_cases",
    "check_delegation",
    "family_load",
    "write_cases",
]

SEED = 1404
"""The random generator's seed: the same demo families on every machine."""

FEMALE_NAMES = (
    "فاطمه", "زهرا", "مریم", "معصومه", "زینب", "طاهره", "اعظم", "سمیه", "نرگس", "لیلا", "مهری", "اکرم", "رقیه",
    "صدیقه", "منصوره", "فرشته", "الهام", "سکینه", "خدیجه", "کبری", "بتول", "عفت", "شهلا", "پروین", "هاجر",
    "ریحانه", "نازنین", "کوثر", "فائزه", "حدیثه", "محدثه", "یگانه", "آتنا", "ستایش", "هستی", "فاطمه‌زهرا",
)
MALE_NAMES = (
    "محمد", "علی", "حسین", "حسن", "رضا", "مهدی", "احمد", "محمدرضا", "علی‌اکبر", "ابوالفضل", "مجید", "جواد",
    "سعید", "حمید", "عباس", "اکبر", "غلامرضا", "محمدعلی", "امیرحسین", "امیرعلی", "محمدحسین", "علیرضا", "یاسین",
    "طاها", "ماهان", "پارسا", "سجاد", "مصطفی", "مرتضی", "کاظم", "صادق", "هادی",
)
LAST_NAMES = (
    "دهقان", "زارع", "میرجلیلی", "فلاح‌زاده", "شریفی", "زارعی", "حاتمی", "ابوترابی", "کریمی", "امیری", "رحیمی",
    "صالحی", "عسکری", "فتوحی", "طالبی", "خادمی", "ملک‌زاده", "میرحسینی", "اسلامی", "فلاحتی", "حکیم‌زاده",
    "شاکری", "جعفری", "کاظمی", "بافقی", "میبدی", "اردکانی", "تفتی", "عقدایی", "انتظاری", "سلطانی", "رستگار",
    "مظفری", "وحیدی", "نوری", "حیدری", "موسوی", "حسینی", "طباطبایی", "آقایی", "قاسمی", "باقری", "یزدانی",
    "دهقان‌منشادی", "ندوشن", "بهادری", "ابراهیمی", "اسدی", "مهدوی", "کمالی",
)

# county code -> (name, families, children, streets, landmarks)
COUNTY_CASES: dict[str, tuple[str, int, int, tuple[str, ...]]] = {
    "YZD-YAZD": ("یزد", 150, 24, (
        "بلوار جمهوری اسلامی", "خیابان امام خمینی", "صفائیه، خیابان ارشاد", "محله فهادان", "آزادشهر، خیابان پاسداران",
        "خیابان کاشانی", "بلوار شهید صدوقی", "محله گودال مصلی", "خیابان سلمان فارسی", "محله سرچم")),
    "YZD-MEYBOD": ("میبد", 90, 12, (
        "بلوار آیت‌الله طالقانی", "خیابان شهید بهشتی", "روستای بیده", "بلوار امام رضا", "محله بشنیغان",
        "محله فیروزآباد")),
    "YZD-BAFQ": ("بافق", 30, 5, ("خیابان امام", "خیابان شهید مطهری", "روستای باغستان", "محله کوشک")),
    "YZD-KHATAM": ("خاتم", 25, 4, ("هرات، خیابان امام", "هرات، بلوار ولیعصر", "مروست، خیابان شهدا")),
    "YZD-TABAS": ("طبس", 25, 3, ("خیابان شهید ناصری", "بلوار امام رضا", "روستای دیهوک")),
}
"""Where the demo households live: most in Yazd and Meybod, some in Bafq, Khatam and Tabas."""

LANDMARKS = ("مسجد محله", "مدرسه ابتدایی", "نانوایی", "درمانگاه", "پارک محله", "حسینیه", "آب‌انبار قدیمی")
DOOR_COLOURS = ("سبز", "آبی", "قهوه‌ای", "سفید", "فلزی طوسی")
EDUCATION = ("بی‌سواد", "ابتدایی", "سیکل", "دیپلم", "کاردانی", "کارشناسی")
JOBS_FEMALE = ("خانه‌دار", "قالی‌باف", "خیاط", "کارگر کارگاه بسته‌بندی", "بیکار", "فروشنده")
JOBS_MALE = ("کارگر فصلی", "کارگر ساختمانی", "راننده", "بیکار", "فروشنده", "کشاورز", "بازنشسته")
HEALTH = ("", "", "", "", "دیابت", "بیماری قلبی", "معلولیت جسمی-حرکتی", "نابینایی", "بیماری اعصاب و روان")
INSURANCE = ("تأمین اجتماعی", "سلامت ایرانیان", "روستاییان و عشایر", "بیمه ندارد")

# Agreements of the current Jalali year: partner key -> (rehabilitable, non-rehabilitable, children) quotas.
AGREEMENT_QUOTAS: dict[str, tuple[int, int, int]] = {
    "clinic1": (150, 80, 20),
    "clinic2": (60, 0, 0),
    "charity": (0, 120, 0),
    "childhome": (0, 0, 40),
}

CHILD_FOLLOW_UP_WAIT = datetime.timedelta(days=365)
"""Seed 003: a child's follow-up is delegated only when at least a year has passed since discharge."""


@dataclass(frozen=True)
class PartnerStaff:
    """What the delegation plan needs to know of a partner: its kind and the staff keys of the workers who carry a
    caseload there (rules.staffing.counts_for_caseload)."""

    kind: str
    workers: tuple[str, ...]


@dataclass(frozen=True)
class Delegation:
    """A file delegated to a partner (by key) and, where the manager named one, to a worker (by staff key)."""

    partner: str
    worker: str | None
    load: FileLoad
    assigned_on: datetime.date


@dataclass(frozen=True)
class MemberPlan:
    national_id: str
    first_name: str
    last_name: str
    birth_date: datetime.date
    sex: Sex
    relation: Relation
    education: str
    job: str
    health: str
    insurance: str

    @property
    def is_head(self) -> bool:
        return self.relation is Relation.HEAD


@dataclass(frozen=True)
class FamilyPlan:
    file_number: str
    county: str
    category: FamilyCategory
    rehabilitability: Rehabilitability
    address: str
    location_sketch: str
    support_started_on: datetime.date
    classified_on: datetime.date | None
    members: tuple[MemberPlan, ...]
    delegation: Delegation | None

    @property
    def head(self) -> MemberPlan:
        return next(m for m in self.members if m.is_head)


@dataclass(frozen=True)
class ChildPlan:
    file_number: str
    county: str
    national_id: str
    first_name: str
    last_name: str
    birth_date: datetime.date
    sex: Sex
    custody_reason: CustodyReason
    court_order_reference: str
    placement: Placement
    discharged_on: datetime.date
    priority: bool
    abuse_flag: bool
    delegation: Delegation | None


@dataclass(frozen=True)
class AgreementPlan:
    partner: str
    jalali_year: int
    quota_rehabilitable: int
    quota_non_rehabilitable: int
    quota_children: int
    signed_on: datetime.date

    def quota(self, load: FileLoad) -> int:
        return {FileLoad.REHABILITABLE: self.quota_rehabilitable,
                FileLoad.NON_REHABILITABLE: self.quota_non_rehabilitable,
                FileLoad.CHILD: self.quota_children}[load]


@dataclass(frozen=True)
class DemoCases:
    """The whole demo case data set, in memory."""

    families: tuple[FamilyPlan, ...]
    children: tuple[ChildPlan, ...]
    agreements: tuple[AgreementPlan, ...]


class _NationalIds:
    """Valid national IDs from a deterministic nine-digit sequence."""

    def __init__(self, first: int, step: int) -> None:
        self.next = first
        self.step = step

    def __call__(self) -> str:
        first_nine = f"{self.next:09d}"
        self.next += self.step
        return make_national_id(first_nine)


def _years_ago(today: datetime.date, rng: random.Random, low: int, high: int) -> datetime.date:
    """A day between `low` and `high` years before today."""
    return today - datetime.timedelta(days=rng.randint(low * 365, high * 365))


def _spread(today: datetime.date, rng: random.Random, after: datetime.date, until: datetime.date) -> datetime.date:
    """A day in [after, until] (or `after` when the span is empty), never past today."""
    until = min(until, today)
    if until <= after:
        return min(after, today)
    return after + datetime.timedelta(days=rng.randint(0, (until - after).days))


def _categories(rng: random.Random, count: int) -> list[FamilyCategory]:
    """Exactly a third woman-headed; the rest needy, elderly or disabled, and orphans, shuffled."""
    woman_headed = count // 3
    elderly = count // 5
    orphans = count // 10
    cats = ([FamilyCategory.WOMAN_HEADED] * woman_headed + [FamilyCategory.ELDERLY_DISABLED] * elderly
            + [FamilyCategory.ORPHANS] * orphans)
    cats += [FamilyCategory.NEEDY_FAMILY] * (count - len(cats))
    rng.shuffle(cats)
    return cats


def _rehabilitability(rng: random.Random, county: str, category: FamilyCategory) -> Rehabilitability:
    """Mostly classified: Yazd's files lean rehabilitable, Meybod's and the elderly's non-rehabilitable."""
    if rng.random() < 0.05:
        return Rehabilitability.UNCLASSIFIED
    rehabilitable = {"YZD-YAZD": 0.68, "YZD-MEYBOD": 0.25}.get(county, 0.5)
    if category is FamilyCategory.ELDERLY_DISABLED:
        rehabilitable /= 3
    return Rehabilitability.REHABILITABLE if rng.random() < rehabilitable else Rehabilitability.NON_REHABILITABLE


class _People:
    """Persian names, birth dates and the facts of a household member."""

    def __init__(self, rng: random.Random, today: datetime.date, national_ids: _NationalIds) -> None:
        self.rng = rng
        self.today = today
        self.national_ids = national_ids

    def first_name(self, sex: Sex) -> str:
        return self.rng.choice(FEMALE_NAMES if sex is Sex.FEMALE else MALE_NAMES)

    def last_name(self) -> str:
        return self.rng.choice(LAST_NAMES)

    def any_sex(self) -> Sex:
        return self.rng.choice((Sex.FEMALE, Sex.MALE))

    def member(self, sex: Sex, relation: Relation, last_name: str, low: int, high: int) -> MemberPlan:
        rng = self.rng
        birth_date = _years_ago(self.today, rng, low, high)
        age = (self.today - birth_date).days // 365
        if age < 6:
            education, job = "", ""
        elif age < 18:
            education, job = "دانش‌آموز", "دانش‌آموز"
        else:
            education = rng.choice(EDUCATION)
            job = rng.choice(JOBS_FEMALE if sex is Sex.FEMALE else JOBS_MALE)
        health = rng.choice(HEALTH) if age < 60 else rng.choice(("سالمند نیازمند مراقبت", "دیابت", "بیماری قلبی"))
        return MemberPlan(
            national_id=self.national_ids(), first_name=self.first_name(sex), last_name=last_name,
            birth_date=birth_date, sex=sex, relation=relation, education=education, job=job, health=health,
            insurance=rng.choice(INSURANCE),
        )

    def household(self, category: FamilyCategory) -> tuple[MemberPlan, ...]:
        """1–6 members with exactly one head; a woman-headed household's head is a woman."""
        rng = self.rng
        size = rng.choices((1, 2, 3, 4, 5, 6), weights=(8, 18, 26, 26, 14, 8))[0]
        if category is FamilyCategory.WOMAN_HEADED:
            head = self.member(Sex.FEMALE, Relation.HEAD, self.last_name(), 24, 62)
            # The children carry their late or absent father's surname.
            father = self.last_name()
            rest = [self.member(self.any_sex(), Relation.CHILD, father, 0, 20) for _ in range(size - 1)]
            if size >= 4 and rng.random() < 0.3:
                rest[-1] = self.member(Sex.FEMALE, Relation.PARENT, self.last_name(), 65, 85)
        elif category is FamilyCategory.ELDERLY_DISABLED:
            size = min(size, 3)
            head = self.member(self.any_sex(), Relation.HEAD, self.last_name(), 63, 88)
            rest = []
            if size >= 2:
                spouse_sex = Sex.MALE if head.sex is Sex.FEMALE else Sex.FEMALE
                rest.append(self.member(spouse_sex, Relation.SPOUSE, self.last_name(), 58, 85))
            if size == 3:
                rest.append(self.member(self.any_sex(), Relation.CHILD, head.last_name, 20, 45))
        elif category is FamilyCategory.ORPHANS:
            size = max(size, 2)
            if rng.random() < 0.6:  # a grandparent heads the household of orphaned grandchildren
                head = self.member(self.any_sex(), Relation.HEAD, self.last_name(), 55, 80)
                family_name = self.last_name() if head.sex is Sex.FEMALE else head.last_name
                rest = [self.member(self.any_sex(), Relation.GRANDCHILD, family_name, 2, 17) for _ in range(size - 1)]
            else:  # an elder sibling heads it
                head = self.member(self.any_sex(), Relation.HEAD, self.last_name(), 18, 26)
                rest = [self.member(self.any_sex(), Relation.SIBLING, head.last_name, 3, 17) for _ in range(size - 1)]
        else:
            sex = Sex.MALE if rng.random() < 0.85 else Sex.FEMALE
            head = self.member(sex, Relation.HEAD, self.last_name(), 25, 60)
            rest = []
            if size >= 2:
                spouse_sex = Sex.FEMALE if sex is Sex.MALE else Sex.MALE
                rest.append(self.member(spouse_sex, Relation.SPOUSE, self.last_name(), 22, 58))
            children_name = head.last_name if sex is Sex.MALE else (rest[0].last_name if rest else head.last_name)
            rest += [self.member(self.any_sex(), Relation.CHILD, children_name, 0, 22)
                     for _ in range(size - 1 - len(rest))]
        return (head, *rest)


def _address(rng: random.Random, county_name: str, streets: Sequence[str]) -> tuple[str, str]:
    street = rng.choice(streets)
    address = f"{county_name}، {street}، کوچه {rng.randint(1, 40)}، پلاک {rng.randint(1, 180)}"
    sketch = (f"{rng.choice(('روبه‌روی', 'پشت', 'کنار', 'نرسیده به'))} {rng.choice(LANDMARKS)}، "
              f"درب {rng.choice(DOOR_COLOURS)}، {rng.choice(('زنگ اول', 'زنگ دوم', 'بدون زنگ'))}")
    return address, sketch


def _families(rng: random.Random, today: datetime.date) -> list[FamilyPlan]:
    people = _People(rng, today, _NationalIds(443_100_007, 37))
    total = sum(count for _, count, _, _ in COUNTY_CASES.values())
    categories = iter(_categories(rng, total))
    plans: list[FamilyPlan] = []
    for county, (county_name, count, _, streets) in COUNTY_CASES.items():
        for n in range(1, count + 1):
            category = next(categories)
            members = people.household(category)
            rehabilitability = _rehabilitability(rng, county, category)
            started = _years_ago(today, rng, 1, 6)
            classified_on = None
            if rehabilitability is not Rehabilitability.UNCLASSIFIED:
                classified_on = started + datetime.timedelta(days=rng.randint(20, 120))
            address, sketch = _address(rng, county_name, streets)
            plans.append(FamilyPlan(
                file_number=f"{county}-{jalali_year(started)}-{n:06d}", county=county, category=category,
                rehabilitability=rehabilitability, address=address, location_sketch=sketch,
                support_started_on=started, classified_on=classified_on, members=members, delegation=None,
            ))
    return plans


def _children(rng: random.Random, today: datetime.date) -> list[ChildPlan]:
    people = _People(rng, today, _NationalIds(443_900_011, 41))
    reasons = list(CustodyReason)
    plans: list[ChildPlan] = []
    for county, (county_name, _, count, _) in COUNTY_CASES.items():
        for n in range(1, count + 1):
            sex = rng.choice((Sex.FEMALE, Sex.MALE))
            birth_date = _years_ago(today, rng, 3, 17)
            # Most left the child home more than a year ago; a few only recently (not yet delegable).
            if rng.random() < 0.8:
                discharged_on = today - datetime.timedelta(days=rng.randint(400, 1800))
            else:
                discharged_on = today - datetime.timedelta(days=rng.randint(30, 300))
            discharged_on = max(discharged_on, birth_date + datetime.timedelta(days=365))
            reason = rng.choices(reasons, weights=(3, 4, 5, 2, 2))[0]
            placement = rng.choices(list(Placement), weights=(5, 4, 1))[0]
            court_year = jalali_year(discharged_on - datetime.timedelta(days=rng.randint(30, 200)))
            court = (f"دادنامه {court_year}{rng.randint(10_000, 99_999)} "
                     f"شعبه {rng.randint(1, 6)} دادگاه خانواده {county_name}")
            plans.append(ChildPlan(
                file_number=f"{county}-C-{jalali_year(discharged_on)}-{n:06d}", county=county,
                national_id=people.national_ids(), first_name=people.first_name(sex), last_name=people.last_name(),
                birth_date=birth_date, sex=sex, custody_reason=reason, court_order_reference=court,
                placement=placement, discharged_on=discharged_on, priority=rng.random() < 0.12,
                abuse_flag=rng.random() < 0.07, delegation=None,
            ))
    return plans


def _agreements(today: datetime.date) -> list[AgreementPlan]:
    year = jalali_year(today)
    first_day, _ = jalali_year_bounds(year)
    signed_on = min(first_day + datetime.timedelta(days=9), today)
    return [AgreementPlan(partner, year, *quotas, signed_on=signed_on) for partner, quotas in AGREEMENT_QUOTAS.items()]


# Who takes which files: (county, load) -> [(partner key or None for the office, weight)].
FAMILY_ROUTES: dict[tuple[str, FileLoad], tuple[tuple[str | None, int], ...]] = {
    ("YZD-YAZD", FileLoad.REHABILITABLE): (("clinic1", 55), ("clinic2", 27), (None, 18)),
    ("YZD-YAZD", FileLoad.NON_REHABILITABLE): (("clinic1", 65), (None, 35)),
    ("YZD-MEYBOD", FileLoad.NON_REHABILITABLE): (("charity", 80), (None, 20)),
}
CHILD_ROUTES: dict[str, tuple[tuple[str | None, int], ...]] = {
    "YZD-YAZD": (("childhome", 55), ("clinic1", 35), (None, 10)),
    "YZD-MEYBOD": (("childhome", 75), (None, 25)),
}
# partner key -> [(worker staff key or None while the manager has not named one, weight)]
WORKER_WEIGHTS: dict[str, tuple[tuple[str | None, int], ...]] = {
    "clinic1": (("worker1", 30), ("worker2", 25), ("worker3", 15), ("worker4", 15), (None, 15)),
    "clinic2": (("worker1", 80), (None, 20)),
    "charity": (("worker1", 45), ("worker2", 40), (None, 15)),
    "childhome": (("worker1", 85), (None, 15)),
}


def _pick(rng: random.Random, weighted: Sequence[tuple[str | None, int]]) -> str | None:
    return rng.choices([key for key, _ in weighted], weights=[w for _, w in weighted])[0]


def _load(rehabilitability: Rehabilitability) -> FileLoad | None:
    if rehabilitability is Rehabilitability.REHABILITABLE:
        return FileLoad.REHABILITABLE
    if rehabilitability is Rehabilitability.NON_REHABILITABLE:
        return FileLoad.NON_REHABILITABLE
    return None  # an unclassified file cannot be delegated: no quota to count it against


class _Desk:
    """The county office's delegation desk: sends a file to a partner only while the partner's agreement quota has
    room (Art. 4.2), and lets the manager name one of its eligible workers."""

    def __init__(self, rng: random.Random, agreements: Sequence[AgreementPlan]) -> None:
        self.rng = rng
        self.agreements = {a.partner: a for a in agreements}
        self.partner_load: Counter[tuple[str, FileLoad]] = Counter()

    def _room(self, partner: str, load: FileLoad) -> bool:
        return self.partner_load[(partner, load)] < self.agreements[partner].quota(load)

    def _worker(self, partner: str) -> str | None:
        return _pick(self.rng, WORKER_WEIGHTS[partner])

    def delegate(self, routes: Sequence[tuple[str | None, int]], load: FileLoad,
                 assigned_on: datetime.date) -> Delegation | None:
        partner = _pick(self.rng, routes)
        if partner is None or not self._room(partner, load):
            return None
        self.partner_load[(partner, load)] += 1
        return Delegation(partner, self._worker(partner), load, assigned_on)


def _delegate(rng: random.Random, today: datetime.date, desk: _Desk, families: list[FamilyPlan],
              children: list[ChildPlan]) -> tuple[list[FamilyPlan], list[ChildPlan]]:
    out_families = []
    for family in families:
        load = _load(family.rehabilitability)
        routes = FAMILY_ROUTES.get((family.county, load)) if load else None
        if routes and load and family.classified_on:
            assigned_on = _spread(today, rng, family.classified_on + datetime.timedelta(days=14),
                                  family.classified_on + datetime.timedelta(days=400))
            family = replace(family, delegation=desk.delegate(routes, load, assigned_on))
        out_families.append(family)
    # Files needing faster attention go first (seed 003); a child is delegable a year after discharge.
    delegated: dict[str, Delegation | None] = {}
    for child in sorted(children, key=lambda c: (not c.priority, c.file_number)):
        routes = CHILD_ROUTES.get(child.county)
        if routes and today - child.discharged_on >= CHILD_FOLLOW_UP_WAIT:
            earliest = child.discharged_on + CHILD_FOLLOW_UP_WAIT
            assigned_on = _spread(today, rng, earliest, earliest + datetime.timedelta(days=200))
            delegated[child.file_number] = desk.delegate(routes, FileLoad.CHILD, assigned_on)
    out_children = [replace(c, delegation=delegated.get(c.file_number)) for c in children]
    return out_families, out_children


def build_cases(today: datetime.date, partners: dict[str, PartnerStaff]) -> DemoCases:
    """The demo case files as of `today`, from ``random.Random(1404)``: the same data for the same day.

    `partners` (by the demo seed's partner keys) says which workers may be named (checked)."""
    rng = random.Random(SEED)
    families = _families(rng, today)
    children = _children(rng, today)
    agreements = _agreements(today)
    families, children = _delegate(rng, today, _Desk(rng, agreements), families, children)
    cases = DemoCases(families=tuple(families), children=tuple(children), agreements=tuple(agreements))
    check_delegation(cases, partners)
    return cases


def _delegations(cases: DemoCases) -> Iterator[Delegation]:
    plans: tuple[FamilyPlan | ChildPlan, ...] = (*cases.families, *cases.children)
    for plan in plans:
        if plan.delegation is not None:
            yield plan.delegation


def check_delegation(cases: DemoCases, partners: dict[str, PartnerStaff]) -> None:
    """Refuse a plan that puts more files with a partner than its agreement's quota (Art. 4.2; children count only
    against the children's quota, seed 003), or that names a worker who carries no caseload (Art. 2 note 1,
    Art. 3.1)."""
    agreements = {a.partner: a for a in cases.agreements}
    for (partner, load), files in Counter((d.partner, d.load) for d in _delegations(cases)).items():
        if files > agreements[partner].quota(load):
            raise ValueError(f"{partner} would hold {files} {load} files, over its quota")
    for d in _delegations(cases):
        if d.worker is not None and d.worker not in partners[d.partner].workers:
            raise ValueError(f"{d.partner}'s {d.worker} carries no caseload")


def family_load(cases: DemoCases, partner: str) -> tuple[int, int]:
    """The (rehabilitable, non-rehabilitable) family files the plan delegates to `partner`."""
    loads = Counter(d.load for d in _delegations(cases) if d.partner == partner)
    return loads[FileLoad.REHABILITABLE], loads[FileLoad.NON_REHABILITABLE]


@dataclass(frozen=True)
class CaseRefs:
    """The database IDs :func:`write_cases` needs, by the demo seed's keys."""

    province_id: int
    counties: dict[str, int]
    partners: dict[str, int]
    staff: dict[tuple[str, str], int]
    county_officers: dict[str, int]
    partner_managers: dict[str, int]
    partner_counties: dict[str, str]
    province_officer: int
    usernames: dict[int, str] = field(default_factory=dict)
    default_county: str = "YZD-YAZD"

    def officer(self, county: str) -> int:
        """The county officer who records the county's decisions and delegations (Yazd's where it has none)."""
        return self.county_officers.get(county, self.county_officers[self.default_county])


async def write_cases(conn: BaseDBAsyncClient, cases: DemoCases, refs: CaseRefs) -> dict[str, int]:
    """Write the data set with bulk inserts inside the caller's transaction; return what was written."""
    province_id = refs.province_id

    def owners(county: str, delegation: Delegation | None) -> dict[str, int | None]:
        partner = delegation.partner if delegation else None
        worker = delegation.worker if delegation else None
        return {
            "province_id": province_id,
            "county_id": refs.counties[county],
            "assigned_partner_id": refs.partners[partner] if partner else None,
            "assigned_worker_id": refs.staff[(partner, worker)] if partner and worker else None,
        }

    await Agreement.bulk_create([
        Agreement(partner_id=refs.partners[a.partner], jalali_year=a.jalali_year,
                  quota_rehabilitable=a.quota_rehabilitable, quota_non_rehabilitable=a.quota_non_rehabilitable,
                  quota_children=a.quota_children, signed_on=a.signed_on, province_id=province_id,
                  county_id=refs.counties[refs.partner_counties[a.partner]], signed_by_id=refs.province_officer)
        for a in cases.agreements
    ], using_db=conn)

    await Family.bulk_create([
        Family(
            file_number=f.file_number, category=f.category, rehabilitability=f.rehabilitability,
            address=normalise_text(f.address), location_sketch=normalise_text(f.location_sketch),
            support_started_on=f.support_started_on, household_size=len(f.members),
            head_name_search=normalise_search(f"{f.head.first_name} {f.head.last_name}"),
            head_last_name_search=normalise_search(f.head.last_name), **owners(f.county, f.delegation),
        )
        for f in cases.families
    ], using_db=conn)
    family_ids: dict[str, int] = dict(await Family.all().using_db(conn).values_list("file_number", "id"))

    await Member.bulk_create([
        Member(
            family_id=family_ids[f.file_number], national_id=m.national_id, first_name=normalise_text(m.first_name),
            last_name=normalise_text(m.last_name), birth_date=m.birth_date, sex=m.sex, relation=m.relation,
            is_head=m.is_head, education=m.education, job=m.job, health=m.health, insurance=m.insurance,
            **owners(f.county, f.delegation),
        )
        for f in cases.families for m in f.members
    ], using_db=conn)

    officers = dict(await User.filter(id__in=list({refs.officer(f.county) for f in cases.families}))
                    .using_db(conn).values_list("id", "username"))
    await CommitteeDecision.bulk_create([
        CommitteeDecision(
            level=2, subject=CommitteeSubject.CLASSIFICATION, family_id=family_ids[f.file_number],
            decided_on=f.classified_on, minutes=_minutes(f), rehabilitability=f.rehabilitability,
            author_id=refs.officer(f.county), author_username=officers[refs.officer(f.county)],
            province_id=province_id, county_id=refs.counties[f.county],
        )
        for f in cases.families if f.classified_on is not None
    ], using_db=conn)

    await Child.bulk_create([
        Child(
            file_number=c.file_number, national_id=c.national_id, first_name=normalise_text(c.first_name),
            last_name=normalise_text(c.last_name), name_search=normalise_search(f"{c.first_name} {c.last_name}"),
            last_name_search=normalise_search(c.last_name), birth_date=c.birth_date, sex=c.sex,
            custody_reason=c.custody_reason, court_order_reference=normalise_text(c.court_order_reference),
            placement=c.placement, discharged_on=c.discharged_on, priority=c.priority, abuse_flag=c.abuse_flag,
            **owners(c.county, c.delegation),
        )
        for c in cases.children
    ], using_db=conn)
    child_ids: dict[str, int] = dict(await Child.all().using_db(conn).values_list("file_number", "id"))

    delegated: list[tuple[str, Delegation, int | None, int | None]] = [
        (f.county, f.delegation, family_ids[f.file_number], None) for f in cases.families if f.delegation
    ]
    delegated += [(c.county, c.delegation, None, child_ids[c.file_number]) for c in cases.children if c.delegation]
    await Assignment.bulk_create([
        Assignment(
            family_id=family_id, child_id=child_id, partner_id=refs.partners[d.partner],
            worker_id=refs.staff[(d.partner, d.worker)] if d.worker else None, load=d.load,
            assigned_on=d.assigned_on, assigned_by_id=refs.officer(county), province_id=province_id,
            county_id=refs.counties[county],
        )
        for county, d, family_id, child_id in delegated
    ], using_db=conn)
    assignment_ids = {(family_id, child_id): pk for pk, family_id, child_id in await Assignment.all().using_db(
        conn).values_list("id", "family_id", "child_id")}

    events: list[AssignmentEvent] = []
    for county, d, family_id, child_id in delegated:
        common = {"assignment_id": assignment_ids[(family_id, child_id)], "partner_id": refs.partners[d.partner],
                  "province_id": province_id, "county_id": refs.counties[county]}
        events.append(AssignmentEvent(transition=Transition.ASSIGNED, by_user_id=refs.officer(county),
                                      by_username=refs.usernames.get(refs.officer(county), ""),
                                      reason="مصوبه کمیته توانمندسازی سطح ۲", **common))
        if d.worker:
            events.append(AssignmentEvent(transition=Transition.WORKER_ASSIGNED,
                                          worker_id=refs.staff[(d.partner, d.worker)],
                                          by_user_id=refs.partner_managers[d.partner],
                                          by_username=refs.usernames.get(refs.partner_managers[d.partner], ""),
                                          **common))
    await AssignmentEvent.bulk_create(events, using_db=conn)

    return {
        "families": len(cases.families),
        "members": sum(len(f.members) for f in cases.families),
        "classification_decisions": sum(1 for f in cases.families if f.classified_on is not None),
        "children": len(cases.children),
        "agreements": len(cases.agreements),
        "assignments": len(delegated),
        "assignment_events": len(events),
    }


def _minutes(family: FamilyPlan) -> str:
    verdict = "قابل بازتوانی" if family.rehabilitability is Rehabilitability.REHABILITABLE else "غیرقابل بازتوانی"
    return f"کمیته توانمندسازی سطح ۲ پس از بررسی گزارش مددکار، خانوار را {verdict} تشخیص داد."

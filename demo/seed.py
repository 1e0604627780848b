"""Seed the demo data set: Yazd province, its nine counties, the office tiers, four partners, three
kindergarten operators with ten kindergartens, one demo account per role, the case files of demo/cases.py
(households, children in family care, this year's agreements and the delegations), a year of casework on them and
two partners' peer groups with their sessions (demo/casework.py), and the families that left the support cycle this
Jalali year (demo/exits.py: clinic 2 earning the full rehabilitation bonus, clinic 1 missing the target).

Everything here is fixed and the case files and their casework come from seeded generators, so two runs on the
same day produce the same data; a second run finds the province "YZD" and does nothing. The accounts below all share
:data:`DEMO_PASSWORD` and are stored with ``is_demo=True``: they exist only for demo mode, since the server lets
``is_demo`` users log in only when it was started with ``--demo``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from auth.passwords import hash_password
from demo.cases import CaseRefs, DemoCases, PartnerStaff, build_cases, family_load, write_cases
from demo.casework import Accounts, build_casework, write_casework
from demo.exits import EXIT_NOTES, DemoExit, write_bonus_exits, write_exits
from demo.ledger import build_ledger, write_ledger
from demo.money import write_policy_values
from demo.reports import write_reports
from demo.supervision import write_supervision
from models.delegation import CaseloadNormRow
from models.geography import County, Province
from models.kindergartens import Kindergarten
from models.organizations import ClinicGrade, Organization, OrganizationKind, PartnerGrade, StaffMember
from models.users import Role, User
from rules.caseload import FileCounts, check_family_caseload
from rules.kindergarten import KindergartenKind, LicenseStatus, check_enrolment
from rules.persian import normalise_search, normalise_text
from rules.services import ExitRoute
from rules.staffing import Degree, StaffFacts, StaffPosition, check_partner_staff, counts_for_caseload

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "SeedReport", "casework_accounts", "partner_staff", "seed_demo"]

DEMO_PASSWORD = "demo"
"""The one password of every demo account."""

DEMO_ACCOUNTS: list[tuple[str, str, str]] = [
    ("admin", Role.NATIONAL_ADMIN.value, "مدیر سامانه در ستاد سازمان بهزیستی کشور"),
    ("yazd.province", Role.PROVINCE_OFFICER.value, "کارشناس اداره کل بهزیستی استان یزد"),
    ("yazd.county", Role.COUNTY_OFFICER.value, "کارشناس اداره بهزیستی شهرستان یزد"),
    ("meybod.county", Role.COUNTY_OFFICER.value, "کارشناس اداره بهزیستی شهرستان میبد"),
    ("meybod.supervisor", Role.SUPERVISOR.value, "ناظر اداره بهزیستی شهرستان میبد"),
    ("clinic.manager", Role.PARTNER_MANAGER.value, "مسئول فنی کلینیک مددکاری اجتماعی مهرآفرین (یزد)"),
    ("clinic.worker1", Role.PARTNER_WORKER.value, "مددکار اجتماعی کلینیک مهرآفرین"),
    ("clinic.worker2", Role.PARTNER_WORKER.value, "مددکار اجتماعی دیگر کلینیک مهرآفرین"),
    ("clinic2.manager", Role.PARTNER_MANAGER.value, "مسئول فنی کلینیک مددکاری اجتماعی نوید زندگی (یزد)"),
    ("charity.manager", Role.PARTNER_MANAGER.value, "مدیر مؤسسه خیریه نیکوکاران میبد"),
    ("childhome.manager", Role.PARTNER_MANAGER.value, "مدیر خانه کودکان و نوجوانان غیردولتی مهر (یزد)"),
    ("kindergarten.operator", Role.KINDERGARTEN_OPERATOR.value, "مدیر مؤسسه فرهنگی آموزشی شکوفه‌های یزد"),
    ("auditor", Role.AUDITOR.value, "حسابرس اداره کل بهزیستی استان یزد (فقط خواندنی)"),
]
"""(username, role, who it is) for every demo account, in a fixed order."""

PROVINCE_CODE = "YZD"
PROVINCE_NAME = "یزد"

COUNTIES: list[tuple[str, str]] = [
    ("YZD-YAZD", "یزد"),
    ("YZD-MEYBOD", "میبد"),
    ("YZD-BAFQ", "بافق"),
    ("YZD-KHATAM", "خاتم"),
    ("YZD-TABAS", "طبس"),
    ("YZD-ARDAKAN", "اردکان"),
    ("YZD-MEHRIZ", "مهریز"),
    ("YZD-TAFT", "تفت"),
    ("YZD-ABARKUH", "ابرکوه"),
]

LICENSE_FROM = datetime.date(2025, 3, 21)
LICENSE_UNTIL = datetime.date(2030, 3, 20)


@dataclass(frozen=True)
class SeedReport:
    """What :func:`seed_demo` did: ``created`` is False when the demo data was already there."""

    created: bool
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Partner:
    key: str
    kind: OrganizationKind
    name: str
    county: str
    license_number: str
    address: str
    phone: str
    grade: ClinicGrade | None
    first_graded_on: datetime.date | None
    # (key, full name, position, degree, years of experience); demo/cases.py assigns files by these keys.
    staff: tuple[tuple[str, str, StaffPosition, Degree, int], ...]
    # Art. 2.2 method of a clinic's caseload (1, 2 or 3); None for other kinds.
    caseload_method: int | None = None


_TM, _SW, _PSY = StaffPosition.TECHNICAL_MANAGER, StaffPosition.SOCIAL_WORKER, StaffPosition.PSYCHOLOGIST

PARTNERS: list[_Partner] = [
    _Partner(
        "clinic1", OrganizationKind.CLINIC, "کلینیک مددکاری اجتماعی مهرآفرین", "YZD-YAZD", "YZD-CL-1390-014",
        "یزد، بلوار جمهوری اسلامی، کوچه لاله ۴، پلاک ۱۲", "035-38264410", ClinicGrade.GRADE_1,
        datetime.date(2021, 5, 10),
        (
            ("manager", "فاطمه دهقانی", _TM, Degree.MASTER, 12),
            ("worker1", "زهرا میرجلیلی", _SW, Degree.BACHELOR, 6),
            ("worker2", "محمدرضا فلاح‌زاده", _SW, Degree.BACHELOR, 4),
            ("worker3", "مریم شریفی", _SW, Degree.BACHELOR, 2),
            ("worker4", "علی‌اکبر زارعی", _SW, Degree.ASSOCIATE, 3),
        ),
        caseload_method=2,
    ),
    _Partner(
        "clinic2", OrganizationKind.CLINIC, "کلینیک مددکاری اجتماعی نوید زندگی", "YZD-YAZD", "YZD-CL-1403-027",
        # Licensed 1404/01/01 and graded at the end of its first year (Art. 6.4, note 4): 1404/12/23.
        "یزد، خیابان امام خمینی، نبش کوچه سعادت، طبقه دوم", "035-36251873", ClinicGrade.GRADE_3,
        datetime.date(2026, 3, 14),
        (
            ("manager", "حسین مروتی", _TM, Degree.MASTER, 8),
            ("worker1", "نرگس اکرمی", _SW, Degree.BACHELOR, 1),
        ),
        caseload_method=1,
    ),
    _Partner(
        "charity", OrganizationKind.CHARITY, "مؤسسه خیریه نیکوکاران میبد", "YZD-MEYBOD", "YZD-CH-1395-006",
        "میبد، بلوار آیت‌الله طالقانی، جنب مسجد جامع", "035-32354120", None, None,
        (
            ("manager", "احمد دهقان‌منشادی", _TM, Degree.MASTER, 15),
            ("worker1", "سمیه ابوترابی", _SW, Degree.BACHELOR, 5),
            ("worker2", "رضا حاتمی", _SW, Degree.BACHELOR, 3),
        ),
    ),
    _Partner(
        "childhome", OrganizationKind.CHILD_HOME, "خانه کودکان و نوجوانان غیردولتی مهر", "YZD-YAZD", "YZD-CHH-1398-011",
        "یزد، صفائیه، خیابان ارشاد، کوچه نسترن، پلاک ۷", "035-38247765", None, None,
        (
            ("manager", "طاهره فتوحی", _TM, Degree.MASTER, 10),
            ("psychologist", "الهام کریمی", _PSY, Degree.MASTER, 7),
            ("worker1", "مجید امیری", _SW, Degree.BACHELOR, 4),
        ),
    ),
]

# key, name, county code, address, phone
OPERATORS: list[tuple[str, str, str, str, str]] = [
    ("A", "مؤسسه فرهنگی آموزشی شکوفه‌های یزد", "YZD-YAZD", "یزد، بلوار دانشجو، کوچه ۱۸، پلاک ۳", "035-37248190"),
    ("B", "تعاونی مهدهای کودک میبد", "YZD-MEYBOD", "میبد، خیابان شهید بهشتی، ساختمان تعاون", "035-32371542"),
    ("C", "مؤسسه غیرانتفاعی گلبرگ بافق", "YZD-BAFQ", "بافق، خیابان امام، کوچه شهید رجایی", "035-32422318"),
]

_K, _S = KindergartenKind, LicenseStatus
# operator, name, kind, status, license number, capacity, enrolment, address, phone (county = the operator's)
KINDERGARTENS: list[tuple[str, str, KindergartenKind, LicenseStatus, str | None, int, int, str, str]] = [
    ("A", "مهد قرآنی نور", _K.QURANIC, _S.LICENSED, "YZD-KG-1396-031", 60, 52,
     "یزد، محله فهادان، کوچه مسجد", "035-36262011"),
    ("A", "مهد مسجد جامع امیرچخماق", _K.MOSQUE, _S.LICENSED, "YZD-KG-1397-044", 40, 33,
     "یزد، میدان امیرچخماق، ضلع شرقی مسجد", "035-36271830"),
    ("A", "آدینه مهد بهار", _K.FRIDAY, _S.LICENSED, "YZD-KG-1399-012", 30, 21,
     "یزد، خیابان کاشانی، مصلای جمعه", "035-36280455"),
    ("A", "مهدکودک نیمه وقت غنچه‌ها", _K.PART_TIME, _S.LICENSED, "YZD-KG-1400-057", 45, 45,
     "یزد، بلوار شهید صدوقی، کوچه ارغوان", "035-38219904"),
    ("A", "مهدکودک واگذار شده امید", _K.DELEGATED, _S.SUSPENDED, "YZD-KG-1394-008", 80, 37,
     "یزد، آزادشهر، مجتمع خدمات بهزیستی", "035-38332716"),
    ("A", "مهدکودک غیرانتفاعی رنگین‌کمان", _K.NON_PROFIT, _S.PRINCIPAL_APPROVAL, None, 50, 0,
     "یزد، شهرک دانشگاه، خیابان فرهنگ", "035-38210368"),
    ("B", "مهدکودک تعاونی آفتاب میبد", _K.COOPERATIVE, _S.LICENSED, "YZD-KG-1398-073", 120, 96,
     "میبد، بلوار امام رضا، کوچه یاس", "035-32366024"),
    ("B", "روستامهد فجر", _K.RURAL, _S.LICENSED, "YZD-KG-1401-019", 25, 18,
     "میبد، روستای بیده، جنب دهیاری", "035-32388150"),
    ("C", "مهدکودک غیرانتفاعی گلبرگ", _K.NON_PROFIT, _S.LICENSED, "YZD-KG-1395-026", 70, 64,
     "بافق، خیابان شهید مطهری، کوچه بنفشه", "035-32427733"),
    ("C", "روستامهد شقایق باغستان", _K.RURAL, _S.LICENSED, "YZD-KG-1402-048", 20, 14,
     "بافق، روستای باغستان، جنب مدرسه", "035-32461209"),
]

# username -> (full name, organisation key, staff key or None). Organisation keys: "national", "province",
# "county:<code>", a partner key, "operator:<key>".
_USERS: dict[str, tuple[str, str, str | None]] = {
    "admin": ("سید محمد حسینی", "national", None),
    "yazd.province": ("مهدی رحیمی", "province", None),
    "yazd.county": ("اعظم صالحی", "county:YZD-YAZD", None),
    "meybod.county": ("ابوالفضل دهقانی", "county:YZD-MEYBOD", None),
    "meybod.supervisor": ("لیلا عسکری", "county:YZD-MEYBOD", None),
    "clinic.manager": ("فاطمه دهقانی", "clinic1", None),
    "clinic.worker1": ("زهرا میرجلیلی", "clinic1", "worker1"),
    "clinic.worker2": ("محمدرضا فلاح‌زاده", "clinic1", "worker2"),
    "clinic2.manager": ("حسین مروتی", "clinic2", None),
    "charity.manager": ("احمد دهقان‌منشادی", "charity", None),
    "childhome.manager": ("طاهره فتوحی", "childhome", None),
    "kindergarten.operator": ("منصوره کمالی", "operator:A", None),
    "auditor": ("جواد نیک‌نام", "province", None),
}


def _names(name: str) -> dict[str, str]:
    return {"name": normalise_text(name), "name_search": normalise_search(name)}


def _check_data() -> None:
    """Apply the business rules to the fixed data before anything is written."""
    for p in PARTNERS:
        check_partner_staff(p.kind.value, [StaffFacts(deg, years, pos) for _, _, pos, deg, years in p.staff])
    for *_, capacity, enrolment, _, _ in KINDERGARTENS:
        check_enrolment(capacity, enrolment)
    assert {k[2] for k in KINDERGARTENS} == set(KindergartenKind), "every kindergarten kind must appear"
    assert [a[0] for a in DEMO_ACCOUNTS] == list(_USERS), "accounts and users must match"
    for p in PARTNERS:
        assert (p.caseload_method is not None) == (p.kind is OrganizationKind.CLINIC), "clinics have a method"


def partner_staff() -> dict[str, PartnerStaff]:
    """Each demo partner's kind and the workers who carry a caseload there (Art. 2.2 note 1, Art. 3.1), by key."""
    return {
        p.key: PartnerStaff(
            kind=p.kind.value,
            workers=tuple(key for key, _, position, degree, years in p.staff
                          if counts_for_caseload(StaffFacts(degree, years, position), p.kind.value)),
        )
        for p in PARTNERS
    }


def casework_accounts() -> Accounts:
    """The demo accounts that record casework (demo/casework.py): the workers who have one, each partner's manager,
    each county's officer."""
    roles = {username: Role(role) for username, role, _ in DEMO_ACCOUNTS}
    return Accounts(
        workers={(org_key, staff_key): username for username, (_, org_key, staff_key) in _USERS.items()
                 if staff_key is not None},
        managers={org_key: username for username, (_, org_key, _) in _USERS.items()
                  if roles[username] is Role.PARTNER_MANAGER},
        officers={org_key.removeprefix("county:"): username for username, (_, org_key, _) in _USERS.items()
                  if roles[username] is Role.COUNTY_OFFICER},
    )


async def _check_caseload_norms(conn: BaseDBAsyncClient, cases: DemoCases) -> None:
    """The caseload norms, read from the policy table the migrations seeded, applied to the plan (rules.caseload):
    no charity's experts carry more than their cap (Art. 3.1). No demo agreement records note 3's statement, so no
    charity takes rehabilitable files; a clinic's norm is a minimum and refuses nothing."""
    staff = partner_staff()
    for p in PARTNERS:
        norms = CaseloadNormRow.filter(partner_kind=p.kind.value).using_db(conn)
        if p.caseload_method is not None:
            norms = norms.filter(method=p.caseload_method)
        row = await norms.order_by("id").first()
        norm = None if row is None else FileCounts(row.rehabilitable, row.non_rehabilitable)
        check_family_caseload(p.kind.value, norm, len(staff[p.key].workers), FileCounts(0, 0),
                              FileCounts(*family_load(cases, p.key)), note_3=False)


async def seed_demo(today: datetime.date | None = None) -> SeedReport:
    """Create the demo data in one transaction, unless the province "YZD" already exists.

    `today` (default: the real date) anchors the case files' and the casework's dates and the agreements' Jalali
    year."""
    _check_data()
    today = today or datetime.date.today()
    cases = build_cases(today, partner_staff())
    casework = build_casework(today, cases, casework_accounts())
    async with in_transaction() as conn:
        if await Province.filter(code=PROVINCE_CODE).using_db(conn).exists():
            return SeedReport(created=False, counts={})
        password_hash = hash_password(DEMO_PASSWORD)
        await _check_caseload_norms(conn, cases)
        counts, refs = await _seed(conn, password_hash)
        counts.update(await write_cases(conn, cases, refs))
        counts.update(await write_casework(conn, casework, refs.province_id, refs.counties, refs.partners))
        counts.update(await write_ledger(conn, build_ledger(today, casework, refs.partners), refs))
        counts.update(await write_policy_values(conn, today))
        counts["post-rehabilitation follow-ups"] = await _exit_with_follow_up(conn, today or datetime.date.today())
        counts.update(await write_bonus_exits(conn, today))
        counts.update(await write_supervision(conn, today, refs))
        counts.update(await write_reports(conn, today, refs))
    return SeedReport(created=True, counts=counts)


POST_REHABILITATION_EXITS = 2
"""Files of clinic 1's first worker that left the cycle yesterday with a year of follow-up running (Art. 6.7)."""


async def _exit_with_follow_up(conn: BaseDBAsyncClient, today: datetime.date) -> int:
    """Take the last rehabilitable files of `clinic.worker1` (none in a peer group) out of the cycle yesterday by
    individual employment, as `recordExit(postRehabilitationFollowUp: true)` does (demo/exits.py): the exit is credited
    to the clinic, the assignment ends, the members' national IDs are freed, the level-1 committee's proposal is in
    the register, and the clinic and its worker keep the file until the year is over."""
    rows = await conn.execute_query_dict(
        "select f.id from family f join app_user u on u.staff_member_id = f.assigned_worker_id"
        " where u.username = 'clinic.worker1' and f.status = 'ACTIVE' and f.rehabilitability = 'REHABILITABLE'"
        " and f.id not in (select family_id from peer_group_family) order by f.id desc limit $1",
        [POST_REHABILITATION_EXITS])
    route = ExitRoute.INDIVIDUAL_JOB
    return await write_exits(conn, [DemoExit(row["id"], route, today - datetime.timedelta(days=1), EXIT_NOTES[route],
                                             follow_up=True) for row in rows])


async def _seed(conn: BaseDBAsyncClient, password_hash: str) -> tuple[dict[str, int], CaseRefs]:
    province = await Province.create(using_db=conn, name=normalise_text(PROVINCE_NAME), code=PROVINCE_CODE)
    counties: dict[str, County] = {}
    for code, name in COUNTIES:
        counties[code] = await County.create(using_db=conn, name=normalise_text(name), code=code, province=province)

    orgs: dict[str, Organization] = {}
    orgs["national"] = await Organization.create(
        using_db=conn, kind=OrganizationKind.NATIONAL_OFFICE, **_names("ستاد سازمان بهزیستی کشور"),
        address="تهران، خیابان کریمخان زند، خیابان ایرانشهر", phone="021-88823040",
    )
    orgs["province"] = await Organization.create(
        using_db=conn, kind=OrganizationKind.PROVINCE_OFFICE, **_names("اداره کل بهزیستی استان یزد"),
        province=province, address="یزد، بلوار شهید رجایی، اداره کل بهزیستی", phone="035-37256001",
    )
    for code, name in COUNTIES:
        orgs[f"county:{code}"] = await Organization.create(
            using_db=conn, kind=OrganizationKind.COUNTY_OFFICE, **_names(f"اداره بهزیستی شهرستان {name}"),
            province=province, county=counties[code], address=normalise_text(f"{name}، اداره بهزیستی شهرستان"),
        )
    offices = len(orgs)

    staff: dict[tuple[str, str], StaffMember] = {}
    staff_count = 0
    for p in PARTNERS:
        org = await Organization.create(
            using_db=conn, kind=p.kind, **_names(p.name), province=province, county=counties[p.county],
            address=normalise_text(p.address), phone=p.phone, license_number=p.license_number,
            license_valid_from=LICENSE_FROM, license_valid_until=LICENSE_UNTIL, grade=p.grade,
            first_graded_on=p.first_graded_on, caseload_method=p.caseload_method,
        )
        orgs[p.key] = org
        for key, full_name, position, degree, years in p.staff:
            member = await StaffMember.create(
                using_db=conn, organization=org, full_name=normalise_text(full_name), position=position,
                degree=degree, years_of_experience=years,
            )
            staff_count += 1
            staff[(p.key, key)] = member

    for key, name, county_code, address, phone in OPERATORS:
        orgs[f"operator:{key}"] = await Organization.create(
            using_db=conn, kind=OrganizationKind.KINDERGARTEN_OPERATOR, **_names(name), province=province,
            county=counties[county_code], address=normalise_text(address), phone=phone,
        )

    for op_key, name, kind, status, license_number, capacity, enrolment, address, phone in KINDERGARTENS:
        operator = orgs[f"operator:{op_key}"]
        await Kindergarten.create(
            using_db=conn, **_names(name), kind=kind, license_status=status, license_number=license_number,
            capacity=capacity, enrolment=enrolment, operator=operator, county_id=operator.county_id,
            province=province, address=normalise_text(address), phone=phone,
        )

    users: dict[str, User] = {}
    for username, role, _ in DEMO_ACCOUNTS:
        full_name, org_key, staff_key = _USERS[username]
        users[username] = await User.create(
            using_db=conn, username=username, password_hash=password_hash, full_name=normalise_text(full_name),
            role=Role(role), organization=orgs[org_key],
            staff_member=staff[(org_key, staff_key)] if staff_key else None, is_demo=True,
        )

    # The grades the demo clinics hold, as the province office recorded them (Art. 6.4).
    for p in PARTNERS:
        if p.first_graded_on is not None:
            await PartnerGrade.create(
                using_db=conn, partner=orgs[p.key], grade=p.grade, graded_on=p.first_graded_on,
                graded_by_id=users["yazd.province"].id, by_username="yazd.province", province_id=province.id,
                county_id=counties[p.county].id)

    refs = CaseRefs(
        province_id=province.id,
        counties={code: county.id for code, county in counties.items()},
        partners={p.key: orgs[p.key].id for p in PARTNERS},
        staff={key: member.id for key, member in staff.items()},
        county_officers={org_key.removeprefix("county:"): users[username].id
                         for username, (_, org_key, _) in _USERS.items()
                         if users[username].role is Role.COUNTY_OFFICER},
        partner_managers={org_key: users[username].id for username, (_, org_key, _) in _USERS.items()
                          if users[username].role is Role.PARTNER_MANAGER},
        partner_counties={p.key: p.county for p in PARTNERS},
        province_officer=users["yazd.province"].id,
        usernames={user.id: username for username, user in users.items()},
    )
    return {
        "provinces": 1,
        "counties": len(counties),
        "offices": offices,
        "partners": len(PARTNERS),
        "staff": staff_count,
        "operators": len(OPERATORS),
        "kindergartens": len(KINDERGARTENS),
        "users": len(DEMO_ACCOUNTS),
    }, refs

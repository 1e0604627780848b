"""Every GraphQL enum, with a Persian label at the head of each value's description (docs/api.md)."""

from __future__ import annotations

from enum import Enum, StrEnum
from typing import TypeVar

import strawberry

from models.families import FileStatus, Rehabilitability, Sex
from models.organizations import ClinicGrade, OrganizationKind
from models.users import Role
from rules.kindergarten import KINDERGARTEN_KINDS, LICENSE_STATUS_LABELS_FA, KindergartenKind, LicenseStatus
from rules.labels import descriptions
from rules.services import EXIT_ROUTES, ExitRoute
from rules.staffing import Degree, StaffPosition

E = TypeVar("E", bound=type[Enum])


def described(cls: E, description: str, labels: dict[str, str]) -> E:
    """Register `cls` as a GraphQL enum whose value descriptions are the given Persian/English labels."""
    missing = {member.name for member in cls} - set(labels)
    if missing:
        raise ValueError(f"{cls.__name__}: no label for {sorted(missing)}")
    strawberry.enum(cls, description=description)
    for value in cls.__strawberry_definition__.values:  # type: ignore[attr-defined]
        value.description = labels[value.name]
    return cls


described(Role, "The role a user holds in their organisation (docs/access.md).", {
    "NATIONAL_ADMIN": "«مدیر ستاد ملی» — national office administrator; everything, and the policy tables.",
    "PROVINCE_OFFICER": "«کارشناس اداره کل استان» — province office: agreements, quotas, grades, licenses.",
    "COUNTY_OFFICER": "«کارشناس اداره شهرستان» — county office: admission, level-2 decisions, assignment.",
    "SUPERVISOR": "«کارشناس ناظر» — supervising expert: reads delegated files and partner records in the area.",
    "PARTNER_MANAGER": "«مدیر مؤسسه همکار» — partner manager: files delegated to the organisation.",
    "PARTNER_WORKER": "«مددکار مؤسسه همکار» — partner worker: only files assigned to them personally.",
    "KINDERGARTEN_OPERATOR": "«مؤسس مهد کودک» — kindergarten operator: its own kindergartens only.",
    "AUDITOR": "«حسابرس» — auditor: reads the audit trail of its area.",
})

described(OrganizationKind, "What kind of organisation this is.", {
    "NATIONAL_OFFICE": "«ستاد سازمان بهزیستی کشور» — the national office.",
    "PROVINCE_OFFICE": "«اداره کل بهزیستی استان» — a province office.",
    "COUNTY_OFFICE": "«اداره بهزیستی شهرستان» — a county office.",
    "CLINIC": "«کلینیک مددکاری اجتماعی» — social-work clinic.",
    "CHARITY": "«مؤسسه خیریه» — charity.",
    "SERVICE_COMPLEX": "«مجتمع خدمات بهزیستی» — welfare service complex.",
    "CHILD_HOME": "«خانه کودکان و نوجوانان غیردولتی» — NGO child home.",
    "KINDERGARTEN_OPERATOR": "«مؤسس مهد کودک» — kindergarten operator.",
})


class PartnerKind(StrEnum):
    CLINIC = "CLINIC"
    CHARITY = "CHARITY"
    SERVICE_COMPLEX = "SERVICE_COMPLEX"
    CHILD_HOME = "CHILD_HOME"


described(PartnerKind, "The kinds of licensed partner the office delegates files to.", {
    "CLINIC": "«کلینیک مددکاری اجتماعی» — social-work clinic.",
    "CHARITY": "«مؤسسه خیریه» — charity.",
    "SERVICE_COMPLEX": "«مجتمع خدمات بهزیستی» — welfare service complex (treated like a charity).",
    "CHILD_HOME": "«خانه کودکان و نوجوانان غیردولتی» — NGO child home.",
})


class OfficeTier(StrEnum):
    NATIONAL = "NATIONAL"
    PROVINCE = "PROVINCE"
    COUNTY = "COUNTY"


described(OfficeTier, "The three tiers of the welfare organisation.", {
    "NATIONAL": "«ستاد» — national office.",
    "PROVINCE": "«استان» — province office.",
    "COUNTY": "«شهرستان» — county office.",
})

described(ClinicGrade, "A clinic's grade (Art. 6.4); the subsidy follows it (Art. 6).", {
    "GRADE_1": "«درجه ۱» — grade 1: 100 % of the approved rate.",
    "GRADE_2": "«درجه ۲» — grade 2: 90 %.",
    "GRADE_3": "«درجه ۳» — grade 3: 80 %.",
    "UNGRADED": "«بدون درجه» — not graded: no files until graded (Art. 6.4.4), save in a new clinic's first year, "
                "when it counts as grade 2 (note 4).",
})

described(KindergartenKind, "The eight kinds of kindergarten (seed 002).", {
    kind.name: f"«{info.label_fa}»" for kind, info in KINDERGARTEN_KINDS.items()
})

described(LicenseStatus, "Where a kindergarten stands with its license (seed 002).", {
    status.name: f"«{label}»" for status, label in LICENSE_STATUS_LABELS_FA.items()
})

described(Degree, "Highest degree of a staff member (Art. 2, note 1).", {
    "BACHELOR": "«کارشناسی» — bachelor.",
    "ASSOCIATE": "«کاردانی» — associate; at most one such worker per clinic, with ≥ 2 years' experience.",
    "MASTER": "«کارشناسی ارشد» — master.",
    "DOCTORATE": "«دکتری» — doctorate.",
})

described(StaffPosition, "A staff member's position at a partner.", {
    "TECHNICAL_MANAGER": "«مسئول فنی» — technical manager.",
    "SOCIAL_WORKER": "«مددکار اجتماعی» — social worker; carries a caseload.",
    "PSYCHOLOGIST": "«روانشناس» — psychologist.",
})

described(FileStatus, "Whether a file is in the support cycle.", {
    "ACTIVE": "«فعال» — in the support cycle.",
    "EXITED": "«خارج‌شده از چرخه حمایت» — left the support cycle.",
})

described(ExitRoute, "How a client left the support cycle (Art. 4.8, Art. 6.8).", descriptions(EXIT_ROUTES))

described(Sex, "A person's sex.", {
    "FEMALE": "«زن» — female.",
    "MALE": "«مرد» — male.",
})

described(Rehabilitability, "Levels 2 and 3 classify every file (Art. 4.1).", {
    "UNCLASSIFIED": "«طبقه‌بندی نشده» — not yet classified by a committee.",
    "REHABILITABLE": "«قابل بازتوان» — rehabilitable: support aims at economic independence.",
    "NON_REHABILITABLE": "«غیرقابل بازتوان» — non-rehabilitable.",
})

__all__ = ["FileStatus", "ExitRoute", "Sex", "Role", "OrganizationKind", "PartnerKind", "OfficeTier", "ClinicGrade",
           "KindergartenKind", "LicenseStatus", "Degree", "StaffPosition", "Rehabilitability"]

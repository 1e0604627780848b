"""Roles, the viewer a request acts as, and which organisation kinds may hold which role (docs/access.md, roles)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from models.organizations import OFFICE_KINDS, PARTNER_KINDS, OrganizationKind
from models.users import Role

__all__ = ["Role", "Viewer", "Scope", "viewer_scope", "role_fits_organization", "OFFICE_ROLES", "PARTNER_ROLES",
           "ALL_ROLES"]

ALL_ROLES = frozenset(Role)
OFFICE_ROLES = frozenset({Role.NATIONAL_ADMIN, Role.PROVINCE_OFFICER, Role.COUNTY_OFFICER, Role.SUPERVISOR,
                          Role.AUDITOR})
PARTNER_ROLES = frozenset({Role.PARTNER_MANAGER, Role.PARTNER_WORKER})


class Scope(StrEnum):
    """The breadth of rows a viewer reaches. Independent of what they may do with them (the policy)."""

    NATIONAL = "NATIONAL"
    PROVINCE = "PROVINCE"
    COUNTY = "COUNTY"
    OWN_ORGANIZATION = "OWN_ORGANIZATION"
    OWN_ASSIGNMENT = "OWN_ASSIGNMENT"


@dataclass(frozen=True, slots=True)
class Viewer:
    """The user a request acts as, read from the database (never from the token's claims beyond `sub`)."""

    user_id: int
    username: str
    role: Role
    organization_id: int
    organization_kind: OrganizationKind
    province_id: int | None
    county_id: int | None
    staff_member_id: int | None
    # Tokens issued (iat, epoch seconds with microseconds) before this are refused: the password changed since.
    tokens_valid_since: float = 0.0

    @property
    def scope(self) -> Scope:
        return viewer_scope(self.role, self.organization_kind)


_OFFICE_TIER_SCOPE = {
    OrganizationKind.NATIONAL_OFFICE: Scope.NATIONAL,
    OrganizationKind.PROVINCE_OFFICE: Scope.PROVINCE,
    OrganizationKind.COUNTY_OFFICE: Scope.COUNTY,
}


def viewer_scope(role: Role, organization_kind: OrganizationKind) -> Scope:
    """The row scope of a role held in an organisation of a kind (docs/access.md, the roles table).

    Office roles reach their office's area; the partner manager and the kindergarten operator their own
    organisation; the partner worker only what is assigned to them.
    """
    if role in OFFICE_ROLES:
        return _OFFICE_TIER_SCOPE[organization_kind]
    if role is Role.PARTNER_WORKER:
        return Scope.OWN_ASSIGNMENT
    return Scope.OWN_ORGANIZATION


# Which organisation kinds may hold each role; a user whose role does not fit is refused at creation.
_ROLE_ORGANIZATIONS: dict[Role, frozenset[OrganizationKind]] = {
    Role.NATIONAL_ADMIN: frozenset({OrganizationKind.NATIONAL_OFFICE}),
    Role.PROVINCE_OFFICER: frozenset({OrganizationKind.PROVINCE_OFFICE}),
    Role.COUNTY_OFFICER: frozenset({OrganizationKind.COUNTY_OFFICE}),
    Role.SUPERVISOR: frozenset({OrganizationKind.PROVINCE_OFFICE, OrganizationKind.COUNTY_OFFICE}),
    Role.AUDITOR: OFFICE_KINDS,
    Role.PARTNER_MANAGER: PARTNER_KINDS,
    Role.PARTNER_WORKER: PARTNER_KINDS,
    Role.KINDERGARTEN_OPERATOR: frozenset({OrganizationKind.KINDERGARTEN_OPERATOR}),
}


def role_fits_organization(role: Role, kind: OrganizationKind) -> bool:
    return kind in _ROLE_ORGANIZATIONS[role]

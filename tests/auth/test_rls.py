"""The database's view of a viewer (auth/rls.py): the second wall reaches the rows the policy table lets each role
reach, no more (docs/access.md rules 5 and 6)."""

from __future__ import annotations

import pytest

from auth.policy import POLICY
from auth.rls import NONE, database_settings
from auth.roles import Role, Viewer, role_fits_organization
from models.organizations import OrganizationKind

CASE_TYPES = ("Family", "Member", "Child", "Assignment")
# Every role in every kind of organisation that may hold it.
HOLDINGS = [(role, kind) for role in Role for kind in OrganizationKind if role_fits_organization(role, kind)]


def viewer(role: Role, kind: OrganizationKind) -> Viewer:
    return Viewer(user_id=7, username="u", role=role, organization_id=100, organization_kind=kind, province_id=1,
                  county_id=10, staff_member_id=None)


@pytest.mark.parametrize(("role", "kind"), HOLDINGS)
def test_case_rows_open_to_exactly_the_roles_the_policy_lets_reach_them(role, kind):
    settings = database_settings(viewer(role, kind))
    for type_name in CASE_TYPES:
        reaches = role in POLICY[type_name].row_roles
        assert (settings["app.case_scope"] != NONE) is reaches, (role, kind, type_name)


@pytest.mark.parametrize(("role", "kind"), HOLDINGS)
def test_the_audit_trail_opens_only_to_its_readers(role, kind):
    settings = database_settings(viewer(role, kind))
    if role not in POLICY["AuditEvent"].row_roles:
        assert settings["app.audit_scope"] == NONE
    else:
        assert settings["app.audit_scope"] == viewer(role, kind).scope.value


def test_no_token_opens_nothing():
    settings = database_settings(None)
    assert settings["app.case_scope"] == NONE and settings["app.audit_scope"] == NONE

"""The account policy (auth/policy.py): which roles an office grants, and who edits their own account."""

from __future__ import annotations

import pytest

from auth.policy import GRANTABLE_ROLES, POLICY, USER_ADMINS, may_edit_own_account, may_grant
from auth.roles import Role

# The order of the offices (docs/access.md, roles): an office grants only what lies strictly below it.
RANK = {Role.NATIONAL_ADMIN: 0, Role.PROVINCE_OFFICER: 1, Role.COUNTY_OFFICER: 2, Role.SUPERVISOR: 3,
        Role.AUDITOR: 3, Role.PARTNER_MANAGER: 4, Role.KINDERGARTEN_OPERATOR: 4, Role.PARTNER_WORKER: 5}


@pytest.mark.parametrize("granter", list(Role))
def test_offices_grant_only_roles_below_their_own_and_the_national_admin_any(granter):
    for role in Role:
        expected = granter is Role.NATIONAL_ADMIN or (granter in USER_ADMINS and RANK[role] > RANK[granter])
        assert may_grant(granter, role) is expected, (granter, role)


def test_only_roles_that_may_manage_users_grant_any():
    assert set(GRANTABLE_ROLES) == USER_ADMINS
    assert {POLICY["Mutation"].fields[name] for name in ("createUser", "updateUser")} == {USER_ADMINS}


@pytest.mark.parametrize("role", list(Role))
def test_nobody_edits_their_own_account(role):
    assert not may_edit_own_account(role)

"""The rules every account obeys (auth/accounts.py), shared by createUser, updateUser and `create-user`."""

from __future__ import annotations

import pytest

from auth.accounts import (
    MAX_PASSWORD,
    MIN_PASSWORD,
    check_full_name,
    check_password,
    check_role_fits,
    check_staff_link,
    check_username,
    normalise_username,
)
from auth.roles import Role
from models.organizations import OrganizationKind
from rules.errors import RuleInputError


def refused_field(check, *args) -> str | None:
    with pytest.raises(RuleInputError) as refused:
        check(*args)
    return refused.value.field


def test_usernames_are_trimmed_and_lower_case():
    assert normalise_username("  Clinic.Worker2 ") == "clinic.worker2"
    assert check_username(" New.Worker ") == "new.worker"


@pytest.mark.parametrize("username", ["ab", "-lead", ".dot", "has space", "x!y", "a" * 65, "نام"])
def test_a_username_outside_the_pattern_is_refused(username):
    assert refused_field(check_username, username) == "username"


@pytest.mark.parametrize("length, ok", [(MIN_PASSWORD - 1, False), (MIN_PASSWORD, True), (MAX_PASSWORD, True),
                                        (MAX_PASSWORD + 1, False)])
def test_password_length_bounds(length, ok):
    if ok:
        check_password("p" * length)
    else:
        assert refused_field(check_password, "p" * length) == "password"


def test_a_full_name_is_stored_normalised_and_within_its_column():
    assert check_full_name("  علي   كريمي ") == "علی کریمی"
    assert refused_field(check_full_name, "ن" * 201) == "fullName"


@pytest.mark.parametrize("role, kind, ok", [
    (Role.NATIONAL_ADMIN, OrganizationKind.NATIONAL_OFFICE, True),
    (Role.SUPERVISOR, OrganizationKind.NATIONAL_OFFICE, False),
    (Role.PARTNER_WORKER, OrganizationKind.CLINIC, True),
    (Role.PARTNER_WORKER, OrganizationKind.COUNTY_OFFICE, False),
    (Role.KINDERGARTEN_OPERATOR, OrganizationKind.CLINIC, False),
])
def test_a_role_fits_only_its_kinds_of_organisation(role, kind, ok):
    if ok:
        check_role_fits(role, kind)
    else:
        assert refused_field(check_role_fits, role, kind) == "role"


def test_a_staff_record_links_only_a_partner_worker_of_the_same_partner():
    check_staff_link(Role.PARTNER_WORKER, 10, 10)
    assert refused_field(check_staff_link, Role.PARTNER_WORKER, 11, 10) == "staffMemberId"
    assert refused_field(check_staff_link, Role.PARTNER_MANAGER, 10, 10) == "staffMemberId"

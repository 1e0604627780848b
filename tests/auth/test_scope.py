"""The scope builder, as pure functions: the same RowScope decides reads (filters) and writes (within_scope)."""

from __future__ import annotations

from types import SimpleNamespace as Row

import pytest

from auth.policy import AUDIT_ROWS, KINDERGARTEN_ROWS, PARTNER_ROWS, USER_ROWS, row_scope_for
from auth.roles import Role, Scope, Viewer, viewer_scope
from auth.scope import NOTHING, scope_filter, within_scope
from models.organizations import OrganizationKind as K


def viewer(role: Role, kind: K, province: int | None = 1, county: int | None = 10, org: int = 100,
           staff: int | None = None) -> Viewer:
    return Viewer(user_id=7, username="u", role=role, organization_id=org, organization_kind=kind,
                  province_id=province, county_id=county, staff_member_id=staff)


@pytest.mark.parametrize(("role", "kind", "scope"), [
    (Role.NATIONAL_ADMIN, K.NATIONAL_OFFICE, Scope.NATIONAL),
    (Role.PROVINCE_OFFICER, K.PROVINCE_OFFICE, Scope.PROVINCE),
    (Role.COUNTY_OFFICER, K.COUNTY_OFFICE, Scope.COUNTY),
    (Role.SUPERVISOR, K.COUNTY_OFFICE, Scope.COUNTY),
    (Role.SUPERVISOR, K.PROVINCE_OFFICE, Scope.PROVINCE),
    (Role.AUDITOR, K.PROVINCE_OFFICE, Scope.PROVINCE),
    (Role.PARTNER_MANAGER, K.CLINIC, Scope.OWN_ORGANIZATION),
    (Role.PARTNER_WORKER, K.CLINIC, Scope.OWN_ASSIGNMENT),
    (Role.KINDERGARTEN_OPERATOR, K.KINDERGARTEN_OPERATOR, Scope.OWN_ORGANIZATION),
])
def test_viewer_scope(role, kind, scope):
    assert viewer_scope(role, kind) is scope


@pytest.mark.parametrize(("who", "row", "expected"), [
    (viewer(Role.COUNTY_OFFICER, K.COUNTY_OFFICE), Row(province_id=1, county_id=10), True),
    (viewer(Role.COUNTY_OFFICER, K.COUNTY_OFFICE), Row(province_id=1, county_id=11), False),
    (viewer(Role.PROVINCE_OFFICER, K.PROVINCE_OFFICE), Row(province_id=1, county_id=11), True),
    (viewer(Role.PROVINCE_OFFICER, K.PROVINCE_OFFICE), Row(province_id=2, county_id=20), False),
    (viewer(Role.PARTNER_MANAGER, K.CLINIC), Row(id=100, province_id=1, county_id=10), True),
    (viewer(Role.PARTNER_MANAGER, K.CLINIC), Row(id=101, province_id=1, county_id=10), False),
    (viewer(Role.PARTNER_WORKER, K.CLINIC), Row(id=100), True),
    (viewer(Role.PARTNER_WORKER, K.CLINIC), Row(id=101), False),
])
def test_within_scope_matches_the_partner_rows(who, row, expected):
    assert within_scope(who, PARTNER_ROWS, row) is expected


def test_an_office_with_no_county_reaches_no_county_rows():
    lost = viewer(Role.COUNTY_OFFICER, K.COUNTY_OFFICE, county=None)
    assert scope_filter(lost, KINDERGARTEN_ROWS) is NOTHING
    assert not within_scope(lost, KINDERGARTEN_ROWS, Row(county_id=None))


def test_roles_outside_the_row_roles_reach_only_themselves():
    worker = viewer(Role.PARTNER_WORKER, K.CLINIC)
    assert row_scope_for("Kindergarten", Role.PARTNER_WORKER).county is None
    users = row_scope_for("User", Role.PARTNER_WORKER)
    assert within_scope(worker, users, Row(id=7))
    assert not within_scope(worker, users, Row(id=8, organization=Row(county_id=10)))
    assert within_scope(viewer(Role.COUNTY_OFFICER, K.COUNTY_OFFICE), USER_ROWS,
                        Row(id=8, organization=Row(county_id=10)))


def test_national_scope_with_a_self_clause_stays_everything():
    """Tortoise drops an empty Q() inside an OR; 'all rows or my own' must not shrink to 'my own'."""
    from auth.scope import EVERYTHING

    admin = viewer(Role.NATIONAL_ADMIN, K.NATIONAL_OFFICE, province=None, county=None)
    assert scope_filter(admin, USER_ROWS) is EVERYTHING


def event(province: int | None, county: int | None, provinces: list[int], counties: list[int]) -> Row:
    return Row(province_id=province, county_id=county, object_province_ids=provinces, object_county_ids=counties)


COUNTY_AUDITOR = viewer(Role.AUDITOR, K.COUNTY_OFFICE)
PROVINCE_AUDITOR = viewer(Role.AUDITOR, K.PROVINCE_OFFICE, county=None)


@pytest.mark.parametrize(("who", "row", "expected"), [
    # An audit event lies in its author's area and in those of the objects it names (issue #8, item 4).
    (COUNTY_AUDITOR, event(1, 10, [], []), True),
    (COUNTY_AUDITOR, event(1, None, [1], [11, 10]), True),
    (COUNTY_AUDITOR, event(1, 11, [1], [11]), False),
    (PROVINCE_AUDITOR, event(None, None, [1], []), True),
    (PROVINCE_AUDITOR, event(2, 20, [2], [20]), False),
])
def test_an_audit_event_lies_in_the_areas_of_its_objects_too(who, row, expected):
    assert within_scope(who, AUDIT_ROWS, row) is expected
    assert scope_filter(who, AUDIT_ROWS) is not NOTHING

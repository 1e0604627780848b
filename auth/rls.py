"""The database's view of a viewer: the settings row-level security compares rows to (docs/access.md rule 6).

Set per transaction with `set_config(name, value, true)`; a connection that set nothing sees no case rows.
Roles with no business in case files (the auditor, the kindergarten operator) get the case scope NONE, and
only the auditor and the office roles get an audit scope. A role that reaches files only while they are delegated
(the supervisor, `DELEGATED_ONLY`) gets its office's scope prefixed `DELEGATED_` (migration 0018): the database
shows it the files of its area that a partner serves now, and the partners' records of its area, and nothing that
is the office's alone.
"""

from __future__ import annotations

from auth.policy import AUDIT_READERS, CASE_READERS, DELEGATED_ONLY
from auth.roles import Scope, Viewer

# The roles come from the policy table (docs/access.md rule 5), so that the second wall never drifts from the first:
# who may reach case files at all (families, members, children, assignments), and who reads the audit trail
# of their area.
CASE_ROLES = CASE_READERS
AUDIT_ROLES = AUDIT_READERS

NONE = "NONE"
DELEGATED = "DELEGATED_"


def case_scope(viewer: Viewer) -> str:
    """The `app.case_scope` of a viewer: its scope, narrowed to delegated files for the roles of DELEGATED_ONLY
    (office roles, so their scope is PROVINCE or COUNTY), NONE for a role that reads no case file."""
    if viewer.role not in CASE_ROLES:
        return NONE
    if viewer.role in DELEGATED_ONLY:
        return DELEGATED + viewer.scope.value
    return viewer.scope.value


def database_settings(viewer: Viewer | None) -> dict[str, str]:
    """The `app.*` settings for a request by `viewer` (None: no token — nothing is visible)."""
    if viewer is None:
        return {"app.case_scope": NONE, "app.audit_scope": NONE, "app.user": "", "app.org": "", "app.staff": "",
                "app.province": "", "app.county": ""}
    scope = viewer.scope
    audit_scope = scope.value if viewer.role in AUDIT_ROLES and scope in (
        Scope.NATIONAL, Scope.PROVINCE, Scope.COUNTY) else NONE
    return {
        "app.case_scope": case_scope(viewer),
        "app.audit_scope": audit_scope,
        "app.user": str(viewer.user_id),
        "app.org": str(viewer.organization_id),
        "app.staff": "" if viewer.staff_member_id is None else str(viewer.staff_member_id),
        "app.province": "" if viewer.province_id is None else str(viewer.province_id),
        "app.county": "" if viewer.county_id is None else str(viewer.county_id),
    }

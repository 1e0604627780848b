"""THE policy table: per GraphQL type, field and mutation, which roles may use it and which rows they reach.

docs/access.md rule 5 — one policy, one place. The GraphQL layer reads this table and never the reverse:
`schema/permissions.py` checks every field a request selects against `FIELDS` before anything runs, and
`auth/scope.py` turns `ROWS` into the filter of every list, lookup, `node`, count and nested load.
Default deny: a field or type missing here is refused, and `tests/api/test_policy_completeness.py` fails
when the schema has a field this table does not name.

Where a rule was unclear the narrower reading was taken (see the notes beside the entries).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tortoise.expressions import Q

from auth.roles import ALL_ROLES, OFFICE_ROLES, Role, Viewer
from auth.scope import EVERYTHING, NOTHING, RowScope, scope_filter, where
from rules.committees import COMMITTEE_SUBJECTS

PUBLIC = "PUBLIC"  # reachable without a token (login only)
JALALI_SUFFIX = "Jalali"  # a date field's display companion, e.g. `birthDateJalali` of `birthDate`

EVERYONE = ALL_ROLES
NATIONAL_ADMIN = frozenset({Role.NATIONAL_ADMIN})
# Offices that act on partners: the supervisor reads partner records in its area (docs/access.md).
PARTNER_OFFICE = frozenset({Role.NATIONAL_ADMIN, Role.PROVINCE_OFFICER, Role.COUNTY_OFFICER, Role.SUPERVISOR})
PARTNER_STAFF = frozenset({Role.PARTNER_MANAGER, Role.PARTNER_WORKER})
# Licenses and grades are the province's (docs/access.md: PROVINCE_OFFICER; Art. 6.4: the province office grades
# clinics).
PARTNER_LICENSERS = frozenset({Role.NATIONAL_ADMIN, Role.PROVINCE_OFFICER})
# Yearly agreements: «اداره کل بهزیستی استان و یا اداره بهزیستی شهرستان» (Art. 6.1) — the province or the county office.
AGREEMENT_SIGNERS = PARTNER_LICENSERS | {Role.COUNTY_OFFICER}
# Kindergartens are licensed by the office; the county office registers them in its county. The supervisor's
# and the auditor's remits (delegated files, the audit trail) do not name kindergartens, so they are left out.
KINDERGARTEN_OFFICE = frozenset({Role.NATIONAL_ADMIN, Role.PROVINCE_OFFICER, Role.COUNTY_OFFICER})
KINDERGARTEN_READERS = KINDERGARTEN_OFFICE | {Role.KINDERGARTEN_OPERATOR}
# Offices manage the users of the organisations in their area, granting only roles below their own.
USER_ADMINS = frozenset({Role.NATIONAL_ADMIN, Role.PROVINCE_OFFICER, Role.COUNTY_OFFICER})
# Case files (docs/access.md rules 1–2): the office reads all rows of its area, partners only their live assignments
# (the row scope), and partners get the case summary — court papers, committee minutes and office notes stay
# with the office. The auditor and the kindergarten operator see no case file at all.
CASE_OFFICE = frozenset({Role.NATIONAL_ADMIN, Role.PROVINCE_OFFICER, Role.COUNTY_OFFICER, Role.SUPERVISOR})
CASE_READERS = CASE_OFFICE | PARTNER_STAFF
# Admission and level-2 decisions are the county office's; the province office (level 3) and the national admin
# may act too. The supervisor cannot edit families (docs/access.md).
CASE_WRITERS = frozenset({Role.NATIONAL_ADMIN, Role.PROVINCE_OFFICER, Role.COUNTY_OFFICER})
# Assignment to partners and returns are the county office's (and the national admin's, who may do everything);
# the roles table gives them to no one else.
DELEGATORS = frozenset({Role.NATIONAL_ADMIN, Role.COUNTY_OFFICER})
# Casework (issue 7): partner staff record on the files delegated to them (the worker on its own, the manager on its
# partner's); the office records only on files it serves itself (`may_record_on`). The supervisor reads the records
# of delegated files only, and records none. The level-1 committee that decides an aid plan sits at the partner for
# a delegated file (its manager records the decision) and at the county office for a file the office serves.
CASEWORKERS = PARTNER_STAFF | CASE_WRITERS
PLAN_DECIDERS = frozenset({Role.PARTNER_MANAGER, Role.COUNTY_OFFICER, Role.NATIONAL_ADMIN})
# Abuse alerts are the office's to list and handle (seed 003: the county office acts on them).
ALERT_HANDLERS = CASE_WRITERS
# Roles that reach a file, and every record under it, only while a partner serves it on a live assignment
# (docs/access.md: the supervisor "reads delegated files (only while delegated) … never office notes or committee
# minutes"; issue 8 item 13). Row-level security holds them to the same slice (auth/rls.py, migration 0018).
DELEGATED_ONLY = frozenset({Role.SUPERVISOR})
# What is the office's alone, even on a delegated file: its notes and the file's history (whose changes carry the
# notes), closed to the roles of DELEGATED_ONLY.
OFFICE_INTERNAL = CASE_OFFICE - DELEGATED_ONLY
# Who reads the minutes of a committee's decision on an aid plan: the partner whose committee decided it and the
# office, not the supervisor (docs/access.md: "never … committee minutes").
DECISION_MINUTES_READERS = CASE_READERS - DELEGATED_ONLY
# Peer groups (Art. 4.8: the partner reports the groups it formed, their sessions and trainings) are formed and run by
# partner staff: the manager on the partner's files, a worker on the files assigned to them. The office, which
# serves files itself, forms none under this reading (the directive has partners report them), and reads them in
# its area with the supervisor.
PEER_GROUP_STAFF = PARTNER_STAFF
# Household changes move the monthly pension the office pays (seeds 001, 002), so they are the office's, like the
# members' other details (updateMember), on the files of its area, delegated or not. A partner that learns of a birth
# or a death first records it in an interview or a home visit; it does not change the household (docs/access.md gives
# partners casework, not edits of the file).
HOUSEHOLD_EDITORS = CASE_WRITERS
# A partner's reports (Art. 4.8 quarterly; seed 003 the children's monthly): the partner's own manager, who makes
# them, and the offices and supervisor of its area, to whom they go (Art. 7.1, 7.3). Workers record, not report. Which
# partner a reader reaches is the Partner row scope (a manager only its own).
REPORT_READERS = PARTNER_OFFICE | {Role.PARTNER_MANAGER}
# The policy table (rates, shares, the minimum wage; migration 0013: national data, readable by every office) is read
# by every office role, the auditor too, and set by the national office alone (docs/access.md: NATIONAL_ADMIN "edits
# policy tables"). docs/access.md does not give partners the table, so they are denied it; a household's pension they
# read with its file, but not the figures behind it.
POLICY_VALUE_READERS = OFFICE_ROLES
PENSION_FIGURE_READERS = CASE_READERS & POLICY_VALUE_READERS
# The partner's books (Art. 6.9: «… هنگام بازدید ناظرین سازمان، در اختیار ایشان قرار دهند»): kept by its manager
# («بخش غیر دولتی … ثبت نموده»), read by the offices of its area and their supervisors; not by its workers
# (docs/access.md gives the manager "its own … books"), nor by the auditor, whose remit is the audit trail. The office
# enters nothing in them through the API: a statement's approval posts its receipt (schema/money/ledger.py,
# post_receipt).
LEDGER_READERS = PARTNER_OFFICE | {Role.PARTNER_MANAGER}
LEDGER_KEEPERS = frozenset({Role.PARTNER_MANAGER})
# Subsidy statements (Art. 6; schema/money/statements.py). The province office pays partners (docs/access.md:
# PROVINCE_OFFICER "payments to partners"), so it approves a year's statement, with the national admin; the county
# office, which delegates and oversees, reads them. Read like the books they are paid into: the offices of the
# partner's area and their supervisors, and the partner's manager («its own … payment statements»); no worker, no
# auditor. Each reads the same statement — live, approved, and what changed since approval —: its files' facts are
# read whatever the reader reaches of the files (migration 0015, `partner_statement_facts`).
STATEMENT_READERS = PARTNER_OFFICE | {Role.PARTNER_MANAGER}
STATEMENT_APPROVERS = PARTNER_LICENSERS
# Supervision (Art. 4.10–4.13, Art. 7). The supervising expert (کارشناس ناظر, docs/access.md: "writes supervision
# visits") of a county or the province visits the partners of its area (Art. 7.2), closes their action plans and reports
# violations to the Article 26 commission (7.7); the province office, under whose social-affairs deputy the expert works
# (Art. 7), may too — the county office is not named for supervision, so it is left out. What supervision says about a
# partner (visits, sampled files, action plans, the decision to continue or stop) is read by the office of its area and
# the partner's own manager, who answers the visits with action plans (Art. 4.13); complaints and violation reports stay
# with the office (migration 0013), and the auditor reads none of it.
SUPERVISION_WRITERS = frozenset({Role.NATIONAL_ADMIN, Role.PROVINCE_OFFICER, Role.SUPERVISOR})
SUPERVISION_READERS = PARTNER_OFFICE | {Role.PARTNER_MANAGER}
SUPERVISION_OFFICE = PARTNER_OFFICE
# A complaint is received from the client by the county office (clients deal with it, seed 001) and handled by the
# supervising expert (Art. 7.4; docs/access.md: the supervisor "writes complaint outcomes").
COMPLAINT_FILERS = frozenset({Role.NATIONAL_ADMIN, Role.COUNTY_OFFICER})
COMPLAINT_HANDLERS = frozenset({Role.NATIONAL_ADMIN, Role.SUPERVISOR})
# Continuing or stopping (Art. 4.12) ends agreements: the province office, which keeps them (Art. 6.1: «سوابق
# تفاهم نامه در بهزیستی استان نگهداری شود») with the licenses and grades. The county office signs agreements too, but
# the directive names no one for this decision: the narrower reading.
CONTINUATION_DECIDERS = PARTNER_LICENSERS
# The office dashboard (issue 9: «for an office user»): the offices that act on partners and their supervising expert,
# who reads partner records in its area (docs/access.md) and oversees the very figures it shows (files, exits,
# assessments, visits, reports, the books); its counts are of the reader's slice. Its open abuse alerts are the
# office's, as the alerts are (ALERT_HANDLERS): the supervisor selecting them is refused. Partners and the auditor get
# none of it.
DASHBOARD_READERS = PARTNER_OFFICE
# The audit trail: the auditor and the office roles, in their area.
AUDIT_READERS = frozenset({Role.NATIONAL_ADMIN, Role.PROVINCE_OFFICER, Role.COUNTY_OFFICER, Role.SUPERVISOR,
                           Role.AUDITOR})

Roles = frozenset[Role] | str


@dataclass(frozen=True)
class TypePolicy:
    """The policy of one GraphQL type.

    `fields` maps each field to the roles that may select it (or PUBLIC). `row_scope`, for types backed by a
    table, says which columns carry ownership; `row_roles` are the roles whose scope reaches rows at all —
    any other role reaches only its own rows (`RowScope.self_user`) or none.
    """

    fields: dict[str, Roles]
    row_scope: RowScope | None = None
    row_roles: frozenset[Role] = field(default_factory=frozenset)
    # For files and the records under them: the path to the file's owner columns ("" on the file itself,
    # "family__" on a family's record), read for the roles of DELEGATED_ONLY (`delegated_now`).
    delegated_file: str | None = None


def everyone(*names: str) -> dict[str, Roles]:
    return dict.fromkeys(names, EVERYONE)


def only(roles: Roles, *names: str) -> dict[str, Roles]:
    return dict.fromkeys(names, roles)


PAGE_FIELDS = ("edges", "pageInfo", "totalCount")
EDGE_FIELDS = ("cursor", "node")

PARTNER_ROWS = RowScope(province="province_id", county="county_id", organization="id", worker_organization=True)
KINDERGARTEN_ROWS = RowScope(province="province_id", county="county_id", organization="operator_id")
OPERATOR_ROWS = RowScope(province="province_id", county="county_id", organization="id")
STAFF_ROWS = RowScope(province="organization__province_id", county="organization__county_id",
                      organization="organization_id")
USER_ROWS = RowScope(province="organization__province_id", county="organization__county_id", self_user="id")
CASE_ROWS = RowScope(province="province_id", county="county_id", organization="assigned_partner_id",
                     worker="assigned_worker_id", until="access_until")
OFFICE_CASE_ROWS = RowScope(province="province_id", county="county_id")
ASSIGNMENT_ROWS = RowScope(province="province_id", county="county_id", organization="partner_id", worker="worker_id")
AGREEMENT_ROWS = RowScope(province="province_id", county="county_id", organization="partner_id")
PARTNER_GRADE_ROWS = RowScope(province="province_id", county="county_id", organization="partner_id")
# An event lies in its author's area and in those of the objects it touched (issue #8, item 4).
AUDIT_ROWS = RowScope(province="province_id", county="county_id", also_provinces="object_province_ids",
                      also_counties="object_county_ids")
# An entry in a partner's books lies in the partner's area and is the partner's (no worker column: workers reach none).
LEDGER_ROWS = RowScope(province="province_id", county="county_id", organization="partner_id")
# A casework record is reached through its file: whoever reaches the file now reaches its records.
FAMILY_RECORD_ROWS = RowScope(province="province_id", county="county_id", organization="family__assigned_partner_id",
                              worker="family__assigned_worker_id", until="family__access_until")
CHILD_RECORD_ROWS = RowScope(province="province_id", county="county_id", organization="child__assigned_partner_id",
                             worker="child__assigned_worker_id", until="child__access_until")
RECORD_FIELDS = ("id", "recordedBy", "recordedAt", "version")
# A peer group is its partner's, in the partner's area: the manager reaches all the partner's groups, a worker only
# those they formed (`worker_id`; a group the manager formed reaches no worker), the office those of its area.
# Its sessions follow it; the link rows naming its families and a session's attendees follow the group (the session),
# and each family named is then loaded through its own scope.
PEER_GROUP_ROWS = RowScope(province="province_id", county="county_id", organization="partner_id", worker="worker_id")
GROUP_SESSION_ROWS = RowScope(province="province_id", county="county_id", organization="group__partner_id",
                              worker="group__worker_id")
PEER_GROUP_LINK_ROWS = RowScope(province="group__province_id", county="group__county_id",
                                organization="group__partner_id", worker="group__worker_id")
# An approved statement lies in the partner's area and is the partner's (no worker column: workers reach none).
STATEMENT_ROWS = RowScope(province="province_id", county="county_id", organization="partner_id")
# Supervision records carry the partner's area and the partner: the office reaches those of its area, the manager its
# own partner's (a worker none: SUPERVISION_READERS). Complaints and violation reports: the office of the area only.
SUPERVISION_ROWS = RowScope(province="province_id", county="county_id", organization="partner_id")
SESSION_ATTENDEE_ROWS = RowScope(province="session__province_id", county="session__county_id",
                                 organization="session__group__partner_id", worker="session__group__worker_id")

FIELDS_OF_PARTNER = (
    "id", "kind", "name", "province", "county", "address", "phone", "licenseNumber", "licenseValidFrom",
    "licenseValidUntil", "licenseValid", "grade",
    "firstGradedOn", "version",
)
FIELDS_OF_KINDERGARTEN = (
    "id", "name", "kind", "licenseStatus", "licenseNumber", "capacity", "enrolment", "operator", "province",
    "county", "address", "phone", "version",
)

POLICY: dict[str, TypePolicy] = {
    "Query": TypePolicy(fields={
        **everyone("me", "node", "provinces"),
        **only(CASE_READERS, "families", "family", "children", "child"),
        **only(AUDIT_READERS, "auditEvents"),
        **only(PARTNER_OFFICE | PARTNER_STAFF, "partners"),
        **only(KINDERGARTEN_READERS, "kindergartens"),
        **only(KINDERGARTEN_OFFICE, "kindergartenOperators"),
        **only(USER_ADMINS, "users"),
        **only(ALERT_HANDLERS, "alerts"),
        **only(CASE_READERS, "peerGroups"),
        **only(SUPERVISION_OFFICE, "complaints"),
        **only(POLICY_VALUE_READERS, "policyValues"),
        **only(DASHBOARD_READERS, "officeDashboard"),
    }),
    "Mutation": TypePolicy(fields={
        "login": PUBLIC,
        # A refresh token is the credential of these two (issue #11): they come before any valid access token.
        "refreshToken": PUBLIC,
        "logout": PUBLIC,
        **only(PARTNER_LICENSERS, "registerPartner", "addStaffMember"),
        **only(KINDERGARTEN_OFFICE, "registerKindergartenOperator", "registerKindergarten"),
        **only(KINDERGARTEN_READERS, "updateKindergarten"),
        **only(USER_ADMINS, "createUser", "updateUser"),
        **only(CASE_WRITERS, "registerFamily", "updateMember", "classifyFamily", "registerChild", "recordExit",
               "recordChildExit"),
        **only(AGREEMENT_SIGNERS, "signAgreement"),
        **only(PARTNER_LICENSERS, "gradePartner"),
        **only(DELEGATORS, "assignFiles", "returnFile"),
        **only(frozenset({Role.PARTNER_MANAGER}), "assignWorker"),
        **only(CASEWORKERS, "recordInterview", "recordHomeVisit", "recordAssessment", "submitAidPlan", "recordService",
               "recordReferral", "recordLoan", "recordLoanFollowUp", "recordFollowUp", "correctInterview",
               "correctHomeVisit", "correctService", "correctReferral", "correctAssessment", "correctAidPlan",
               "correctLoan", "correctFollowUp"),
        **only(PLAN_DECIDERS, "decideAidPlan"),
        **only(ALERT_HANDLERS, "handleAlert"),
        **only(CASE_WRITERS, "recordCommitteeDecision"),
        **only(PEER_GROUP_STAFF, "formPeerGroup", "recordGroupSession", "correctGroupSession"),
        **only(HOUSEHOLD_EDITORS, "addMember", "removeMember"),
        **only(SUPERVISION_WRITERS, "recordSupervisionVisit", "closeActionPlan", "reportViolation",
               "recordViolationOutcome"),
        **only(frozenset({Role.PARTNER_MANAGER}), "submitActionPlan"),
        **only(COMPLAINT_FILERS, "fileComplaint"),
        **only(COMPLAINT_HANDLERS, "updateComplaint"),
        **only(CONTINUATION_DECIDERS, "decidePartnerContinuation"),
        **only(LEDGER_KEEPERS, "recordLedgerEntry", "reverseLedgerEntry"),
        **only(STATEMENT_APPROVERS, "approveSubsidyStatement"),
        # The partner's manager submits its reports (docs/access.md: "reports"); the county office acknowledges them
        # (Art. 4.8: «به اداره بهزیستی شهرستان»).
        **only(frozenset({Role.PARTNER_MANAGER}), "submitReport"),
        **only(frozenset({Role.COUNTY_OFFICER, Role.NATIONAL_ADMIN}), "acknowledgeReport"),
        **only(NATIONAL_ADMIN, "setPolicyValue"),
    }),
    # Plumbing (connections, edges and payloads) is declared by `plumbing_roles` below; the login's payload is
    # the one reached before any token exists.
    "PageInfo": TypePolicy(fields=everyone("hasNextPage", "hasPreviousPage", "startCursor", "endCursor")),
    "LoginPayload": TypePolicy(fields=only(PUBLIC, "accessToken", "expiresAt", "refreshToken",
                                           "refreshTokenExpiresAt", "user")),
    "LogoutPayload": TypePolicy(fields=only(PUBLIC, "endedSessions")),
    "PartnerPayload": TypePolicy(fields=everyone("partner")),
    "StaffMemberPayload": TypePolicy(fields=everyone("staffMember")),
    "KindergartenPayload": TypePolicy(fields=everyone("kindergarten")),
    "KindergartenOperatorPayload": TypePolicy(fields=everyone("kindergartenOperator")),
    "UserPayload": TypePolicy(fields=everyone("user")),
    "Node": TypePolicy(fields=everyone("id")),
    "Viewer": TypePolicy(fields=everyone("user", "role", "scope", "organization")),
    # Reference data: the map of provinces and counties and the directory of offices are not secret.
    "Province": TypePolicy(fields=everyone("id", "name", "code", "counties")),
    "County": TypePolicy(fields=everyone("id", "name", "code", "province")),
    "Organization": TypePolicy(fields=everyone("id", "name", "province", "county")),
    "Office": TypePolicy(fields=everyone("id", "tier", "name", "province", "county")),
    "Partner": TypePolicy(
        fields={
            **only(PARTNER_OFFICE | PARTNER_STAFF, *FIELDS_OF_PARTNER),
            # The staff list (names, degrees) is for the office and the partner's own manager.
            **only(PARTNER_OFFICE | {Role.PARTNER_MANAGER}, "staff", "agreements", "caseload", "caseloadMethod",
                   "grades"),
            **only(CASE_WRITERS, "committeeDecisions"),
            **only(REPORT_READERS, "quarterlyReport", "yearlyReport", "childFollowUpReport", "lateReports"),
            **only(SUPERVISION_READERS, "supervisionVisits", "lastSupervisedOn", "lastSupervisedOnJalali",
                   "decisions"),
            **only(SUPERVISION_OFFICE, "violationReports", "filesToReturn"),
            **only(LEDGER_READERS, "ledger", "ledgerBalance"),
            **only(STATEMENT_READERS, "subsidyStatement"),
        },
        row_scope=PARTNER_ROWS,
        row_roles=PARTNER_OFFICE | PARTNER_STAFF,
    ),
    "StaffMember": TypePolicy(
        fields=only(PARTNER_OFFICE | {Role.PARTNER_MANAGER}, "id", "fullName", "nationalId", "position", "degree",
                    "yearsOfExperience", "isActive", "countsForCaseload"),
        row_scope=STAFF_ROWS,
        row_roles=PARTNER_OFFICE | {Role.PARTNER_MANAGER},
    ),
    "KindergartenOperator": TypePolicy(
        fields=only(KINDERGARTEN_READERS, "id", "name", "province", "county", "phone"),
        row_scope=OPERATOR_ROWS,
        row_roles=KINDERGARTEN_READERS,
    ),
    "Kindergarten": TypePolicy(
        fields=only(KINDERGARTEN_READERS, *FIELDS_OF_KINDERGARTEN),
        row_scope=KINDERGARTEN_ROWS,
        row_roles=KINDERGARTEN_READERS,
    ),
    "Family": TypePolicy(
        fields={
            **only(CASE_READERS, "id", "fileNumber", "category", "status", "rehabilitability", "province", "county",
                   "head", "members", "householdSize", "address", "locationSketch", "supportStartedOn",
                   "postRehabilitationUntil",
                   "currentAssignment", "exitRoute", "exitedOn",
                   "abuseFlag", "version"),
            **only(CASE_OFFICE, "assignments", "exitPartner"),
            **only(OFFICE_INTERNAL, "officeNotes", "history"),
            **only(CASE_WRITERS, "committeeDecisions"),
            **only(CASE_READERS, "interviews", "homeVisits", "assessments", "aidPlans", "services", "referrals",
                   "loans"),
            **only(CASE_READERS, "householdHistory", "householdSizeOn", "monthlyPension", "peerGroups"),
        },
        row_scope=CASE_ROWS,
        row_roles=CASE_READERS,
        delegated_file="",
    ),
    "Member": TypePolicy(
        fields=only(CASE_READERS, "id", "nationalId", "firstName", "lastName", "birthDate", "sex",
                    "relation", "isHead", "education", "job", "health", "insurance", "removedOn", "version"),
        row_scope=CASE_ROWS,
        row_roles=CASE_READERS,
        delegated_file="",
    ),
    "ChangeRecord": TypePolicy(
        fields=only(OFFICE_INTERNAL, "entity", "operation", "changes", "byUsername", "at"),
        row_scope=OFFICE_CASE_ROWS,
        row_roles=OFFICE_INTERNAL,
    ),
    "FieldChange": TypePolicy(fields=only(OFFICE_INTERNAL, "field", "before", "after")),
    "Child": TypePolicy(
        fields={
            **only(CASE_READERS, "id", "fileNumber", "nationalId", "firstName", "lastName", "birthDate",
                   "sex", "placement", "dischargedOn", "priority",
                   "guardianFamily", "status", "exitRoute", "exitedOn", "province", "county",
                   "currentAssignment", "abuseFlag", "version"),
            # Court papers stay with the office (docs/access.md rule 2). Why the court gave custody (parents unfit,
            # guardian imprisoned …) is part of them: not in the partners' case summary.
            **only(CASE_OFFICE, "courtOrderReference", "custodyReason", "assignments"),
            **only(OFFICE_INTERNAL, "officeNotes", "history"),
            **only(CASE_READERS, "followUps"),
        },
        row_scope=CASE_ROWS,
        row_roles=CASE_READERS,
        delegated_file="",
    ),
    "Agreement": TypePolicy(
        fields=only(PARTNER_OFFICE | {Role.PARTNER_MANAGER}, "id", "partner", "jalaliYear", "quotaRehabilitable",
                    "quotaNonRehabilitable", "quotaChildren", "noClinicApplicant", "signedOn", "status", "version"),
        row_scope=AGREEMENT_ROWS,
        row_roles=PARTNER_OFFICE | {Role.PARTNER_MANAGER},
    ),
    "Caseload": TypePolicy(fields=only(
        PARTNER_OFFICE | {Role.PARTNER_MANAGER}, "jalaliYear", "method", "eligibleWorkers", "quotaRehabilitable",
        "quotaNonRehabilitable", "quotaChildren", "normRehabilitable", "normNonRehabilitable", "minimumRehabilitable",
        "minimumNonRehabilitable", "underLoaded", "note3Applies", "expertsInUse", "capacityRehabilitable",
        "capacityNonRehabilitable", "liveRehabilitable", "liveNonRehabilitable", "liveChildren")),
    # Reports are computed objects reached only through the Partner fields above. An abuse concern's handling is the
    # office's, as its alert is (Alert below; row-level security shows alerts to the office only).
    "ActivityReport": TypePolicy(fields=only(
        REPORT_READERS, "jalaliYear", "quarter", "startsOn", "endsOn", "dueOn", "interviews", "homeVisits",
        "individualEmployment", "groupEmployment", "peerGroupsFormed", "groupSessions", "trainings", "exits",
        "exitsByRoute", "filesHeld", "assessments", "servicesByKind", "submission", "differences")),
    "ReportDifference": TypePolicy(fields=only(REPORT_READERS, "figure", "submitted", "now")),
    "LateReport": TypePolicy(fields=only(REPORT_READERS, "kind", "jalaliYear", "period", "endsOn", "dueOn")),
    # A submission is the partner's and its area's, like the partner's books (no worker column: workers reach none).
    "ReportSubmission": TypePolicy(
        fields=only(REPORT_READERS, "id", "kind", "jalaliYear", "period", "submittedAt", "submittedByUsername",
                    "acknowledgedAt", "acknowledgedByUsername", "version"),
        row_scope=LEDGER_ROWS, row_roles=REPORT_READERS),
    "ChildFollowUpReport": TypePolicy(fields={
        **only(REPORT_READERS, "jalaliYear", "month", "startsOn", "endsOn", "dueOn", "childrenFollowed", "followUps",
               "followUpsByKind", "abuseConcerns", "submission", "differences"),
        **only(ALERT_HANDLERS, "abuseConcernsHandled"),
    }),
    "ServiceKindCount": TypePolicy(fields=only(REPORT_READERS, "kind", "count")),
    "ExitRouteCount": TypePolicy(fields=only(REPORT_READERS, "route", "count")),
    "FollowUpKindCount": TypePolicy(fields=only(REPORT_READERS, "kind", "count")),
    # A clinic's grading history: the office and the clinic's own manager, like its agreements.
    "PartnerGrade": TypePolicy(
        fields=only(PARTNER_OFFICE | {Role.PARTNER_MANAGER}, "grade", "gradedOn", "byUsername", "recordedAt"),
        row_scope=PARTNER_GRADE_ROWS,
        row_roles=PARTNER_OFFICE | {Role.PARTNER_MANAGER},
    ),
    "Assignment": TypePolicy(
        fields={
            **only(CASE_READERS, "id", "partner", "worker", "assignedOn", "endedOn",
                   "endReason", "family", "child"),
            **only(CASE_OFFICE, "events"),
        },
        row_scope=ASSIGNMENT_ROWS,
        row_roles=CASE_READERS,
    ),
    "AssignmentEvent": TypePolicy(
        fields=only(CASE_OFFICE, "transition", "workerName", "reason", "byUsername", "at"),
        row_scope=ASSIGNMENT_ROWS,
        row_roles=CASE_OFFICE,
    ),
    **{name: TypePolicy(fields={**only(CASE_READERS, *RECORD_FIELDS, *fields),
                                **only(DECISION_MINUTES_READERS, *minutes)},
                        row_scope=FAMILY_RECORD_ROWS, row_roles=CASE_READERS, delegated_file="family__")
       for name, fields, minutes in (
           ("Interview", ("heldOn", "present", "findings", "report"), ()),
           ("HomeVisit", ("visitedOn", "present", "findings", "report"), ()),
           ("Assessment", ("assessedOn", "scores", "total", "level", "notes"), ()),
           ("AidPlan", ("submittedOn", "goals", "plannedServices", "resources", "targetDate", "status", "decidedOn",
                        "decidedBy"), ("decisionMinutes",)),
           ("Service", ("kind", "givenOn", "description", "amountRials"), ()),
           ("Referral", ("referredOn", "referredTo", "reason", "outcome"), ()),
           ("Loan", ("kind", "amountRials", "lender", "grantedOn", "followUpDueOn", "followedUpOn", "followUpNotes",
                     "followUpPending"), ()),
       )},
    "DomainScore": TypePolicy(fields=only(CASE_READERS, "domain", "score")),
    "FollowUp": TypePolicy(
        fields=only(CASE_READERS, *RECORD_FIELDS, "kind", "followedUpOn", "notes", "abuseConcern"),
        row_scope=CHILD_RECORD_ROWS, row_roles=CASE_READERS, delegated_file="child__"),
    "Alert": TypePolicy(
        fields=only(ALERT_HANDLERS, "id", "child", "followUp", "openedAt", "isOpen", "handledAt", "handledBy",
                    "handling", "version"),
        row_scope=OFFICE_CASE_ROWS, row_roles=ALERT_HANDLERS),
    # The household's changes are part of the file (its size drives the pension): whoever reads the file reads them.
    "HouseholdChange": TypePolicy(
        fields=only(CASE_READERS, *RECORD_FIELDS, "effectiveOn", "reason", "householdSize", "joined", "member"),
        row_scope=FAMILY_RECORD_ROWS, row_roles=CASE_READERS, delegated_file="family__"),
    "PeerGroup": TypePolicy(
        fields=only(CASE_READERS, *RECORD_FIELDS, "name", "formedOn", "partner", "families", "sessions"),
        row_scope=PEER_GROUP_ROWS, row_roles=CASE_READERS),
    "GroupSession": TypePolicy(
        fields={**only(CASE_READERS, *RECORD_FIELDS, "heldOn", "topic", "isTraining", "notes", "attendees", "group"),
                **only(OFFICE_INTERNAL, "history")},
        row_scope=GROUP_SESSION_ROWS, row_roles=CASE_READERS),
    # Link rows no GraphQL type shows (no fields): the scope of the loads that name a group's families and a
    # session's attendees (schema/sources.py).
    "PeerGroupFamily": TypePolicy(fields={}, row_scope=PEER_GROUP_LINK_ROWS, row_roles=CASE_READERS),
    "GroupSessionAttendee": TypePolicy(fields={}, row_scope=SESSION_ATTENDEE_ROWS, row_roles=CASE_READERS),
    # National data: no row scope; the fields decide who reads it.
    "PolicyValue": TypePolicy(fields=only(POLICY_VALUE_READERS, "id", "key", "qualifier", "effectiveFrom", "value",
                                          "unit", "note", "setByUsername", "setAt")),
    # A month's pension is read with the file (like householdSizeOn); the figures behind it as the policy table is.
    "Pension": TypePolicy(fields={
        **only(CASE_READERS, "jalaliYear", "month", "householdSize", "amountRials"),
        **only(PENSION_FIGURE_READERS, "shareBasisPoints", "minimumWageRials"),
    }),
    "SupervisionVisit": TypePolicy(
        fields=only(SUPERVISION_READERS, "id", "partner", "visitedOn", "sampledFiles", "findings", "suggestions",
                    "recordedBy", "recordedAt", "actionPlan"),
        row_scope=SUPERVISION_ROWS, row_roles=SUPERVISION_READERS),
    # The files sampled on a visit: a link row no GraphQL type shows; each family is then loaded through its own scope.
    "SupervisionSample": TypePolicy(fields={}, row_scope=SUPERVISION_ROWS, row_roles=SUPERVISION_READERS),
    "ActionPlan": TypePolicy(
        fields=only(SUPERVISION_READERS, "id", "visit", "actions", "dueOn", "submittedBy", "submittedAt", "closedAt",
                    "closedBy", "closingNotes", "isClosed", "version"),
        row_scope=SUPERVISION_ROWS, row_roles=SUPERVISION_READERS),
    "PartnerDecision": TypePolicy(
        fields=only(SUPERVISION_READERS, "id", "partner", "decidedOn", "continues", "reasons", "decidedBy",
                    "recordedAt"),
        row_scope=SUPERVISION_ROWS, row_roles=SUPERVISION_READERS),
    # A client's complaint about a partner is not the partner's to read (Art. 7.4: the office handles it).
    "Complaint": TypePolicy(
        fields=only(SUPERVISION_OFFICE, "id", "family", "partner", "receivedOn", "summary", "status", "isOpen",
                    "handledBy", "outcome", "filedBy", "filedAt", "version"),
        row_scope=OFFICE_CASE_ROWS, row_roles=SUPERVISION_OFFICE),
    "ViolationReport": TypePolicy(
        fields=only(SUPERVISION_OFFICE, "id", "partner", "reportedOn", "description", "outcome", "outcomeOn",
                    "reportedBy", "recordedAt", "version"),
        row_scope=OFFICE_CASE_ROWS, row_roles=SUPERVISION_OFFICE),
    # Committee minutes stay with the office (docs/access.md rule 2); the supervisor never reads them.
    "CommitteeDecision": TypePolicy(
        fields=only(CASE_WRITERS, "id", "level", "subject", "decidedOn", "minutes", "recordedBy", "recordedAt",
                    "family", "partner", "rehabilitability", "aidPlan"),
        row_scope=OFFICE_CASE_ROWS, row_roles=CASE_WRITERS),
    "LedgerEntry": TypePolicy(
        fields=only(LEDGER_READERS, "id", "kind", "amountRials", "signedAmountRials", "enteredOn", "description",
                    "family", "reverses", "reversedBy", "recordedBy", "recordedAt"),
        row_scope=LEDGER_ROWS, row_roles=LEDGER_READERS),
    # A statement is computed, or thawed from its approved row (`subsidy_statement`, whose scope this is).
    "SubsidyStatement": TypePolicy(
        fields={
            **only(STATEMENT_READERS, "jalaliYear", "partner", "lines", "rehabilitableHeld", "rehabilitableExited",
                   "nonRehabilitableExited", "exitRate", "exitOutcome", "missedYears", "filesToReturn",
                   "unclassifiedFileMonths", "subsidyRials", "proposedBonusRials", "bonusApproved",
                   "bonusApprovedOn", "approvedBonusRials", "totalRials", "approved", "approvedOn", "approvedBy",
                   "differences"),
        },
        row_scope=STATEMENT_ROWS, row_roles=STATEMENT_READERS),
    "SubsidyStatementLine": TypePolicy(fields=only(
        STATEMENT_READERS, "basis", "article", "fileId", "month", "kind", "count", "baseRials", "factor",
        "amountRials", "bonusApproved")),
    "SubsidyStatementDifference": TypePolicy(fields=only(STATEMENT_READERS, "approved", "now",
                                                         "differenceRials")),
    "JalaliMonth": TypePolicy(fields=only(STATEMENT_READERS, "year", "month")),
    # Computed for the dashboard's reader from its own slice (schema/organizations/dashboard.py): no rows of their own.
    "OfficeDashboard": TypePolicy(fields=only(DASHBOARD_READERS, "jalaliYear", "asOf", "partners")),
    "PartnerDashboardRow": TypePolicy(fields={
        **only(DASHBOARD_READERS, "partner", "rehabilitableFiles", "nonRehabilitableFiles", "unclassifiedFiles",
               "childFiles", "rehabilitableHeld", "rehabilitableExited", "nonRehabilitableExited", "exitRate",
               "exitTarget", "exitTargetMet", "overdueAssessments", "supervisionOverdue", "lastSupervisedOn",
               "lateReports", "subsidyPaidRials"),
        **only(ALERT_HANDLERS, "openAlerts"),
    }),
    "AuditEvent": TypePolicy(
        fields=only(AUDIT_READERS, "id", "at", "username", "role", "operation", "outcome", "objectIds",
                    "requestId", "clientAddress"),
        row_scope=AUDIT_ROWS,
        row_roles=AUDIT_READERS,
    ),
    "User": TypePolicy(
        fields={
            # The login payload names the user who just logged in, before any token exists.
            **only(PUBLIC, "id", "username", "fullName", "role"),
            **everyone("organization", "isActive", "version"),
        },
        row_scope=USER_ROWS,
        row_roles=USER_ADMINS,
    ),
}

# Input fields narrower than the mutation that takes them: only these roles may set them.
# The kindergarten operator edits its own profile and enrolment; the license, the capacity it was licensed
# for and the name on the license are the office's (seed 002).
INPUT_FIELDS: dict[str, dict[str, frozenset[Role]]] = {
    "UpdateKindergartenInput": only(KINDERGARTEN_OFFICE, "name", "kind", "licenseStatus", "licenseNumber",
                                    "capacity"),  # type: ignore[dict-item]
    # Which partners are overdue for a visit is the office's question (Art. 7.2): partner staff read no other
    # partner's visits, and a worker none.
    "PartnerFilter": only(SUPERVISION_OFFICE, "supervisionOverdue"),  # type: ignore[dict-item]
}


def plumbing_roles(type_name: str, field_name: str) -> Roles | None:
    """Connections, their edges and mutation payloads only wrap objects whose own fields this table decides, and
    are reached only through a field checked here (a list, a mutation): whoever reached one may read its wrapping.
    `tests/api/test_policy_completeness.py` checks that the names are used for nothing else."""
    if type_name.endswith("Connection") and field_name in PAGE_FIELDS:
        return EVERYONE
    if type_name.endswith("Edge") and field_name in EDGE_FIELDS:
        return EVERYONE
    if type_name.endswith("Payload"):
        return EVERYONE
    return None


def field_roles(type_name: str, field_name: str) -> Roles | None:
    """The roles declared for `type_name.field_name`, None when undeclared. A date's `…Jalali` companion is the
    same value shown in another calendar (schema/rowtypes.py): it is declared with its date, once."""
    type_policy = POLICY.get(type_name)
    if type_policy is None:
        return plumbing_roles(type_name, field_name)
    allowed = type_policy.fields.get(field_name)
    if allowed is None and field_name.endswith(JALALI_SUFFIX):
        allowed = type_policy.fields.get(field_name.removesuffix(JALALI_SUFFIX))
    return allowed


def may_select(role: Role | None, type_name: str, field_name: str) -> bool:
    """Whether a viewer of `role` (None = no token) may select `type_name.field_name`."""
    allowed = field_roles(type_name, field_name)
    if allowed is None:
        return False
    if allowed == PUBLIC:
        return True
    return role is not None and role in allowed


def is_public(type_name: str, field_name: str) -> bool:
    return field_roles(type_name, field_name) == PUBLIC


# Input values narrower than the field that takes them: only these roles may send this value.
# Level 3 sits at the province office (Art. 1.10), level 2 at the county office (Art. 1.9): a county officer records
# level-2 decisions only; a level-3 decision needs the province office (or the national admin).
LEVEL_3_DECIDERS = frozenset({Role.PROVINCE_OFFICER, Role.NATIONAL_ADMIN})
COUNTY_DECIDERS = frozenset({Role.COUNTY_OFFICER, Role.NATIONAL_ADMIN})
INPUT_VALUES: dict[str, dict[str, dict[object, frozenset[Role]]]] = {
    "ClassifyFamilyInput": {"committeeLevel": {3: LEVEL_3_DECIDERS}},
    # Levels 1 and 2 sit at the county office, level 3 at the province office (Art. 1.8–1.10).
    "RecordCommitteeDecisionInput": {"subject": {
        subject.value: LEVEL_3_DECIDERS if rule.levels == (3,) else COUNTY_DECIDERS
        for subject, rule in COMMITTEE_SUBJECTS.items() if not rule.recorded_with}},
}


def forbidden_input(role: Role, input_type: str, field_name: str, value: object) -> bool:
    """Whether `role` may not set `input_type.field_name`, or may not set it to `value` (INPUT_FIELDS,
    INPUT_VALUES). `schema/permissions.py` asks this of every input field a request provides, nested ones too."""
    restricted = INPUT_FIELDS.get(input_type, {}).get(field_name)
    if restricted is not None and role not in restricted:
        return True
    by_value = INPUT_VALUES.get(input_type, {}).get(field_name, {})
    try:
        allowed = by_value.get(value)
    except TypeError:  # an unhashable value (a list, an object) is never one of the restricted values
        return False
    return allowed is not None and role not in allowed


def row_scope_for(type_name: str, role: Role) -> RowScope | None:
    """The row scope of `type_name` for `role`; None means the type is not row-scoped (reference data).

    A role outside the type's `row_roles` keeps only the `self_user` part of the scope.
    """
    type_policy = POLICY[type_name]
    row_scope = type_policy.row_scope
    if row_scope is None or role in type_policy.row_roles:
        return row_scope
    return RowScope(self_user=row_scope.self_user, national=False)


def type_scope_filter(viewer: Viewer | None, type_name: str) -> Q:
    """The scope filter of the rows shown as GraphQL type `type_name` that the viewer may reach (rules 1, 3)."""
    if viewer is None:
        return NOTHING
    row_scope = row_scope_for(type_name, viewer.role)
    if row_scope is None:
        return EVERYTHING
    delegated_file = POLICY[type_name].delegated_file
    if delegated_file is not None and viewer.role in DELEGATED_ONLY:
        return scope_filter(viewer, row_scope) & delegated_now(delegated_file)
    return scope_filter(viewer, row_scope)


def delegated_now(file: str) -> Q:
    """The rows whose file (reached through the path `file`) a partner serves now, on a live assignment: a partner
    named, and no post-rehabilitation end date (a file that left the cycle is no longer delegated, even while its
    partner follows it up, Art. 6.7) — the slice of DELEGATED_ONLY, as row-level security reads it too."""
    return where(f"{file}assigned_partner_id__isnull", False) & where(f"{file}access_until__isnull", True)


def may_record_on(role: Role, delegated: bool) -> bool:
    """Whether `role` may record casework on a file it reaches, delegated to a partner now or not: partner staff
    on the files delegated to them (their scope reaches no other), the office only on files it serves itself — a
    delegated file's casework is its partner's (Art. 4.6–4.7)."""
    if role in PARTNER_STAFF:
        return True
    return role in CASE_WRITERS and not delegated


# --- account policy

# Which roles each office may grant (docs/access.md, roles): the role given in createUser and updateUser, and the role
# a user holds, to manage them at all. The national admin grants any role; the province and county offices only
# roles below their own, so a county officer can make neither a province officer nor a peer. A role not listed
# grants none.
_BELOW_COUNTY_OFFICE = frozenset({Role.SUPERVISOR, Role.AUDITOR, Role.PARTNER_MANAGER, Role.PARTNER_WORKER,
                                  Role.KINDERGARTEN_OPERATOR})
GRANTABLE_ROLES: dict[Role, frozenset[Role]] = {
    Role.NATIONAL_ADMIN: ALL_ROLES,
    Role.PROVINCE_OFFICER: _BELOW_COUNTY_OFFICE | {Role.COUNTY_OFFICER},
    Role.COUNTY_OFFICER: _BELOW_COUNTY_OFFICE,
}
# Who may change their own account (name, role, activity, password) through updateUser: nobody. An office cannot
# promote, reactivate or re-password itself; an office above it does.
OWN_ACCOUNT_EDITORS: frozenset[Role] = frozenset()


def may_grant(granter: Role, role: Role) -> bool:
    """Whether a user of role `granter` may give `role` to a user, or manage a user who holds it."""
    return role in GRANTABLE_ROLES.get(granter, frozenset())


def may_edit_own_account(role: Role) -> bool:
    """Whether a user of `role` may change their own account through updateUser."""
    return role in OWN_ACCOUNT_EDITORS

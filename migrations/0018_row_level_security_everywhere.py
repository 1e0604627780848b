"""The supervisor's slice in the database, and row-level security on every table that holds an area or personal data
(issue 8, items 13 and 14; docs/access.md rule 6).

**The supervisor reads delegated files only** (docs/access.md: "reads delegated files (only while delegated) and partner
records in its area, never office notes or committee minutes"). Its requests carry the case scope
`DELEGATED_PROVINCE` or `DELEGATED_COUNTY` (auth/rls.py) instead of its office's `PROVINCE` or `COUNTY`:

- `app_case_visible` lets it reach a row of its area only when the row names a partner. On a file (`family`,
  `member`, `child`) that column is the partner now serving it, so only delegated files pass; on a partner's own
  records (its books, reports, grades, visits, agreements, assignments) it is the partner itself, so all of those of
  its area pass. `app_access_open` holds it to a live assignment: a file that left the cycle and is followed up by its
  partner for a year after rehabilitation (`access_until`, Art. 6.7) is no longer delegated.
- Everything that hangs under a file follows the file's own policy (casework records, household changes, peer-group
  links: migrations 0008, 0010), so it follows for the supervisor too, at once, on return.
- `app_office_visible` does not know the delegated scopes, so what is the office's alone stays closed to it: committee
  decisions (their minutes), the files' history (office notes among its changes) and abuse alerts. Complaints and
  violation reports, which the supervising expert handles (Art. 7.4, 7.7), open to it in its area
  (`app_supervision_visible`).

**The registers** get row-level security too, each as the policy table reads it (auth/policy.py), reads wider than
writes, and no DELETE policy (the API deletes none of them):

- `organization`: every office (the directory of offices is not secret), one's own organisation, the partners the
  case scope reaches (the office and the supervisor in their area, a manager or worker its own) and the kindergarten
  operators of an office's area. Written by the offices of the row's area.
- `app_user`: oneself, and the users of the organisations of an office's area (USER_ADMINS; the supervisor and the
  auditor have no office case scope). Written by the offices of the user's organisation's area.
- `staff_member`: one's own staff record, and the staff of the partners the case scope reaches. Written by the offices.
- `agreement`: like the partner's other records (the office and the supervisor in its area, the partner itself, no
  worker). Written by the offices.
- `kindergarten`: the office of its area and its own operator, who edits its profile.
- `caseload_norm`: national policy data, read by everyone like `policy_value`; the API writes none.

The geography (`province`, `county`) stays without row-level security: it is the public map of the country's
provinces and counties (names and codes, no person, no case), which every role and the login payload read, and which
a file's number is built from. `tortoise_migrations` is closed to the API's role altogether (api/db.ensure_app_role).

**What legitimately reads across slices** does so through security-definer functions that answer one question and
nothing more, like `partner_live_load` (0004) and `partner_quarter_counts` (0014): `app_user_account` finds the user a
login or a token names before any scope exists (auth/identity.py); `partner_first_agreement_on` gives the first
agreement a clinic ever signed, whoever signed it (its first year, Art. 6.4 note 4); `county_has_licensed_clinic` says
whether a county has a licensed clinic (Art. 3 note 3), which a charity's manager needs for its own caseload.
Migrations and the demo seed run as the owner, whom row-level security does not bind.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

PROVINCE = "nullif(current_setting('app.province', true), '')::int"
COUNTY = "nullif(current_setting('app.county', true), '')::int"
ORG = "nullif(current_setting('app.org', true), '')::int"
USER = "nullif(current_setting('app.user', true), '')::int"
STAFF = "nullif(current_setting('app.staff', true), '')::int"

CASE_VISIBLE = f"""
create or replace function app_case_visible(p_province int, p_county int, p_partner int, p_worker int)
returns boolean language sql stable as $$
  select case current_setting('app.case_scope', true)
    when 'NATIONAL' then true
    when 'PROVINCE' then p_province = {PROVINCE}
    when 'COUNTY' then p_county = {COUNTY}
    when 'DELEGATED_PROVINCE' then p_partner is not null and p_province = {PROVINCE}
    when 'DELEGATED_COUNTY' then p_partner is not null and p_county = {COUNTY}
    when 'OWN_ORGANIZATION' then p_partner = {ORG}
    when 'OWN_ASSIGNMENT' then p_worker = {STAFF}
    else false
  end
$$
"""

ACCESS_OPEN = """
create or replace function app_access_open(p_until date) returns boolean language sql stable as $$
  select case coalesce(current_setting('app.case_scope', true), '')
    when 'OWN_ORGANIZATION' then p_until is null or p_until >= current_date
    when 'OWN_ASSIGNMENT' then p_until is null or p_until >= current_date
    when 'DELEGATED_PROVINCE' then p_until is null
    when 'DELEGATED_COUNTY' then p_until is null
    else true
  end
$$
"""

SUPERVISION_VISIBLE = f"""
create or replace function app_supervision_visible(p_province int, p_county int)
returns boolean language sql stable as $$
  select app_office_visible(p_province, p_county) or case current_setting('app.case_scope', true)
    when 'DELEGATED_PROVINCE' then p_province = {PROVINCE}
    when 'DELEGATED_COUNTY' then p_county = {COUNTY}
    else false
  end
$$
"""

ACCOUNT = """
create or replace function app_user_account(p_username varchar)
returns table(id int, username varchar, password_hash varchar, full_name varchar, role varchar, organization_id int,
              staff_member_id int, is_active boolean, is_demo boolean, password_changed_at timestamptz, version int,
              organization_kind varchar, province_id int, county_id int)
language sql stable security definer set search_path = public as $$
  select u.id, u.username, u.password_hash, u.full_name, u.role, u.organization_id, u.staff_member_id, u.is_active,
         u.is_demo, u.password_changed_at, u.version, o.kind, o.province_id, o.county_id
  from app_user u join organization o on o.id = u.organization_id
  where u.username = p_username
$$
"""

PARTNER_VISIBLE = """
  exists (select 1 from organization o where o.id = p_partner
          and app_case_visible(o.province_id, o.county_id, o.id, null::int))
"""

FIRST_AGREEMENT = f"""
create or replace function partner_first_agreement_on(p_partner int)
returns date language sql stable security definer set search_path = public as $$
  select case when not ({PARTNER_VISIBLE}) then null
    else (select min(signed_on) from agreement where partner_id = p_partner) end
$$
"""

LICENSED_CLINIC = """
create or replace function county_has_licensed_clinic(p_county int, p_on date)
returns boolean language sql stable security definer set search_path = public as $$
  select exists (select 1 from organization where kind = 'CLINIC' and county_id = p_county
                 and license_number is not null and license_valid_from <= p_on and license_valid_until >= p_on)
$$
"""

OFFICE_KINDS = "('NATIONAL_OFFICE', 'PROVINCE_OFFICE', 'COUNTY_OFFICE')"
PARTNER_KINDS = "('CLINIC', 'CHARITY', 'SERVICE_COMPLEX', 'CHILD_HOME')"

ORGANIZATION_READ = (
    f"id = {ORG} or kind in {OFFICE_KINDS}"
    f" or (kind in {PARTNER_KINDS} and app_case_visible(province_id, county_id, id, null::int))"
    " or (kind = 'KINDERGARTEN_OPERATOR' and app_office_visible(province_id, county_id))"
)
OFFICE_WRITES = "app_office_visible(province_id, county_id)"
OF_OFFICE_AREA = (
    "organization_id in (select o.id from organization o where app_office_visible(o.province_id, o.county_id))"
)
OF_REACHED_PARTNER = (
    f"organization_id in (select o.id from organization o where o.kind in {PARTNER_KINDS}"
    " and app_case_visible(o.province_id, o.county_id, o.id, null::int))"
)


def policies(table: str, read: str, write: str, update: str | None = None) -> list[str]:
    """Row-level security on `table`: rows read where `read` holds, inserted and updated where `write` holds (and
    updated where `update` holds, when wider), deleted nowhere."""
    update = update or write
    return [
        f"alter table {table} enable row level security",
        f"create policy {table}_read on {table} for select using ({read})",
        f"create policy {table}_insert on {table} for insert with check ({write})",
        f"create policy {table}_update on {table} for update using ({update}) with check ({update})",
    ]


SQL = [
    CASE_VISIBLE,
    ACCESS_OPEN,
    SUPERVISION_VISIBLE,
    *(statement for table in ("complaint", "violation_report") for statement in (
        f"drop policy {table}_scope on {table}",
        f"create policy {table}_scope on {table} using (app_supervision_visible(province_id, county_id))"
        " with check (app_supervision_visible(province_id, county_id))")),
    ACCOUNT,
    FIRST_AGREEMENT,
    LICENSED_CLINIC,
    *policies("organization", ORGANIZATION_READ, OFFICE_WRITES),
    *policies("app_user", f"id = {USER} or {OF_OFFICE_AREA}", OF_OFFICE_AREA),
    *policies("staff_member", f"id = {STAFF} or {OF_REACHED_PARTNER}", OF_OFFICE_AREA),
    *policies("agreement", "app_case_visible(province_id, county_id, partner_id, null::int)", OFFICE_WRITES),
    *policies("kindergarten", f"{OFFICE_WRITES} or operator_id = {ORG}", OFFICE_WRITES,
              update=f"{OFFICE_WRITES} or operator_id = {ORG}"),
    "alter table caseload_norm enable row level security",
    "create policy caseload_norm_read on caseload_norm for select using (true)",
]


class Migration(migrations.Migration):
    dependencies = [("models", "0017_audit_outcomes_and_areas")]

    initial = False

    operations = [ops.RunSQL(SQL)]

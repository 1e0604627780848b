"""What the ORM cannot say: one live assignment per file, unique national IDs across live files, prefix-search
indexes, the caseload norms (Art. 2.2, Art. 3) as seeded policy data, an append-only audit table, and
row-level security on the case tables (docs/access.md rule 6).

Row-level security reads the request's scope from settings the API sets per transaction
(`set_config(..., true)`): app.case_scope (NATIONAL, PROVINCE, COUNTY, OWN_ORGANIZATION, OWN_ASSIGNMENT or
NONE), app.audit_scope, app.province, app.county, app.org, app.staff. A connection that set nothing sees no
case rows at all (fails closed). The API connects as a role that is neither superuser nor owner, so the
policies bind it; migrations and the demo seed run as the owner.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

CASE_TABLES = ("family", "member", "child")

ROW_VISIBLE = """
create or replace function app_case_visible(p_province int, p_county int, p_partner int, p_worker int)
returns boolean language sql stable as $$
  select case current_setting('app.case_scope', true)
    when 'NATIONAL' then true
    when 'PROVINCE' then p_province = nullif(current_setting('app.province', true), '')::int
    when 'COUNTY' then p_county = nullif(current_setting('app.county', true), '')::int
    when 'OWN_ORGANIZATION' then p_partner = nullif(current_setting('app.org', true), '')::int
    when 'OWN_ASSIGNMENT' then p_worker = nullif(current_setting('app.staff', true), '')::int
    else false
  end
$$
"""

OFFICE_VISIBLE = """
create or replace function app_office_visible(p_province int, p_county int) returns boolean language sql stable as $$
  select case current_setting('app.case_scope', true)
    when 'NATIONAL' then true
    when 'PROVINCE' then p_province = nullif(current_setting('app.province', true), '')::int
    when 'COUNTY' then p_county = nullif(current_setting('app.county', true), '')::int
    else false
  end
$$
"""

AUDIT_VISIBLE = """
create or replace function app_audit_visible(p_province int, p_county int) returns boolean language sql stable as $$
  select case current_setting('app.audit_scope', true)
    when 'NATIONAL' then true
    when 'PROVINCE' then p_province = nullif(current_setting('app.province', true), '')::int
    when 'COUNTY' then p_county = nullif(current_setting('app.county', true), '')::int
    else false
  end
$$
"""

# A partner's live load across every county, whatever the caller may see: the quota check must count all of it.
PARTNER_LOAD = """
create or replace function partner_live_load(p_partner int)
returns table(load varchar, files bigint) language sql stable security definer set search_path = public as $$
  select load, count(*) from assignment where partner_id = p_partner and ended_at is null group by load
$$
"""

AUDIT_APPEND_ONLY = """
create or replace function audit_event_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_event is append-only';
end
$$;
create trigger audit_event_no_change before update or delete on audit_event
  for each statement execute function audit_event_append_only()
"""


def rls(table: str, using: str) -> list[str]:
    return [
        f"alter table {table} enable row level security",
        f"create policy {table}_scope on {table} using ({using}) with check ({using})",
    ]


CASE_USING = "app_case_visible(province_id, county_id, assigned_partner_id, assigned_worker_id)"

SQL = [
    "create unique index member_live_national_id on member (national_id) where live",
    "create unique index child_live_national_id on child (national_id) where status = 'ACTIVE'",
    "create unique index assignment_live_family on assignment (family_id) where ended_at is null "
    "and family_id is not null",
    "create unique index assignment_live_child on assignment (child_id) where ended_at is null "
    "and child_id is not null",
    "create index assignment_live_partner on assignment (partner_id, load) where ended_at is null",
    "alter table assignment add constraint assignment_one_file check ((family_id is null) <> (child_id is null))",
    "create index family_head_name_prefix on family (head_name_search varchar_pattern_ops)",
    "create index family_head_last_name_prefix on family (head_last_name_search varchar_pattern_ops)",
    "create index child_name_prefix on child (name_search varchar_pattern_ops)",
    "create index child_last_name_prefix on child (last_name_search varchar_pattern_ops)",
    "create index family_file_number_prefix on family (file_number varchar_pattern_ops)",
    "insert into caseload_norm (partner_kind, method, county_has_clinic, rehabilitable, non_rehabilitable, article)"
    " values ('CLINIC', 1, null, 100, 0, 'ART_2_2_1'), ('CLINIC', 2, null, 100, 60, 'ART_2_2_2'),"
    " ('CLINIC', 3, null, 0, 200, 'ART_2_2_3'),"
    " ('CHARITY', null, true, 0, 150, 'ART_3_1'), ('CHARITY', null, false, 100, 150, 'ART_3_NOTE_3'),"
    " ('SERVICE_COMPLEX', null, true, 0, 150, 'ART_3_1'), ('SERVICE_COMPLEX', null, false, 100, 150, 'ART_3_NOTE_3')",
    ROW_VISIBLE,
    OFFICE_VISIBLE,
    AUDIT_VISIBLE,
    PARTNER_LOAD,
    AUDIT_APPEND_ONLY,
    *rls("family", CASE_USING),
    *rls("member", CASE_USING),
    *rls("child", CASE_USING),
    *rls("classification_decision", "app_office_visible(province_id, county_id)"),
    *rls("change_record", "app_office_visible(province_id, county_id)"),
    *rls("assignment", "app_case_visible(province_id, county_id, partner_id, worker_id)"),
    *rls("assignment_event", "app_case_visible(province_id, county_id, partner_id, worker_id)"),
    "alter table audit_event enable row level security",
    "create policy audit_event_read on audit_event for select using (app_audit_visible(province_id, county_id))",
    "create policy audit_event_write on audit_event for insert "
    "with check (user_id = nullif(current_setting('app.user', true), '')::int)",
]


class Migration(migrations.Migration):
    dependencies = [("models", "0003_case_files")]

    initial = False

    operations = [ops.RunSQL(SQL)]

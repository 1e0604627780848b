"""The audit trail's outcomes, refusals written outside the request's transaction, and the areas of the objects an
event touched (issue #8, items 2 and 4; docs/access.md rule 7).

- `outcome`: OK, or the contract's error code of a refused attempt. Refusals are written by `audit_refusal`, a
  security-definer function: the request's transaction has been rolled back by then, and the attempt may have no
  author at all (a failed login), so the insert policy (`user_id = app.user`) cannot admit it. It writes refusals
  only; the API's role still cannot change or delete a row.
- `object_province_ids`, `object_county_ids`: the areas of the objects an event names, filled in by a trigger on
  every insert from the global IDs in `object_ids` (`audit_object_areas`). The lookup runs as the owner, since the
  author may not read the objects it was refused. A global ID that is not one of ours, or names no row, adds no
  area. A type added later that carries an area needs its branch in `audit_object_areas` (a new migration
  replaces the function; tests/api/test_audit.py checks every type is covered).
- The read policy lets an office or auditor read an event of its area by the author's area or by an object's.
"""

from typing import Any

from tortoise import fields, migrations
from tortoise.contrib.postgres.fields import ArrayField
from tortoise.contrib.postgres.indexes import GinIndex
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

# GraphQL type names of the objects whose rows lie in an area, and the query that gives (province, county) of the
# rows keyed by `any(keys)`. Types whose table has the two columns itself are listed by table.
OWN_AREA_TABLES = {
    "PartnerGrade": "partner_grade", "Kindergarten": "kindergarten", "Family": "family", "Member": "member",
    "Child": "child", "ChangeRecord": "change_record", "Agreement": "agreement", "Assignment": "assignment",
    "AssignmentEvent": "assignment_event", "LedgerEntry": "ledger_entry", "SubsidyStatement": "subsidy_statement",
    "ReportSubmission": "report_submission", "Interview": "interview", "HomeVisit": "home_visit",
    "Assessment": "assessment", "AidPlan": "aid_plan", "Service": "service_record", "Referral": "referral",
    "Loan": "loan", "FollowUp": "child_follow_up", "Alert": "alert", "CommitteeDecision": "committee_decision",
    "HouseholdChange": "household_change", "PeerGroup": "peer_group", "GroupSession": "group_session",
    "SupervisionVisit": "supervision_visit", "ActionPlan": "action_plan", "Complaint": "complaint",
    "ViolationReport": "violation_report", "PartnerDecision": "partner_decision",
    "Office": "organization", "Partner": "organization", "KindergartenOperator": "organization",
}
OTHER_AREA_QUERIES = {
    "Province": "select id, null::int from province where id",
    "County": "select province_id, id from county where id",
    "StaffMember": "select o.province_id, o.county_id from staff_member s join organization o"
                   " on o.id = s.organization_id where s.id",
    "User": "select o.province_id, o.county_id from app_user u join organization o"
            " on o.id = u.organization_id where u.id",
}
AREA_TYPES = frozenset(OWN_AREA_TABLES) | frozenset(OTHER_AREA_QUERIES)


def _area_branches() -> str:
    queries = {name: f"select province_id, county_id from {table} where id" for name, table in OWN_AREA_TABLES.items()}
    queries.update(OTHER_AREA_QUERIES)
    return "\n    union all ".join(
        f"{query} = any(array(select key from named where type_name = '{name}'))" for name, query in queries.items())


# A global ID is the unpadded URL-safe base64 of `Type:key` (schema/node.py). Anything else is skipped, never an
# error: the event must be written whatever a client sent. (Bounded repetitions such as `{4,160}` make PostgreSQL's
# regular expressions many times slower: lengths are compared apart.)
OBJECT_AREAS = f"""
create or replace function audit_object_areas(p_object_ids jsonb, out provinces int[], out counties int[])
language plpgsql stable security definer set search_path = public as $$
begin
  with given as (
    select value as id from jsonb_array_elements_text(
      case when jsonb_typeof(p_object_ids) = 'array' then p_object_ids else '[]'::jsonb end)
  ), named as (
    select distinct m[1] as type_name, m[2]::bigint as key
    from given cross join lateral regexp_match(
      case when length(given.id) between 4 and 160 and length(given.id) % 4 <> 1 and given.id ~ '^[A-Za-z0-9_-]+$'
        then encode(decode(rpad(translate(given.id, '-_', '+/'), (length(given.id) + 3) / 4 * 4, '='), 'base64'),
                    'escape')
      end, '^([A-Za-z]+):([0-9]{{1,18}})$') as m
  ), areas(province_id, county_id) as (
    {_area_branches()}
  )
  select coalesce(array_agg(distinct areas.province_id) filter (where areas.province_id is not null), '{{}}'),
         coalesce(array_agg(distinct areas.county_id) filter (where areas.county_id is not null), '{{}}')
    into provinces, counties from areas;
end
$$
"""

FILL_AREAS = """
create or replace function audit_event_fill_areas() returns trigger
language plpgsql security definer set search_path = public as $$
begin
  select provinces, counties into new.object_province_ids, new.object_county_ids
    from audit_object_areas(new.object_ids);
  return new;
end
$$;
create trigger audit_event_object_areas before insert on audit_event
  for each row execute function audit_event_fill_areas()
"""

REFUSAL = """
create or replace function audit_refusal(p_user_id int, p_username varchar, p_role varchar, p_organization_id int,
  p_province_id int, p_county_id int, p_operation varchar, p_outcome varchar, p_object_ids jsonb,
  p_request_id varchar, p_client_address varchar) returns void
language plpgsql security definer set search_path = public as $$
begin
  if p_outcome is null or p_outcome = 'OK' then
    raise exception 'audit_refusal writes refused attempts only';
  end if;
  insert into audit_event (at, user_id, username, role, organization_id, province_id, county_id, operation, outcome,
                           object_ids, object_province_ids, object_county_ids, request_id, client_address)
  values (clock_timestamp(), p_user_id, p_username, p_role, p_organization_id, p_province_id, p_county_id,
          p_operation, p_outcome, coalesce(p_object_ids, '[]'::jsonb), '{}', '{}', p_request_id, p_client_address);
end
$$
"""

AUDIT_VISIBLE = """
create or replace function app_audit_visible(p_province int, p_county int, p_provinces int[], p_counties int[])
returns boolean language sql stable as $$
  select coalesce(case current_setting('app.audit_scope', true)
    when 'NATIONAL' then true
    when 'PROVINCE' then p_province = nullif(current_setting('app.province', true), '')::int
                      or nullif(current_setting('app.province', true), '')::int = any(p_provinces)
    when 'COUNTY' then p_county = nullif(current_setting('app.county', true), '')::int
                    or nullif(current_setting('app.county', true), '')::int = any(p_counties)
    else false
  end, false)
$$
"""



class AddFieldWithDefault(ops.AddField):
    """AddField whose column has a database default, so that it can be added to a trail that has rows already (and
    a plain INSERT that does not name it gets the default)."""

    def __init__(self, model_name: str, name: str, field: Any, column: str) -> None:
        super().__init__(model_name=model_name, name=name, field=field)
        self.add_column = ops.RunSQL([f"alter table audit_event add column {name} {column}"])

    async def database_forward(self, app_label: str, old_state: Any, new_state: Any, state_editor: Any = None) -> None:
        await self.add_column.database_forward(app_label, old_state, new_state, state_editor)


SQL = [
    OBJECT_AREAS,
    FILL_AREAS,
    REFUSAL,
    AUDIT_VISIBLE,
    "drop policy audit_event_read on audit_event",
    "create policy audit_event_read on audit_event for select "
    "using (app_audit_visible(province_id, county_id, object_province_ids, object_county_ids))",
    # The events written before this migration get their objects' areas too (the owner, once: the trail stays
    # append-only for everyone else).
    "alter table audit_event disable trigger audit_event_no_change",
    "update audit_event set (object_province_ids, object_county_ids) ="
    " (select provinces, counties from audit_object_areas(object_ids)) where object_ids <> '[]'::jsonb",
    "alter table audit_event enable trigger audit_event_no_change",
]


class Migration(migrations.Migration):
    dependencies = [("models", "0016_group_session_history")]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name="AuditEvent",
            options={"table": "audit_event", "app": "models",
                     "indexes": [Index(fields=["at", "id"]), Index(fields=["user_id", "id"]),
                                 Index(fields=["province_id", "county_id", "id"]),
                                 GinIndex(fields=["object_province_ids"]), GinIndex(fields=["object_county_ids"])],
                     "pk_attr": "id",
                     "table_description": "One mutation, one read of case files, one export, or one refused "
                                          "attempt: who, role, organisation, what,"},
        ),
        ops.AlterField(model_name="AuditEvent", name="organization_id", field=fields.IntField(null=True)),
        ops.AlterField(model_name="AuditEvent", name="role", field=fields.CharField(null=True, max_length=32)),
        ops.AlterField(model_name="AuditEvent", name="user_id", field=fields.IntField(null=True)),
        AddFieldWithDefault("AuditEvent", "object_county_ids", ArrayField(default=list, element_type="INT"),
                            "int[] not null default '{}'"),
        AddFieldWithDefault("AuditEvent", "object_province_ids", ArrayField(default=list, element_type="INT"),
                            "int[] not null default '{}'"),
        AddFieldWithDefault("AuditEvent", "outcome", fields.CharField(default="OK", max_length=32),
                            "varchar(32) not null default 'OK'"),
        ops.AddIndex(model_name="AuditEvent", index=GinIndex(fields=["object_province_ids"])),
        ops.AddIndex(model_name="AuditEvent", index=GinIndex(fields=["object_county_ids"])),
        ops.RunSQL(SQL),
    ]

"""A partner's subsidy statement the same for every reader, its bonus paid once level 3 approved it, and a clientId
for the last creating mutations without one (issue 9).

- **The statement's facts** (Art. 6; schema/money/statements.py). A statement not yet approved is computed from who
  held which file when, and a partner's manager no longer reaches the files it returned or that left the cycle — yet
  their months and exits are its work and count in its statement. `partner_statement_facts` returns what the
  computation reads of them, whatever the caller may see of the files, as `partner_quarter_counts` does for reports
  (0014): the partner's assignments overlapping the period (the file, whether a family's or a child's, the days), the
  families they name or whose exit is credited to the partner (classification, exit day, whether the exit is the
  partner's, the end of its follow-up year, Art. 6.7), and the level-3 bonus approvals about the partner in the
  committee register (the decision's number, level and day; Art. 4.16) — no name, no personal detail, no minutes.
  Security definer, and null unless the caller's scope reaches the partner (the office in its area, the partner
  itself; no worker).
- **Approved statements stored before** this migration paid their proposed bonus with them: their frozen header
  says so (`bonusApproved`), with no decision named.
- **clientId** (docs/api.md, conventions): `policy_value`, `subsidy_statement`, `action_plan` and `violation_report`
  get `client_id` (unique) and `client_digest`, as `complaint`, `supervision_visit` and `ledger_entry` have had since
  0013, so that `setPolicyValue`, `approveSubsidyStatement`, `submitActionPlan` and `reportViolation` make one row per
  clientId (schema/casework/records.once_per_client_id). The columns are declared once, in models/authorship.py.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


PARTNER_VISIBLE = """
  exists (select 1 from organization o where o.id = p_partner
          and app_case_visible(o.province_id, o.county_id, o.id, null::int))
"""

STATEMENT_FACTS = f"""
create or replace function partner_statement_facts(p_partner int, p_from date, p_to date)
returns jsonb language sql stable security definer set search_path = public as $$
  with spans as (
    select id, family_id, child_id, assigned_on, (ended_at at time zone 'UTC')::date as ended_on
    from assignment where partner_id = p_partner and assigned_on <= p_to
      and (ended_at is null or (ended_at at time zone 'UTC')::date >= p_from)
  )
  select case when not ({PARTNER_VISIBLE}) then null else jsonb_build_object(
    'holdings', (select coalesce(jsonb_agg(jsonb_build_object(
                   'family', family_id, 'child', child_id, 'from', assigned_on, 'until', ended_on) order by id), '[]')
                 from spans),
    'families', (select coalesce(jsonb_agg(jsonb_build_object(
                   'id', f.id, 'rehabilitability', f.rehabilitability, 'exited_on', f.exited_on,
                   'exit_credited', coalesce(f.exit_partner_id = p_partner, false),
                   'access_until', case when f.exit_partner_id = p_partner then f.access_until end)
                   order by f.id), '[]')
                 from family f
                 where f.id in (select family_id from spans where family_id is not null)
                    or (f.exit_partner_id = p_partner and f.exited_on <= p_to
                        and (f.exited_on >= p_from or f.access_until >= p_from))),
    'bonus_approvals', (select coalesce(jsonb_agg(jsonb_build_object(
                          'id', d.id, 'level', d.level, 'decided_on', d.decided_on) order by d.decided_on, d.id), '[]')
                        from committee_decision d
                        where d.partner_id = p_partner and d.subject = 'BONUS_APPROVAL' and d.decided_on >= p_from)
  ) end
$$
"""

TABLES = {'PolicyValue': 'policy_value', 'SubsidyStatement': 'subsidy_statement', 'ActionPlan': 'action_plan',
          'ViolationReport': 'violation_report'}

BONUS_PAID_BEFORE = ("update subsidy_statement set lines = jsonb_set(lines, '{0,bonusApproved}', 'true')"
                     " where not (lines -> 0 ? 'bonusApproved')")


class Migration(migrations.Migration):
    dependencies = [('models', '0014_committee_register')]

    initial = False

    operations = [
        # client_digest is added nullable, given '' (and '' as its database default, for rows written in SQL: the
        # directive's figures, the tests' own), then made NOT NULL: the schema editor gives a new column no default.
        *(op for model in TABLES for op in (
            ops.AddField(model_name=model, name='client_id', field=fields.UUIDField(null=True, unique=True)),
            ops.AddField(model_name=model, name='client_digest',
                         field=fields.CharField(null=True, default='', max_length=64)),
        )),
        ops.RunSQL([sql for table in TABLES.values() for sql in (
            f"alter table {table} alter column client_digest set default ''",
            f"update {table} set client_digest = '' where client_digest is null")]),
        *(ops.AlterField(model_name=model, name='client_digest', field=fields.CharField(default='', max_length=64))
          for model in TABLES),
        ops.RunSQL([STATEMENT_FACTS, BONUS_PAID_BEFORE]),
    ]

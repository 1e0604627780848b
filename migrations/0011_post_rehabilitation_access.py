"""Post-rehabilitation follow-up (Art. 6.7): a file that leaves the cycle on a level-1 proposal stays with its partner
for up to a year, then access ends by itself. And partner staff may add to a file's history (not read it).

`access_until` on the case tables is the last day the partner and worker named by the owner columns reach the row
(None: while the delegation lasts). Row-level security compares it with today for the partner scopes
(OWN_ORGANIZATION, OWN_ASSIGNMENT) as the scope filter does (auth/scope.py); offices are not bound by it. Casework
records follow their file (migration 0008), so they are bound too.
"""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

ACCESS_OPEN = """
create or replace function app_access_open(p_until date) returns boolean language sql stable as $$
  select p_until is null or p_until >= current_date
    or coalesce(current_setting('app.case_scope', true), '') not in ('OWN_ORGANIZATION', 'OWN_ASSIGNMENT')
$$
"""

CASE_USING = ("app_case_visible(province_id, county_id, assigned_partner_id, assigned_worker_id)"
              " and app_access_open(access_until)")

# The history of a file is the office's to read; partner staff add to it when they correct a record or change a
# household on a file they reach now, as themselves.
HISTORY_WRITE = (
    "create policy change_record_partner on change_record for insert with check ("
    "user_id = nullif(current_setting('app.user', true), '')::int and ("
    "(family_id is not null and family_id in (select id from family))"
    " or (child_id is not null and child_id in (select id from child))))"
)

SQL = [ACCESS_OPEN, HISTORY_WRITE]
for table in ("family", "member", "child"):
    SQL += [f"drop policy {table}_scope on {table}",
            f"create policy {table}_scope on {table} using ({CASE_USING}) with check ({CASE_USING})"]


class Migration(migrations.Migration):
    dependencies = [("models", "0010_peer_groups_and_household")]

    initial = False

    operations = [
        *(ops.AddField(model_name=model, name="access_until", field=fields.DateField(null=True))
          for model in ("Family", "Member", "Child")),
        ops.RunSQL(SQL),
    ]

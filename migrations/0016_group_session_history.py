"""A peer group's session is on no file, yet its author may correct it within 24 hours like any casework record
(issue 7; `correctGroupSession`), and the change must be kept: partner staff may now add a history row about a group
session they reach (row-level security on `group_session`, migration 0010), as themselves. The history stays the
office's to read (`GroupSession.history`)."""

from tortoise import migrations
from tortoise.migrations import operations as ops

HISTORY_WRITE = (
    "create policy change_record_partner on change_record for insert with check ("
    "user_id = nullif(current_setting('app.user', true), '')::int and ("
    "(family_id is not null and family_id in (select id from family))"
    " or (child_id is not null and child_id in (select id from child))"
    " or (entity = 'GroupSession' and family_id is null and child_id is null"
    "     and entity_id in (select id from group_session))))"
)


class Migration(migrations.Migration):
    dependencies = [("models", "0015_client_ids_and_statement_facts")]

    initial = False

    operations = [
        ops.RunSQL(["drop policy change_record_partner on change_record", HISTORY_WRITE]),
    ]

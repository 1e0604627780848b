"""Peer groups and their sessions (Art. 4.8: «تعداد گروه همیار تشکیل شده، تعداد جلسات گروهی، آموزشهای برگزار شده»),
and household changes with the household's size from each change on (the pension follows it, seeds 001 and 002) —
with row-level security on each (docs/access.md rule 6).

A peer group is its partner's: the file-table test `app_case_visible` on the group's own columns lets the partner's
manager (its organisation), the worker who formed it (its staff member) and the office of its area through. A
session follows its group. A group's families and a session's attendees pass only where both the group (session)
and the family are visible, so a family that left the partner stays a member without being shown to it. A household
change follows its file, like every casework record (0008).
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from rules.services import HouseholdChangeReason
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


def rls(table: str, using: str) -> list[str]:
    return [
        f"alter table {table} enable row level security",
        f"create policy {table}_scope on {table} using ({using}) with check ({using})",
    ]


SQL = [
    *rls("household_change", "family_id in (select id from family)"),
    *rls("peer_group", "app_case_visible(province_id, county_id, partner_id, worker_id)"),
    *rls("peer_group_family", "group_id in (select id from peer_group) and family_id in (select id from family)"),
    *rls("group_session", "group_id in (select id from peer_group)"),
    *rls("group_session_attendee",
         "session_id in (select id from group_session) and family_id in (select id from family)"),
    # A change adds or removes one member, and a household never has fewer than its head.
    "alter table household_change add constraint household_change_one_member check (delta in (-1, 1))",
    "alter table household_change add constraint household_change_size check (household_size >= 1)",
]

class Migration(migrations.Migration):
    dependencies = [('models', '0009_exit_partner')]

    initial = False

    operations = [
        ops.CreateModel(
            name='HouseholdChange',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('province_id', fields.IntField()),
                ('county_id', fields.IntField()),
                ('partner_id', fields.IntField(null=True)),
                ('author_id', fields.IntField()),
                ('author_username', fields.CharField(max_length=100)),
                ('client_id', fields.UUIDField(null=True, unique=True)),
                ('client_digest', fields.CharField(default='', max_length=64)),
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('family', fields.ForeignKeyField('models.Family', source_field='family_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('effective_on', fields.DateField()),
                ('reason', fields.CharEnumField(description='BIRTH: BIRTH\nDEATH: DEATH\nMARRIAGE: MARRIAGE\nLEAVING: LEAVING', enum_type=HouseholdChangeReason, max_length=16)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('delta', fields.SmallIntField()),
                ('household_size', fields.SmallIntField()),
            ],
            options={'table': 'household_change', 'app': 'models', 'indexes': [Index(fields=['family_id', 'effective_on'])], 'pk_attr': 'id', 'table_description': "A member joined or left the household (a birth, a death, a marriage, leaving) and the household's size from"},
            bases=['FamilyRecord'],
        ),
        ops.CreateModel(
            name='PeerGroup',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('province_id', fields.IntField()),
                ('county_id', fields.IntField()),
                ('partner_id', fields.IntField()),
                ('author_id', fields.IntField()),
                ('author_username', fields.CharField(max_length=100)),
                ('client_id', fields.UUIDField(null=True, unique=True)),
                ('client_digest', fields.CharField(default='', max_length=64)),
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('name', fields.CharField(max_length=200)),
                ('formed_on', fields.DateField()),
                ('worker_id', fields.IntField(null=True)),
            ],
            options={'table': 'peer_group', 'app': 'models', 'indexes': [Index(fields=['partner_id', 'id']), Index(fields=['county_id', 'id']), Index(fields=['worker_id', 'id']), Index(fields=['formed_on'])], 'pk_attr': 'id', 'table_description': 'A peer group (گروه همیار, Art. 4.8; seed 002) a partner formed of the families delegated to it. It is the'},
            bases=['CaseRecord'],
        ),
        ops.CreateModel(
            name='GroupSession',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('province_id', fields.IntField()),
                ('county_id', fields.IntField()),
                ('partner_id', fields.IntField(null=True)),
                ('author_id', fields.IntField()),
                ('author_username', fields.CharField(max_length=100)),
                ('client_id', fields.UUIDField(null=True, unique=True)),
                ('client_digest', fields.CharField(default='', max_length=64)),
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('group', fields.ForeignKeyField('models.PeerGroup', source_field='group_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('held_on', fields.DateField()),
                ('topic', fields.CharField(max_length=200)),
                ('is_training', fields.BooleanField(default=False)),
                ('notes', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'group_session', 'app': 'models', 'indexes': [Index(fields=['group_id', 'id']), Index(fields=['held_on'])], 'pk_attr': 'id', 'table_description': 'A session of a peer group (Art. 4.8, «جلسات گروهی»); a training when `is_training` («آموزش\u200cهای برگزار شده»).'},
            bases=['CaseRecord'],
        ),
        ops.CreateModel(
            name='GroupSessionAttendee',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('session', fields.ForeignKeyField('models.GroupSession', source_field='session_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('family', fields.ForeignKeyField('models.Family', source_field='family_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'group_session_attendee', 'app': 'models', 'unique_together': (('session', 'family'),), 'indexes': [Index(fields=['family_id'])], 'pk_attr': 'id', 'table_description': 'A family of the group that attended a session.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PeerGroupFamily',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('group', fields.ForeignKeyField('models.PeerGroup', source_field='group_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('family', fields.ForeignKeyField('models.Family', source_field='family_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'peer_group_family', 'app': 'models', 'unique_together': (('group', 'family'),), 'indexes': [Index(fields=['family_id'])], 'pk_attr': 'id', 'table_description': 'A family of a peer group. It stays a member after the file leaves the partner; only those who may see the'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Member',
            name='removed_on',
            field=fields.DateField(null=True),
        ),
        ops.RunSQL(SQL),
    ]

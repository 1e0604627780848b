"""Committee decisions without a record of their own (rules/committees.py): admission, exits and returns, bonus review
and approval, replacement clients, quotas, re-delegation. The office's alone: row-level security by area, as for
the classification decisions (migration 0004).
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from rules.committees import CommitteeSubject
from tortoise import fields
from tortoise.indexes import Index

SQL = [
    "alter table committee_decision enable row level security",
    "create policy committee_decision_scope on committee_decision using (app_office_visible(province_id, county_id))"
    " with check (app_office_visible(province_id, county_id))",
]


class Migration(migrations.Migration):
    dependencies = [('models', '0011_post_rehabilitation_access')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CommitteeDecision',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('level', fields.SmallIntField()),
                ('subject', fields.CharEnumField(description='ADMISSION: ADMISSION\nEXIT_AND_RETURN: EXIT_AND_RETURN\nBONUS_REVIEW: BONUS_REVIEW\nREPLACEMENT_CLIENT: REPLACEMENT_CLIENT\nQUOTA: QUOTA\nBONUS_APPROVAL: BONUS_APPROVAL\nREDELEGATION: REDELEGATION', enum_type=CommitteeSubject, max_length=32)),
                ('decided_on', fields.DateField()),
                ('minutes', fields.TextField(unique=False)),
                ('family_id', fields.IntField(null=True)),
                ('partner_id', fields.IntField(null=True)),
                ('province_id', fields.IntField()),
                ('county_id', fields.IntField()),
                ('author_id', fields.IntField()),
                ('author_username', fields.CharField(max_length=100)),
                ('client_id', fields.UUIDField(null=True, unique=True)),
                ('client_digest', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'committee_decision', 'app': 'models', 'indexes': [Index(fields=['family_id', 'id']), Index(fields=['partner_id', 'id']), Index(fields=['county_id', 'id'])], 'pk_attr': 'id', 'table_description': "A committee decision without a record of its own (rules/committees.py), about a household's file, a partner,"},
            bases=['Model'],
        ),
        ops.RunSQL(SQL),
    ]

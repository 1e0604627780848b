"""Clinic grades kept as a history (Art. 6.4), the agreement's note-3 statement (Art. 3 note 3), and the charity
norm read as the directive reads it.

- `partner_grade`: one row per grading decision of the province office, with the partner's province and county as
  scope columns; row-level security as on the case tables of 0004 (the office in its area, the partner its own rows;
  `app_case_visible` with no worker column, so a partner's worker reaches none). Existing graded clinics get the
  grading they were registered with as their first row. The API's role gets its grants from `api.db.ensure_app_role`
  after every migration, as for every table.
- `agreement.no_clinic_applicant`: the office's statement that no one applied to found a clinic in the county.
- `caseload_norm`: Art. 3 note 3 replaces, it does not add: one row per charity kind (100 rehabilitable *or* 150
  non-rehabilitable per expert, pro rata); whether note 3 applies is decided per agreement, so the
  `county_has_clinic` key goes.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.organizations import ClinicGrade
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

CHARITY_KINDS = "('CHARITY', 'SERVICE_COMPLEX')"

NORMS = [
    f"delete from caseload_norm where partner_kind in {CHARITY_KINDS} and county_has_clinic is true",
    f"update caseload_norm set article = 'ART_3_1_NOTE_3' where partner_kind in {CHARITY_KINDS}",
]

GRADES = [
    "alter table partner_grade enable row level security",
    "create policy partner_grade_scope on partner_grade"
    " using (app_case_visible(province_id, county_id, partner_id, null::int))"
    " with check (app_case_visible(province_id, county_id, partner_id, null::int))",
    "insert into partner_grade (partner_id, grade, graded_on, graded_by_id, by_username, province_id, county_id,"
    " recorded_at)"
    " select id, grade, first_graded_on, null, '', province_id, county_id, now() from organization"
    " where kind = 'CLINIC' and grade in ('GRADE_1', 'GRADE_2', 'GRADE_3') and first_graded_on is not null"
    " and province_id is not null and county_id is not null order by id",
]

class Migration(migrations.Migration):
    dependencies = [('models', '0006_password_changed_at')]

    initial = False

    operations = [
        ops.RunSQL(NORMS),
        ops.CreateModel(
            name='PartnerGrade',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('partner', fields.ForeignKeyField('models.Organization', source_field='partner_id', db_constraint=True, to_field='id', related_name='grades', on_delete=OnDelete.RESTRICT)),
                ('grade', fields.CharEnumField(description='GRADE_1: GRADE_1\nGRADE_2: GRADE_2\nGRADE_3: GRADE_3\nUNGRADED: UNGRADED', enum_type=ClinicGrade, max_length=16)),
                ('graded_on', fields.DateField()),
                ('graded_by_id', fields.IntField(null=True)),
                ('by_username', fields.CharField(default='', max_length=100)),
                ('province_id', fields.IntField()),
                ('county_id', fields.IntField()),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'partner_grade', 'app': 'models', 'indexes': [Index(fields=['partner_id', 'id'])], 'pk_attr': 'id', 'table_description': 'One grading decision of the province office on a clinic (Art. 6.4), kept as a history: the latest is the grade'},
            bases=['Model'],
        ),
        ops.RunSQL(GRADES),
        ops.AlterModelOptions(
            name='Agreement',
            options={'table': 'agreement', 'app': 'models', 'unique_together': (('partner', 'jalali_year'),), 'pk_attr': 'id', 'table_description': 'The yearly agreement (تفاهم\u200cنامه) between the province or county office and a partner (Art. 4.3, Art. 6.1).'},
        ),
        ops.AddField(
            model_name='Agreement',
            name='no_clinic_applicant',
            field=fields.BooleanField(default=False),
        ),
        ops.AlterModelOptions(
            name='CaseloadNormRow',
            options={'table': 'caseload_norm', 'app': 'models', 'pk_attr': 'id', 'table_description': "Art. 2.2 and Art. 3 norms per worker, as policy data the national admin may edit. A clinic's row (one per"},
        ),
        ops.RemoveField(model_name='CaseloadNormRow', name='county_has_clinic'),
    ]

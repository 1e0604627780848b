"""Money, reports and supervision (issue 9): the policy table, the partner's books, approved subsidy statements,
submitted reports, and the office's supervision records (models/money.py, models/reports.py, models/supervision.py).

Row-level security, as for the other tables that carry a partner and an area (migration 0007's `partner_grade`):
what is about a partner — its books, statements, reports, supervision visits and their sampled files, action plans,
the office's decision about it — is read by the office in its area and by that partner (`app_case_visible` with no
worker column, so a worker reaches none); complaints and violation reports stay with the office
(`app_office_visible`). The policy table is national: every role may read it; the API lets only the national office
write it, and the API's role may not update or delete its rows or the books' (api/db.ensure_app_role).

The directive's own figures go in as the first policy rows, effective from 1 Farvardin 1393 (21 March 2014), the
directive's year: grade shares 100/90/80 % (Art. 6.4), the 10 % exit target (6.3), 70 % and 50 % in the first and
second missed year and the files returned in the third (6.3 note 6), 10 % for a follow-up after rehabilitation
(6.7), half the bonus above 10 % and the full bonus above 15 % (6.8) and twice the bonus for a non-rehabilitable
family (6.8 note 7). The directive names no amount in rials (rates, the bonus, the minimum wage) and no pension share
per household size beyond "30 % to 50 %" (seed 002): the national office sets those (`setPolicyValue`).
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.money import LedgerKind
from models.reports import ReportKind
from models.supervision import ComplaintStatus
from orjson import loads
from rules.policy_values import PolicyKey
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index


PARTNER_USING = "app_case_visible(province_id, county_id, partner_id, null::int)"
OFFICE_USING = "app_office_visible(province_id, county_id)"

SQL = ["alter table policy_value enable row level security",
       "create policy policy_value_read on policy_value for select using (true)",
       "create policy policy_value_write on policy_value for insert"
       " with check (set_by_id = nullif(current_setting('app.user', true), '')::int)"]
for table, using in ([(t, PARTNER_USING) for t in ['ledger_entry', 'subsidy_statement', 'report_submission', 'supervision_visit', 'supervision_sample', 'action_plan', 'partner_decision']] + [(t, OFFICE_USING) for t in ['complaint', 'violation_report']]):
    SQL += [f"alter table {table} enable row level security",
            f"create policy {table}_scope on {table} using ({using}) with check ({using})"]

DIRECTIVE_FROM = "2014-03-21"
DIRECTIVE_FIGURES = [("GRADE_SHARE", "1", 10000), ("GRADE_SHARE", "2", 9000), ("GRADE_SHARE", "3", 8000),
                     ("EXIT_TARGET", "", 1000), ("MISSED_EXIT_SHARE", "1", 7000), ("MISSED_EXIT_SHARE", "2", 5000),
                     ("FILES_RETURNED_AFTER_MISSED_YEARS", "", 3), ("FOLLOW_UP_SHARE", "", 1000),
                     ("BONUS_HALF_ABOVE", "", 1000), ("BONUS_FULL_ABOVE", "", 1500),
                     ("NON_REHABILITABLE_BONUS_MULTIPLIER", "", 2)]
SQL.append("insert into policy_value (key, qualifier, effective_from, value, note, set_by_username, set_at) values "
           + ", ".join(f"('{key}', '{qualifier}', '{DIRECTIVE_FROM}', {value}, 'directive 2014, Art. 6', 'directive',"
                       " now())" for key, qualifier, value in DIRECTIVE_FIGURES))


class Migration(migrations.Migration):
    dependencies = [('models', '0012_committee_decisions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ActionPlan',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('visit_id', fields.IntField(unique=True)),
                ('partner_id', fields.IntField()),
                ('province_id', fields.IntField()),
                ('county_id', fields.IntField()),
                ('actions', fields.TextField(unique=False)),
                ('due_on', fields.DateField()),
                ('author_id', fields.IntField()),
                ('author_username', fields.CharField(max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_by_id', fields.IntField(null=True)),
                ('closed_by_username', fields.CharField(default='', max_length=100)),
                ('closing_notes', fields.TextField(default='', unique=False)),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'action_plan', 'app': 'models', 'pk_attr': 'id', 'table_description': "The partner's answer to a visit's suggestions (Art. 4.13), closed by the supervisor."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Complaint',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('province_id', fields.IntField()),
                ('county_id', fields.IntField()),
                ('partner_id', fields.IntField(null=True)),
                ('family_id', fields.IntField(null=True)),
                ('received_on', fields.DateField()),
                ('summary', fields.TextField(unique=False)),
                ('status', fields.CharEnumField(default=ComplaintStatus.OPEN, description='OPEN: OPEN\nIN_PROGRESS: IN_PROGRESS\nUPHELD: UPHELD\nDISMISSED: DISMISSED', enum_type=ComplaintStatus, max_length=16)),
                ('handler_id', fields.IntField(null=True)),
                ('handler_username', fields.CharField(default='', max_length=100)),
                ('outcome', fields.TextField(default='', unique=False)),
                ('author_id', fields.IntField()),
                ('author_username', fields.CharField(max_length=100)),
                ('client_id', fields.UUIDField(null=True, unique=True)),
                ('client_digest', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'complaint', 'app': 'models', 'indexes': [Index(fields=['county_id', 'id']), Index(fields=['partner_id', 'id'])], 'pk_attr': 'id', 'table_description': "A complaint filed by the office on a client's behalf (Art. 7.3)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LedgerEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('partner_id', fields.IntField()),
                ('province_id', fields.IntField()),
                ('county_id', fields.IntField()),
                ('kind', fields.CharEnumField(description='RECEIPT: RECEIPT\nPAYMENT: PAYMENT', enum_type=LedgerKind, max_length=16)),
                ('amount_rials', fields.BigIntField()),
                ('entered_on', fields.DateField()),
                ('description', fields.TextField(default='', unique=False)),
                ('family_id', fields.IntField(null=True)),
                ('reverses_id', fields.IntField(null=True, unique=True)),
                ('statement_id', fields.IntField(null=True)),
                ('author_id', fields.IntField()),
                ('author_username', fields.CharField(max_length=100)),
                ('client_id', fields.UUIDField(null=True, unique=True)),
                ('client_digest', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'ledger_entry', 'app': 'models', 'indexes': [Index(fields=['partner_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PartnerDecision',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('partner_id', fields.IntField()),
                ('province_id', fields.IntField()),
                ('county_id', fields.IntField()),
                ('decided_on', fields.DateField()),
                ('continues', fields.BooleanField()),
                ('reasons', fields.TextField(unique=False)),
                ('author_id', fields.IntField()),
                ('author_username', fields.CharField(max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'partner_decision', 'app': 'models', 'indexes': [Index(fields=['partner_id', 'decided_on'])], 'pk_attr': 'id', 'table_description': "The office's decision to continue or stop working with a partner after supervision (Art. 4.12)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PolicyValue',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharEnumField(description='SUBSIDY_RATE: SUBSIDY_RATE\nGRADE_SHARE: GRADE_SHARE\nEXIT_TARGET: EXIT_TARGET\nMISSED_EXIT_SHARE: MISSED_EXIT_SHARE\nFILES_RETURNED_AFTER_MISSED_YEARS: FILES_RETURNED_AFTER_MISSED_YEARS\nFOLLOW_UP_SHARE: FOLLOW_UP_SHARE\nBONUS_HALF_ABOVE: BONUS_HALF_ABOVE\nBONUS_FULL_ABOVE: BONUS_FULL_ABOVE\nBONUS_PER_EXIT: BONUS_PER_EXIT\nNON_REHABILITABLE_BONUS_MULTIPLIER: NON_REHABILITABLE_BONUS_MULTIPLIER\nMINIMUM_WAGE: MINIMUM_WAGE\nPENSION_SHARE: PENSION_SHARE', enum_type=PolicyKey, max_length=48)),
                ('qualifier', fields.CharField(default='', max_length=32)),
                ('effective_from', fields.DateField()),
                ('value', fields.BigIntField()),
                ('note', fields.TextField(default='', unique=False)),
                ('set_by_id', fields.IntField(null=True)),
                ('set_by_username', fields.CharField(default='', max_length=100)),
                ('set_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'policy_value', 'app': 'models', 'unique_together': (('key', 'qualifier', 'effective_from'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReportSubmission',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('partner_id', fields.IntField()),
                ('province_id', fields.IntField()),
                ('county_id', fields.IntField()),
                ('kind', fields.CharEnumField(description='QUARTERLY: QUARTERLY\nCHILD_MONTHLY: CHILD_MONTHLY\nYEARLY: YEARLY', enum_type=ReportKind, max_length=16)),
                ('jalali_year', fields.SmallIntField()),
                ('period', fields.SmallIntField()),
                ('numbers', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('submitted_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('submitted_by_id', fields.IntField()),
                ('submitted_by_username', fields.CharField(max_length=100)),
                ('acknowledged_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('acknowledged_by_id', fields.IntField(null=True)),
                ('acknowledged_by_username', fields.CharField(default='', max_length=100)),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'report_submission', 'app': 'models', 'unique_together': (('partner_id', 'kind', 'jalali_year', 'period'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SubsidyStatement',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('partner_id', fields.IntField()),
                ('province_id', fields.IntField()),
                ('county_id', fields.IntField()),
                ('jalali_year', fields.SmallIntField()),
                ('lines', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('total_rials', fields.BigIntField()),
                ('approved_on', fields.DateField()),
                ('approved_by_id', fields.IntField()),
                ('approved_by_username', fields.CharField(max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'subsidy_statement', 'app': 'models', 'unique_together': (('partner_id', 'jalali_year'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SupervisionSample',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('visit_id', fields.IntField()),
                ('family_id', fields.IntField()),
                ('province_id', fields.IntField()),
                ('county_id', fields.IntField()),
                ('partner_id', fields.IntField()),
            ],
            options={'table': 'supervision_sample', 'app': 'models', 'unique_together': (('visit_id', 'family_id'),), 'pk_attr': 'id', 'table_description': 'A file the supervisor sampled on a visit.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SupervisionVisit',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('partner_id', fields.IntField()),
                ('province_id', fields.IntField()),
                ('county_id', fields.IntField()),
                ('visited_on', fields.DateField()),
                ('findings', fields.TextField(unique=False)),
                ('suggestions', fields.TextField(default='', unique=False)),
                ('author_id', fields.IntField()),
                ('author_username', fields.CharField(max_length=100)),
                ('client_id', fields.UUIDField(null=True, unique=True)),
                ('client_digest', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'supervision_visit', 'app': 'models', 'indexes': [Index(fields=['partner_id', 'visited_on'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ViolationReport',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('partner_id', fields.IntField()),
                ('province_id', fields.IntField()),
                ('county_id', fields.IntField()),
                ('reported_on', fields.DateField()),
                ('description', fields.TextField(unique=False)),
                ('outcome', fields.TextField(default='', unique=False)),
                ('outcome_on', fields.DateField(null=True)),
                ('author_id', fields.IntField()),
                ('author_username', fields.CharField(max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'violation_report', 'app': 'models', 'indexes': [Index(fields=['partner_id', 'id'])], 'pk_attr': 'id', 'table_description': "A partner's violation reported to the Article 26 commission (Art. 7.7), with its outcome."},
            bases=['Model'],
        ),
        ops.RunSQL(SQL),
    ]

"""Casework records (issue 7): interviews, home visits, assessments, aid plans, services, referrals, loans, children's
follow-ups and abuse alerts — and row-level security on each (docs/access.md rule 6).

A record is visible exactly when its file is: the policy asks whether the file's row passes the file table's own
policy (`family_id in (select id from family)` runs under the caller's scope), so a returned or reassigned file takes
its records with it at once. Alerts are the office's (`app_office_visible` on their own area columns), raised by
whoever may follow the child up. The API's role
gets its grants from `api.db.ensure_app_role` after every migration, as for every table.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.casework import AidPlanStatus
from orjson import loads
from rules.empowerment import EmpowermentLevel
from rules.services import ChildFollowUpKind, LoanKind, ServiceKind
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

FAMILY_RECORDS = ("interview", "home_visit", "assessment", "aid_plan", "service_record", "referral", "loan")


def rls(table: str, using: str) -> list[str]:
    return [
        f"alter table {table} enable row level security",
        f"create policy {table}_scope on {table} using ({using}) with check ({using})",
    ]


# An abuse concern raised in a follow-up opens the office's alert (seed 003), once per follow-up. The partner who
# raises it may not read alerts, so it is inserted by this function as the owner — only for a flagged follow-up of
# a child the caller reaches now (the same test as the child's own policy).
RAISE_ALERT = """
create or replace function raise_abuse_alert(p_follow_up int) returns void
language sql security definer set search_path = public as $$
  insert into alert (child_id, follow_up_id, province_id, county_id, opened_at, handled_by_username, handling, version)
  select f.child_id, f.id, f.province_id, f.county_id, now(), '', '', 1
  from child_follow_up f join child c on c.id = f.child_id
  where f.id = p_follow_up and f.abuse_concern
    and app_case_visible(c.province_id, c.county_id, c.assigned_partner_id, c.assigned_worker_id)
  on conflict (follow_up_id) do nothing
$$
"""

SQL = [
    *(statement for table in FAMILY_RECORDS for statement in rls(table, "family_id in (select id from family)")),
    *rls("child_follow_up", "child_id in (select id from child)"),
    # Alerts are the office's to read and handle; whoever may follow the child up raises one, through
    # raise_abuse_alert, without reading alerts.
    *rls("alert", "app_office_visible(province_id, county_id)"),
    # One alert per follow-up, whoever raises it (a follow-up sent again raises none); partial indexes keep the lists
    # of open alerts and pending loan follow-ups cheap.
    "create unique index alert_follow_up on alert (follow_up_id)",
    "create index alert_open on alert (county_id, id) where handled_at is null",
    "create index loan_follow_up_pending on loan (follow_up_due_on) where followed_up_on is null",
    RAISE_ALERT,
]


class Migration(migrations.Migration):
    dependencies = [('models', '0007_grades_and_norms')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AidPlan',
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
                ('submitted_on', fields.DateField()),
                ('goals', fields.TextField(unique=False)),
                ('planned_services', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('resources', fields.TextField(default='', unique=False)),
                ('target_date', fields.DateField()),
                ('status', fields.CharEnumField(default=AidPlanStatus.SUBMITTED, description='SUBMITTED: SUBMITTED\nAPPROVED: APPROVED\nREJECTED: REJECTED', enum_type=AidPlanStatus, max_length=16)),
                ('decided_on', fields.DateField(null=True)),
                ('decision_minutes', fields.TextField(default='', unique=False)),
                ('decided_by_id', fields.IntField(null=True)),
                ('decided_by_username', fields.CharField(default='', max_length=100)),
            ],
            options={'table': 'aid_plan', 'app': 'models', 'indexes': [Index(fields=['family_id', 'id'])], 'pk_attr': 'id', 'table_description': "An empowering aid plan (Art. 4.7), decided by a level-1 committee: the partner's for a delegated file, the"},
            bases=['FamilyRecord'],
        ),
        ops.CreateModel(
            name='Assessment',
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
                ('assessed_on', fields.DateField()),
                ('scores', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('total', fields.SmallIntField()),
                ('level', fields.CharEnumField(description='LOW: LOW\nMEDIUM: MEDIUM\nHIGH: HIGH', enum_type=EmpowermentLevel, max_length=16)),
                ('notes', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'assessment', 'app': 'models', 'indexes': [Index(fields=['family_id', 'assessed_on'])], 'pk_attr': 'id', 'table_description': 'The empowerment scale (Art. 1.4): eight domains scored 1–5, at intake and yearly (Art. 5).'},
            bases=['FamilyRecord'],
        ),
        ops.CreateModel(
            name='FollowUp',
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
                ('child', fields.ForeignKeyField('models.Child', source_field='child_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='HEALTH: HEALTH\nMENTAL_STATE: MENTAL_STATE\nSCHOOLING: SCHOOLING\nNUTRITION: NUTRITION\nLEISURE: LEISURE\nFAMILY_RELATIONS: FAMILY_RELATIONS\nCHILD_ABUSE: CHILD_ABUSE\nMARRIAGE: MARRIAGE\nEMPLOYMENT: EMPLOYMENT\nUNFORESEEN_PROBLEM: UNFORESEEN_PROBLEM\nWALK_IN_COUNSELLING: WALK_IN_COUNSELLING', enum_type=ChildFollowUpKind, max_length=32)),
                ('followed_up_on', fields.DateField()),
                ('notes', fields.TextField(default='', unique=False)),
                ('abuse_concern', fields.BooleanField(default=False)),
            ],
            options={'table': 'child_follow_up', 'app': 'models', 'indexes': [Index(fields=['child_id', 'id'])], 'pk_attr': 'id', 'table_description': 'A follow-up of a child in family care (seed 003): monthly, of health, mental state, schooling, nutrition,'},
            bases=['ChildRecord'],
        ),
        ops.CreateModel(
            name='Alert',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('child', fields.ForeignKeyField('models.Child', source_field='child_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('follow_up', fields.ForeignKeyField('models.FollowUp', source_field='follow_up_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('province_id', fields.IntField()),
                ('county_id', fields.IntField()),
                ('opened_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('handled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('handled_by_id', fields.IntField(null=True)),
                ('handled_by_username', fields.CharField(default='', max_length=100)),
                ('handling', fields.TextField(default='', unique=False)),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'alert', 'app': 'models', 'indexes': [Index(fields=['county_id', 'id'])], 'pk_attr': 'id', 'table_description': "An abuse concern raised in a child's follow-up, open until an office user records how it was handled."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='HomeVisit',
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
                ('visited_on', fields.DateField()),
                ('present', fields.TextField(default='', unique=False)),
                ('findings', fields.TextField(default='', unique=False)),
                ('report', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'home_visit', 'app': 'models', 'indexes': [Index(fields=['family_id', 'id'])], 'pk_attr': 'id', 'table_description': "A visit to the family's home (Art. 4.6), and the social-work report written from it."},
            bases=['FamilyRecord'],
        ),
        ops.CreateModel(
            name='Interview',
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
                ('held_on', fields.DateField()),
                ('present', fields.TextField(default='', unique=False)),
                ('findings', fields.TextField(default='', unique=False)),
                ('report', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'interview', 'app': 'models', 'indexes': [Index(fields=['family_id', 'id'])], 'pk_attr': 'id', 'table_description': 'An interview with the family (Art. 4.6), and the social-work report written from it.'},
            bases=['FamilyRecord'],
        ),
        ops.CreateModel(
            name='Loan',
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
                ('kind', fields.CharEnumField(description='EMPLOYMENT_LOAN: EMPLOYMENT_LOAN\nWORK_CAPITAL: WORK_CAPITAL\nGRANT: GRANT\nHOUSING_DEPOSIT_LOAN: HOUSING_DEPOSIT_LOAN\nOTHER: OTHER', enum_type=LoanKind, max_length=32)),
                ('amount_rials', fields.BigIntField()),
                ('lender', fields.CharField(default='', max_length=200)),
                ('granted_on', fields.DateField()),
                ('follow_up_due_on', fields.DateField(null=True)),
                ('followed_up_on', fields.DateField(null=True)),
                ('follow_up_notes', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'loan', 'app': 'models', 'indexes': [Index(fields=['family_id', 'id']), Index(fields=['follow_up_due_on'])], 'pk_attr': 'id', 'table_description': 'A loan or grant (seed 001); its six-month follow-up is due by itself and listed until recorded.'},
            bases=['FamilyRecord'],
        ),
        ops.CreateModel(
            name='Referral',
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
                ('referred_on', fields.DateField()),
                ('referred_to', fields.CharField(max_length=200)),
                ('reason', fields.TextField(default='', unique=False)),
                ('outcome', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'referral', 'app': 'models', 'indexes': [Index(fields=['family_id', 'id'])], 'pk_attr': 'id', 'table_description': 'A referral to another body (a clinic, a bank, a court …): to whom, why, and what came of it.'},
            bases=['FamilyRecord'],
        ),
        ops.CreateModel(
            name='ServiceRecord',
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
                ('kind', fields.CharEnumField(description='INTERVIEW_HOME_VISIT_REPORT: INTERVIEW_HOME_VISIT_REPORT\nSTRENGTHS_AND_INTERVENTION_PLAN: STRENGTHS_AND_INTERVENTION_PLAN\nJOB_AND_RESOURCE_FINDING: JOB_AND_RESOURCE_FINDING\nPENSION_AND_BONUSES: PENSION_AND_BONUSES\nFOOD_AND_CLOTHING: FOOD_AND_CLOTHING\nHEALTH_AND_TREATMENT: HEALTH_AND_TREATMENT\nDOWRY_AND_MARRIAGE: DOWRY_AND_MARRIAGE\nHOUSING: HOUSING\nSOCIAL_WORK: SOCIAL_WORK\nCOUNSELLING: COUNSELLING\nTRAINING: TRAINING\nLOANS_AND_FACILITIES: LOANS_AND_FACILITIES\nINSURANCE: INSURANCE\nFUNDRAISING: FUNDRAISING', enum_type=ServiceKind, max_length=32)),
                ('given_on', fields.DateField()),
                ('description', fields.TextField(default='', unique=False)),
                ('amount_rials', fields.BigIntField(null=True)),
            ],
            options={'table': 'service_record', 'app': 'models', 'indexes': [Index(fields=['family_id', 'id'])], 'pk_attr': 'id', 'table_description': 'A service given (Art. 5), with the money given where any, in whole rials.'},
            bases=['FamilyRecord'],
        ),
        ops.RunSQL(SQL),
    ]

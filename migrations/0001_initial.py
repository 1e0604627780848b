from tortoise import migrations
from tortoise.migrations import operations as ops
from models.organizations import ClinicGrade, OrganizationKind
from models.users import Role
from rules.kindergarten import KindergartenKind, LicenseStatus
from rules.staffing import Degree, StaffPosition
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Province',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=100)),
                ('code', fields.CharField(unique=True, max_length=20)),
            ],
            options={'table': 'province', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A province (استان); its office is the province tier of the organisation.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='County',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=100)),
                ('code', fields.CharField(unique=True, max_length=20)),
                ('province', fields.ForeignKeyField('models.Province', source_field='province_id', db_constraint=True, to_field='id', related_name='counties', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'county', 'app': 'models', 'unique_together': (('province', 'name'),), 'pk_attr': 'id', 'table_description': 'A county (شهرستان) of one province; its office is the county tier.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Organization',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(db_index=True, description='NATIONAL_OFFICE: NATIONAL_OFFICE\nPROVINCE_OFFICE: PROVINCE_OFFICE\nCOUNTY_OFFICE: COUNTY_OFFICE\nCLINIC: CLINIC\nCHARITY: CHARITY\nSERVICE_COMPLEX: SERVICE_COMPLEX\nCHILD_HOME: CHILD_HOME\nKINDERGARTEN_OPERATOR: KINDERGARTEN_OPERATOR', enum_type=OrganizationKind, max_length=32)),
                ('name', fields.CharField(max_length=200)),
                ('name_search', fields.CharField(db_index=True, max_length=200)),
                ('province', fields.ForeignKeyField('models.Province', source_field='province_id', null=True, db_constraint=True, to_field='id', related_name='organizations', on_delete=OnDelete.RESTRICT)),
                ('county', fields.ForeignKeyField('models.County', source_field='county_id', null=True, db_constraint=True, to_field='id', related_name='organizations', on_delete=OnDelete.RESTRICT)),
                ('address', fields.CharField(default='', max_length=500)),
                ('phone', fields.CharField(default='', max_length=30)),
                ('license_number', fields.CharField(null=True, unique=True, max_length=50)),
                ('license_valid_from', fields.DateField(null=True)),
                ('license_valid_until', fields.DateField(null=True)),
                ('grade', fields.CharEnumField(null=True, description='GRADE_1: GRADE_1\nGRADE_2: GRADE_2\nGRADE_3: GRADE_3\nUNGRADED: UNGRADED', enum_type=ClinicGrade, max_length=16)),
                ('first_graded_on', fields.DateField(null=True)),
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'organization', 'app': 'models', 'indexes': [Index(fields=['province_id', 'kind', 'id']), Index(fields=['county_id', 'kind', 'id'])], 'pk_attr': 'id', 'table_description': 'An office, a partner (clinic, charity, service complex, NGO child home) or a kindergarten operator.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Kindergarten',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=200)),
                ('name_search', fields.CharField(max_length=200)),
                ('kind', fields.CharEnumField(description='QURANIC: QURANIC\nMOSQUE: MOSQUE\nFRIDAY: FRIDAY\nRURAL: RURAL\nCOOPERATIVE: COOPERATIVE\nNON_PROFIT: NON_PROFIT\nPART_TIME: PART_TIME\nDELEGATED: DELEGATED', enum_type=KindergartenKind, max_length=16)),
                ('license_status', fields.CharEnumField(default=LicenseStatus.PRINCIPAL_APPROVAL, description='PRINCIPAL_APPROVAL: PRINCIPAL_APPROVAL\nLICENSED: LICENSED\nSUSPENDED: SUSPENDED\nDISSOLVED: DISSOLVED', enum_type=LicenseStatus, max_length=24)),
                ('license_number', fields.CharField(null=True, unique=True, max_length=50)),
                ('capacity', fields.IntField()),
                ('enrolment', fields.IntField(default=0)),
                ('operator', fields.ForeignKeyField('models.Organization', source_field='operator_id', db_constraint=True, to_field='id', related_name='kindergartens', on_delete=OnDelete.RESTRICT)),
                ('county', fields.ForeignKeyField('models.County', source_field='county_id', db_constraint=True, to_field='id', related_name='kindergartens', on_delete=OnDelete.RESTRICT)),
                ('province', fields.ForeignKeyField('models.Province', source_field='province_id', db_constraint=True, to_field='id', related_name='kindergartens', on_delete=OnDelete.RESTRICT)),
                ('address', fields.CharField(default='', max_length=500)),
                ('phone', fields.CharField(default='', max_length=30)),
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'kindergarten', 'app': 'models', 'indexes': [Index(fields=['province_id', 'id']), Index(fields=['county_id', 'id']), Index(fields=['operator_id', 'id']), Index(fields=['name_search'])], 'pk_attr': 'id', 'table_description': 'One kindergarten of one of the eight kinds, run by a kindergarten operator, in one county.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StaffMember',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organization', fields.ForeignKeyField('models.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name='staff', on_delete=OnDelete.RESTRICT)),
                ('full_name', fields.CharField(max_length=200)),
                ('position', fields.CharEnumField(description='TECHNICAL_MANAGER: TECHNICAL_MANAGER\nSOCIAL_WORKER: SOCIAL_WORKER\nPSYCHOLOGIST: PSYCHOLOGIST', enum_type=StaffPosition, max_length=32)),
                ('degree', fields.CharEnumField(description='ASSOCIATE: ASSOCIATE\nBACHELOR: BACHELOR\nMASTER: MASTER\nDOCTORATE: DOCTORATE', enum_type=Degree, max_length=16)),
                ('years_of_experience', fields.SmallIntField()),
                ('is_active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'staff_member', 'app': 'models', 'indexes': [Index(fields=['organization_id', 'id'])], 'pk_attr': 'id', 'table_description': "A partner's staff member with the facts Art. 2, note 1 turns on (degree, years of experience)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='User',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('username', fields.CharField(unique=True, max_length=100)),
                ('password_hash', fields.CharField(max_length=200)),
                ('full_name', fields.CharField(default='', max_length=200)),
                ('role', fields.CharEnumField(description='NATIONAL_ADMIN: NATIONAL_ADMIN\nPROVINCE_OFFICER: PROVINCE_OFFICER\nCOUNTY_OFFICER: COUNTY_OFFICER\nSUPERVISOR: SUPERVISOR\nPARTNER_MANAGER: PARTNER_MANAGER\nPARTNER_WORKER: PARTNER_WORKER\nKINDERGARTEN_OPERATOR: KINDERGARTEN_OPERATOR\nAUDITOR: AUDITOR', enum_type=Role, max_length=32)),
                ('organization', fields.ForeignKeyField('models.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name='users', on_delete=OnDelete.RESTRICT)),
                ('staff_member', fields.OneToOneField('models.StaffMember', source_field='staff_member_id', null=True, db_constraint=True, to_field='id', related_name='user', on_delete=OnDelete.SET_NULL)),
                ('is_active', fields.BooleanField(default=True)),
                ('is_demo', fields.BooleanField(default=False)),
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'app_user', 'app': 'models', 'indexes': [Index(fields=['organization_id', 'id'])], 'pk_attr': 'id', 'table_description': 'A login. The password is stored only as an argon2 hash.'},
            bases=['Model'],
        ),
    ]

"""A family's exit is credited to the partner that held the file (Art. 6.3, Art. 6.8: the exit rate and the bonus count
the exits of the partner's files); job placement joins the exit routes (Art. 4.8)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from rules.services import ExitRoute
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0008_casework')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Child',
            name='exit_route',
            field=fields.CharEnumField(null=True, description='INDIVIDUAL_JOB: INDIVIDUAL_JOB\nGROUP_JOB: GROUP_JOB\nJOB_PLACEMENT: JOB_PLACEMENT\nMARRIAGE: MARRIAGE\nOTHER: OTHER', enum_type=ExitRoute, max_length=24),
        ),
        ops.AlterField(
            model_name='Family',
            name='exit_route',
            field=fields.CharEnumField(null=True, description='INDIVIDUAL_JOB: INDIVIDUAL_JOB\nGROUP_JOB: GROUP_JOB\nJOB_PLACEMENT: JOB_PLACEMENT\nMARRIAGE: MARRIAGE\nOTHER: OTHER', enum_type=ExitRoute, max_length=24),
        ),
        ops.AddField(
            model_name='Family',
            name='exit_partner_id',
            field=fields.IntField(null=True),
        ),
    ]

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0004_case_integrity_and_rls')]

    initial = False

    operations = [
        ops.AddField(
            model_name='AssignmentEvent',
            name='by_username',
            field=fields.CharField(default='', max_length=100),
        ),
        ops.AddField(
            model_name='ChangeRecord',
            name='username',
            field=fields.CharField(default='', max_length=100),
        ),
    ]

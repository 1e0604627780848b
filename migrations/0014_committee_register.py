"""One register of committee decisions (issue 7): classifications (Art. 4.1), aid-plan decisions (Art. 4.7) and
post-rehabilitation follow-ups (Art. 6.7) join the decisions `committee_decision` already held.

- Classification decisions move from `classification_decision` (dropped) with their level, day, minutes, author
  and the rehabilitability decided.
- Every aid plan already decided gets its register row (level 1, the plan's partner, the decider as author).
- Every exited file a partner still follows (`access_until` set) gets its level-1 follow-up decision, dated the exit.
- A partner's manager writes its committee's aid-plan decisions to the register, as itself, for a file it reaches
  now, without reading the register (a plain INSERT, schema/casework/committees.register_decision); the register
  stays the office's to read.

And a partner's reports count the same whoever reads them (Art. 4.8, seed 003): `partner_quarter_counts` and
`partner_month_child_counts` count a partner's own records for a period whatever the caller may see of the files they
are on — a manager no longer reaches the records of files since returned or taken out of the cycle, yet they are its
work and its report. Security definer, like `partner_live_load` (0004), returning counts only, and only to a caller
whose scope reaches the partner (the office in its area, the partner itself; no worker).
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from models.families import Rehabilitability
from rules.committees import CommitteeSubject
from tortoise import fields
from tortoise.indexes import Index


CLASSIFICATIONS = """
insert into committee_decision (level, subject, decided_on, minutes, family_id, partner_id, rehabilitability,
  province_id, county_id, author_id, author_username, client_digest, created_at)
select d.committee_level, 'CLASSIFICATION', d.decided_on, d.minutes, d.family_id, null, d.rehabilitability,
  d.province_id, d.county_id, d.recorded_by_id, coalesce(u.username, ''), '', d.created_at
from classification_decision d left join app_user u on u.id = d.recorded_by_id
"""

AID_PLANS = """
insert into committee_decision (level, subject, decided_on, minutes, family_id, partner_id, aid_plan_id,
  province_id, county_id, author_id, author_username, client_digest, created_at)
select 1, 'AID_PLAN', p.decided_on, p.decision_minutes, p.family_id, p.partner_id, p.id, p.province_id, p.county_id,
  p.decided_by_id, p.decided_by_username, '', p.updated_at
from aid_plan p where p.decided_on is not null and p.decided_by_id is not null
"""

FOLLOW_UPS = """
insert into committee_decision (level, subject, decided_on, minutes, family_id, partner_id, province_id, county_id,
  author_id, author_username, client_digest, created_at)
select 1, 'POST_REHABILITATION_FOLLOW_UP', f.exited_on, '', f.id, f.assigned_partner_id, f.province_id, f.county_id,
  coalesce((select c.user_id from change_record c where c.family_id = f.id and c.operation = 'exit'
            and c.entity = 'Family' order by c.id desc limit 1), 0),
  coalesce((select c.username from change_record c where c.family_id = f.id and c.operation = 'exit'
            and c.entity = 'Family' order by c.id desc limit 1), ''), '', now()
from family f where f.status = 'EXITED' and f.access_until is not null and f.assigned_partner_id is not null
"""

PARTNER_WRITES_AID_PLAN_DECISIONS = (
    "create policy committee_decision_partner on committee_decision for insert with check ("
    "subject = 'AID_PLAN' and level = 1 and author_id = nullif(current_setting('app.user', true), '')::int"
    " and family_id in (select id from family))"
)


PARTNER_VISIBLE = """
  exists (select 1 from organization o where o.id = p_partner
          and app_case_visible(o.province_id, o.county_id, o.id, null::int))
"""

QUARTER_COUNTS = f"""
create or replace function partner_quarter_counts(p_partner int, p_from date, p_to date)
returns jsonb language sql stable security definer set search_path = public as $$
  select case when not ({PARTNER_VISIBLE}) then null else jsonb_build_object(
    'interviews', (select count(*) from interview where partner_id = p_partner and held_on between p_from and p_to),
    'home_visits', (select count(*) from home_visit where partner_id = p_partner
                    and visited_on between p_from and p_to),
    'assessments', (select count(*) from assessment where partner_id = p_partner
                    and assessed_on between p_from and p_to),
    'peer_groups_formed', (select count(*) from peer_group where partner_id = p_partner
                           and formed_on between p_from and p_to),
    'group_sessions', (select count(*) from group_session where partner_id = p_partner
                       and held_on between p_from and p_to),
    'trainings', (select count(*) from group_session where partner_id = p_partner and is_training
                  and held_on between p_from and p_to),
    'services_by_kind', (select coalesce(jsonb_object_agg(kind, n), '{{}}') from (
        select kind, count(*) as n from service_record where partner_id = p_partner
        and given_on between p_from and p_to group by kind) k),
    'exits_by_route', (select coalesce(jsonb_object_agg(exit_route, n), '{{}}') from (
        select exit_route, count(*) as n from family where exit_partner_id = p_partner
        and exited_on between p_from and p_to group by exit_route) r),
    'files_held', (select count(*) from assignment where partner_id = p_partner and assigned_on <= p_to
                   and (ended_at is null or ended_at >= ((p_to + 1)::timestamp at time zone 'UTC'))),
    'employed_families', (select count(distinct family_id) from service_record where partner_id = p_partner
                          and kind = 'JOB_AND_RESOURCE_FINDING' and given_on between p_from and p_to),
    'employed_in_groups', (select count(distinct s.family_id) from service_record s where s.partner_id = p_partner
                           and s.kind = 'JOB_AND_RESOURCE_FINDING' and s.given_on between p_from and p_to
                           and exists (select 1 from peer_group_family pf join peer_group g on g.id = pf.group_id
                                       where pf.family_id = s.family_id and g.partner_id = p_partner
                                       and g.formed_on <= p_to))
  ) end
$$
"""

MONTH_CHILD_COUNTS = f"""
create or replace function partner_month_child_counts(p_partner int, p_from date, p_to date)
returns jsonb language sql stable security definer set search_path = public as $$
  select case when not ({PARTNER_VISIBLE}) then null else jsonb_build_object(
    'children_followed', (select count(distinct child_id) from child_follow_up where partner_id = p_partner
                          and followed_up_on between p_from and p_to),
    'by_kind', (select coalesce(jsonb_object_agg(kind, n), '{{}}') from (
        select kind, count(*) as n from child_follow_up where partner_id = p_partner
        and followed_up_on between p_from and p_to group by kind) k),
    'abuse_concerns', (select count(*) from child_follow_up where partner_id = p_partner and abuse_concern
                       and followed_up_on between p_from and p_to),
    'abuse_concerns_handled', (select count(*) from alert a join child_follow_up f on f.id = a.follow_up_id
                               where f.partner_id = p_partner and f.followed_up_on between p_from and p_to
                               and a.handled_at is not null)
  ) end
$$
"""

class Migration(migrations.Migration):
    dependencies = [('models', '0013_money_reports_supervision')]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name='CommitteeDecision',
            options={'table': 'committee_decision', 'app': 'models', 'indexes': [Index(fields=['family_id', 'id']), Index(fields=['partner_id', 'id']), Index(fields=['county_id', 'id'])], 'pk_attr': 'id', 'table_description': "The register of committee decisions (rules/committees.py): every decision about a household's file, a"},
        ),
        ops.AlterField(
            model_name='CommitteeDecision',
            name='subject',
            field=fields.CharEnumField(description='ADMISSION: ADMISSION\nAID_PLAN: AID_PLAN\nPOST_REHABILITATION_FOLLOW_UP: POST_REHABILITATION_FOLLOW_UP\nCLASSIFICATION: CLASSIFICATION\nEXIT_AND_RETURN: EXIT_AND_RETURN\nBONUS_REVIEW: BONUS_REVIEW\nREPLACEMENT_CLIENT: REPLACEMENT_CLIENT\nQUOTA: QUOTA\nBONUS_APPROVAL: BONUS_APPROVAL\nREDELEGATION: REDELEGATION', enum_type=CommitteeSubject, max_length=32),
        ),
        ops.AddField(
            model_name='CommitteeDecision',
            name='aid_plan_id',
            field=fields.IntField(null=True, unique=True),
        ),
        ops.AddField(
            model_name='CommitteeDecision',
            name='rehabilitability',
            field=fields.CharEnumField(null=True, description='UNCLASSIFIED: UNCLASSIFIED\nREHABILITABLE: REHABILITABLE\nNON_REHABILITABLE: NON_REHABILITABLE', enum_type=Rehabilitability, max_length=24),
        ),
        ops.RunSQL([CLASSIFICATIONS, AID_PLANS, FOLLOW_UPS, PARTNER_WRITES_AID_PLAN_DECISIONS, QUARTER_COUNTS,
                    MONTH_CHILD_COUNTS]),
        ops.DeleteModel(name='ClassificationDecision'),
    ]

"""Sessions for mobile apps and trusted documents (issue #11: "Sessions for mobile apps", "Persisted operations").

**Refresh tokens** (`refresh_token`). `login` hands out, beside its short-lived access token, an opaque refresh token
that `refreshToken` trades for a new pair (auth/sessions.py). Only its SHA-256 is stored. Each use rotates it: the
used token is marked `rotated_at` and its successor joins the same `family` — one family per login, that is per
device. A token used again after its rotation means that two parties hold it: the whole family is revoked.

The table has row-level security and no policy at all: the API's role reaches no row directly. A refresh arrives
before anyone is known (like a login, auth/identity.py `find_account`), so every use goes through a
security-definer function that answers for the one token it is given, by its hash, and nothing more:

- `refresh_token_issue(user, hash, expires_at)`: a new family's first token (the login). The user's tokens expired
  for longer than a lifetime are deleted then, so the table does not grow for ever; a rotated token shown again
  within a lifetime of its expiry still revokes its family.
- `refresh_token_state(hash)`: the token's state (`LIVE`, `ROTATED`, `REVOKED`, `EXPIRED`), user and family, the
  row locked until the request's transaction ends, so that two concurrent uses of one token cannot both rotate it.
- `refresh_token_rotate(hash, new_hash, expires_at)`: rotates a live token into its successor; false if not live.
- `refresh_token_revoke(hash, everywhere, why)`: revokes the token's family, or every family of its user, and
  returns how many families it ended.

A password change or a deactivation revokes every family of the user, whatever path changed the row (the API's
`updateUser`, or the owner's own tools): a trigger on `app_user` does it (`why`: `PASSWORD_CHANGED`,
`DEACTIVATED`).

**Trusted documents** (`trusted_document`): the operations registered from a manifest (`welfare-api documents
register FILE`, api/documents.py), which are all that a server with `TRUSTED_DOCUMENTS_ONLY=true` accepts. Every
process of the API reads them; only the owner writes them (the register command connects as the owner): the API's
role has a read policy and no other (api/db.py `READ_ONLY_TABLES` withdraws its write grants too).
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

REFRESH_TOKEN = """
create table refresh_token (
  id bigserial primary key,
  family uuid not null,
  user_id int not null references app_user (id) on delete cascade,
  token_hash varchar(64) not null unique,
  issued_at timestamptz not null default clock_timestamp(),
  expires_at timestamptz not null,
  rotated_at timestamptz,
  revoked_at timestamptz,
  revoked_why varchar(32)
)
"""

ISSUE = """
create or replace function refresh_token_issue(p_user_id int, p_token_hash varchar, p_expires_at timestamptz)
returns void language sql volatile security definer set search_path = public as $$
  delete from refresh_token
   where user_id = p_user_id and expires_at < clock_timestamp() - (p_expires_at - clock_timestamp());
  insert into refresh_token (family, user_id, token_hash, expires_at)
  values (gen_random_uuid(), p_user_id, p_token_hash, p_expires_at);
$$
"""

STATE = """
create or replace function refresh_token_state(p_token_hash varchar)
returns table(state varchar, user_id int, username varchar, family uuid)
language plpgsql volatile security definer set search_path = public as $$
declare
  t refresh_token;
begin
  select * into t from refresh_token r where r.token_hash = p_token_hash for update;
  if not found then
    return;
  end if;
  return query select
    (case when t.revoked_at is not null then 'REVOKED'
          when t.rotated_at is not null then 'ROTATED'
          when t.expires_at <= clock_timestamp() then 'EXPIRED'
          else 'LIVE' end)::varchar,
    t.user_id, u.username, t.family
  from app_user u where u.id = t.user_id;
end
$$
"""

ROTATE = """
create or replace function refresh_token_rotate(p_token_hash varchar, p_new_hash varchar, p_expires_at timestamptz)
returns boolean language plpgsql volatile security definer set search_path = public as $$
declare
  t refresh_token;
begin
  update refresh_token r set rotated_at = clock_timestamp()
   where r.token_hash = p_token_hash and r.rotated_at is null and r.revoked_at is null
     and r.expires_at > clock_timestamp()
  returning * into t;
  if not found then
    return false;
  end if;
  insert into refresh_token (family, user_id, token_hash, expires_at)
  values (t.family, t.user_id, p_new_hash, p_expires_at);
  return true;
end
$$
"""

REVOKE = """
create or replace function refresh_token_revoke(p_token_hash varchar, p_everywhere boolean, p_why varchar)
returns int language plpgsql volatile security definer set search_path = public as $$
declare
  t refresh_token;
  ended int;
begin
  select * into t from refresh_token r where r.token_hash = p_token_hash;
  if not found then
    return 0;
  end if;
  with revoked as (
    update refresh_token r set revoked_at = clock_timestamp(), revoked_why = p_why
     where r.revoked_at is null and (r.family = t.family or (p_everywhere and r.user_id = t.user_id))
    returning r.family
  ) select count(distinct revoked.family) into ended from revoked;
  return ended;
end
$$
"""

REVOKE_ON_ACCOUNT_CHANGE = """
create or replace function refresh_token_revoke_on_account_change() returns trigger
language plpgsql security definer set search_path = public as $$
begin
  update refresh_token set revoked_at = clock_timestamp(),
         revoked_why = case when not new.is_active then 'DEACTIVATED' else 'PASSWORD_CHANGED' end
   where user_id = new.id and revoked_at is null;
  return new;
end
$$;
create trigger app_user_revokes_refresh_tokens after update of password_hash, is_active on app_user
  for each row when (new.password_hash is distinct from old.password_hash or (old.is_active and not new.is_active))
  execute function refresh_token_revoke_on_account_change()
"""

TRUSTED_DOCUMENT = """
create table trusted_document (
  sha256_hash varchar(64) primary key check (sha256_hash ~ '^[0-9a-f]{64}$'),
  document text not null,
  registered_at timestamptz not null default now()
)
"""

SQL = [
    REFRESH_TOKEN,
    "create index refresh_token_family on refresh_token (family)",
    "create index refresh_token_live_of_user on refresh_token (user_id) where revoked_at is null",
    "alter table refresh_token enable row level security",  # and no policy: only the functions reach it
    ISSUE,
    STATE,
    ROTATE,
    REVOKE,
    REVOKE_ON_ACCOUNT_CHANGE,
    TRUSTED_DOCUMENT,
    "alter table trusted_document enable row level security",
    "create policy trusted_document_read on trusted_document for select using (true)",
]


class Migration(migrations.Migration):
    dependencies = [("models", "0018_row_level_security_everywhere")]

    initial = False

    operations = [ops.RunSQL(SQL)]

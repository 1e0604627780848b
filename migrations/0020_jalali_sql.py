"""The `…Jalali` companions computed in PostgreSQL (issue #10, section 2): `to_jalali(date)`.

The compiled reads (schema/compiled.py) build a page's JSON in one statement; a date's `…Jalali` companion
(docs/api.md "Conventions": `YYYY/MM/DD`, Latin digits, zero-padded) is computed there by this function, the same
arithmetic as jdatetime's `GregorianToJalali`, which rules/jalali.py `to_jalali` uses: days since 1600-03-20
(1 Farvardin 979), 33-year cycles of 12 053 days, 4-year groups of 1 461 days, then six months of 31 days and
five of 30 and the last. tests/api/test_compiled.py compares it with rules/jalali.py for every day from 1900 to
2100. Immutable and strict: a null date has a null companion.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

TO_JALALI = """
create function to_jalali(d date) returns text
language plpgsql immutable strict parallel safe as $$
declare
  n int := d - date '1600-03-20';
  y int;
  m int;
begin
  y := 979 + 33 * (n / 12053);
  n := n % 12053;
  y := y + 4 * (n / 1461);
  n := n % 1461;
  if n >= 366 then
    n := n - 1;
    y := y + n / 365;
    n := n % 365;
  end if;
  if n < 186 then
    m := n / 31 + 1;
    n := n % 31;
  else
    m := (n - 186) / 30 + 7;
    n := (n - 186) % 30;
  end if;
  return to_char(y, 'FM0000') || '/' || to_char(m, 'FM00') || '/' || to_char(n + 1, 'FM00');
end
$$
"""


class Migration(migrations.Migration):
    dependencies = [("models", "0019_refresh_tokens")]

    initial = False

    operations = [ops.RunSQL([TO_JALALI], reverse_sql=["drop function to_jalali(date)"])]

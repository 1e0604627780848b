"""The columns of a row someone made through the API, declared once: who made it, when, and the `clientId` that
makes it at most once (docs/api.md, conventions; schema/casework/records.once_per_client_id).

- `SentOnce`: `client_id`, the UUID an app sends with a creating mutation so that sending it twice makes one row,
  and `client_digest`, what the first sending said (a later sending of the same UUID must say the same, else
  CONFLICT). `sender_id` names the user who sent it, whatever the table calls its author.
- `Authored`: a `SentOnce` row whose author is `author_id` / `author_username`, made at `created_at` — casework
  records, committee decisions, the partner's books, supervision visits, action plans, complaints, violation
  reports. The policy table (`set_by_id`) and approved statements (`approved_by_id`) name their author otherwise and
  take `SentOnce` alone.

Abstract: the columns land in each table as if declared there (no migration operation of their own).
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class SentOnce(Model):
    """A row made at most once per clientId."""

    client_id = fields.UUIDField(null=True, unique=True)
    client_digest = fields.CharField(max_length=64, default="")

    class Meta:
        abstract = True

    @property
    def sender_id(self) -> int | None:
        """The user whose sending made the row (None: not made through the API)."""
        raise NotImplementedError


class Authored(SentOnce):
    """A row made through the API by `author_id`, at most once per clientId."""

    author_id = fields.IntField()
    author_username = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def sender_id(self) -> int | None:
        return self.author_id

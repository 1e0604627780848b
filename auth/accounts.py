"""The rules every user account obeys, however it is made: the createUser and updateUser mutations and
`welfare-api create-user` all go through here (docs/access.md, roles: one person, one organisation, one role that fits
it).

Who may grant a role is not a rule of the account but of the policy (auth/policy.py, `may_grant`): the mutations
ask it, the command line is the bootstrap and asks no one. A broken rule raises RuleInputError naming the input
field (BAD_USER_INPUT, docs/api.md "Errors"); a username or staff record already taken raises AccountTaken.
"""

from __future__ import annotations

import asyncio
import re

from tortoise.exceptions import IntegrityError

from auth.passwords import hash_password
from auth.roles import Role, role_fits_organization
from models.organizations import Organization, OrganizationKind, StaffMember
from models.users import User
from rules.errors import RuleInputError
from rules.persian import normalise_text

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
NOT_A_USERNAME = "(not a username)"  # how the audit trail names a login's username of no username's form
MIN_PASSWORD = 10
MAX_PASSWORD = 256  # bounds the cost of hashing what a caller sends
FULL_NAME_LENGTH = 200  # the column's width


class AccountTaken(Exception):
    """The username, or the staff record, belongs to another account already."""


def normalise_username(raw: str) -> str:
    """The form a username is stored and looked up in (login spells it so too): trimmed, lower case."""
    return raw.strip().lower()


def username_for_trail(username: str) -> str:
    """How the audit trail names the username a refused login tried (docs/access.md rule 7): as sent, if it has the form
    of a username; anything else is replaced, since people type their password into the username field too."""
    return username if USERNAME.match(username) else NOT_A_USERNAME


def check_username(raw: str) -> str:
    """The normalised username, if it is one an account may have."""
    username = normalise_username(raw)
    if not USERNAME.match(username):
        raise RuleInputError("The username may hold 3–64 of a-z 0-9 . _ -", "نام کاربری نامعتبر است.",
                             field="username")
    return username


def check_password(password: str) -> None:
    if len(password) > MAX_PASSWORD:
        raise RuleInputError(f"The password may have at most {MAX_PASSWORD} characters.",
                             f"گذرواژه حداکثر {MAX_PASSWORD} نویسه است.", field="password")
    if len(password) < MIN_PASSWORD:
        raise RuleInputError(f"The password needs at least {MIN_PASSWORD} characters.",
                             f"گذرواژه باید دست‌کم {MIN_PASSWORD} نویسه باشد.", field="password")


def check_full_name(raw: str) -> str:
    """The stored form of a full name (docs/api.md, Persian text), within the column's width."""
    full_name = normalise_text(raw)
    if len(full_name) > FULL_NAME_LENGTH:
        raise RuleInputError(f"fullName is longer than {FULL_NAME_LENGTH} characters.",
                             f"fullName بیش از {FULL_NAME_LENGTH} نویسه است.", field="fullName")
    return full_name


def check_role_fits(role: Role, kind: OrganizationKind) -> None:
    """A role is held only in an organisation of a kind that may hold it (auth/roles.py)."""
    if not role_fits_organization(role, kind):
        raise RuleInputError(f"{role.value} does not fit a {kind.value}.", "این نقش با نوع سازمان سازگار نیست.",
                             field="role")


def check_staff_link(role: Role, organization_id: int, staff_organization_id: int) -> None:
    """An account linked to a staff record is that partner worker's own: same partner, role PARTNER_WORKER."""
    if role is not Role.PARTNER_WORKER or staff_organization_id != organization_id:
        raise RuleInputError("The staff record must be of a partner worker at the same partner.",
                             "پرونده کارکنان باید از همان مؤسسه باشد.", field="staffMemberId")


async def create_account(*, username: str, password: str, full_name: str, role: Role, organization: Organization,
                         staff_member: StaffMember | None = None) -> User:
    """A new account in `organization`, once every rule above holds; AccountTaken when the username or the
    staff record is another account's."""
    username = check_username(username)
    check_password(password)
    full_name = check_full_name(full_name)
    check_role_fits(role, organization.kind)
    if staff_member is not None:
        check_staff_link(role, organization.id, staff_member.organization_id)
    password_hash = await asyncio.to_thread(hash_password, password)
    try:
        return await User.create(username=username, password_hash=password_hash, full_name=full_name, role=role,
                                 organization_id=organization.id,
                                 staff_member_id=staff_member.id if staff_member is not None else None)
    except IntegrityError:
        raise AccountTaken(username) from None

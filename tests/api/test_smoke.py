from __future__ import annotations

from tests.conftest import error_code


async def test_me_as_admin(api):
    data = await api.ok("admin", "{ me { role scope user { username } organization { name } } }")
    assert data["me"]["role"] == "NATIONAL_ADMIN"
    assert data["me"]["scope"] == "NATIONAL"


async def test_anonymous_me_is_unauthenticated(api):
    assert error_code(await api.post("{ me { role } }")) == "UNAUTHENTICATED"

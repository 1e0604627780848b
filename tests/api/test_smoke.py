from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import error_code


async def test_me_as_admin(api):
    data = await api.ok("admin", "{ me { role scope user { username } organization { name } } }")
    assert data["me"]["role"] == "NATIONAL_ADMIN"
    assert data["me"]["scope"] == "NATIONAL"


async def test_anonymous_me_is_unauthenticated(api):
    assert error_code(await api.post("{ me { role } }")) == "UNAUTHENTICATED"


README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


async def test_the_readme_queries_work_as_written(api):
    """The README's first queries are what a newcomer pastes into GraphiQL: they must run as written."""
    blocks = re.findall(r"```graphql\n(.*?)```", README, flags=re.S)
    login, *queries = blocks
    assert "login(" in login
    result = await api.post(login)
    assert result["data"]["login"]["accessToken"], result
    for query in queries:
        data = await api.ok("clinic.manager", query)
        assert all(value is not None for value in data.values()), data

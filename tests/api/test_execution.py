"""The plain-field shortcut (schema/execution.py) must answer exactly as graphql-core's standard execution."""

from __future__ import annotations

import httpx
import pytest

from api.app import create_app
from tests.conftest import Api

QUERIES = {
    "clinic.manager": [
        """{ families(first: 60) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node {
          id fileNumber category status rehabilitability householdSize address supportStartedOn
          supportStartedOnJalali exitRoute exitedOn abuseFlag version county { id name code }
          head { id firstName lastName } members { id nationalId firstName lastName birthDate birthDateJalali sex
          relation isHead education job health insurance version }
          currentAssignment { id assignedOn assignedOnJalali endedOn endedOnJalali endReason partner { id name }
          worker { id fullName degree position } } } } } }""",
        "{ partners { edges { node { id kind name grade licenseNumber licenseValidFrom licenseValidUntilJalali "
        "licenseValid firstGradedOn version staff { id fullName nationalId degree yearsOfExperience isActive "
        "countsForCaseload } agreements { id jalaliYear quotaChildren signedOn signedOnJalali status } } } } }",
        "{ me { role scope user { id username fullName role isActive } organization { id name } } }",
        "{ children(first: 50) { edges { node { id fileNumber nationalId firstName birthDate placement "
        "dischargedOn dischargedOnJalali exitedOnJalali priority abuseFlag status "
        "alias: fileNumber } } } }",
    ],
    "yazd.county": [
        "{ families(first: 30) { edges { node { id officeNotes committeeDecisions(first: 5) { edges { node { id "
        "level subject decidedOn decidedOnJalali minutes rehabilitability } } } "
        "history { entity operation changes { field before after } } } } } }",
        "{ kindergartens { edges { node { id name kind licenseStatus licenseNumber capacity enrolment phone "
        "operator { id name } } } } }",
        "{ children(first: 50) { edges { node { id custodyReason courtOrderReference guardianFamily { id } } } } }",
    ],
    "auditor": ["{ auditEvents(first: 50) { edges { node { id at username role operation objectIds } } } }"],
}


@pytest.fixture
async def standard_api(settings, database_url):
    app = create_app(settings, database_url=database_url, apply_migrations=False, plain_field_shortcut=False)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            yield Api(client)


@pytest.mark.parametrize(("username", "query"), [(u, q) for u, qs in QUERIES.items() for q in qs])
async def test_the_shortcut_answers_exactly_as_standard_execution(api, standard_api, username, query):
    fast = await api.as_user(username, query)
    standard = await standard_api.as_user(username, query)
    assert "errors" not in fast, fast
    assert fast == standard
    assert list(fast["data"]) == list(standard["data"])


async def test_a_null_in_a_non_null_plain_field_still_errors_like_the_standard_path(api, standard_api, monkeypatch):
    """The shortcut hands an impossible value back to graphql-core, which reports it as it always does."""
    import models.kindergartens

    original = models.kindergartens.Kindergarten._init_from_db

    def broken(cls, **kwargs):
        row = original(**kwargs)
        row.name = None
        return row

    monkeypatch.setattr(models.kindergartens.Kindergarten, "_init_from_db", classmethod(broken))
    query = "{ kindergartens(first: 2) { edges { node { id name } } } }"
    fast = await api.as_user("admin", query)
    standard = await standard_api.as_user("admin", query)

    def shape(result: dict) -> tuple:  # the request ID differs between any two requests
        return result["data"], [(e["path"], e["extensions"]["code"]) for e in result["errors"]]

    assert shape(fast) == shape(standard)
    assert fast["errors"][0]["extensions"]["code"] == "INTERNAL"

"""The GraphQL surface (issue #2): complexity limits, error masking, probes, introspection and GraphiQL."""

from __future__ import annotations

import httpx
import pytest

from api.app import create_app
from tests.conftest import error_code


async def test_query_depth_is_limited(api):
    deep = "{ provinces { " + "counties { province { " * 7 + "name" + " } }" * 7 + " } }"
    assert error_code(await api.as_user("admin", deep)) == "QUERY_TOO_COMPLEX"


async def test_alias_count_is_limited(api):
    many = "{ " + " ".join(f"a{i}: me {{ role }}" for i in range(40)) + " }"
    assert error_code(await api.as_user("admin", many)) == "QUERY_TOO_COMPLEX"


async def test_token_count_is_limited(api):
    huge = "{ me { " + " ".join("role" for _ in range(2500)) + " } }"
    assert error_code(await api.as_user("admin", huge)) == "QUERY_TOO_COMPLEX"


async def test_comments_count_toward_the_token_limit(api):
    padded = "{ me " + "# padding\n" * 2500 + "{ role } }"
    assert error_code(await api.as_user("admin", padded)) == "QUERY_TOO_COMPLEX"


async def test_a_document_nested_too_deeply_to_parse_is_too_complex(api):
    nested = "{ provinces " + "{ counties " * 400 + "{ name }" + " }" * 400 + " }"
    assert error_code(await api.as_user("admin", nested)) == "QUERY_TOO_COMPLEX"


async def test_the_code_comes_from_the_refusal_not_from_the_words_of_a_message(api):
    """A client's value echoed in an error message is never mistaken for a complexity refusal."""
    result = await api.as_user("admin", '{ users(first: "exceeds maximum operation depth") { totalCount } }')
    assert error_code(result) == "BAD_USER_INPUT"


async def test_variables_that_do_not_coerce_are_bad_user_input(api):
    """The client's variables are at fault, not the server: no INTERNAL, and the message says what was wrong."""
    for query, variables in (("query($f: Int) { users(first: $f) { totalCount } }", {"f": "ten"}),
                             ("query($r: Role) { users(filter: {role: $r}) { totalCount } }", {"r": "KING"}),
                             ("query($id: ID!) { node(id: $id) { id } }", {"id": None})):
        result = await api.as_user("admin", query, variables)
        assert error_code(result) == "BAD_USER_INPUT", variables
        assert "$" in result["errors"][0]["message"], result


async def test_fragments_are_measured_once_however_often_they_are_spread(api):
    """Each fragment spreads the next twice: measuring every spread again would walk 2^40 of them."""
    fragments = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(40))
    document = "{ ...F0 } " + fragments + " fragment F40 on Query { a: me { role } }"
    assert error_code(await api.as_user("admin", document)) == "QUERY_TOO_COMPLEX"


async def test_an_unknown_fragment_is_bad_user_input(api):
    assert error_code(await api.as_user("admin", "{ me { ...Missing } }")) == "BAD_USER_INPUT"


async def test_a_repeated_document_is_parsed_and_validated_once(api, monkeypatch):
    """The validation cache keys on the limits' rule classes: they are made once per schema, not per request."""
    import strawberry.schema.schema as strawberry_schema

    validations = []
    validate = strawberry_schema.validate

    def counted(*args, **kwargs):
        validations.append(args)
        return validate(*args, **kwargs)

    await api.token("admin")  # logging in validates the login mutation: count the query's validations alone
    monkeypatch.setattr(strawberry_schema, "validate", counted)
    query = "{ me { role } validatedOnce: me { scope } }"
    for _ in range(3):
        assert "errors" not in await api.as_user("admin", query)
    assert len(validations) == 1


async def test_the_limits_validate_a_repeated_document_once(api, monkeypatch):
    """Issue 10 item 1: the depth, alias and cost rules are made once per schema, so the validation cache hits and a
    repeated document is not validated again (development: strawberry's ValidationCache)."""
    await limits_run_once(api, monkeypatch, "development")


async def test_the_limits_validate_a_repeated_document_once_in_production(production_api, monkeypatch):
    """As in development, through the validation without suggestions (schema/suggestions.py)."""
    await limits_run_once(production_api, monkeypatch, "production")


async def limits_run_once(client, monkeypatch, environment: str) -> None:
    from schema.limits import AliasLimit, DepthLimit
    from schema.query_cost import CostLimit

    await client.token("admin")  # logging in validates the login mutation: count the query's validations alone
    runs: list[str] = []
    for rule in (DepthLimit, AliasLimit, CostLimit):
        def counted(self, context, original=rule.__init__, name=rule.__name__):
            runs.append(name)
            original(self, context)

        monkeypatch.setattr(rule, "__init__", counted)
    query = f"{{ me {{ role }} {environment}: me {{ scope }} }}"  # a text no other test sends
    for _ in range(3):
        assert "errors" not in await client.as_user("admin", query)
    assert sorted(runs) == ["AliasLimit", "CostLimit", "DepthLimit"]


async def test_syntax_error_is_bad_user_input_with_persian_message(api):
    result = await api.as_user("admin", "{ me { role ")
    assert error_code(result) == "BAD_USER_INPUT"
    assert result["errors"][0]["extensions"]["messageFa"]


async def test_unexpected_errors_are_masked_with_the_request_id(api, monkeypatch):
    import schema.pagination as pagination

    def broken(*_args, **_kwargs):
        raise RuntimeError("connection string postgres://secret@db")

    monkeypatch.setattr(pagination, "scoped_rows", broken)
    response = await api.client.post("/graphql", json={"query": "{ users { totalCount } }"},
                                     headers={"authorization": f"Bearer {await api.token('admin')}",
                                              "x-request-id": "req-12345678"})
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL"
    assert body["errors"][0]["extensions"]["requestId"] == "req-12345678"
    assert "secret" not in response.text
    assert response.headers["x-request-id"] == "req-12345678"


async def test_forbidden_names_the_fields_and_runs_nothing(api):
    result = await api.as_user("clinic.worker1", "{ me { role } users { totalCount } }")
    assert error_code(result) == "FORBIDDEN"
    assert "Query.users" in result["errors"][0]["message"]
    assert result["data"] is None


async def test_health_and_readiness_probes(api):
    assert (await api.client.get("/healthz")).json() == {"status": "ok"}
    ready = await api.client.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ready"}


async def test_graphiql_and_introspection_are_on_in_development(api):
    page = await api.client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    data = await api.ok("admin", "{ __schema { queryType { name } } }")
    assert data["__schema"]["queryType"]["name"] == "Query"


@pytest.fixture
async def production_api(settings, database_url):
    app = create_app(settings.model_copy(update={"environment": "production"}), database_url=database_url,
                     apply_migrations=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            from tests.conftest import Api

            yield Api(client)


async def test_graphiql_and_introspection_are_off_in_production(production_api):
    page = await production_api.client.get("/graphql", headers={"accept": "text/html"})
    assert "graphiql" not in page.text.lower()
    result = await production_api.as_user("admin", "{ __schema { queryType { name } } }")
    assert result.get("errors"), result


NEAR_MISSES = [  # a field, an argument, an enum value written inline and one sent as a variable
    ("{ familie { totalCount } }", {}),
    ("{ families(frist: 1) { totalCount } }", {}),
    ("{ users(filter: {role: NATIONAL_ADMINN}) { totalCount } }", {}),
    ("query($r: Role) { users(filter: {role: $r}) { totalCount } }", {"r": "NATIONAL_ADMINN"}),
]


async def test_errors_suggest_names_in_development_only(api, production_api):
    """"Did you mean 'families'?" names the schema without introspection: production leaves it out (issue #8)."""
    for query, variables in NEAR_MISSES:
        development = await api.as_user("admin", query, variables)
        assert "Did you mean" in development["errors"][0]["message"], development
        production = await production_api.as_user("admin", query, variables)
        assert error_code(production) == "BAD_USER_INPUT", production
        assert "Did you mean" not in str(production), production


async def test_responses_carry_persian_as_utf8_not_escapes(api):
    """Responses are serialised by orjson (issue #10, item 3): Persian leaves as UTF-8 — a third of the bytes of
    json.dumps' `\\u` escapes — and parses to the same value."""
    token = await api.token("clinic.manager")
    response = await api.client.post("/graphql", json={"query": "{ partners { edges { node { name } } } }"},
                                     headers={"authorization": f"Bearer {token}"})
    assert response.headers["content-type"].startswith("application/json")
    assert "مهرآفرین".encode() in response.content and b"\\u" not in response.content
    assert response.json()["data"]["partners"]["edges"][0]["node"]["name"].startswith("کلینیک")

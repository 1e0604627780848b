"""The logs (api/logs.py, issue #11): one record per request with its ID, user, role, operation, duration and outcome,
as JSON lines with LOG_FORMAT=json; never a token, a password or a national ID, in either format."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from api.logs import configure_logging, scrub
from tests.conftest import Api

SECRET_PASSWORD = "Not-The-Demo-Passw0rd-7731"
NATIONAL_ID_QUERY = ("query FindByNationalId($nid: String!) { families(first: 5, filter: {nationalId: $nid}) "
                     "{ totalCount } }")
INLINE_QUERY = '{ families(first: 5, filter: {nationalId: "NID"}) { totalCount } }'
LOGIN = 'mutation { login(input: {username: "clinic.manager", password: "PASSWORD"}) { accessToken } }'


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """The process's logging as `serve` configures it, at DEBUG (the most it could ever write), into a buffer."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level, logging.getLogger("tortoise").level
    buffer = io.StringIO()

    def configure(log_format: str) -> io.StringIO:
        configure_logging("DEBUG", log_format)
        handler = root.handlers[0]
        assert isinstance(handler, logging.StreamHandler)
        handler.setStream(buffer)
        return buffer

    yield configure  # type: ignore[misc]
    root.handlers[:], level, tortoise_level = saved
    root.setLevel(level)
    logging.getLogger("tortoise").setLevel(tortoise_level)


async def _a_national_id(api: Api) -> str:
    data = await api.ok("clinic.manager", "{ families(first: 1) { edges { node { head { nationalId } } } } }")
    return str(data["families"]["edges"][0]["node"]["head"]["nationalId"])


async def _exercise(api: Api) -> tuple[str, str, str]:
    """A failed login with a password, a good one, and a national-ID search (by variable and inline); returns the
    national ID, the token and the search's request ID."""
    national_id = await _a_national_id(api)
    refused = await api.post(LOGIN.replace("PASSWORD", SECRET_PASSWORD))
    assert refused.get("errors"), refused
    token = await api.token("clinic.manager")
    response = await api.client.post("/graphql", json={"query": NATIONAL_ID_QUERY, "variables": {"nid": national_id}},
                                     headers={"authorization": f"Bearer {token}", "x-request-id": "search-0001"})
    assert response.json()["data"]["families"]["totalCount"] == 1, response.text
    assert "errors" not in await api.post(INLINE_QUERY.replace("NID", national_id), token=token)
    return national_id, token, "search-0001"


async def test_json_lines_carry_one_record_per_request(api: Api, log_lines) -> None:
    buffer = log_lines("json")
    national_id, token, request_id = await _exercise(api)
    entries = [json.loads(line) for line in buffer.getvalue().splitlines()]  # every line is one JSON object
    records = [e for e in entries if e["logger"] == "welfare_api.requests"]
    search = next(r for r in records if r["request_id"] == request_id)
    assert search["user"] == "clinic.manager" and search["role"] == "PARTNER_MANAGER"
    assert search["operation"] == "FindByNationalId" and search["outcome"] == "OK"
    assert search["method"] == "POST" and search["path"] == "/graphql" and search["status"] == 200
    assert isinstance(search["duration_ms"], float) and search["duration_ms"] >= 0
    refused = [r for r in records if r["user"] is None and r["outcome"] not in ("OK", None)]
    assert refused and refused[0]["outcome"] in ("UNAUTHENTICATED", "BAD_USER_INPUT", "RATE_LIMITED"), records
    # Every record knows its request; the request ID is also on the other lines of that request.
    assert all(r["request_id"] for r in records)


async def test_an_error_is_the_first_errors_code(api: Api, log_lines) -> None:
    buffer = log_lines("json")
    token = await api.token("clinic.worker1")
    await api.post("query Staff { partners(first: 1) { edges { node { staff(first: 1) { totalCount } } } } }",
                   token=token)
    await api.post("query Broken { nope }", token=token)
    records = {e["operation"]: e for e in map(json.loads, buffer.getvalue().splitlines())
               if e["logger"] == "welfare_api.requests"}
    assert records["Broken"]["outcome"] == "BAD_USER_INPUT"
    assert records["Staff"]["outcome"] in ("FORBIDDEN", "BAD_USER_INPUT") and records["Staff"]["role"] == \
        "PARTNER_WORKER"


@pytest.mark.parametrize("log_format", ["json", "text"])
async def test_never_a_token_password_or_national_id(api: Api, log_lines, log_format: str) -> None:
    buffer = log_lines(log_format)
    national_id, token, _ = await _exercise(api)
    text = buffer.getvalue()
    assert "FindByNationalId" in text  # the records were written, in this format
    assert SECRET_PASSWORD not in text
    assert national_id not in text
    assert token not in text and token.split(".")[2] not in text


def test_scrub_hides_what_slips_through() -> None:
    assert scrub("Key (national_id)=(0012345678) already exists") == "Key (national_id)=([national-id]) already exists"
    assert scrub("کد ملی ۰۰۱۲۳۴۵۶۷۸") == "کد ملی [national-id]"
    assert scrub("phone 09121234567 and id 12345678901") == "phone 09121234567 and id 12345678901"  # 11 digits
    assert scrub("Authorization: Bearer abc.def.ghi") == "Authorization: Bearer [token]"
    assert scrub("token eyJhbGciOi.eyJzdWIi.sig-nature") == "token [token]"

"""Issue #8, item 9: X-Forwarded-For is believed only from the proxies named in TRUSTED_PROXIES (api/client_address.py),
for the audit trail's clientAddress and the login throttle's address alike."""

from __future__ import annotations

import httpx
import pydantic
import pytest

from api.app import create_app
from api.client_address import client_address, trusted_networks
from api.settings import Settings
from tests.conftest import Api, error_code

PROXIES = trusted_networks("10.0.0.0/8, 192.0.2.1, ::1")


@pytest.mark.parametrize(("peer", "forwarded_for", "client"), [
    ("203.0.113.9", ["6.6.6.6"], "203.0.113.9"),  # a peer that is no trusted proxy is the client, whatever it says
    ("192.0.2.1", [], "192.0.2.1"),  # a trusted proxy that forwards nothing is the client itself
    ("192.0.2.1", ["203.0.113.5"], "203.0.113.5"),
    ("192.0.2.1", ["6.6.6.6, 203.0.113.5"], "203.0.113.5"),  # the client forged the leftmost hop
    ("192.0.2.1", ["6.6.6.6", "203.0.113.5"], "203.0.113.5"),  # two headers are one list
    ("192.0.2.1", ["203.0.113.5, 10.1.2.3"], "203.0.113.5"),  # a chain of trusted proxies
    ("192.0.2.1", ["10.0.0.3, 10.1.2.3"], "10.0.0.3"),  # every hop trusted: the leftmost
    ("192.0.2.1", ["unknown"], "192.0.2.1"),  # no address: the proxy that wrote it
    ("192.0.2.1", ["203.0.113.5, garbage"], "192.0.2.1"),
    ("192.0.2.1", ["203.0.113.5, garbage, 10.1.2.3"], "10.1.2.3"),
    ("::1", [" 2001:db8::7 "], "2001:db8::7"),
])
def test_the_rightmost_hop_that_is_no_trusted_proxy_is_the_client(peer, forwarded_for, client):
    assert client_address(peer, forwarded_for, PROXIES) == client


def test_no_trusted_proxy_by_default_and_a_typo_is_refused():
    assert Settings().trusted_proxy_networks == ()
    assert client_address("127.0.0.1", ["6.6.6.6"], ()) == "127.0.0.1"  # loopback is no exception
    assert len(Settings(trusted_proxies=" 10.0.0.0/8 ,192.0.2.1,").trusted_proxy_networks) == 2
    with pytest.raises(pydantic.ValidationError):
        Settings(trusted_proxies="10.0.0.0/8, proxy.example")


EVENTS = """query($f: AuditEventFilter) { auditEvents(filter: $f, first: 50) {
  edges { node { requestId clientAddress } } } }"""
OWN = "{ kindergartens(first: 1) { edges { node { id version } } } }"
UPDATE = """mutation($input: UpdateKindergartenInput!) { updateKindergarten(input: $input) {
  kindergarten { id } } }"""


@pytest.mark.parametrize(("trusted", "forwarded"), [("", False), ("198.51.100.0/24", True)])
async def test_a_forged_forwarded_for_moves_neither_the_trail_nor_the_throttle(settings, database_url, trusted,
                                                                               forwarded):
    """From an untrusted peer, X-Forwarded-For changes neither the audit event's clientAddress nor the throttle's
    address key; with the peer trusted as a proxy, it does."""
    configured = settings.model_copy(update={"trusted_proxies": trusted, "login_max_failures_per_address": 2})
    application = create_app(configured, database_url=database_url, apply_migrations=False)
    transport = httpx.ASGITransport(app=application, client=("198.51.100.7", 40000))
    async with application.router.lifespan_context(application), \
            httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        api = Api(http)
        application.state.services.throttle.clock = lambda: 1_000_000.0  # see test_auth.freeze_throttle_clock
        node = (await api.ok("kindergarten.operator", OWN))["kindergartens"]["edges"][0]["node"]
        result = await api.post(UPDATE, {"input": {"id": node["id"], "version": node["version"], "enrolment": 3}},
                                token=await api.token("kindergarten.operator"),
                                headers={"x-forwarded-for": "203.0.113.66", "x-request-id": "forwarded-0001"})
        assert "errors" not in result, result
        events = (await api.ok("auditor", EVENTS, {"f": {"objectId": node["id"]}}))["auditEvents"]["edges"]
        (event,) = [e["node"] for e in events if e["node"]["requestId"] == "forwarded-0001"]
        assert event["clientAddress"] == ("203.0.113.66" if forwarded else "198.51.100.7")

        codes = []
        for i, name in enumerate(["admin", "yazd.province", "yazd.county"]):
            wrong = await api.post("mutation($u: String!) { login(input: {username: $u, password: \"wrong-pass\"}) "
                                   "{ accessToken } }", {"u": name}, headers={"x-forwarded-for": f"203.0.113.{i}"})
            codes.append(error_code(wrong))
        # Two failures from one address, then its wrong passwords are throttled; three addresses have one each.
        assert codes == ["BAD_USER_INPUT"] * (3 if forwarded else 2) + ([] if forwarded else ["RATE_LIMITED"])

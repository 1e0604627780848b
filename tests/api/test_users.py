"""docs/access.md, roles: who sees which users, `me`, `node` on users, and user management by the offices."""

from __future__ import annotations

from demo.seed import DEMO_ACCOUNTS
from schema.node import to_global_id
from tests.conftest import Api, error_code

USERS = "{ users(first: 200) { totalCount edges { node { id username role version fullName isActive } } } }"
ME = "{ me { role scope user { id username role } organization { id name } } }"
NODE = "query($id: ID!) { node(id: $id) { id ... on User { username role } } }"
PARTNERS = "{ partners(first: 200) { edges { node { id name licenseNumber county { code } } } } }"
CREATE = """mutation($input: CreateUserInput!) {
  createUser(input: $input) { user { id username role isActive organization { id } } }
}"""
UPDATE = "mutation($input: UpdateUserInput!) { updateUser(input: $input) { user { id role isActive version } } }"

ALL_USERNAMES = {name for name, _, _ in DEMO_ACCOUNTS}
YAZD_COUNTY_USERNAMES = {"yazd.county", "clinic.manager", "clinic.worker1", "clinic.worker2", "clinic2.manager",
                         "childhome.manager", "kindergarten.operator"}
CLINIC1_LICENSE = "YZD-CL-1390-014"
CHARITY_LICENSE = "YZD-CH-1395-006"


async def usernames(api: Api, username: str) -> set[str]:
    data = await api.ok(username, USERS)
    names = {edge["node"]["username"] for edge in data["users"]["edges"]}
    assert data["users"]["totalCount"] == len(names)
    return names


async def all_users(api: Api) -> dict[str, dict]:
    """Every demo user but `admin`, as the province office sees them (the admin's own row comes from `me`)."""
    data = await api.ok("yazd.province", USERS)
    return {edge["node"]["username"]: edge["node"] for edge in data["users"]["edges"]}


async def own_user(api: Api, username: str) -> dict:
    return (await api.ok(username, "{ me { user { id username role version fullName isActive } } }"))["me"]["user"]


async def partner_id(api: Api, license_number: str, as_user: str = "admin") -> str:
    data = await api.ok(as_user, PARTNERS)
    (found,) = [e["node"]["id"] for e in data["partners"]["edges"] if e["node"]["licenseNumber"] == license_number]
    return found


async def organization_of(api: Api, username: str) -> str:
    return (await api.ok(username, ME))["me"]["organization"]["id"]


def new_user(organization_id: str, **overrides) -> dict:
    data = {"username": "new.worker", "password": "a-long-password-1", "fullName": "کاربر تازه",
            "role": "PARTNER_WORKER", "organizationId": organization_id}
    data.update(overrides)
    return {"input": data}


def field_of(result: dict) -> str | None:
    return result["errors"][0]["extensions"].get("field")


# --- the users list ---------------------------------------------------------------------------------------


async def test_admin_sees_all_demo_users(api):
    """NATIONAL_ADMIN: everything."""
    assert await usernames(api, "admin") == ALL_USERNAMES
    assert len(ALL_USERNAMES) == 13


async def test_province_officer_sees_users_of_its_province(api):
    """PROVINCE_OFFICER: all rows in its province — every demo user but the national office's admin."""
    assert await usernames(api, "yazd.province") == ALL_USERNAMES - {"admin"}


async def test_county_officer_sees_only_users_of_its_county(api):
    """COUNTY_OFFICER: all rows in its county — not Meybod's office or charity, not the province office."""
    names = await usernames(api, "yazd.county")
    assert names == YAZD_COUNTY_USERNAMES
    assert not names & {"meybod.county", "meybod.supervisor", "charity.manager", "yazd.province", "auditor", "admin"}


async def test_non_managing_roles_may_not_list_users(api):
    """Only the offices that manage users may ask for `users`; partners, operators, supervisors, auditors may not."""
    for username in ("clinic.manager", "clinic.worker1", "charity.manager", "childhome.manager",
                     "kindergarten.operator", "meybod.supervisor", "auditor"):
        result = await api.as_user(username, USERS)
        assert error_code(result) == "FORBIDDEN", username
        assert result.get("data") is None, username


async def test_users_filter_narrows_and_never_widens(api):
    """A filter narrows the slice; asking for another county's organisation gives an empty list."""
    meybod_office = await organization_of(api, "meybod.county")
    query = "query($o: ID!) { users(filter: {organizationId: $o}) { totalCount edges { node { username } } } }"
    data = await api.ok("yazd.county", query, {"o": meybod_office})
    assert data["users"] == {"totalCount": 0, "edges": []}
    data = await api.ok("yazd.province", query, {"o": meybod_office})
    assert {e["node"]["username"] for e in data["users"]["edges"]} == {"meybod.county", "meybod.supervisor"}


# --- me and node -------------------------------------------------------------------------------------------


async def test_me_works_for_every_demo_account(api):
    for username, role, _ in DEMO_ACCOUNTS:
        data = await api.ok(username, ME)
        assert data["me"]["role"] == role, username
        assert data["me"]["user"]["username"] == username
        assert data["me"]["user"]["role"] == role
        assert data["me"]["organization"] is not None, username


async def test_partner_worker_node_reaches_only_itself(api):
    """docs/access.md rule 3: another user's ID answers null, like a missing one; one's own ID answers itself."""
    me = (await api.ok("clinic.worker1", ME))["me"]["user"]
    own = await api.ok("clinic.worker1", NODE, {"id": me["id"]})
    assert own["node"] == {"id": me["id"], "username": "clinic.worker1", "role": "PARTNER_WORKER"}
    users = await all_users(api)
    users["admin"] = await own_user(api, "admin")
    for other in ("clinic.worker2", "clinic.manager", "admin"):
        result = await api.as_user("clinic.worker1", NODE, {"id": users[other]["id"]})
        assert "errors" not in result, result
        assert result["data"]["node"] is None, other
    missing = await api.as_user("clinic.worker1", NODE, {"id": to_global_id("User", 999999)})
    assert missing == {"data": {"node": None}}


async def test_county_officer_node_on_user_outside_its_county_is_null(api):
    users = await all_users(api)
    users["admin"] = await own_user(api, "admin")
    assert (await api.ok("yazd.county", NODE, {"id": users["clinic.worker1"]["id"]}))["node"]["username"] == \
        "clinic.worker1"
    for other in ("meybod.county", "yazd.province", "admin"):
        assert (await api.ok("yazd.county", NODE, {"id": users[other]["id"]}))["node"] is None, other


# --- createUser ----------------------------------------------------------------------------------------------


async def test_county_officer_creates_a_worker_at_a_clinic_of_its_county(api):
    clinic = await partner_id(api, CLINIC1_LICENSE, as_user="yazd.county")
    data = await api.ok("yazd.county", CREATE, new_user(clinic))
    user = data["createUser"]["user"]
    assert user["username"] == "new.worker" and user["role"] == "PARTNER_WORKER" and user["isActive"]
    assert user["organization"]["id"] == clinic
    token = await api.token("new.worker", "a-long-password-1")
    me = await api.post(ME, token=token)
    assert me["data"]["me"]["role"] == "PARTNER_WORKER"
    assert me["data"]["me"]["organization"]["id"] == clinic
    assert "new.worker" in await usernames(api, "yazd.county")


async def test_county_officer_cannot_grant_a_higher_role(api):
    """Offices grant only roles below their own."""
    province_office = await organization_of(api, "yazd.province")
    own_office = await organization_of(api, "yazd.county")
    for role, organization in (("PROVINCE_OFFICER", province_office), ("COUNTY_OFFICER", own_office),
                               ("NATIONAL_ADMIN", own_office)):
        result = await api.as_user("yazd.county", CREATE, new_user(organization, role=role))
        assert error_code(result) == "FORBIDDEN", role
    assert "new.worker" not in await usernames(api, "yazd.province")


async def test_county_officer_cannot_create_a_user_in_another_county(api):
    """Rule 3 and 4: an organisation outside the area answers NOT_FOUND, like one that does not exist."""
    charity = await partner_id(api, CHARITY_LICENSE)
    meybod_office = await organization_of(api, "meybod.county")
    province_office = await organization_of(api, "yazd.province")
    answers = []
    for organization, role in ((charity, "PARTNER_WORKER"), (meybod_office, "SUPERVISOR"),
                               (province_office, "AUDITOR"), (to_global_id("Partner", 999999), "PARTNER_WORKER")):
        result = await api.as_user("yazd.county", CREATE, new_user(organization, role=role))
        assert error_code(result) == "NOT_FOUND", organization
        assert field_of(result) == "organizationId"
        answers.append((result["errors"][0]["message"], result["errors"][0]["extensions"]))
    assert all(answer == answers[-1] for answer in answers)
    assert "new.worker" not in await usernames(api, "yazd.province")


async def test_role_must_fit_the_organisation_kind(api):
    clinic = await partner_id(api, CLINIC1_LICENSE, as_user="yazd.county")
    for role in ("KINDERGARTEN_OPERATOR", "SUPERVISOR", "AUDITOR"):
        result = await api.as_user("yazd.county", CREATE, new_user(clinic, role=role))
        assert error_code(result) == "BAD_USER_INPUT", role
        assert field_of(result) == "role"


async def test_duplicate_username_is_a_conflict(api):
    clinic = await partner_id(api, CLINIC1_LICENSE, as_user="yazd.county")
    result = await api.as_user("yazd.county", CREATE, new_user(clinic, username="clinic.worker2"))
    assert error_code(result) == "CONFLICT"
    result = await api.as_user("yazd.county", CREATE, new_user(clinic, username="Clinic.Worker2"))
    assert error_code(result) == "CONFLICT"


async def test_short_password_is_refused(api):
    clinic = await partner_id(api, CLINIC1_LICENSE, as_user="yazd.county")
    result = await api.as_user("yazd.county", CREATE, new_user(clinic, password="short"))
    assert error_code(result) == "BAD_USER_INPUT"
    assert field_of(result) == "password"
    assert "new.worker" not in await usernames(api, "yazd.province")


async def test_staff_record_of_another_clinic_is_refused(api):
    """Rule 4: a staff member named by ID must be at the same partner."""
    clinic2 = await partner_id(api, "YZD-CL-1403-027", as_user="yazd.county")
    clinic1 = await partner_id(api, CLINIC1_LICENSE, as_user="yazd.county")
    staff = await api.ok("yazd.county", "query($id: ID!) { node(id: $id) { ... on Partner { staff { id } } } }",
                         {"id": clinic1})
    staff_id = staff["node"]["staff"][-1]["id"]
    result = await api.as_user("yazd.county", CREATE, new_user(clinic2, staffMemberId=staff_id))
    assert error_code(result) == "BAD_USER_INPUT"
    assert field_of(result) == "staffMemberId"


async def test_partner_manager_cannot_create_users(api):
    clinic = await organization_of(api, "clinic.manager")
    assert error_code(await api.as_user("clinic.manager", CREATE, new_user(clinic))) == "FORBIDDEN"


# --- updateUser ----------------------------------------------------------------------------------------------


async def test_stale_version_is_a_conflict(api):
    users = await all_users(api)
    target = users["clinic.worker2"]
    await api.ok("yazd.county", UPDATE, {"input": {"id": target["id"], "version": target["version"],
                                                    "fullName": "نام تازه"}})
    result = await api.as_user("yazd.county", UPDATE, {"input": {"id": target["id"], "version": target["version"],
                                                                  "isActive": False}})
    assert error_code(result) == "CONFLICT"
    after = (await all_users(api))["clinic.worker2"]
    assert after["isActive"] is True and after["version"] == target["version"] + 1


async def test_county_officer_cannot_update_the_province_officer(api):
    before = await own_user(api, "yazd.province")
    for changes in ({"isActive": False}, {"role": "AUDITOR"}, {"password": "taken-over-123"}):
        result = await api.as_user("yazd.county", UPDATE, {"input": {"id": before["id"], "version": before["version"],
                                                                      **changes}})
        assert error_code(result) in ("NOT_FOUND", "FORBIDDEN"), changes
    assert await own_user(api, "yazd.province") == before
    assert "errors" not in await api.post(ME, token=await api.token("yazd.province"))


async def test_county_officer_cannot_update_a_peer_county_officer(api):
    before = (await all_users(api))["meybod.county"]
    result = await api.as_user("yazd.county", UPDATE, {"input": {"id": before["id"], "version": before["version"],
                                                                  "isActive": False}})
    assert error_code(result) == "NOT_FOUND"
    assert (await all_users(api))["meybod.county"] == before


async def test_county_officer_cannot_promote_above_its_own_role(api):
    before = (await all_users(api))["clinic.manager"]
    result = await api.as_user("yazd.county", UPDATE, {"input": {"id": before["id"], "version": before["version"],
                                                                  "role": "COUNTY_OFFICER"}})
    assert error_code(result) in ("FORBIDDEN", "BAD_USER_INPUT")
    assert (await all_users(api))["clinic.manager"] == before


async def test_demotion_takes_effect_on_the_next_request(api):
    """issue #2: demoting a user takes effect at once — their very next request carries the new role."""
    token = await api.token("clinic.manager")
    assert (await api.post(ME, token=token))["data"]["me"]["role"] == "PARTNER_MANAGER"
    assert "errors" not in await api.post("{ partners { totalCount } }", token=token)
    target = (await all_users(api))["clinic.manager"]
    await api.ok("yazd.county", UPDATE, {"input": {"id": target["id"], "version": target["version"],
                                                    "role": "PARTNER_WORKER"}})
    me = await api.post(ME, token=token)
    assert me["data"]["me"]["role"] == "PARTNER_WORKER"
    assert me["data"]["me"]["scope"] == "OWN_ASSIGNMENT"


async def test_nobody_may_change_their_own_account(api):
    for username in ("admin", "yazd.province", "yazd.county"):
        me = (await api.ok(username, "{ me { user { id version } } }"))["me"]["user"]
        for changes in ({"fullName": "خودم"}, {"isActive": False}, {"role": "AUDITOR"}):
            result = await api.as_user(username, UPDATE, {"input": {"id": me["id"], "version": me["version"],
                                                                     **changes}})
            assert error_code(result) == "FORBIDDEN", (username, changes)
        assert (await api.ok(username, "{ me { user { version isActive } } }"))["me"]["user"] == \
            {"version": me["version"], "isActive": True}


async def test_a_password_change_retires_the_tokens_issued_before_it(api, settings):
    """A stolen token must not outlive the password reset that answers the theft."""
    import datetime

    from auth.tokens import token_service_from_settings

    tokens = token_service_from_settings(settings)
    earlier = tokens.issue("clinic.worker2", now=datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=30))
    assert "errors" not in await api.post(ME, token=earlier.token)
    target = (await all_users(api))["clinic.worker2"]
    await api.ok("yazd.county", UPDATE, {"input": {"id": target["id"], "version": target["version"],
                                                    "password": "a-brand-new-password"}})
    assert error_code(await api.post(ME, token=earlier.token)) == "UNAUTHENTICATED"
    fresh = await api.token("clinic.worker2", "a-brand-new-password")
    assert (await api.post(ME, token=fresh))["data"]["me"]["role"] == "PARTNER_WORKER"

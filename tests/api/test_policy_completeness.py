"""docs/access.md rule 5: every field and mutation of the schema has a declared policy; default deny."""

from __future__ import annotations

from graphql import GraphQLInterfaceType, GraphQLObjectType, get_named_type

from auth.policy import INPUT_FIELDS, INPUT_VALUES, JALALI_SUFFIX, POLICY, field_roles, may_select
from auth.roles import ALL_ROLES
from schema import build_schema
from schema.rowtypes import JALALI_OF


def schema_fields() -> set[tuple[str, str]]:
    graphql_schema = build_schema()._schema
    found = set()
    for name, graphql_type in graphql_schema.type_map.items():
        if name.startswith("__") or not isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType):
            continue
        found.update((name, field) for field in graphql_type.fields)
    return found


def test_every_field_and_mutation_has_a_policy():
    missing = sorted(f"{t}.{f}" for t, f in schema_fields() if field_roles(t, f) is None)
    assert not missing, f"fields without a declared policy: {missing}"


def test_policy_names_no_field_the_schema_lacks():
    """A stale entry would hide a rename: the table and the schema must agree both ways."""
    fields = schema_fields()
    stale = sorted(f"{t}.{f}" for t, p in POLICY.items() for f in p.fields if (t, f) not in fields)
    assert not stale, f"policy entries for fields the schema does not have: {stale}"


def test_an_undeclared_field_is_denied_to_every_role():
    assert not any(may_select(role, "Partner", "notDeclaredAnywhere") for role in ALL_ROLES)
    assert not any(may_select(role, "NoSuchType", "id") for role in ALL_ROLES)
    assert not may_select(None, "Query", "partners")


def test_restricted_input_fields_exist_in_the_schema():
    graphql_schema = build_schema()._schema
    for input_type, fields in (*INPUT_FIELDS.items(), *INPUT_VALUES.items()):
        assert set(fields) <= set(graphql_schema.type_map[input_type].fields), input_type


def test_only_date_companions_take_their_policy_from_another_field():
    """`xJalali` is declared with `x` (auth/policy.field_roles) only because it shows the same date: every field
    that borrows its policy so is a companion made by schema/rowtypes.py, and shows exactly its date."""
    graphql_schema = build_schema()._schema
    borrowed = [(t, f) for t, f in schema_fields() if t in POLICY and f not in POLICY[t].fields]
    assert borrowed, "the companions are declared with their dates, not one by one"
    for type_name, field_name in borrowed:
        definition = graphql_schema.type_map[type_name].fields[field_name].extensions["strawberry-definition"]
        date_field = field_name.removesuffix(JALALI_SUFFIX)
        assert definition.metadata.get(JALALI_OF) is not None, f"{type_name}.{field_name} is not a Jalali companion"
        assert field_roles(type_name, field_name) == POLICY[type_name].fields[date_field]


def test_plumbing_names_are_used_only_for_plumbing():
    """auth/policy.plumbing_roles opens every `…Connection`, `…Edge` and `…Payload` to whoever reached it. That is
    safe only while such types wrap: a connection is returned by list fields only, an edge by its connection, a
    payload by mutations only."""
    graphql_schema = build_schema()._schema
    returned_by: dict[str, set[str]] = {}
    for name, graphql_type in graphql_schema.type_map.items():
        if name.startswith("__") or not isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType):
            continue
        for field in graphql_type.fields.values():
            returned_by.setdefault(get_named_type(field.type).name, set()).add(name)
    for name in graphql_schema.type_map:
        if name.endswith("Connection"):
            assert set(graphql_schema.type_map[name].fields) == {"edges", "pageInfo", "totalCount"}, name
        elif name.endswith("Edge"):
            assert returned_by[name] == {name.removesuffix("Edge") + "Connection"}, name
        elif name.endswith("Payload"):
            assert returned_by[name] == {"Mutation"}, name

"""schema.graphql at the root is the contract partners read; it must be what the server prints."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from schema import build_schema

ROOT = Path(__file__).resolve().parents[2]


def test_schema_file_is_current():
    printed = build_schema().as_str() + "\n"
    assert (ROOT / "schema.graphql").read_text() == printed, "run: welfare-api schema > schema.graphql"


def test_cli_prints_the_schema():
    result = subprocess.run([sys.executable, "-m", "api.cli", "schema"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (ROOT / "schema.graphql").read_text()


def test_contract_names_are_present():
    """docs/api.md fixes these names; they may be added to, never renamed."""
    sdl = (ROOT / "schema.graphql").read_text()
    for name in ("me: Viewer!", "node(id: ID!): Node", "partners(", "kindergartens(", "login(input: LoginInput!)",
                 "registerPartner(input: RegisterPartnerInput!)", "registerKindergarten(input:",
                 "updateKindergarten(input:", "enum Role", "enum PartnerKind", "enum ClinicGrade",
                 "enum KindergartenKind", "enum LicenseStatus", "totalCount: Int!"):
        assert name in sdl, name


def test_every_type_field_and_enum_value_is_described():
    from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType

    undocumented = []
    for name, graphql_type in build_schema()._schema.type_map.items():
        if name.startswith("__") or name in ("Query", "Mutation"):
            continue
        if isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            if not graphql_type.description:
                undocumented.append(name)
            undocumented += [f"{name}.{f}" for f, d in graphql_type.fields.items() if not d.description]
        if isinstance(graphql_type, GraphQLEnumType):
            undocumented += [f"{name}.{v}" for v, d in graphql_type.values.items()
                             if not (d.description or "").startswith("«")]
    assert not undocumented, undocumented

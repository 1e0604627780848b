"""The policy table (`auth/policy.py`) as Markdown: the generated part of `docs/access.md`.

`welfare-api policy --markdown` prints it; `tests/test_docs.py` fails when `docs/access.md` holds anything else
between its markers, so the document a partner's developer reads is the table the server enforces (docs/access.md
rule 5). Pure: it reads the table and returns text.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from auth.policy import (
    DELEGATED_ONLY,
    INPUT_FIELDS,
    INPUT_VALUES,
    JALALI_SUFFIX,
    POLICY,
    PUBLIC,
    Roles,
    TypePolicy,
)
from auth.roles import Role
from auth.scope import RowScope

BEGIN = "<!-- BEGIN GENERATED: welfare-api policy --markdown -->"
END = "<!-- END GENERATED -->"

# Column order and short names: the office tiers first, then the partners, then the others.
ROLE_COLUMNS: tuple[tuple[Role, str], ...] = (
    (Role.NATIONAL_ADMIN, "NA"),
    (Role.PROVINCE_OFFICER, "PO"),
    (Role.COUNTY_OFFICER, "CO"),
    (Role.SUPERVISOR, "SU"),
    (Role.PARTNER_MANAGER, "PM"),
    (Role.PARTNER_WORKER, "PW"),
    (Role.KINDERGARTEN_OPERATOR, "KO"),
    (Role.AUDITOR, "AU"),
)
YES = "✓"
NO = "·"


def _marks(roles: Roles) -> list[str]:
    """One mark per column: "no token" first, then each role."""
    if roles == PUBLIC:
        return [YES] * (len(ROLE_COLUMNS) + 1)
    return [NO] + [YES if role in roles else NO for role, _ in ROLE_COLUMNS]


def _names(names: Iterable[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)


def _grouped(fields: dict[str, Roles]) -> list[tuple[list[str], Roles]]:
    """Fields with the same roles on one line, in the order the table first names each set of roles."""
    groups: list[tuple[list[str], Roles]] = []
    for name, roles in fields.items():
        for names, group_roles in groups:
            if group_roles == roles:
                names.append(name)
                break
        else:
            groups.append(([name], roles))
    return groups


def _header(first: str) -> list[str]:
    columns = [first, "no token", *(short for _, short in ROLE_COLUMNS)]
    return ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]


def _field_table(first: str, fields: dict[str, Roles]) -> list[str]:
    lines = _header(first)
    for names, roles in _grouped(fields):
        lines.append("| " + " | ".join([_names(names), *_marks(roles)]) + " |")
    return lines


# How each column of a RowScope reads; a column added to RowScope and not named here shows by its own name.
SCOPE_LABELS = {"province": "province", "county": "county", "organization": "organisation", "worker": "worker",
                "self_user": "own user", "until": "partners and workers until", "also_provinces": "also provinces",
                "also_counties": "also counties", "worker_organization": "a worker reaches its own organisation",
                "national": "national roles reach rows"}


def _changed(instance: object) -> list[tuple[str, object]]:
    """A dataclass's fields whose value differs from the default, in declaration order."""
    changed = []
    for spec in dataclasses.fields(instance):  # type: ignore[arg-type]
        value = getattr(instance, spec.name)
        default = spec.default_factory() if spec.default_factory is not dataclasses.MISSING else spec.default
        if value != default:
            changed.append((spec.name, value))
    return changed


def _row_scope(row_scope: RowScope) -> str:
    """Which columns of the type's table carry each level of ownership."""
    parts = []
    for name, value in _changed(row_scope):
        label = SCOPE_LABELS.get(name, name)
        parts.append(f"{label} `{value}`" if isinstance(value, str) else f"{label}: {'yes' if value else 'no'}")
    return "; ".join(parts) or "none"


def _rows_table(types: dict[str, TypePolicy]) -> list[str]:
    lines = ["| type | roles whose scope reaches rows | columns of the scope | further conditions | others |",
             "|---|---|---|---|---|"]
    for name, type_policy in types.items():
        row_scope = type_policy.row_scope
        if row_scope is None:
            continue
        reach = " ".join(short for role, short in ROLE_COLUMNS if role in type_policy.row_roles) or "none"
        further = [f"`{field_name}` = `{value!r}`" for field_name, value in _changed(type_policy)
                   if field_name not in ("fields", "row_scope", "row_roles")]
        others = "their own user only" if row_scope.self_user else "no row"
        lines.append(f"| `{name}` | {reach} | {_row_scope(row_scope)} | {'; '.join(further) or '—'} | {others} |")
    return lines


def _input_tables() -> list[str]:
    lines = ["| input field | no token | " + " | ".join(short for _, short in ROLE_COLUMNS) + " |",
             "|" + "---|" * (len(ROLE_COLUMNS) + 2)]
    for input_type, fields in INPUT_FIELDS.items():
        for names, roles in _grouped(dict(fields)):
            lines.append(f"| `{input_type}`: {_names(names)} | " + " | ".join(_marks(roles)) + " |")
    values = ["| input value | no token | " + " | ".join(short for _, short in ROLE_COLUMNS) + " |",
              "|" + "---|" * (len(ROLE_COLUMNS) + 2)]
    for input_type, by_field in INPUT_VALUES.items():
        for field_name, by_value in by_field.items():
            for value, roles in by_value.items():
                values.append(f"| `{input_type}.{field_name}: {value}` | " + " | ".join(_marks(roles)) + " |")
    return [*lines, "", "Values narrower than their field (any other value: the field's roles):", "", *values]


def policy_markdown() -> str:
    """The generated part of docs/access.md, markers included, ending with a newline."""
    delegated = " ".join(short for role, short in ROLE_COLUMNS if role in DELEGATED_ONLY)
    legend = ", ".join(f"{short} `{role.value}`" for role, short in ROLE_COLUMNS)
    plain = {name: policy for name, policy in POLICY.items() if name not in ("Query", "Mutation") and policy.fields}
    out = [
        BEGIN,
        "",
        "_Generated from `auth/policy.py` by `welfare-api policy --markdown`; `tests/test_docs.py` keeps it current. "
        "Edit the table in the code, then regenerate this part._",
        "",
        f"Columns: {legend}; \"no token\" is a request without one. {YES} may use, {NO} may not (refused as "
        "`FORBIDDEN` before anything runs). A date's `…" + JALALI_SUFFIX + "` companion has its date's roles. "
        "Connections (`edges`, `pageInfo`, `totalCount`), their edges (`cursor`, `node`) and mutation payloads are "
        "open to whoever reached them through a field below. A field the table does not name is refused.",
        "",
        "### Queries",
        "",
        *_field_table("field of `Query`", POLICY["Query"].fields),
        "",
        "### Mutations",
        "",
        *_field_table("mutation", POLICY["Mutation"].fields),
        "",
        "### Input fields and values",
        "",
        "Input fields narrower than the mutation or filter that takes them (the other fields: the mutation's roles):",
        "",
        *_input_tables(),
        "",
        "### Types and fields",
        "",
    ]
    for name, type_policy in plain.items():
        out += [f"#### `{name}`", "", *_field_table("field", type_policy.fields), ""]
    out += [
        "### Rows",
        "",
        "Which rows of each table-backed type a role reaches (`auth/scope.py`): an office role those of its area "
        "(national: all; province, county: the column named), the partner manager and the kindergarten operator "
        "those of their organisation, the partner worker those assigned to them. A role not listed reaches no row "
        "of the type (or only its own user). The same scope decides writes (rule 4) and is set again in PostgreSQL "
        "for row-level security (rule 6). Further conditions are the type's other settings in `auth/policy.py`: "
        f"there, the roles of `DELEGATED_ONLY` ({delegated}) reach a file and its records only while a partner "
        "serves the file on a live assignment (`delegated_file`).",
        "",
        *_rows_table(POLICY),
        "",
        END,
    ]
    return "\n".join(out) + "\n"


def splice(document: str, generated: str) -> str:
    """`document` with the part between its markers (included) replaced by `generated`."""
    head, found, rest = document.partition(BEGIN)
    if not found or END not in rest:
        raise ValueError(f"the document has no {BEGIN} … {END} markers")
    return head + generated.rstrip("\n") + rest.partition(END)[2]

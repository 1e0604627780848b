"""The documents in docs/ stay true to the code: the policy table is the one the server enforces, every function they
name exists, and nothing in the repository cites a document that is not in it (issue 11)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from auth.policy_markdown import BEGIN, END, policy_markdown, splice

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

# `path/to/module.py` or `path/to/module.py:name` (a function, class or constant; `Class.method` for a method).
CODE_REFERENCE = re.compile(r"`([\w/]+\.py)(?::([\w.]+))?`")
# A Markdown file named in any text: `docs/api.md`, `README.md`, `bench/README.md`.
MARKDOWN_NAME = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w.-]+\.md)\b")
URL = re.compile(r"\w+://\S+")
ACCESS_RULE_CITATION = re.compile(r"docs/access\.md,? rules? (\d+(?:\s*(?:,|–|-|and)\s*\d+)*)")
TEXT_SUFFIXES = frozenset({".py", ".md", ".graphql", ".toml", ".yaml", ".yml", ".ts", ".tsx", ".js", ".sh", ".cfg",
                           ".ini", ".txt", ".sql"})
# graphiql_assets: GraphiQL's fetched files (api/graphiql.py), not the project's text.
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "build", "dist", "venv", "graphiql_assets"})


def generated_part(document: str) -> str:
    return BEGIN + document.split(BEGIN, 1)[1].split(END, 1)[0] + END + "\n"


def test_access_md_holds_the_policy_table_the_server_enforces():
    document = (DOCS / "access.md").read_text()
    assert generated_part(document) == policy_markdown(), (
        "docs/access.md is out of date: run `welfare-api policy --markdown --into docs/access.md`")


def test_the_cli_prints_the_policy_table_and_splices_it(tmp_path):
    printed = subprocess.run([sys.executable, "-m", "api.cli", "policy", "--markdown"], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout == policy_markdown()
    stale = tmp_path / "access.md"
    stale.write_text(f"# prose kept\n\n{BEGIN}\nan old table\n{END}\n\nmore prose\n")
    spliced = subprocess.run([sys.executable, "-m", "api.cli", "policy", "--markdown", "--into", str(stale)],
                             cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert spliced.returncode == 0, spliced.stderr
    assert stale.read_text() == f"# prose kept\n\n{policy_markdown().rstrip()}\n\nmore prose\n"
    with pytest.raises(ValueError):
        splice("no markers", policy_markdown())


def marks(table: str, type_name: str, field: str) -> dict[str, str]:
    """The marks of the row naming `field` in the table of `type_name`, by column (no token, NA, PO, …)."""
    section = table.split(f"#### `{type_name}`", 1)[1].split("####", 1)[0]
    header, _, *rows = [line for line in section.splitlines() if line.startswith("|")]
    columns = [cell.strip() for cell in header.split("|")[2:-1]]
    row = next(line for line in rows if f"`{field}`" in line.split("|")[1])
    return dict(zip(columns, (cell.strip() for cell in row.split("|")[2:-1]), strict=True))


def test_the_policy_table_says_what_the_policy_says():
    """Spot checks: a worker reads a file's assignment but not the partner's staff list (README, "A first query");
    the login needs no token."""
    table = policy_markdown()
    assert marks(table, "StaffMember", "fullName") == {
        "no token": "·", "NA": "✓", "PO": "✓", "CO": "✓", "SU": "✓", "PM": "✓", "PW": "·", "KO": "·", "AU": "·"}
    assert marks(table, "Assignment", "worker")["PW"] == "✓"
    login = next(line for line in table.splitlines() if line.startswith("| `login`"))
    assert login.count("✓") == 9


@cache
def defined_names(path: Path) -> frozenset[str]:
    """Top-level functions, classes and assigned names of a module, and `Class.member` for its classes' members."""
    names: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names.add(node.name)
            for member in node.body:
                if isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef):
                    names.add(f"{node.name}.{member.name}")
                elif isinstance(member, ast.AnnAssign) and isinstance(member.target, ast.Name):
                    names.add(f"{node.name}.{member.target.id}")
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return frozenset(names)


def code_references(document: str) -> list[tuple[str, str | None]]:
    return [(path, name or None) for path, name in CODE_REFERENCE.findall(document)]


@pytest.mark.parametrize("document", ["access.md", "domain.md", "api.md"])
def test_every_module_and_function_a_document_names_exists(document):
    references = code_references((DOCS / document).read_text())
    missing = []
    for path, name in references:
        module = ROOT / path
        if not module.is_file():
            missing.append(path)
        elif name is not None and name not in defined_names(module):
            missing.append(f"{path}:{name}")
    assert not missing, f"docs/{document} names what the code does not have: {missing}"


def rule_codes() -> set[str]:
    """The `rule` of every RuleViolation the code raises (rules/ and schema/): a string, or a module's constant."""
    modules = [path for folder in ("rules", "schema") for path in (ROOT / folder).rglob("*.py")]
    constants: dict[Path, dict[str, str]] = {}
    for path in modules:
        constants[path] = {target.id: node.value.value for node in ast.parse(path.read_text()).body
                           if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                           and isinstance(node.value.value, str)
                           for target in node.targets if isinstance(target, ast.Name)}
    anywhere = {name: value for names in constants.values() for name, value in names.items()}
    codes = set()
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "RuleViolation" and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant):
                    codes.add(first.value)
                elif isinstance(first, ast.Name):
                    codes.add(constants[path].get(first.id) or anywhere[first.id])
    return codes


def test_domain_md_names_every_rule_code_beside_its_function():
    """docs/api.md promises it: each `extensions.rule` a client can meet is in docs/domain.md, in a row naming the
    function that applies the rule."""
    domain = (DOCS / "domain.md").read_text()
    assert len(code_references(domain)) >= 80
    codes = rule_codes() | {"ART_4_2_QUOTA"}  # QUOTA_EXCEEDED's rule (rules/delegation.py:QuotaBreach)
    assert len(codes) >= 25
    rows = [line for line in domain.splitlines() if line.startswith("|") and code_references(line)]
    assert not [code for code in sorted(codes) if not any(f"`{code}`" in row for row in rows)]


def repository_texts() -> list[Path]:
    """The repository's text files, without what tools make (virtual environments, caches, node_modules)."""
    found = []
    for path in ROOT.rglob("*"):
        parts = path.relative_to(ROOT).parts
        if any(part.startswith(".") or part in SKIPPED_DIRS or part.endswith(".egg-info") for part in parts):
            continue
        if path.is_file() and (path.suffix in TEXT_SUFFIXES or path.name == "Dockerfile"):
            found.append(path)
    return found


def test_no_file_cites_a_document_that_is_not_in_the_repository():
    """The repository must make sense on its own: a Markdown file named anywhere (a docstring, a schema
    description, the README) is one of its own, found from the root or from the citing file's folder."""
    texts = repository_texts()
    ours = {"/" + path.relative_to(ROOT).as_posix() for path in texts if path.suffix == ".md"}
    dangling = []
    for path in texts:
        text = URL.sub("", path.read_text(errors="replace"))
        for name in set(MARKDOWN_NAME.findall(text)):
            # From the root, from the citing file's folder, or the tail of one of ours ("access.md" under docs/).
            if not ((ROOT / name).is_file() or (path.parent / name).is_file()
                    or any(own.endswith("/" + name) for own in ours)):
                dangling.append(f"{path.relative_to(ROOT)}: {name}")
    assert not dangling, dangling


def test_access_rule_citations_name_rules_that_exist():
    """"docs/access.md rule 7" means the seventh of its numbered rules: no citation names a rule it does not have."""
    rules_section = (DOCS / "access.md").read_text().split("## Rules that must hold", 1)[1].split("\n## ", 1)[0]
    numbers = {int(n) for n in re.findall(r"^(\d+)\. \*\*", rules_section, flags=re.M)}
    assert numbers == set(range(1, 8))
    wrong = []
    for path in repository_texts():
        for cited in ACCESS_RULE_CITATION.findall(path.read_text(errors="replace")):
            if not {int(n) for n in re.findall(r"\d+", cited)} <= numbers:
                wrong.append(f"{path.relative_to(ROOT)}: rule {cited}")
    assert not wrong, wrong

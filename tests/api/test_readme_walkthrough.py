"""The README's "A worker's month" runs as written: each operation as the account its first line names, in order,
with the capitalised IDs taken from the demo data and from the answers before it."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

from rules.jalali import parse_date

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
WALKTHROUGH = re.findall(r"```graphql walkthrough\n# as (\S+)\n(.*?)```", README, flags=re.S)


def ids_by_key(data: Any, found: dict[str, str]) -> dict[str, str]:
    """AID_PLAN_ID from `aidPlan { id }` and so on: every object with an id in an answer, by its key."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, dict) and isinstance(value.get("id"), str):
                found[re.sub(r"(?<!^)(?=[A-Z])", "_", key).upper() + "_ID"] = value["id"]
            ids_by_key(value, found)
    elif isinstance(data, list):
        for item in data:
            ids_by_key(item, found)
    return found


async def test_a_workers_month_runs_as_written(api):
    assert len(WALKTHROUGH) >= 8
    earliest = min(parse_date(d) for d in re.findall(r'On: "(\d{4}-\d{2}-\d{2})"', README))
    files = await api.ok("clinic.worker1", "{ families(first: 100) { edges { node { id currentAssignment { "
                                           "assignedOn } } } } }")
    # A file that was the worker's before the walkthrough's first day (its dates are Jalali days of Aban 1405).
    family = next(e["node"]["id"] for e in files["families"]["edges"]
                  if datetime.date.fromisoformat(e["node"]["currentAssignment"]["assignedOn"]) <= earliest)
    children = await api.ok("childhome.manager", "{ children(first: 1) { edges { node { id } } } }")
    ids = {"FAMILY_ID": family, "CHILD_ID": children["children"]["edges"][0]["node"]["id"]}
    for username, operation in WALKTHROUGH:
        for name, value in ids.items():
            operation = operation.replace(f'"{name}"', f'"{value}"')
        data = await api.ok(username, operation)
        assert all(value is not None for value in data.values()), (username, data)
        ids_by_key(data, ids)
    assert data["alerts"]["totalCount"] >= 1

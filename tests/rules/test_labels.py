from __future__ import annotations

from enum import StrEnum

import pytest

from rules.labels import Label, descriptions


@pytest.mark.parametrize(("label", "description"), [
    (Label("اشتغال فردی", "individual employment", "Art. 4.8"), "«اشتغال فردی» — individual employment (Art. 4.8)."),
    (Label("سایر", "another route"), "«سایر» — another route."),
])
def test_description_puts_the_persian_label_first(label: Label, description: str) -> None:
    assert label.description == description


class _Colour(StrEnum):
    RED = "RED"
    BLUE = "BLUE"


def test_descriptions_are_keyed_by_member_name() -> None:
    table = {_Colour.RED: Label("قرمز", "red"), _Colour.BLUE: Label("آبی", "blue")}
    assert descriptions(table) == {"RED": "«قرمز» — red.", "BLUE": "«آبی» — blue."}

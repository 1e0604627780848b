from __future__ import annotations

import pytest

from rules.empowerment import (
    DOMAIN_FIELDS,
    EMPOWERMENT_DOMAINS,
    EMPOWERMENT_LEVELS,
    MAX_TOTAL,
    MIN_TOTAL,
    EmpowermentDomain,
    EmpowermentLevel,
    check_score,
    empowerment_level,
    score_empowerment,
)
from rules.errors import RuleInputError
from rules.persian import normalise_text

D = EmpowermentDomain
L = EmpowermentLevel


def _all(score: int) -> dict[str, object]:
    return {domain: score for domain in D}


def _with_total(total: int) -> dict[str, object]:
    """Eight scores 1–5 adding up to ``total`` (fill from the first domain)."""
    scores: dict[str, object] = {}
    left = total - len(D)
    for domain in D:
        extra = min(4, left)
        scores[domain] = 1 + extra
        left -= extra
    return scores


# --- Art. 1.4: the eight domains ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("domain", "label_fa", "field"), [
    (D.DECISION_MAKING, "قابلیت تصمیم‌گیری", "decisionMaking"),
    (D.SOCIAL_MOBILITY, "تحرک و تعامل اجتماعی", "socialMobility"),
    (D.EDUCATION, "تحصیل", "education"),
    (D.JOB_SKILLS, "مهارت‌های شغلی - حرفه‌ای", "jobSkills"),
    (D.EMPLOYMENT_STATUS, "وضعیت شغلی", "employmentStatus"),
    (D.INCOME, "درآمد", "income"),
    (D.HOUSING, "برخورداری از سرپناه و مسکن", "housing"),
    (D.INSURANCE, "بیمه‌مندی از انواع منابع بیمه‌ای", "insurance"),
])
def test_domains_of_article_1_4(domain: EmpowermentDomain, label_fa: str, field: str) -> None:
    assert EMPOWERMENT_DOMAINS[domain].fa == label_fa
    assert EMPOWERMENT_DOMAINS[domain].description.startswith(f"«{label_fa}» — ")
    assert DOMAIN_FIELDS[domain] == field


def test_eight_domains_each_labelled_once_and_stored_normalised() -> None:
    assert len(D) == 8 and set(EMPOWERMENT_DOMAINS) == set(D) == set(DOMAIN_FIELDS)
    for label in EMPOWERMENT_DOMAINS.values():
        assert normalise_text(label.fa) == label.fa


# --- each score 1–5 ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [1, 2, 3, 4, 5])
def test_scores_one_to_five_pass(value: int) -> None:
    assert check_score(value, "income") == value


@pytest.mark.parametrize("value", [0, 6, -1, True, False, 3.0, 2.5, "3", None])
def test_other_scores_are_refused_on_their_field(value: object) -> None:
    with pytest.raises(RuleInputError) as info:
        check_score(value, "income")
    assert info.value.field == "income"
    assert info.value.message_en and info.value.message_fa


# --- the total and its level (this project's banding) ------------------------------------------------------------


@pytest.mark.parametrize(("total", "level"), [
    (8, L.LOW),
    (18, L.LOW),
    (19, L.MEDIUM),
    (29, L.MEDIUM),
    (30, L.HIGH),
    (40, L.HIGH),
])
def test_level_bands(total: int, level: EmpowermentLevel) -> None:
    assert empowerment_level(total) is level


@pytest.mark.parametrize("total", [7, 41, 0, -8, True, 18.0, "20", None])
def test_a_total_outside_8_to_40_has_no_level(total: object) -> None:
    with pytest.raises(RuleInputError) as info:
        empowerment_level(total)  # type: ignore[arg-type]
    assert info.value.field == "total"


def test_bands_cover_every_total_once_in_order() -> None:
    covered = [t for band in EMPOWERMENT_LEVELS.values() for t in range(band.lowest, band.highest + 1)]
    assert covered == list(range(MIN_TOTAL, MAX_TOTAL + 1)) == list(range(8, 41))
    assert set(EMPOWERMENT_LEVELS) == set(L)


# --- one assessment -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("scores", "total", "level"), [
    (_all(1), 8, L.LOW),
    (_with_total(18), 18, L.LOW),
    (_with_total(19), 19, L.MEDIUM),
    (_with_total(29), 29, L.MEDIUM),
    (_with_total(30), 30, L.HIGH),
    (_all(5), 40, L.HIGH),
    (_all(3), 24, L.MEDIUM),
])
def test_score_empowerment_totals_and_levels(scores: dict[str, object], total: int, level: EmpowermentLevel) -> None:
    result = score_empowerment(scores)
    assert result.total == total
    assert result.level is level
    assert list(result.scores) == list(D)


def test_domains_may_be_given_by_name() -> None:
    by_name = {domain.value: 2 for domain in D}
    assert score_empowerment(by_name) == score_empowerment(_all(2))


@pytest.mark.parametrize("missing", list(D))
def test_every_domain_is_required(missing: EmpowermentDomain) -> None:
    scores = _all(3)
    del scores[missing]
    with pytest.raises(RuleInputError) as info:
        score_empowerment(scores)
    assert info.value.field == DOMAIN_FIELDS[missing]
    assert EMPOWERMENT_DOMAINS[missing].fa in info.value.message_fa


@pytest.mark.parametrize(("domain", "value"), [
    (D.DECISION_MAKING, 0),
    (D.SOCIAL_MOBILITY, 6),
    (D.HOUSING, True),
    (D.INSURANCE, 4.0),
])
def test_a_bad_score_is_refused_on_its_domain_field(domain: EmpowermentDomain, value: object) -> None:
    scores = _all(3)
    scores[domain] = value
    with pytest.raises(RuleInputError) as info:
        score_empowerment(scores)
    assert info.value.field == DOMAIN_FIELDS[domain]


@pytest.mark.parametrize("key", ["HEALTH", "decisionMaking", ""])
def test_an_unknown_domain_is_refused(key: str) -> None:
    scores = _all(3)
    scores[key] = 3
    with pytest.raises(RuleInputError) as info:
        score_empowerment(scores)
    assert info.value.field == "scores"

"""Every rule of PRODUCT.md §3: one case that triggers it, one where it stays silent."""
from __future__ import annotations

import pytest

from desktop.domain.model import CostItem, Declaration, Indicator
from desktop.domain.rules import check, has_errors
from desktop.domain.template import registry

T = registry().default


@pytest.fixture
def clean(samples) -> Declaration:
    """The first sample form, tidied so that it has no problem at all."""
    d = samples[0].model_copy(deep=True)
    d.cost_items = [CostItem(text="民意速办辅助服务经费", amount="336,200.00"), CostItem(text="培训经费", amount="20万")]
    for row in d.indicators:
        if row.target == "≥2":
            row.target = "≥2次"
    d.texts.annual_goals = d.texts.annual_goals.replace("有效提高", "提高")  # text.vague
    assert check(d, T) == []
    return d


def codes(d, glyph_check=None):
    return {(p.code, p.field) for p in check(d, T, glyph_check)}


def only_codes(d):
    return {p.code for p in check(d, T)}


CASES = [
    # (code, field, how to trigger it on the clean form)
    ("required", "header.project_name", lambda d: setattr(d.header, "project_name", "  ")),
    ("required", "cost_basis", lambda d: d.cost_items.clear()),
    ("required", "indicators[0].target", lambda d: setattr(d.indicators[0], "target", "")),
    ("code.format", "header.project_code", lambda d: setattr(d.header, "project_code", "4403-1324107")),
    ("code.length", "header.project_code", lambda d: setattr(d.header, "project_code", "44031324107")),
    ("duration.format", "header.duration_years", lambda d: setattr(d.header, "duration_years", "1.5")),
    ("amount.format", "header.total_amount", lambda d: setattr(d.header, "total_amount", "五十万")),
    ("amount.format", "cost_items[1].amount", lambda d: setattr(d.cost_items[1], "amount", "1.234")),
    ("amount.annual_exceeds_total", "header.annual_amount", lambda d: setattr(d.header, "annual_amount", "600,000.00")),
    ("amount.single_year_mismatch", "header.annual_amount", lambda d: (
        setattr(d.header, "annual_amount", "500,000.00"), setattr(d.cost_items[0], "amount", "300,000.00"))),
    ("long_term_goals.required", "texts.long_term_goals", lambda d: (
        setattr(d.header, "duration_years", "3"), setattr(d.texts, "long_term_goals", ""))),
    ("cost.sum_mismatch", "cost_basis", lambda d: setattr(d.cost_items[1], "amount", "200,001.00")),
    ("option.unknown", "header.project_type", lambda d: setattr(d.header, "project_type", "99 自定义项目")),
    ("option.unknown", "header.allocation_method", lambda d: setattr(d.header, "allocation_method", "抽签法")),
    ("indicator.category_unknown", "indicators[0].level1", lambda d: setattr(d.indicators[0], "level1", "投入指标")),
    ("indicator.category_unknown", "indicators[0].level2", lambda d: setattr(d.indicators[0], "level2", "生态效益指标")),
    ("indicator.core_missing", "indicators", lambda d: d.indicators.__delitem__(5)),  # the only 成本指标
    ("indicator.not_applicable_core", "indicators[5].name", lambda d: (
        setattr(d.indicators[5], "name", "不适用"), setattr(d.indicators[5], "target", "不适用"))),
    ("indicator.duplicate", "indicators[1].name", lambda d: setattr(d.indicators[1], "name", "培训次数")),
    ("target.format", "indicators[0].target", lambda d: setattr(d.indicators[0], "target", "≥**次")),
    ("target.format", "indicators[2].target", lambda d: setattr(d.indicators[2], "target", "_%")),
    ("target.percent_over_100", "indicators[2].target", lambda d: setattr(d.indicators[2], "target", "120%")),
    ("target.unit_missing", "indicators[0].target", lambda d: setattr(d.indicators[0], "target", "≥2")),
    ("target.rate_without_percent", "indicators[2].target", lambda d: setattr(d.indicators[2], "target", "≥0.95")),
    ("indicator.formula_missing", "indicators[2].explanation", lambda d: setattr(d.indicators[2], "explanation", "反映项目验收的通过情况")),
]


@pytest.mark.parametrize("code, field, change", CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_each_rule_fires_on_its_field(clean, code, field, change):
    change(clean)
    assert (code, field) in codes(clean)


@pytest.mark.parametrize("code", sorted({c[0] for c in CASES}))
def test_each_rule_is_silent_on_the_clean_form(clean, code):
    assert code not in only_codes(clean)


def test_severities_and_messages_name_the_values(clean):
    clean.header.annual_amount = "600,000.00"
    (p,) = [p for p in check(clean, T) if p.code == "amount.annual_exceeds_total"]
    assert p.severity == "error"
    assert "600,000.00" in p.message and "536,200.00" in p.message


def test_sum_mismatch_message_gives_both_sums_and_the_difference(samples):
    (p,) = [p for p in check(samples[0], T) if p.code == "cost.sum_mismatch"]
    assert p.severity == "warning"
    assert "2,845,000.00" in p.message and "536,200.00" in p.message and "2,308,800.00" in p.message


def test_sum_check_waits_until_every_item_has_an_amount(clean):
    clean.cost_items.append(CostItem(text="其他", amount=""))
    assert "cost.sum_mismatch" not in only_codes(clean)


def test_glyph_check_lists_the_characters(clean):
    clean.header.project_name = "𠀋项目"
    found = [p for p in check(clean, T, lambda text: {c for c in text if c == "𠀋"}) if p.code == "print.glyph_missing"]
    assert found and found[0].field == "header.project_name" and "𠀋" in found[0].message


def test_errors_block_final_warnings_do_not(clean, samples):
    assert not has_errors(check(samples[0], T))
    clean.header.project_name = ""
    assert has_errors(check(clean, T))


def test_not_applicable_row_of_a_non_core_category_is_fine(clean):
    clean.indicators.append(Indicator(level1="效益指标", level2="经济效益指标", name="不适用", target="不适用", explanation="不适用"))
    assert check(clean, T) == []


def test_the_five_sample_forms_have_no_error_and_the_expected_warnings(samples):
    for d in samples:
        problems = check(d, T)
        assert not has_errors(problems), [p.message for p in problems if p.is_error]
        assert "cost.sum_mismatch" in {p.code for p in problems}


def test_the_central_framework_wants_its_own_cost_category(clean):
    central = registry().get("caiyu-2021-101")
    problems = check(clean, central)
    assert ("indicator.category_unknown", "indicators[5].level2") in {(p.code, p.field) for p in problems}
    assert any(p.code == "indicator.core_missing" and "经济成本指标" in p.message for p in problems)


def test_problems_come_in_tab_order(samples):
    d = samples[0]
    d.header.project_name = ""
    d.indicators[0].target = "**"
    d.texts.policy_basis = ""
    fields = [p.field for p in check(d, T)]
    assert fields.index("header.project_name") < fields.index("texts.policy_basis") < fields.index("cost_basis") \
        < fields.index("indicators[0].target")

"""Review-grade rules (PRODUCT.md §3, second table), the template's rules policy and the
known 项目类型: a firing and a silent case each, and no firing where it would be wrong."""
from __future__ import annotations

import pytest

from desktop.domain.check_context import CheckContext
from desktop.domain.model import CostItem, Declaration
from desktop.domain.rules import check
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
    d.texts.annual_goals = d.texts.annual_goals.replace("有效提高", "提高")
    assert check(d, T) == []
    return d


def found(d, code, template=T, context=None):
    return [p for p in check(d, template, None, context) if p.code == code]


# -- indicator.input_as_output ------------------------------------------------------------------
@pytest.mark.parametrize("name", ["资金到位率", "预算执行率", "拨付金额", "投入经费", "财政资金拨付及时率"])
def test_an_output_indicator_that_measures_money_put_in_is_flagged(clean, name):
    clean.indicators[0].name = name
    (p,) = found(clean, "indicator.input_as_output")
    assert p.field == "indicators[0].name" and p.severity == "warning"
    assert name in p.message and "请改为" in p.message


@pytest.mark.parametrize("name", ["资金使用合规率", "项目成本控制率", "人员经费占项目总支出的比重", "车辆租赁费用支付及时性"])
def test_money_indicators_that_are_no_input_are_not_flagged(clean, name):
    clean.indicators[5].name = name  # the 成本指标 row
    assert found(clean, "indicator.input_as_output") == []


def test_an_input_measure_outside_the_output_indicators_is_left_alone(clean):
    row = next(r for r in clean.indicators if r.level1 == "效益指标")
    row.name = "资金到位率"
    assert found(clean, "indicator.input_as_output") == []


# -- text.vague ------------------------------------------------------------------------------------
def test_a_goal_item_promising_change_without_a_measure_is_vague(clean):
    clean.texts.annual_goals = "1.完成培训2次；2.进一步提升服务水平；3.明显改善群众体验"
    problems = found(clean, "text.vague")
    assert [p.field for p in problems] == ["texts.annual_goals"] * 2
    assert "第 2 条" in problems[0].message and "“进一步”" in problems[0].message
    assert "请写明可衡量的目标，如“提高至95%”" in problems[0].message
    assert "第 3 条" in problems[1].message


def test_a_measured_promise_is_not_vague(clean):
    clean.texts.annual_goals = "1.进一步提高至95%；2.有效处置率达到98%；3.不断完善制度，出台2项办法"
    clean.texts.long_term_goals = "三年内逐步将完好率提高至98%"
    assert found(clean, "text.vague") == []


def test_long_term_goals_and_qualitative_targets_are_judged_too(clean):
    clean.texts.long_term_goals = "持续提升治理能力"
    clean.indicators[6].target = "有效提升"
    fields = {p.field for p in found(clean, "text.vague")}
    assert fields == {"texts.long_term_goals", "indicators[6].target"}


def test_a_short_qualitative_target_without_a_vague_word_is_fine(clean):
    clean.indicators[6].target = "达到预期"
    assert found(clean, "text.vague") == []


# -- amount.multi_year_equal ---------------------------------------------------------------------------
def test_a_multi_year_project_declaring_its_whole_money_this_year(clean):
    clean.header.duration_years = "3"
    clean.texts.long_term_goals = "三年内完成全部建设"
    (p,) = found(clean, "amount.multi_year_equal")
    assert p.field == "header.annual_amount" and "536,200.00" in p.message and "请只填本年度" in p.message


def test_multi_year_amounts_that_differ_or_a_single_year_are_fine(clean):
    assert found(clean, "amount.multi_year_equal") == []  # 1 year, equal amounts
    clean.header.duration_years = "3"
    clean.texts.long_term_goals = "三年内完成全部建设"
    clean.header.total_amount = "1,600,000.00"
    assert found(clean, "amount.multi_year_equal") == []


# -- goals.indicator_mismatch ------------------------------------------------------------------------
def test_a_goal_number_contradicting_the_indicator_on_the_same_subject(clean):
    clean.texts.annual_goals = "1.开展业务培训12次；2.开展宣传2次"
    clean.indicators[0].target = "≥10次"  # 培训次数
    (p,) = found(clean, "goals.indicator_mismatch")
    assert p.field == "indicators[0].target"
    assert "培训12次" in p.message and "≥10次" in p.message and "请使两者一致" in p.message


def test_goal_numbers_matching_their_indicators_are_fine(clean):
    clean.texts.annual_goals = "1.开展业务培训2次；2.开展宣传2次；3.培训人员满意度达到90%"
    assert found(clean, "goals.indicator_mismatch") == []


def test_a_numbered_goal_with_no_indicator_at_all(clean):
    clean.texts.annual_goals = clean.texts.annual_goals + "\n5.完成老旧管网改造"
    problems = found(clean, "goals.indicator_mismatch")
    assert [p.field for p in problems] == ["texts.annual_goals"]
    assert "第 5 条" in problems[0].message and "没有对应的绩效指标" in problems[0].message


def test_every_sample_form_is_free_of_goal_mismatches(samples):
    for d in samples:
        assert found(d, "goals.indicator_mismatch") == [], d.header.project_name


# -- cost.amount_guessed --------------------------------------------------------------------------------
def test_a_guessed_amount_warns_until_confirmed_or_edited(clean):
    clean.cost_items[0] = CostItem(text="开发费150万元，运维费30万元", amount="300,000.00", amount_guessed="300,000.00")
    (p,) = found(clean, "cost.amount_guessed")
    assert p.field == "cost_items[0].amount" and "确认金额" in p.message
    clean.cost_items[0].amount = "1,800,000.00"  # edited
    assert found(clean, "cost.amount_guessed") == []
    clean.cost_items[0].amount, clean.cost_items[0].amount_guessed = "300,000.00", ""  # confirmed
    assert found(clean, "cost.amount_guessed") == []


# -- the template's policy ---------------------------------------------------------------------------------
def with_rules(rules: dict) -> object:
    return T.model_copy(update={"rules": rules})


def test_a_template_switches_a_rule_off(clean):
    clean.header.duration_years = "3"
    clean.texts.long_term_goals = "三年内完成全部建设"
    assert found(clean, "amount.multi_year_equal")
    assert found(clean, "amount.multi_year_equal", with_rules({"amount.multi_year_equal": "off"})) == []


def test_a_template_changes_a_severity_of_any_code(clean):
    clean.indicators[0].name = "资金到位率"
    clean.header.project_code = "4403"
    policy = with_rules({"indicator.input_as_output": "error", "code.length": "off", "required": "warning"})
    (p,) = found(clean, "indicator.input_as_output", policy)
    assert p.severity == "error"
    assert found(clean, "code.length", policy) == []
    clean.header.project_name = ""
    assert {p.severity for p in found(clean, "required", policy)} == {"warning"}


def test_the_policy_covers_the_rules_that_need_the_store(clean):
    context = CheckContext(same_code_year=(7,))
    clean.header.project_code = "440313241071500300007"
    assert found(clean, "duplicate.code_year", context=context)
    assert found(clean, "duplicate.code_year", with_rules({"duplicate.code_year": "off"}), context) == []


def test_the_bundled_templates_load_with_their_policy_and_synonyms():
    for t in registry().all():
        assert set(t.rules.values()) <= {"error", "warning", "off"}
        assert "项目总额" in t.labels_of("header.total_amount")
        assert t.labels_of("header.total_amount")[0] == t.labels["header.total_amount"]


# -- option.unknown and the known 项目类型 ------------------------------------------------------------------
@pytest.mark.parametrize("value", ["事业发展类项目", "专项类项目", "其他运转类项目", "履职类（运转）项目", "15履职类(运转)项目"])
def test_project_types_the_template_lists_are_known(clean, value):
    clean.header.project_type = value
    assert found(clean, "option.unknown") == []


def test_a_type_used_before_or_added_is_known(clean):
    clean.header.project_type = "31 科研专项项目"
    (p,) = found(clean, "option.unknown")
    assert "编辑列表" in p.message  # says what to do
    context = CheckContext(known_options={"header.project_type": frozenset({"31 科研专项项目"})})
    assert found(clean, "option.unknown", context=context) == []


def test_a_closed_list_names_its_choices_and_stays_closed(clean):
    clean.header.allocation_method = "抽签法"
    (p,) = found(clean, "option.unknown")
    assert "因素法" in p.message and "请从以下选项中选择" in p.message
    context = CheckContext(known_options={"header.allocation_method": frozenset({"抽签法"})})
    assert len(found(clean, "option.unknown", context=context)) == 1  # used before, still not a choice

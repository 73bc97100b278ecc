"""Reading a cost item's requested amount as people write it (issue 12)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from desktop.domain.cost_amount import read_amount, read_cost_items, requested_amount
from desktop.domain.model import CostItem
from desktop.io.text_import import parse_text

W = Decimal(10000)

# PRODUCT.md §3: the sample's items, read item by item, sum to these.
SAMPLE_SUMS = {"民意速办工作经费": "2845000.00", "车辆租赁费": "705000.00", "应急保障工作经费": "4680000.00",
               "网格管理工作经费": "3300000.00", "应急值班值守综合业务经费": "3691000.00"}


def test_the_five_sample_sums_stay_exact_and_certain(sample_declarations):
    for d in sample_declarations:
        readings = read_cost_items([c.text for c in d.cost_items])
        assert sum((r.value for r in readings if r.value is not None), Decimal(0)) == Decimal(SAMPLE_SUMS[d.header.project_name])
        assert all(r.certain for r in readings), d.header.project_name
        assert all(c.amount_guessed == "" for c in d.cost_items)


@pytest.mark.parametrize("text, value", [
    ("按10人、每人6万元，合计60万元", 60 * W),
    ("油费：96000元,停车费：23400元,合计119400元", Decimal(119400)),
    ("①申请9万元用于通讯保障。④设备维护经费预计11万元。以上共20万", 20 * W),
    ("人员4名，每人每月0.5万元，12个月，小计24万元", 24 * W),
    ("全年经费共计47.8万元", Decimal("478000")),
    ("系统维护费累计36万元", 36 * W),
    ("项目总额300万元，2025年申请预算100万元", 100 * W),
    ("设备费=5+3=8万元", 8 * W),
    ("服务1万人次，申请5万元", 5 * W),
    ("培训费５万元", 5 * W),
])
def test_the_item_s_own_total_or_request_is_its_amount(text, value):
    reading = read_amount(text)
    assert reading.value == value and reading.certain


@pytest.mark.parametrize("wording", ["以上合计{}万元", "上述合计{}万元", "上述各项共计{}万元", "以上汇总{}万元",
                                     "以上总额{}万元", "合计{}万元", "总计={}+{}={}万元"])
def test_a_clause_adding_up_the_items_before_is_not_counted_again(wording):
    total = "30"
    clause = wording.format("10", "20", total) if wording.count("{}") == 3 else wording.format(total)
    readings = read_cost_items(["培训费10万元。", f"宣传费20万元。{clause}"])
    assert [r.value for r in readings] == [10 * W, 20 * W]
    alone = read_cost_items(["培训费10万元。", "宣传费20万元。", clause])
    assert [r.value for r in alone] == [10 * W, 20 * W, None]


@pytest.mark.parametrize("text, value", [
    ("系统开发费150万元，运维费30万元", 30 * W),  # two amounts, neither marked
    ("2024年申请100万元，较上年增加20万元", 100 * W),  # the requested one is not the last
    ("以上合计50万元", 50 * W),  # says it adds up items, yet nothing before adds up to it
])
def test_an_uncertain_choice_is_the_best_reading_marked_as_a_guess(text, value):
    reading = read_cost_items(["培训费10万元"] + [text])[-1]
    assert reading.value == value and not reading.certain


def test_a_run_of_digits_too_long_for_an_amount_is_no_amount():
    assert read_amount("编码" + "1" * 40 + "元，申请5万元").value == 5 * W


def test_an_item_with_one_amount_or_none_is_certain():
    assert read_amount("培训经费预计35万元") == read_amount("培训经费预计35万元")
    assert read_amount("培训经费预计35万元").certain
    assert read_amount("无金额的说明").value is None and read_amount("无金额的说明").certain
    assert requested_amount("法律服务预算预计70万元") == 70 * W


def test_an_import_keeps_the_guess_beside_the_amount():
    text = "二级项目支出绩效目标申报表\n项目名称\t甲\n测算依据\t1.培训费10万元。 2.开发费150万元，运维费30万元。\n"
    (d,) = parse_text(text)
    assert d.cost_items == [CostItem(text="培训费10万元。", amount="100,000.00"),
                            CostItem(text="开发费150万元，运维费30万元。", amount="300,000.00",
                                     amount_guessed="300,000.00")]


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.text(alphabet=st.sampled_from(list("0123456789.,+=万元亿合计共小以上总额汇累述，。；、：:（）() 人次申请预算①④")),
            max_size=60),
    st.builds(lambda digits, unit: digits + unit, st.text(alphabet="0123456789.,", min_size=15, max_size=80),
              st.sampled_from(["元", "万元", "亿元"])),
))
def test_the_reader_never_raises(text):
    readings = read_cost_items([text, text[::-1], text + text])
    assert len(readings) == 3
    for r in readings:
        assert r.value is None or r.value >= 0


_AMOUNTS = st.integers(min_value=1, max_value=99999)
_ITEM = st.one_of(
    st.tuples(st.just("single"), st.lists(_AMOUNTS, min_size=1, max_size=1)),
    st.tuples(st.just("parts"), st.lists(_AMOUNTS, min_size=2, max_size=4)),
)
_SUM_WORDS = ["以上合计", "上述合计", "以上共计", "以上汇总", "累计", "合计"]


@settings(max_examples=300, deadline=None)
@given(items=st.lists(st.tuples(_ITEM, st.sampled_from(["", "append", "own"]), st.sampled_from(_SUM_WORDS),
                                st.sampled_from(["元", "万元"])), min_size=1, max_size=5))
def test_the_sum_of_items_never_double_counts_a_sum_clause(items):
    """Items with their own totals, and clauses adding up the items so far (in the item,
    or as an item of their own): the items' sum is the sum of what was asked."""
    texts: list[str] = []
    asked: list[Decimal] = []
    for (kind, amounts), sum_at, word, unit in items:
        factor = W if unit == "万元" else Decimal(1)
        if kind == "single":
            text = f"经费申请{amounts[0]}{unit}"
            value = amounts[0] * factor
        else:
            text = "，".join(f"分项{i}费用{a}{unit}" for i, a in enumerate(amounts)) + f"，小计{sum(amounts)}{unit}"
            value = sum(amounts) * factor
        asked.append(value)
        running = sum(asked, Decimal(0))
        clause = f"{word}{running}元"
        if sum_at == "append" and len(asked) > 1:
            text += "。" + clause
        texts.append(text)
        if sum_at == "own" and len(asked) > 1:
            texts.append(clause)
    readings = read_cost_items(texts)
    assert sum((r.value for r in readings if r.value is not None), Decimal(0)) == sum(asked, Decimal(0))

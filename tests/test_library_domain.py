"""The 指标库's data and ranking: the starter library, pinyin keys, categories across the
two frameworks, and the order of suggestions (the user's own rows first)."""
from __future__ import annotations

import json
import re
from datetime import datetime

import pytest

from desktop.domain.library import (
    HISTORY_SOURCE, HistoryRow, LibraryEntry, SuggestIndex, normalize_target, pinyin_keys, place,
)
from desktop.domain.template import registry
from desktop.services.library import starter_entries, starter_path

NOW = datetime(2026, 11, 27)


@pytest.fixture(scope="module")
def starter():
    return starter_entries()[1]


def test_the_starter_library_covers_every_category_of_both_frameworks(starter):
    assert len(starter) >= 250
    assert len({e.key for e in starter}) == len(starter)
    for tid in ("shenshan-2024", "caiyu-2021-101"):
        t = registry().get(tid)
        assert t.id == tid
        own = {(e.level1, e.level2) for e in starter}
        for pair in t.category_order:
            assert pair in own, f"{tid}: no entry of {pair}"
    # the cost categories of both: 产出指标/成本指标 and 成本指标/经济·社会·生态环境成本指标
    assert {("产出指标", "成本指标"), ("成本指标", "经济成本指标"), ("成本指标", "社会成本指标"),
            ("成本指标", "生态环境成本指标")} <= {(e.level1, e.level2) for e in starter}


def test_the_starter_library_holds_every_indicator_of_the_five_sample_forms(starter, samples):
    keys = {e.key for e in starter}
    for d in samples:
        for r in d.indicators:
            assert (r.level1, r.level2, r.name) in keys, r.name
    assert {e.source for e in starter} == {"样表", "通用"}


def test_the_starter_library_claims_nothing_official(starter):
    data = json.loads(starter_path().read_text(encoding="utf-8"))
    assert "不是任何官方指标库" in data["note"]
    for e in starter:
        text = " ".join((e.name, e.target, e.explanation, e.keywords))
        assert not re.search(r"〔\d{4}〕|\[\d{4}\]|\d+号", text), text  # no document numbers
        assert "官方" not in text and "财政部" not in text
        assert e.target, e.name  # every entry has a typical target
    ratios = [e for e in starter if e.name.endswith("率") and "%" in e.target]
    assert ratios and all("=" in e.explanation for e in ratios)  # ratios carry their formula


def test_pinyin_keys_agree_with_pypinyin_on_the_starter_names(starter):
    from pypinyin import lazy_pinyin

    assert pinyin_keys("满意度") == ("manyidu", "myd")
    assert pinyin_keys("人员经费占项目总支出的比重")[0].endswith("bizhong")
    for e in starter:
        theirs = re.sub(r"[^0-9a-z]", "", "".join(lazy_pinyin(e.name)).lower().replace("ü", "v"))
        assert pinyin_keys(e.name)[0] == theirs, e.name


def test_entries_are_placed_in_the_framework_of_the_row():
    shenshan, caiyu = registry().get("shenshan-2024"), registry().get("caiyu-2021-101")
    assert place("产出指标", "成本指标", caiyu) == ("成本指标", "经济成本指标")
    assert place("成本指标", "社会成本指标", shenshan) == ("产出指标", "成本指标")
    assert place("成本指标", "生态环境成本指标", caiyu) == ("成本指标", "生态环境成本指标")
    assert place("产出指标", "数量指标", caiyu) == ("产出指标", "数量指标")
    assert place("效益指标", "速度指标", caiyu) is None


def test_placeholders_for_the_number_are_written_one_way():
    assert normalize_target("≥X次") == "≥__次"
    assert normalize_target("≥ ** 小时") == "≥ __ 小时"
    assert normalize_target("≥95%") == "≥95%"
    assert normalize_target("Excel") == "Excel"


def _history(name, unit, uses, last, target="≥1次", level2="数量指标"):
    return HistoryRow("产出指标", level2, name, unit, uses, last, target, "")


def test_the_users_own_rows_rank_above_library_entries_and_the_same_unit_first():
    library = [LibraryEntry("产出指标", "数量指标", "培训次数", "≥__次", "反映培训的次数", "", "通用")]
    history = [_history("培训班次数", "乙单位", 9, "2026-10-01"), _history("培训人次", "甲单位", 1, "2025-01-01")]
    index = SuggestIndex(library, history)
    got = index.search("培训", template=registry().default, unit="甲单位", now=NOW)
    assert [s.name for s in got] == ["培训人次", "培训班次数", "培训次数"]
    assert [s.source for s in got] == [HISTORY_SOURCE, HISTORY_SOURCE, "通用"]
    got = index.search("培训", template=registry().default, unit="乙单位", now=NOW)
    assert [s.name for s in got][0] == "培训班次数"


def test_more_often_and_more_recently_used_rows_rank_higher():
    history = [_history("宣传次数", "甲", 1, "2020-01-01"), _history("宣传场次", "甲", 12, "2026-11-01"),
               _history("宣传篇数", "甲", 1, "2026-11-20")]
    got = SuggestIndex([], history).search("宣传", unit="甲", now=NOW)
    assert [s.name for s in got] == ["宣传场次", "宣传篇数", "宣传次数"]


def test_the_newest_row_gives_the_target_and_a_library_duplicate_is_shown_once():
    history = [_history("培训次数", "甲", 2, "2024-05-01", target="≥2次"),
               _history("培训次数", "乙", 1, "2026-05-01", target="≥6次")]
    library = [LibraryEntry("产出指标", "数量指标", "培训次数", "≥__次", "", "", "通用")]
    got = SuggestIndex(library, history).search("pxcs", template=registry().default, now=NOW)
    assert [(s.name, s.target, s.source, s.uses) for s in got] == [("培训次数", "≥6次", HISTORY_SOURCE, 3)]


def test_chinese_pinyin_initials_and_near_misses_all_find_an_entry():
    library = [LibraryEntry("满意度指标", "服务对象满意度指标", "培训人员满意度", "≥90%"),
               LibraryEntry("产出指标", "质量指标", "系统稳定率", "100%")]
    index = SuggestIndex(library)
    for text in ("满意度", "培训人员满意度", "manyidu", "myd", "peixunrenyuan", "pxrymyd", "培训满意", "Manyidu"):
        assert [s.name for s in index.search(text)][:1] == ["培训人员满意度"], text
    assert [s.name for s in index.search("xitongwending")] == ["系统稳定率"]
    assert [s.name for s in index.search("xitongwendin")] == ["系统稳定率"]  # a prefix
    assert index.search("xitongwnding")[0].name == "系统稳定率"  # a typo: fuzzy
    assert index.search("") == [] and index.search("   ") == []
    assert index.search("myd", level2="质量指标", template=registry().default) == []

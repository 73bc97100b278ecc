"""The sample file, read as a user's real documents: every cell where it belongs."""
from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SAMPLE
from desktop.domain.amounts import parse_amount
from desktop.io.text_import import parse_text

SUMS = ["2,845,000.00", "705,000.00", "4,680,000.00", "3,300,000.00", "3,691,000.00"]
HEADER = {"项目编码": "project_code", "项目名称": "project_name", "申请单位": "applicant_unit",
          "一级预算单位": "budget_unit", "实施期限": "duration_years", "项目类型": "project_type",
          "是否新增项目": "is_new", "分配方式": "allocation_method"}


def squash(text: str) -> str:
    return re.sub(r"\s+|</?p>", "", text)


def sample_blocks() -> list[list[list[str]]]:
    """The file's forms as rows of cells, read independently of the importer."""
    blocks, current = [], None
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.split("\t")]
        if cells == ["二级项目支出绩效目标申报表"]:
            current = []
            blocks.append(current)
        elif current is not None and any(cells):
            current.append(cells)
    return blocks


def test_five_forms_with_every_header_field(sample_declarations):
    blocks = sample_blocks()
    assert len(sample_declarations) == len(blocks) == 5
    for decl, rows in zip(sample_declarations, blocks, strict=True):
        for row in rows[:5]:
            for label, value in zip(row[0::2], row[1::2], strict=False):  # a trailing empty cell has no pair
                label = label.rstrip("：")
                if label in HEADER:
                    field = HEADER[label]
                    if label == "一级预算单位" and value.startswith("15 "):
                        field = "project_type"  # the third form's mislabelled 项目类型
                    assert getattr(decl.header, field) == value, (decl.header.project_name, label)
                elif label.startswith("项目总金额"):
                    assert parse_amount(decl.header.total_amount).value == parse_amount(value).value
                elif label.startswith("本年度项目金额"):
                    assert parse_amount(decl.header.annual_amount).value == parse_amount(value).value


def test_texts_equal_their_cells_with_paragraphs_restored(sample_declarations):
    for decl, rows in zip(sample_declarations, sample_blocks(), strict=True):
        cells = {r[0].split("（")[0].rstrip("：(（"): r[1] for r in rows if len(r) > 1}
        assert squash(decl.texts.policy_basis) == squash(cells["政策依据"])
        assert squash(decl.texts.annual_goals) == squash(cells["年度目标"])
        assert squash(decl.texts.long_term_goals) == squash(cells["长期目标"])
        # and the cost items together are the whole cell, item by item
        assert squash("".join(c.text for c in decl.cost_items)) == squash(re.sub(r"(^|\s|<p>)\d+[.、]", r"\1", cells["测算依据"]))


def test_flattened_items_become_lines_and_96_5_wan_stays_whole(sample_declarations):
    first = sample_declarations[0]
    assert first.cost_items[0].text.endswith("预算金额96.5万元。")
    assert first.texts.annual_goals.count("\n") == 3  # four numbered goals, one per line
    third = sample_declarations[2]
    assert "<p>" not in third.texts.annual_goals and third.texts.annual_goals.startswith("1.通过")
    fifth = sample_declarations[4]
    assert "①申请9万元" in fifth.cost_items[2].text and "④区总值班室" in fifth.cost_items[2].text  # 3.①…④ is one item


def test_indicator_rows_equal_the_cells_and_not_applicable_rows_are_dropped(sample_declarations):
    for decl, rows in zip(sample_declarations, sample_blocks(), strict=True):
        start = next(i for i, r in enumerate(rows) if r[:2] == ["一级指标", "二级指标"])
        expected = [(r[0], r[1].lstrip("*"), r[2], r[3], r[4]) for r in rows[start + 1:] if r[2] != "不适用"]
        got = [(i.level1, i.level2, i.name, i.target, i.explanation) for i in decl.indicators]
        assert got == expected


def test_cost_items_sum_to_the_requested_amounts(sample_declarations):
    for decl, total in zip(sample_declarations, SUMS, strict=True):
        got = sum((parse_amount(c.amount).value for c in decl.cost_items), Decimal(0))
        assert got == parse_amount(total).value, decl.header.project_name


def test_label_variants_and_the_fiscal_year(sample_declarations):
    grid = sample_declarations[3]
    assert grid.texts.long_term_goals.startswith("通过本项目的开展，完成网格规范化建设")  # 长期目标（跨多年的项目需填）
    assert {d.fiscal_year for d in sample_declarations} == {2024}


TEXT = SAMPLE.read_text(encoding="utf-8")
FORMS = TEXT.split("\n\n二级项目支出绩效目标申报表\n")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000))
def test_no_input_makes_the_text_importer_fail_other_than_cleanly(text):
    from desktop.io.errors import ImportFailed

    try:
        parse_text(text)
    except ImportFailed:
        pass


noise_line = st.text(alphabet=st.characters(blacklist_characters="\t\n\r", blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(noise_line.filter(lambda s: "二级项目支出绩效目标申报表" not in s and "：" not in s), min_size=1, max_size=4))
def test_well_formed_forms_survive_noise_lines_between_them(noise):
    noisy = ("\n" + "\n".join(noise) + "\n\n二级项目支出绩效目标申报表\n").join(FORMS)
    decls = parse_text(noisy)
    assert [d.header.project_name for d in decls] == ["民意速办工作经费", "车辆租赁费", "应急保障工作经费",
                                                      "网格管理工作经费", "应急值班值守综合业务经费"]
    assert len(decls[0].indicators) == 8

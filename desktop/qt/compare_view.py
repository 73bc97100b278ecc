"""The comparison view: this declaration beside last year's, another declaration or a revision.

Shows what desktop.domain.diff found (through desktop.services.compare, the
same path as `jixiao diff`): header fields, the texts with their changed
characters highlighted (deleted on the left, added on the right), the 测算依据
items and the indicator rows matched by category + name, each row marked
新增 / 删除 / 修改, and 目标降低 where a target became less ambitious.

One read-only QTextBrowser renders the comparison as HTML: user text is
escaped, never interpreted.
"""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QHBoxLayout, QLabel, QPushButton, QSpinBox, QTextBrowser, QVBoxLayout, QWidget,
)

from desktop.domain.amounts import parse_amount
from desktop.domain.diff import Comparison, FieldChange, Piece, RowChange, pieces
from desktop.domain.model import Declaration
from desktop.services import compare as service
from desktop.services.errors import ServiceError
from desktop.store.repository import Repository

# Row marks: background and the word shown in the 变化 column.
MARKS = {
    "added": ("#e3f4e6", "新增"),
    "removed": ("#fde4e6", "删除"),
    "changed": ("#fff5cc", "修改"),
    "weaker": ("#ffd9b0", "⚠ 目标降低"),
    "same": ("", ""),
}
DELETED = "background-color:#f7b6bd; text-decoration: line-through;"
INSERTED = "background-color:#a8e0b4;"
STYLE = """
table { border-collapse: collapse; }
th { background-color: #eef1f5; font-weight: bold; }
h3 { margin-top: 14px; margin-bottom: 4px; }
"""


def _text(s: str) -> str:
    return escape(s).replace("\n", "<br>")


def highlighted(pieces: list[Piece], side: str) -> str:
    """One side of a text diff as HTML: on the old side the deleted characters are marked,
    on the new side the added ones."""
    out: list[str] = []
    for tag, old, new in pieces:
        part = old if side == "old" else new
        if not part:
            continue
        if tag == "equal":
            out.append(_text(part))
        else:
            style, cls = (DELETED, "del") if side == "old" else (INSERTED, "ins")
            out.append(f'<span class="{cls}" style="{style}">{_text(part)}</span>')
    return "".join(out)


def cut(old: str, new: str) -> list[Piece]:
    """pieces(), except that a changed number (amount, year) is marked whole: "536,200.00" →
    "600,000.00" reads as one new value, not as scattered digits."""
    if old != new and old.strip() and new.strip():
        a, b = parse_amount(old), parse_amount(new)
        if a.value is not None and b.value is not None:
            return [("replace", old, new)]
    return pieces(old, new)


def _cell(html: str, background: str = "", attrs: str = "") -> str:
    bg = f' bgcolor="{background}"' if background else ""
    return f"<td{bg}{attrs}>{html}</td>"


def render(c: Comparison, old_title: str, new_title: str, changes_only: bool = False) -> str:
    """The whole comparison as HTML."""
    parts = [f"<html><head><style>{STYLE}</style></head><body>"]
    parts.append('<table border="1" cellpadding="4" cellspacing="0" width="100%">'
                 f'<tr><th width="16%">字段</th><th width="42%">原：{escape(old_title)}</th>'
                 f'<th width="42%">新：{escape(new_title)}</th></tr>')
    for f in c.header:
        if changes_only and not f.changed:
            continue
        parts.append(_field_row(f))
    parts.append("</table>")

    parts.append("<h3>政策依据 · 年度目标 · 长期目标</h3>")
    parts.append('<table border="1" cellpadding="4" cellspacing="0" width="100%">'
                 '<tr><th width="16%">栏目</th><th width="42%">原</th><th width="42%">新</th></tr>')
    for f in c.texts:
        if changes_only and not f.changed:
            continue
        parts.append(_field_row(f))
    parts.append("</table>")

    parts.append("<h3>测算依据</h3>")
    parts.append('<table border="1" cellpadding="4" cellspacing="0" width="100%">'
                 '<tr><th width="8%">变化</th><th width="33%">原测算内容</th><th width="9%">原金额</th>'
                 '<th width="33%">新测算内容</th><th width="9%">新金额</th></tr>')
    for r in c.cost_items:
        if changes_only and r.change == "same":
            continue
        parts.append(_cost_row(r))
    parts.append("</table>")

    parts.append("<h3>绩效指标（按一级、二级、三级指标对应）</h3>")
    parts.append('<table border="1" cellpadding="4" cellspacing="0" width="100%">'
                 '<tr><th width="9%">变化</th><th width="9%">一级指标</th><th width="10%">二级指标</th>'
                 '<th width="18%">三级指标</th><th width="10%">原目标值</th><th width="10%">新目标值</th>'
                 '<th width="34%">指标解释</th></tr>')
    for r in c.indicators:
        if changes_only and r.change == "same":
            continue
        parts.append(_indicator_row(r))
    parts.append("</table></body></html>")
    return "".join(parts)


def _field_row(f: FieldChange) -> str:
    if not f.changed:
        return f"<tr>{_cell(escape(f.label))}{_cell(_text(f.old))}{_cell(_text(f.new))}</tr>"
    p = cut(f.old, f.new)
    bg = MARKS["changed"][0]
    return (f"<tr>{_cell('<b>' + escape(f.label) + '</b>', bg)}{_cell(highlighted(p, 'old'), bg)}"
            f"{_cell(highlighted(p, 'new'), bg)}</tr>")


def _mark(r: RowChange) -> tuple[str, str]:
    return MARKS["weaker" if r.weaker else r.change]


def _cost_row(r: RowChange) -> str:
    bg, word = _mark(r)
    o, n = r.old or {}, r.new or {}
    if r.change == "changed":
        text_o, text_n = (highlighted(pieces(o["text"], n["text"]), s) for s in ("old", "new"))
        amount_o, amount_n = (highlighted(cut(o["amount"], n["amount"]), s) for s in ("old", "new"))
    else:
        strike = "<s>{}</s>" if r.change == "removed" else "{}"
        text_o, amount_o = strike.format(_text(o.get("text", ""))), strike.format(_text(o.get("amount", "")))
        text_n, amount_n = _text(n.get("text", "")), _text(n.get("amount", ""))
    return (f"<tr>{_cell(word, bg)}{_cell(text_o, bg)}{_cell(amount_o, bg, ' align=right')}"
            f"{_cell(text_n, bg)}{_cell(amount_n, bg, ' align=right')}</tr>")


def _indicator_row(r: RowChange) -> str:
    bg, word = _mark(r)
    side = r.new if r.new is not None else r.old
    assert side is not None
    o, n = r.old or {}, r.new or {}
    strike = "<s>{}</s>" if r.change == "removed" else "{}"
    names = [strike.format(_text(side[k])) for k in ("level1", "level2", "name")]
    if r.change == "changed":
        target_o, target_n = (highlighted(pieces(o["target"], n["target"]), s) for s in ("old", "new"))
        explained = highlighted(pieces(o["explanation"], n["explanation"]), "new")
        if "explanation" in r.fields:
            explained = highlighted(pieces(o["explanation"], n["explanation"]), "old") + "<br>→ " + explained
    else:
        target_o, target_n = strike.format(_text(o.get("target", ""))), _text(n.get("target", ""))
        explained = strike.format(_text(side["explanation"]))
    if r.weaker:
        word = f'<span style="color:#b33c00;"><b>{word}</b></span>'
    return (f"<tr>{_cell(word, bg)}{''.join(_cell(x, bg) for x in names)}{_cell(target_o, bg)}"
            f"{_cell(target_n, bg)}{_cell(explained, bg)}</tr>")


class CompareView(QDialog):
    """This declaration (as the window holds it) beside another state of the project."""

    def __init__(self, repo: Repository, decl: Declaration, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("compare-view")
        self.setWindowTitle(f"比较：{decl.fiscal_year} 年度《{decl.header.project_name or '未命名'}》")
        self.repo = repo
        self.decl = decl
        self.new = service.Side(decl)
        self.old: service.Side | None = None
        self.comparison: Comparison | None = None
        self.html = ""

        self.against = QComboBox()
        self.against.setObjectName("compare-against")
        self.against.setMinimumContentsLength(40)
        self.choices: list[service.Choice | None] = list(service.choices(repo, decl))
        has_previous = bool(self.choices) and self.choices[0] is not None and self.choices[0].kind == "previous"
        if not has_previous:  # nothing to compare with by default: the user picks
            self.choices.insert(0, None)
        for choice in self.choices:
            self.against.addItem(choice.text if choice is not None else "（选择另一年度的申报表或本申报表的修订）")
        self.against.currentIndexChanged.connect(self._chosen)
        self.other_id = QSpinBox()
        self.other_id.setRange(1, 2**31 - 1)
        self.other_id.setPrefix("编号 ")
        self.other_button = QPushButton("与此编号比较")
        self.other_button.clicked.connect(lambda: self.compare_with_id(self.other_id.value()))
        self.changes_only = QCheckBox("只看改动")
        self.changes_only.toggled.connect(self._show)

        top = QHBoxLayout()
        top.addWidget(QLabel("与"))
        top.addWidget(self.against, 1)
        top.addWidget(QLabel("或"))
        top.addWidget(self.other_id)
        top.addWidget(self.other_button)
        top.addSpacing(12)
        top.addWidget(self.changes_only)
        self.summary = QLabel()
        self.summary.setObjectName("compare-summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        legend = QLabel(
            f'<span style="{INSERTED}">&nbsp;新增的文字&nbsp;</span>&nbsp;&nbsp;'
            f'<span style="{DELETED}">&nbsp;删去的文字&nbsp;</span>&nbsp;&nbsp;'
            f'<span style="background-color:{MARKS["added"][0]}">&nbsp;新增行&nbsp;</span>&nbsp;'
            f'<span style="background-color:{MARKS["removed"][0]}">&nbsp;删除行&nbsp;</span>&nbsp;'
            f'<span style="background-color:{MARKS["changed"][0]}">&nbsp;修改&nbsp;</span>&nbsp;'
            f'<span style="background-color:{MARKS["weaker"][0]}">&nbsp;目标值低于原来&nbsp;</span>')
        legend.setTextFormat(Qt.TextFormat.RichText)
        self.browser = QTextBrowser()
        self.browser.setObjectName("compare-browser")
        self.browser.setOpenLinks(False)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(legend)
        layout.addWidget(self.browser, 1)
        self.resize(1180, 780)
        if has_previous:
            self._chosen(0)
        else:
            self._nothing(service.no_previous_year(decl).replace("可以用 --against 编号", "可以在上方输入编号"))

    # -- choosing the other side ------------------------------------------------------
    def _chosen(self, index: int) -> None:
        choice = self.choices[index] if 0 <= index < len(self.choices) else None
        if choice is not None:
            self._compare(lambda: service.side(self.repo, choice))

    def compare_with_id(self, decl_id: int) -> None:
        self._compare(lambda: service.Side(service.load(self.repo, decl_id)))

    def compare_with_revision(self, number: int) -> None:
        if self.decl.id is not None:
            self._compare(lambda: service.Side(service.revision(self.repo, self.decl.id or 0, number), number))

    def _compare(self, get_side) -> None:
        try:
            self.old = get_side()
        except ServiceError as exc:
            self._nothing(str(exc))
            return
        assert self.old is not None
        self.comparison = service.compared(self.old, self.new).comparison
        self._show()

    def _nothing(self, message: str) -> None:
        self.old = self.comparison = None
        self.summary.setText(escape(message))
        self.html = ""
        self.browser.setPlainText("")

    def _show(self) -> None:
        if self.comparison is None or self.old is None:
            return
        c = self.comparison
        weaker = c.counts()["weaker"]
        warn = "　<b style='color:#b33c00'>⚠ 见橙色的行：如确需降低，请在指标解释中说明原因</b>" if weaker else ""
        self.summary.setText(f"原：{escape(self.old.title)}<br>新：{escape(self.new.title)}<br>"
                             f"<b>{escape(c.summary())}</b>{warn}")
        self.html = render(c, self.old.title, self.new.title, self.changes_only.isChecked())
        self.browser.setHtml(self.html)

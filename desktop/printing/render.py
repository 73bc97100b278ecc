"""Declarations to one PDF (A4 portrait), with progress and cancel for batches."""
from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate

from desktop.domain import rules
from desktop.domain.model import Declaration
from desktop.domain.signature import Signature
from desktop.domain.template import TemplateRegistry, registry
from desktop.printing.canvas import NumberedCanvas
from desktop.printing.fonts import missing_glyphs, register_fonts
from desktop.printing.indicator_table import LayoutLog
from desktop.printing.layout import PAGE_MARGINS, batch_story


class Cancelled(Exception):
    pass


@dataclass
class RenderResult:
    pdf: bytes
    pages: int
    drafts: list[int] = field(default_factory=list)  # ids (or positions) printed with the 草稿 mark
    layout: LayoutLog = field(default_factory=LayoutLog)


def is_draft(decl: Declaration, templates: TemplateRegistry) -> bool:
    """Printed as 草稿 when the declaration has errors (PRODUCT.md §3)."""
    return rules.has_errors(rules.check(decl, templates.get(decl.template_id), missing_glyphs))


def render(decls: list[Declaration], progress: Callable[[int, int], bool] | None = None,
           templates: TemplateRegistry | None = None,
           signatures: Mapping[str, Signature] | None = None) -> RenderResult:
    """Render declarations into one PDF, in the order given.

    ``progress(done, total)`` is called as forms are laid out; returning False
    cancels (raises Cancelled). ``signatures``: each 申请单位's signature block
    (desktop.services.settings), printed where the template enables the block.
    """
    templates = templates or registry()
    register_fonts()
    flagged = []
    for i, d in enumerate(decls):
        flagged.append((d, is_draft(d, templates)))
        if progress and progress(i, len(decls)) is False:
            raise Cancelled()
    log = LayoutLog()
    story = batch_story(flagged, templates, log, dict(signatures or {}))
    buf = io.BytesIO()
    title = flagged[0][0].header.project_name if len(flagged) == 1 else f"{len(flagged)} 份申报表"
    doc = SimpleDocTemplate(buf, pagesize=A4, title=f"二级项目支出绩效目标申报表 — {title}",
                            author="jixiao", creator="jixiao", **PAGE_MARGINS)

    def on_page(canvas, _doc):
        if progress and progress(min(canvas._form_index + 1, len(decls)), len(decls)) is False:
            raise Cancelled()

    doc.build(story, canvasmaker=NumberedCanvas, onFirstPage=on_page, onLaterPages=on_page)
    drafts = [d.id if d.id is not None else i for i, (d, draft) in enumerate(flagged) if draft]
    return RenderResult(buf.getvalue(), doc.page, drafts, log)

"""One-line settings the user types once (a signature line, an option value): what makes one unusable."""
from __future__ import annotations

import unicodedata

LINE_LIMIT = 100  # characters: longer does not fit the printed line or the chooser


def line_problem(value: str, limit: int = LINE_LIMIT) -> str | None:
    """Why value cannot be kept as a one-line setting (a Chinese phrase to follow its label), or None."""
    if len(value) > limit:
        return f"过长（{len(value):,} 个字，不超过 {limit} 个字）"
    bad = sorted({ch for ch in value if unicodedata.category(ch) in ("Cc", "Cf", "Cs") and ch != "\u200d"})
    if bad:
        return "含有不可见的控制字符（" + "、".join(f"U+{ord(ch):04X}" for ch in bad[:5]) + "），请重新输入"
    return None

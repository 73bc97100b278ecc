"""Printing huge values: a million characters in one field, and an 800-character header value.

    python benchmarks/print_huge.py            # the figures below, a few minutes
    python benchmarks/print_huge.py --quick    # 100,000 characters instead

Each case is one sample form with one field (or the indicator explanations)
filled with Chinese text: 1,000,000 characters are 3 MB of UTF-8 and
hundreds to thousands of pages. Goal: under 30 s each, and linear (the
quick run takes about a tenth of the time).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def chinese(length: int) -> str:
    return ("依据文件第一百条规定，项目资金用于网格管理工作。" * (length // 24 + 1))[:length]


def spread(decl, length: int) -> None:
    """length characters shared among the explanations of all the form's indicators."""
    share = length // len(decl.indicators)
    for row in decl.indicators:
        row.explanation = chinese(share)


def main() -> None:
    from desktop.io.text_import import import_text_file
    from desktop.printing.render import render

    length = 100_000 if "--quick" in sys.argv else 1_000_000
    sample = import_text_file(ROOT / "tests" / "fixtures" / "shenshan-emergency-2024.txt")[0]
    render([sample])  # fonts loaded, code warm
    cases = [
        ("项目名称, 800 characters", lambda d: d.set("header.project_name", chinese(800))),
        (f"政策依据, {length:,} characters", lambda d: d.set("texts.policy_basis", chinese(length))),
        (f"one 指标解释, {length:,} characters", lambda d: d.set("indicators[0].explanation", chinese(length))),
        (f"{length:,} characters over all 指标解释", lambda d: spread(d, length)),
        (f"项目名称, {length:,} characters", lambda d: d.set("header.project_name", chinese(length))),
        (f"目标值 (narrowest column), {length:,} characters", lambda d: d.set("indicators[0].target", chinese(length))),
    ]
    for name, fill in cases:
        decl = sample.model_copy(deep=True)
        fill(decl)
        start = time.perf_counter()
        result = render([decl])
        took = time.perf_counter() - start
        print(f"{name:46s} {took:6.1f} s  {result.pages:5d} pages  {len(result.pdf) / 1e6:5.1f} MB", flush=True)


if __name__ == "__main__":
    main()

"""Printing speed: font loading, one form, the five sample forms, 100 forms in one PDF.

    python benchmarks/print.py
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(fn, runs=5):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    from desktop.io.text_import import import_text_file
    from desktop.printing.fonts import register_fonts
    from desktop.printing.render import render

    forms = import_text_file(ROOT / "tests" / "fixtures" / "shenshan-emergency-2024.txt")
    fonts = register_fonts()
    print(f"font loading (once per process): {fonts * 1000:.0f} ms")
    render(forms[:1])  # warm
    one = timed(lambda: render(forms[:1]))
    five = timed(lambda: render(forms))
    hundred_forms = [forms[i % 5] for i in range(100)]
    hundred = timed(lambda: render(hundred_forms), runs=2)
    print(f"1 form:     {one * 1000:7.0f} ms")
    print(f"5 forms:    {five * 1000:7.0f} ms  ({five / 5 * 1000:.0f} ms per form)")
    print(f"100 forms:  {hundred * 1000:7.0f} ms  ({hundred / 100 * 1000:.0f} ms per form)   goal: < 150 ms per form, linear")


if __name__ == "__main__":
    main()

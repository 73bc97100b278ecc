"""What the year rules cost the bulk paths (issue 13): import and validate with and without
the rules' context (last year's declaration, duplicates), on projects declared every year.

N declarations = N/5 projects x 5 years (2020-2024), each project under its own 项目编码,
so every declaration but the first year's has a 上年度 to compare with. Prints
declarations/s for:

- import (desktop.services.importing.import_files of a JSON file, one transaction),
  as shipped, and as before issue 13 (no context, no duplicates looked for, no recount);
- validate --all (iter_checked: contexts a batch at a time) against check() alone.

    python benchmarks/years.py              # 10,000 declarations
    python benchmarks/years.py -n 2000      # quicker
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "tests" / "fixtures" / "shenshan-emergency-2024.txt"


def projects(n: int):
    """n declarations: the five samples as n/5 projects, each declared 2020-2024."""
    from desktop.io.text_import import import_text_file

    forms = import_text_file(SAMPLE)
    for p in range(n // 5):
        for year in range(2020, 2025):
            d = forms[p % len(forms)].model_copy(deep=True)
            d.fiscal_year = year
            d.header.project_code = f"4403{p:017d}"
            d.header.project_name = f"{d.header.project_name} {p}"
            yield d


def timed_import(path: Path, source: Path, empty_context: bool) -> float:
    import desktop.services.importing as importing
    from desktop.domain.check_context import CheckContext
    from desktop.store.database import open_database
    from desktop.store.repository import Repository

    # "before": the import as it was, each declaration checked alone, no duplicates looked for.
    dups = importing._Duplicates
    real = (importing.contexts_for, dups.sort, dups.with_last_year_in_batch, dups.recount)
    if empty_context:
        importing.contexts_for = lambda repo, decls, known=None, pending=None: [CheckContext() for _ in decls]
        dups.sort = lambda self, decls: decls
        dups.with_last_year_in_batch = lambda self, decls, contexts: contexts
        dups.recount = lambda self, ids: None
    try:
        with open_database(path) as db:
            started = time.perf_counter()
            importing.import_files(Repository(db), [source], on_duplicate="refuse")
            return time.perf_counter() - started
    finally:
        importing.contexts_for, dups.sort, dups.with_last_year_in_batch, dups.recount = real


def timed_validate(path: Path, with_context: bool) -> tuple[float, int]:
    from desktop.services.check_context import iter_checked
    from desktop.services.checking import check
    from desktop.store.database import open_database
    from desktop.store.repository import Repository

    with open_database(path, write=False) as db:
        repo = Repository(db)
        started = time.perf_counter()
        decls = repo.iter_declarations(repo.ids())
        if with_context:
            found = sum(p.code == "target.below_last_year" for _d, ps in iter_checked(repo, decls) for p in ps)
        else:
            found = sum(p.code == "target.below_last_year" for d in decls for p in check(d))
        return time.perf_counter() - started, found


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=10_000)
    args = ap.parse_args()
    import tests.conftest  # noqa: F401  (the services' checker, as the app loads it)
    from desktop.io.json_io import export_json

    decls = list(projects(args.n))
    for i, d in enumerate(decls):  # every other project lowers a target from one year to the next
        if i % 10 == 6:
            d.indicators[0].target = "≥1次"
    if hasattr(os, "getloadavg"):
        print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "years.json"
        export_json(decls, source)
        n = len(decls)
        print(f"{n:,} declarations ({n // 5:,} projects x 5 years):")
        for label, empty in (("import, no context (before)", True), ("import, with context (issue 13)", False)):
            db = Path(tmp) / f"{empty}.sqlite3"
            seconds = timed_import(db, source, empty)
            print(f"  {label:<36} {n / seconds:,.0f} declarations/s ({seconds:.1f} s)")
        db = Path(tmp) / "False.sqlite3"
        for label, ctx in (("validate --all, check() alone (before)", False), ("validate --all, with context", True)):
            seconds, found = timed_validate(db, ctx)
            print(f"  {label:<36} {n / seconds:,.0f} declarations/s ({seconds:.1f} s), "
                  f"target.below_last_year: {found:,}")


if __name__ == "__main__":
    main()

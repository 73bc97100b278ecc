"""The form's rules, run the same way everywhere: typing, saving, importing, validating, printing."""
from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from desktop.domain import rules
from desktop.domain.check_context import CheckContext
from desktop.domain.model import Declaration
from desktop.domain.problems import Problem
from desktop.domain.template import registry
from desktop.store import repository


@lru_cache(maxsize=1)
def glyph_check():
    """The print font's coverage test, or None where printing is not installed.

    One setting for every caller: before this, an imported declaration was
    stored with 3 warnings and the same one saved from the window with 4."""
    try:
        from desktop.printing.fonts import missing_glyphs
    except ImportError:  # pragma: no cover - printing is part of every install
        return None
    return missing_glyphs


def check(decl: Declaration, context: CheckContext | None = None) -> list[Problem]:
    """Every problem of decl; ``context`` (desktop.services.check_context) adds the
    rules that need the store's knowledge (known options, last year, duplicates)."""
    return rules.check(decl, registry().get(decl.template_id), glyph_check(), context)


def counts(problems: Iterable[Problem]) -> tuple[int, int]:
    """(errors, warnings), as stored beside each declaration for the list."""
    errors = warnings = 0
    for p in problems:
        if p.is_error:
            errors += 1
        else:
            warnings += 1
    return errors, warnings


def finalize_blockers(problems: Iterable[Problem]) -> list[Problem]:
    """The errors that keep a declaration from being marked final (定稿)."""
    return [p for p in problems if p.is_error]


def _stored_counts(decl: Declaration) -> tuple[int, int]:
    return counts(check(decl))


# The store asks this when a caller saves without counts (see Repository.save_all).
repository.problem_counter = _stored_counts

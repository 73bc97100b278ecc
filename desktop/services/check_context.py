"""Gathers a declaration's CheckContext from the store, for checking.check."""
from __future__ import annotations

from desktop.domain.check_context import CheckContext
from desktop.domain.model import Declaration
from desktop.store import context_queries as q
from desktop.store.repository import NotFound, Repository


def context_for(repo: Repository, decl: Declaration) -> CheckContext:
    prev_id = q.previous_year_id(repo.db, decl.id, decl.source_id, decl.header.project_code, decl.fiscal_year)
    previous = None
    if prev_id is not None:
        try:
            previous = repo.load(prev_id)
        except NotFound:
            previous = None
    return CheckContext(
        known_options=q.known_options(repo.db),
        previous_year=previous,
        same_code_year=q.same_code_year(repo.db, decl.id, decl.header.project_code, decl.fiscal_year),
    )

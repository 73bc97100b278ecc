"""What the rules need to know beyond the declaration itself.

The rules stay pure: the store's knowledge (values the user has used or added
to an option list, last year's declaration of the same project, other
declarations with the same 项目编码 and 申报年度) is gathered by
desktop.services.check_context and handed in as this value. A check without
a context (None) runs every rule that needs none.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from desktop.domain.model import Declaration


@dataclass(frozen=True)
class CheckContext:
    # Field path (e.g. "header.project_type") -> values known besides the template's list:
    # added by the user to the list, or used in a saved declaration.
    known_options: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # Last year's declaration of the same project: the linked source of a copy
    # forward, else the same 项目编码 one 申报年度 earlier (target.below_last_year).
    previous_year: Declaration | None = None
    # Ids of other declarations with the same 项目编码 and 申报年度 (duplicate.code_year).
    same_code_year: tuple[int, ...] = ()

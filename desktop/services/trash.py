"""The 回收站: deleting moves declarations there; they can be restored, or purged for good.

A trashed declaration keeps every row it had and leaves the list, the search,
the filters, the counts and every `--all` (schema 0004). Each action is one
transaction and refuses, changing nothing, when an id is not where it should
be (not in the list to delete, not in the trash to restore or purge).
"""
from __future__ import annotations

from collections.abc import Iterable

from desktop.services.errors import ServiceError
from desktop.store.repository import Repository, Trashed
from desktop.store.write_errors import is_write_error, write_error_message

__all__ = ["Trashed", "list_trash", "move_to_trash", "purge", "restore"]


def _numbers(ids: Iterable[int]) -> str:
    return "、".join(map(str, ids))


def _written(action, what: str) -> int:
    try:
        return action()
    except Exception as exc:
        if not is_write_error(exc):
            raise
        raise ServiceError(write_error_message(exc, what)) from exc


def list_trash(repo: Repository) -> list[Trashed]:
    """What is in the 回收站, most recently deleted first."""
    return repo.trashed()


def move_to_trash(repo: Repository, ids: Iterable[int]) -> int:
    """Move declarations to the 回收站; how many were moved."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return 0
    listed = set(repo.ids())
    missing = [i for i in ids if i not in listed]
    if missing:
        trashed = repo.trashed_ids()
        already = [i for i in missing if i in trashed]
        if already:
            raise ServiceError(f"编号为 {_numbers(already)} 的申报表已在回收站中。")
        raise ServiceError(f"没有编号为 {_numbers(missing)} 的申报表。")
    keys = _keys(repo, ids)
    moved = _written(lambda: repo.move_to_trash(ids), "删除")
    _neighbours_changed(repo, keys, ids, also_these=False)
    return moved


def _keys(repo: Repository, ids: list[int]) -> list[tuple[str, int]]:
    from desktop.services.check_context import key_of

    return [key_of(d) for d in repo.load_many(ids)]


def _neighbours_changed(repo: Repository, keys: list[tuple[str, int]], ids: list[int], also_these: bool) -> None:
    """A declaration leaving or coming back changes its neighbours' year rules (a duplicate
    pair, next year's 上年度) and which option values are in use: count them again."""
    from desktop.services.check_context import forget_known_options, recount
    from desktop.services.declarations import refresh_neighbours

    forget_known_options(repo)
    refresh_neighbours(repo, keys, ids)
    if also_these:
        try:
            recount(repo, ids)
        except Exception as exc:  # restored; their counts stay as they were
            if not is_write_error(exc):
                raise


def _in_trash(repo: Repository, ids: list[int]) -> None:
    trashed = repo.trashed_ids()
    missing = [i for i in ids if i not in trashed]
    if missing:
        raise ServiceError(f"回收站中没有编号为 {_numbers(missing)} 的申报表。")


def restore(repo: Repository, ids: Iterable[int]) -> int:
    """Put declarations back from the 回收站 into the list; how many."""
    ids = list(dict.fromkeys(ids))
    _in_trash(repo, ids)
    restored = _written(lambda: repo.restore_from_trash(ids), "恢复")
    _neighbours_changed(repo, _keys(repo, ids), ids, also_these=True)
    return restored


def purge(repo: Repository, ids: Iterable[int] | None = None) -> int:
    """Erase declarations in the 回收站 for good (all of them when ids is None); how many.

    Never a declaration outside the trash: to erase one, it is deleted first."""
    if ids is None:
        return _written(lambda: repo.purge(None), "清空回收站")
    ids = list(dict.fromkeys(ids))
    _in_trash(repo, ids)
    return _written(lambda: repo.purge(ids), "彻底删除")

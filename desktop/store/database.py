"""Opening the user's database: checks, backup, migrations, connection settings.

Opening an up-to-date file needs only the standard library: the SQLAlchemy
engine is created on first use, so the window can show its list before
SQLAlchemy (a fifth of a second to import) has loaded.

Every open first runs PRAGMA quick_check (read-only): a damaged file is
refused with DatabaseDamaged, naming the newest sound backup, before anything
reads, writes or backs it up. A database in a folder that cannot be written
is opened read-only (mode=ro, or immutable=1 when SQLite cannot create its
-shm file there); writing to it is refused with that reason.
"""
from __future__ import annotations

import glob
import os
import re
import sqlite3
import tempfile
import threading
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from desktop.store.lock import DatabaseLocked, InstanceLock
from desktop.store.write_errors import READ_ONLY, reason as write_reason

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

# The newest migration under migrations/versions. Checked against Alembic's
# own view by a test, so that opening an up-to-date file never imports Alembic
# (it costs a noticeable part of start-up).
SCHEMA_HEAD = "0005"
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004", "0005")
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_MAGIC = b"SQLite format 3\x00"
# Above this size the window checks the file's pages on a thread (see open_database).
DEFER_CHECK_BYTES = 64 * 1024 * 1024
# How many before-migration / before-restore copies of each kind are kept.
BEFORE_KEEP = 5
# SQLite's primary result codes for a damaged file: SQLITE_CORRUPT, SQLITE_NOTADB.
_DAMAGE_CODES = (11, 26)
_CANTOPEN = 14


class DatabaseError(Exception):
    """A database file that cannot be used; the message says why, in Chinese."""


class DatabaseDamaged(DatabaseError):
    """The file's pages are damaged. ``backup`` is the newest sound backup found (or None)."""

    def __init__(self, path: Path, detail: str, backup=None):
        self.path = path
        self.detail = detail
        self.backup = backup  # desktop.store.backup.FoundBackup
        super().__init__(_damaged_message(path, detail, backup))


def _damaged_message(path: Path, detail: str, backup) -> str:
    head = f"数据库文件 {path} 已损坏，不能使用（SQLite：{detail}）。文件未做任何改动。\n"
    if backup is None:
        return head + (
            f"没有找到可用于恢复的完好备份（查找了 {path.parent / 'backups'} 和 {path.stem}.before-*.sqlite3）。"
            "请保留这个文件，不要删除；如有其他备份文件，可以运行\n"
            f'  jixiao --db "{path}" restore 备份文件\n恢复。')
    return head + (
        f"最新的完好备份是 {backup.path}（{backup.label}，{backup.declarations} 份申报表）。恢复方法：运行\n"
        f'  jixiao --db "{path}" restore "{backup.path}"\n'
        "或启动程序，在提示中选择“从最新备份恢复”。损坏的文件会改名为 "
        f"{path.stem}.damaged-日期{path.suffix or '.sqlite3'} 保留，不会删除。")


def is_damage(exc: BaseException) -> bool:
    """True when SQLite says the file itself is damaged (not: missing, locked, read-only, I/O)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _DAMAGE_CODES
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text


def _file_uri(path: Path, immutable: bool = False) -> str:
    # quoted: a '?', '#' or '%' in a folder name would otherwise end or change the path
    uri = f"file:{quote(path.as_posix(), safe='/:')}?mode=ro"
    return uri + "&immutable=1" if immutable else uri


def _folder_writable(path: Path) -> bool:
    # A read-only mount answers EROFS here even for root; Windows always says yes
    # (there the lock file's creation is the test).
    return os.access(path.parent, os.W_OK)


def _needs_immutable(path: Path) -> bool:
    """Whether read-only access must use immutable=1.

    In WAL mode SQLite needs a -shm file beside the database; in a folder that
    cannot be written it cannot create one, and mode=ro fails with "unable to
    open database file". immutable=1 reads without it, but would ignore a -wal
    file, so it is used only when there is no unmerged WAL content to lose.
    """
    con = sqlite3.connect(_file_uri(path), uri=True)
    try:
        con.execute("PRAGMA schema_version").fetchone()
        return False
    except sqlite3.OperationalError as exc:
        wal = Path(str(path) + "-wal")
        has_wal = wal.exists() and wal.stat().st_size > 0
        if (getattr(exc, "sqlite_errorcode", _CANTOPEN) & 0xFF) == _CANTOPEN and not _folder_writable(path):
            if not has_wal:
                return True
            raise DatabaseError(
                f"数据库 {path} 还有未并入主文件的修改（{wal.name}），而所在的文件夹是只读的，无法读取。"
                "请在可写的位置打开一次后再试。文件未做任何改动。") from exc
        raise
    finally:
        con.close()


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that never writes the file, also in a read-only folder."""
    return sqlite3.connect(_file_uri(path, _needs_immutable(path)), uri=True)


def pages_problem(con: sqlite3.Connection, thorough: bool = False) -> str | None:
    """None when PRAGMA quick_check finds the pages sound, else SQLite's complaint (one line)."""
    try:
        rows = con.execute("PRAGMA integrity_check(3)" if thorough else "PRAGMA quick_check(3)").fetchall()
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            return str(exc)
        raise
    if rows == [("ok",)]:
        return None
    # the first complaint is enough for a message; the rest repeat its kind
    lines = [ln for r in rows for ln in r[0].splitlines() if ln.strip() and not ln.startswith("***")]
    return (lines[0] if lines else rows[0][0])[:120]


def file_problem(path: Path, thorough: bool = False) -> str | None:
    """quick_check of a file by path, read-only; sqlite3 errors other than damage are raised."""
    try:
        con = connect_read_only(path)
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            return str(exc)
        raise
    try:
        return pages_problem(con, thorough)
    finally:
        con.close()


def damaged(path: Path, detail: str) -> DatabaseDamaged:
    """The refusal for a damaged file, naming the newest sound backup."""
    from desktop.store.backup import newest_good_backup  # only on this rare path

    path = Path(os.path.abspath(path))  # the restore command in the message works from any folder
    return DatabaseDamaged(path, detail, newest_good_backup(path))


def _set_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    # WAL + synchronous=FULL: a committed transaction survives a power cut, and
    # readers (read-only commands) never block the window's writes.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


class Database:
    """An open database file: its engine (made on first use) and, for writers, the instance lock."""

    def __init__(self, path: Path, lock: InstanceLock, read_only: bool = False):
        self.path = path
        self.lock = lock
        self.read_only = read_only
        # Set for a read-only folder, where SQLite cannot create the -shm file.
        self.immutable = False
        self.backup_path: Path | None = None
        self.page_check: PageCheck | None = None  # a deferred quick_check still running

    def ensure_sound(self) -> None:
        """Before any write: wait for a deferred page check; refuse a damaged file."""
        check = self.page_check
        if check is None:
            return
        problem = check.wait()
        if problem is not None:
            raise damaged(self.path, problem)
        self.page_check = None

    @cached_property
    def engine(self) -> Engine:
        from sqlalchemy import URL, create_engine, event

        # URL.create, not an "sqlite:///path" string: that string is parsed, so a
        # '?' or '%20' in a folder name would make SQLAlchemy open another file.
        url = URL.create("sqlite", database=str(self.path))
        if self.read_only:
            # Reading a read-only file or folder: no journal changes, no locks taken on it.
            return create_engine(url, creator=self.connect)
        engine = create_engine(url)
        event.listen(engine, "connect", _set_pragmas)
        return engine

    def connect(self) -> sqlite3.Connection:
        """A plain read connection, for the quick reads of start-up."""
        if self.read_only:
            return sqlite3.connect(_file_uri(self.path, self.immutable), uri=True)
        return sqlite3.connect(self.path)

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()
        self.lock.release()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_database(path: Path | str, *, write: bool = True, defer_check: bool = False) -> Database:
    """Open (creating if needed) and migrate a database.

    ``write=True`` takes the instance lock: a second window or writing command
    on the same file gets ``DatabaseLocked``. Read-only users skip the lock.
    A damaged file is refused with ``DatabaseDamaged`` (PRAGMA quick_check).

    ``defer_check`` (the window): for a file larger than DEFER_CHECK_BYTES,
    whose check takes about a second, the check runs on a thread instead and
    every write waits for its verdict (``Database.ensure_sound``), so the
    window shows at once and a damaged file is still never written.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(f"无法创建数据库所在的文件夹 {path.parent}：{exc.strerror}") from exc
    _check_is_sqlite(path)
    exists = path.exists() and path.stat().st_size > 0
    read_only_file = path.exists() and not (path.stat().st_mode & 0o222)
    folder_writable = _folder_writable(path)
    if read_only_file and write:
        raise DatabaseError(
            f"数据库文件 {path} 是只读的，不能在其中编辑。请复制一份可写的文件，或取消该文件的“只读”属性。文件未做任何改动。")
    if write and not folder_writable:
        raise read_only_folder_error(path)
    if not exists and not folder_writable:
        raise DatabaseError(f"数据库文件 {path} 不存在，而所在的文件夹是只读的，无法新建。")
    lock = InstanceLock(path)
    if write:
        try:
            lock.acquire()
        except OSError as exc:  # the lock file cannot be made: read-only folder, full disk
            raise read_only_folder_error(path, exc) from exc
    try:
        db = Database(path, lock, read_only=read_only_file or not folder_writable)
        if exists and defer_check and write and not db.read_only and path.stat().st_size > DEFER_CHECK_BYTES \
                and current_revision(db) == SCHEMA_HEAD:
            db.page_check = PageCheck(path)
        elif exists:
            _check_pages(db)
        _migrate(db, write)
        # A new file exists now: also lock it by identity, so a hard link made later is refused.
        db.lock.cover_identity()
        return db
    except Exception:
        lock.release()
        raise


def read_only_folder_error(path: Path, exc: OSError | None = None) -> DatabaseError:
    """Writing refused because the folder cannot be written (or the disk is full), in Chinese."""
    why = write_reason(exc) if exc is not None else READ_ONLY
    if why == READ_ONLY:
        return DatabaseError(
            f"数据库所在的文件夹 {path.parent} 是只读的，不能在其中编辑或导入。文件未做任何改动。"
            "查看、检查、导出和打印不受影响；如需编辑，请把数据库复制到可写的位置。")
    return DatabaseError(f"无法在数据库所在的文件夹 {path.parent} 中写入（{why}），不能编辑或导入。文件未做任何改动。")


class PageCheck:
    """PRAGMA quick_check of a large file on a thread of its own (own read-only connection)."""

    def __init__(self, path: Path):
        self.problem: str | None = None
        self._thread = threading.Thread(target=self._run, args=(path,), name="jixiao-quick-check", daemon=True)
        self._thread.start()

    def _run(self, path: Path) -> None:
        try:
            self.problem = file_problem(path)
        except sqlite3.Error as exc:  # unreadable: as good as damaged for writing
            self.problem = str(exc)

    @property
    def done(self) -> bool:
        return not self._thread.is_alive()

    def wait(self) -> str | None:
        self._thread.join()
        return self.problem


def _check_pages(db: Database) -> None:
    """PRAGMA quick_check before anything reads, writes or backs up the file.

    Read-only, so a damaged file is never touched; a few milliseconds for a
    small file (about 55 ms for 10,000 declarations).
    """
    try:
        if db.read_only:
            db.immutable = _needs_immutable(db.path)
        con = db.connect() if db.read_only else sqlite3.connect(_file_uri(db.path), uri=True)
        try:
            problem = pages_problem(con)
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            raise damaged(db.path, str(exc)) from exc
        raise DatabaseError(f"无法读取数据库文件 {db.path}（{write_reason(exc)}）。文件未做任何改动。") from exc
    if problem:
        raise damaged(db.path, problem)


def _check_is_sqlite(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError as exc:
        raise DatabaseError(f"无法读取数据库文件 {path}：{exc.strerror}") from exc
    if head != SQLITE_MAGIC:
        raise DatabaseError(f"文件 {path} 不是本程序的数据库（不是 SQLite 数据库文件），未做任何改动。")


def current_revision(db: Database) -> str | None:
    con = db.connect()
    try:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'").fetchone():
            return None
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    finally:
        con.close()


def _foreign(db: Database) -> bool:
    """Whether the file holds another program's tables: schema objects but no alembic_version.

    Read through a read-only connection, so nothing (not even a WAL checkpoint) is written.
    """
    con = db.connect() if db.read_only else sqlite3.connect(_file_uri(db.path), uri=True)
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")}
    finally:
        con.close()
    return bool(names) and "alembic_version" not in names


def _migrate(db: Database, write: bool) -> None:
    try:
        if db.path.exists() and db.path.stat().st_size > 0 and _foreign(db):
            # Another program's SQLite file (a browser's history, …): never migrate it.
            raise DatabaseError(f"文件 {db.path} 不是本程序的数据库（其中有其他程序的数据表），未做任何改动。")
        rev = current_revision(db)
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            raise damaged(db.path, str(exc)) from exc
        # not damage: a folder that cannot be written, a disk error… say which
        raise DatabaseError(f"无法读取数据库文件 {db.path}（{write_reason(exc)}）。文件未做任何改动。") from exc
    if rev == SCHEMA_HEAD:
        return
    if rev is not None and rev not in KNOWN_REVISIONS:
        raise DatabaseError(
            f"数据库 {db.path} 由更新版本的程序创建（结构版本 {rev}），请使用新版本程序打开。文件未做任何改动。"
        )
    if db.read_only:
        raise DatabaseError(f"数据库 {db.path} 需要升级，但文件或所在的文件夹是只读的。请复制一份到可写的位置后再打开。")
    if not write and not db.lock.held:
        # Migrating writes: a read-only user may do it only when no window has the file.
        try:
            db.lock.acquire()
        except DatabaseLocked:
            raise DatabaseError("数据库需要升级，但正被窗口使用；请关闭窗口后重试。") from None
        except OSError as exc:
            raise read_only_folder_error(db.path, exc) from exc
    if _has_user_tables(db):
        db.backup_path = backup_copy(db.path, f"before-migration-{rev or 'none'}")
    _run_alembic(db.engine)


def _has_user_tables(db: Database) -> bool:
    con = db.connect()
    try:
        return con.execute("SELECT 1 FROM sqlite_master WHERE type='table'").fetchone() is not None
    finally:
        con.close()


def _run_alembic(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def connect_backup(path: Path) -> sqlite3.Connection:
    """Read a backup file without leaving -wal/-shm files beside it.

    Backups made by older versions are in WAL mode, and SQLite makes those
    files even for a read-only connection; a backup is never written while we
    read it, so immutable=1 is safe — unless it has unmerged WAL content."""
    wal = Path(str(path) + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return connect_read_only(path)
    return sqlite3.connect(_file_uri(path, immutable=True), uri=True)


def online_copy(source: Path, target: Path, source_is_backup: bool = False) -> None:
    """Copy a database page by page with SQLite's online backup API: consistent
    even while another connection writes. Target is overwritten in place."""
    src = connect_backup(source) if source_is_backup else connect_read_only(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


class BackupFailed(DatabaseError):
    """A copy that did not check out; it has been deleted."""


def verified_copy(source: Path, target: Path, source_is_backup: bool = False) -> None:
    """Copy source to target through a .part file, and keep it only if its pages check out.

    The backup API copies pages verbatim, so checking the copy also checks the
    source as it was at that moment: a damaged database is never kept as a
    backup (DatabaseDamaged), and a copy spoiled on the way is deleted.
    """
    # A new, exclusively created name: a file that happens to be called TARGET.part (even the
    # database itself) is never touched.
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        online_copy(source, tmp, source_is_backup)
        con = sqlite3.connect(tmp)  # our own file: a plain connection tidies its -wal/-shm on close
        try:
            # integrity_check, not quick_check: a backup must also have its indexes agree with its rows.
            problem = pages_problem(con, thorough=True)
            if not problem:
                # A copy needs no WAL: in rollback mode, reading it later (inspecting,
                # restoring) leaves no -wal/-shm files beside it, even in a read-only folder.
                con.execute("PRAGMA journal_mode=DELETE")
        finally:
            con.close()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if problem:
        tmp.unlink(missing_ok=True)
        if file_problem(source, thorough=True):
            raise damaged(source, problem)
        raise BackupFailed(f"备份 {target.name} 复制后检查未通过（{problem}），已删除该副本；原有备份都保留着。")
    tmp.replace(target)


def _before_pattern(path: Path) -> re.Pattern:
    # NAME.before-migration-REV.YYYYMMDD-HHMMSS[-N].sqlite3 and NAME.before-restore.…; nothing else
    return re.compile(rf"{re.escape(path.stem)}\.(before-migration(?:-[^.]+)?|before-restore)"
                      rf"\.(\d{{8}}-\d{{6}})(?:-(\d+))?{re.escape(path.suffix or '.sqlite3')}")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def before_copies(path: Path) -> list[tuple[str, datetime, Path]]:
    """This database's before-* copies as (kind, time made, path), oldest first."""
    pattern = _before_pattern(path)
    found = []
    for p in path.parent.glob(f"{glob.escape(path.stem)}.before-*"):
        m = pattern.fullmatch(p.name)
        if not m:
            continue
        try:
            made = datetime.strptime(m.group(2), "%Y%m%d-%H%M%S")
        except ValueError:
            continue
        kind = "before-restore" if m.group(1) == "before-restore" else "before-migration"
        found.append((kind, made, int(m.group(3) or 0), p))
    found.sort(key=lambda f: (f[1], f[2]))
    return [(kind, made, p) for kind, made, _n, p in found]


def backup_copy(path: Path, reason: str, keep: int = BEFORE_KEEP, spare: Path | None = None) -> Path:
    """A consistent, checked copy beside the file, named for why it was made.

    Only the newest `keep` copies of the same kind (before-migration,
    before-restore) are kept; the one just made is always among them.
    """
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = path.suffix or ".sqlite3"
    kind = "before-restore" if reason == "before-restore" else "before-migration"
    name = f"{path.stem}.{reason}.{stamp}"
    # Two in the same second: never overwrite the earlier one, and number them so they sort in order.
    pattern = re.compile(rf"{re.escape(name)}(?:-(\d+))?{re.escape(suffix)}")
    numbers = [int(m.group(1) or 1) for p in path.parent.glob(f"{glob.escape(name)}*")
               if (m := pattern.fullmatch(p.name))]
    target = path.with_name(f"{name}-{max(numbers) + 1}{suffix}" if numbers else f"{name}{suffix}")
    verified_copy(path, target)
    # `spare`: the backup being restored from is never pruned before it has been read.
    same = [p for k, _made, p in before_copies(path)
            if k == kind and p != target and not (spare is not None and _same_file(p, spare))]
    for old in same[:max(len(same) - (max(keep, 1) - 1), 0)]:
        old.unlink(missing_ok=True)
    return target


__all__ = ["Database", "DatabaseDamaged", "DatabaseError", "DatabaseLocked", "open_database", "backup_copy"]

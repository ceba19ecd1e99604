"""The library database (SQLite): one row per file, every tag's score, the embedding as a blob.

Paths are stored relative to the library root (``meta.root``), POSIX style.  Embeddings are
float32 little-endian blobs of ``meta.embed_dim`` values.

File names are bytes on Linux and macOS, and a sample from an old CD may be named in Latin-1 ("caf\xe9.wav"),
which is not valid UTF-8: Python holds such a name with lone surrogates (surrogateescape), which SQLite
cannot take as text.  So every path (and the root, and a reason quoting a path) is written as TEXT from its
exact bytes (:func:`stored`, ``CAST(? AS TEXT)`` in the SQL), and every connection reads text back with
surrogateescape (:func:`connect`'s text factory): the name comes back as the name the file system gives, so
re-tagging, corrections, listings and links work for it.  Valid UTF-8 is stored exactly as before.

A producer's own tags for a file (``user_tags``: corrections, or new words the pack does not know)
replace the tagger's for that file and outlive re-tagging: ``put_result`` rewrites ``files`` and
``tags`` only.  When the file leaves the library (``remove``) they are kept by its bytes' hash (``kept_tags``,
forty-seventh stop: device.library.kept) and given back when those bytes come back, under any name.
``effective_tags`` is what every listing reads: the tagger's hits for files without corrections, plus the
corrections (score 1), whatever the file's status: a file the tagger skipped (silent, empty) or could not decode
keeps the tags its producer gave it, and they can always be changed or cleared.

`hatbox tag` holds :func:`tagging_lock` (an advisory lock on ``<db>.lock``) while it writes, so a second run on
the same database is refused at once instead of stopping part-way on SQLite's lock.
"""
from __future__ import annotations

import contextlib
import os
import shlex
import sqlite3
from pathlib import Path
from typing import Iterator

import numpy as np

from hatbox.errors import HatboxError

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, hash TEXT,
    status TEXT NOT NULL, error TEXT, model TEXT, embedding BLOB, top_tag TEXT, top_score REAL);
CREATE TABLE IF NOT EXISTS tags (
    path TEXT NOT NULL REFERENCES files(path) ON DELETE CASCADE, tag TEXT NOT NULL,
    score REAL NOT NULL, hit INTEGER NOT NULL, PRIMARY KEY (path, tag));
CREATE INDEX IF NOT EXISTS tags_by_tag ON tags (tag, hit, score);
CREATE TABLE IF NOT EXISTS user_tags (path TEXT NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (path, tag));
CREATE TABLE IF NOT EXISTS kept_tags (
    hash TEXT NOT NULL, path TEXT NOT NULL, tag TEXT NOT NULL, left_ns INTEGER NOT NULL, PRIMARY KEY (hash, path, tag));
"""
# a files row (f) tagged by the library's current pack, or any, in a database that does not record one
CURRENT = "f.model = (SELECT value FROM meta WHERE key = 'model') OR NOT EXISTS " \
          "(SELECT 1 FROM meta WHERE key = 'model')"
# the tagger's part counts only files tagged by the pack that tagged the library last (meta.model): a
# re-tag with a new pack that was stopped half-way must not mix two packs' words in one listing
VIEW = """CREATE VIEW effective_tags (path, tag, score, corrected) AS
    SELECT t.path, t.tag, t.score, 0 FROM tags t JOIN files f ON f.path = t.path AND (""" + CURRENT + """)
        WHERE t.hit = 1 AND t.path NOT IN (SELECT path FROM user_tags)
    UNION ALL
    SELECT u.path, u.tag, 1.0, 1 FROM user_tags u JOIN files f ON f.path = u.path WHERE u.tag <> ''"""
OURS = {"meta", "files", "tags", "user_tags", "kept_tags"}   # kept_tags: p47, made by connect
IN_LIBRARY = ".hatbox-tags.sqlite"     # the database `hatbox tag` keeps inside the library folder without --out
TEXT = "CAST(? AS TEXT)"        # the placeholder for a value passed through :func:`stored`


FULL_BELOW_BYTES = 1 << 20     # a disk with less room than this that SQLite calls read-only is a full one


def write_trouble(exc: sqlite3.OperationalError, db_path: str | Path | None = None) -> str:
    """What stopped a write to a database, from SQLite's message: "read-only" (the file or its folder), "locked"
    (another program holds it), "full" (the disk) or "other".  SQLite says "attempt to write a readonly database"
    when a full disk will not take its journal: given ``db_path``, a database and folder that can be written on a
    disk with under :data:`FULL_BELOW_BYTES` free are "full" (forty-first stop, QA: a full box said "chmod u+w")."""
    why = str(exc)
    if "locked" in why or "busy" in why:
        return "locked"
    if "full" in why or (db_path is not None and disk_full_at(Path(db_path))):
        return "full"
    return "read-only" if "readonly" in why or "read-only" in why else "other"


def disk_full_at(db_path: Path) -> bool:
    """Whether database ``db_path`` (and its folder, where SQLite writes its journal) may be written but its disk has
    under :data:`FULL_BELOW_BYTES` free; False when that cannot be told."""
    import shutil
    folder = db_path.parent
    try:
        writable = os.access(folder, os.W_OK) and (not db_path.exists() or os.access(db_path, os.W_OK))
        return writable and shutil.disk_usage(folder).free < FULL_BELOW_BYTES
    except OSError:
        return False


def stored(text: str) -> str | bytes:
    """``text`` as a query parameter for a TEXT value (use it with :data:`TEXT`): itself when it is valid
    Unicode, else its bytes (a file name that is not valid UTF-8, held with surrogateescape), which
    ``CAST(? AS TEXT)`` stores unchanged.  UnicodeEncodeError for text no file system name gives
    (:func:`storable` says which)."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape")


def storable(text: str) -> bool:
    """Whether :func:`stored` takes ``text``: valid Unicode, or a name decoded with surrogateescape
    (lone surrogates U+DC80-U+DCFF only; a Windows name's other lone surrogates are not)."""
    try:
        text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return False
    return True


def _read_text(raw: bytes) -> str:
    """SQLite text -> str, invalid UTF-8 (a name stored by :func:`stored`) as surrogateescape."""
    return raw.decode("utf-8", "surrogateescape")


OPEN_WAIT_S = 30.0      # how long an opener waits for another's lock (sqlite3.connect's timeout, and WAL's switch)


def connect(db_path: str | Path) -> sqlite3.Connection:
    """Open (creating if needed) a library database; HatboxError if it cannot be opened or is some other
    program's SQLite file (nothing is added to it then).  Safe when other threads or processes open the same new
    database at once (:func:`_make_schema`)."""
    try:
        Path(db_path).parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(str(db_path), timeout=OPEN_WAIT_S)
    except sqlite3.DatabaseError as exc:
        raise _open_error(db_path, exc) from None
    except OSError as exc:
        raise HatboxError(f"cannot use {db_path} as a library database: {exc}") from None
    try:
        con.text_factory = _read_text
        _refuse_foreign(con, db_path)               # on the schema other connections committed
        con.execute("PRAGMA foreign_keys = ON")
        _use_wal(con)
        if not _schema_whole(con):                  # new, being made by another opener, or from an older hatbox
            _make_schema(con, db_path)
    except BaseException as exc:
        con.close()
        if isinstance(exc, sqlite3.DatabaseError):
            raise _open_error(db_path, exc) from None
        if isinstance(exc, OSError):
            raise HatboxError(f"cannot use {db_path} as a library database: {exc}") from None
        raise
    return con


def _open_error(db_path: str | Path, exc: sqlite3.DatabaseError) -> HatboxError:
    """The HatboxError for SQLite's ``exc`` opening ``db_path``: CannotWrite (locked, read-only, full), or
    DatabaseDamaged (malformed, not a database)."""
    if isinstance(exc, sqlite3.OperationalError):
        return CannotWrite(f"cannot use {db_path} as a library database: {exc}", hint=_open_hint(db_path, exc))
    return DatabaseDamaged(f"cannot use {db_path} as a library database: {exc}", reason=str(exc))


def _use_wal(con: sqlite3.Connection, wait_s: float = OPEN_WAIT_S) -> None:
    """Put the database in WAL mode (readers beside a writer).  SQLite answers "database is locked" at once, without
    waiting, when another process opens the same new database as this one switches it (two processes, QA's race),
    so a locked switch is tried again for up to ``wait_s`` seconds; a database in WAL already is left as it is."""
    import time
    if str(con.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
        return
    deadline = time.monotonic() + wait_s
    while True:
        try:
            con.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if write_trouble(exc) != "locked" or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def table_names(con: sqlite3.Connection) -> set[str]:
    """The names of the tables ``con``'s database holds (committed, or made in this connection's transaction)."""
    return {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _refuse_foreign(con: sqlite3.Connection, db_path: str | Path) -> None:
    """HatboxError when the database's committed tables are another program's (tables, but not this hatbox's
    ``meta`` with ``files`` and ``tags``; none at all is a new database).  The schema is made in one transaction
    (:func:`_make_schema`), so a half-made one is never seen here (before, a second opener of a new database saw
    ``meta`` and ``files`` alone, and a tagging failed: "another program's database (it holds files, meta)")."""
    tables = table_names(con)
    if tables and not ({"meta", "files", "tags"} <= tables):
        raise HatboxError(f"{db_path} is another program's database (it holds {', '.join(sorted(tables))})",
                          hint="give hatbox a database file of its own with --out")


def _schema_whole(con: sqlite3.Connection) -> bool:
    """Whether the database holds this hatbox's tables, index and listing view (nothing to write then)."""
    names = {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')")}
    return OURS | {"tags_by_tag"} <= names and _view_is_current(con)


def _make_schema(con: sqlite3.Connection, db_path: str | Path) -> None:
    """Check and make :data:`SCHEMA` and :data:`VIEW` in one write transaction (BEGIN IMMEDIATE: one opener at a
    time, others wait on SQLite's lock up to the connection's timeout), judging the tables again under that lock."""
    con.execute("BEGIN IMMEDIATE")
    try:
        _refuse_foreign(con, db_path)
        for statement in SCHEMA.split(";"):
            if statement.strip():
                con.execute(statement)
        if not _view_is_current(con):              # new, or written by an older hatbox
            con.execute("DROP VIEW IF EXISTS effective_tags")
            con.execute(VIEW)
        con.commit()
    except BaseException:
        con.rollback()
        raise


def _open_hint(db_path: str | Path, exc: sqlite3.OperationalError) -> str:
    """What to do about a library database SQLite would not open for writing (:func:`write_trouble` reads why)."""
    trouble = write_trouble(exc, db_path)
    path = Path(db_path)
    if trouble in ("read-only", "other"):
        if path.exists() and not os.access(path, os.W_OK):
            shut = path
        elif not os.access(path.parent, os.W_OK):      # SQLite writes its journal beside the database
            shut = path.parent
        else:
            shut = None
        if shut is not None:
            what = "its folder" if shut == path.parent else "it"
            return (f"make {what} writable (chmod u+w {shlex.quote(str(shut))}; check the owner if another user made "
                    "it), or give another database with --out")
    if trouble == "read-only":
        return ("make it and its folder writable (check the owner if another user made them), or give another "
                "database with --out")
    if trouble == "locked":
        return "another program holds it (a hatbox tag running on it?): wait for it to finish, then try again"
    if trouble == "full":
        return "the disk is full: free some space, or give a database on another disk with --out"
    return "another program may hold it locked, or the folder is not writable"


def _view_is_current(con: sqlite3.Connection) -> bool:
    """Whether the database's listing view is this hatbox's :data:`VIEW` (none, or an older one's: False)."""
    view = con.execute("SELECT sql FROM sqlite_master WHERE type = 'view' AND name = 'effective_tags'").fetchone()
    return view is not None and view[0] == VIEW


class CannotWrite(HatboxError):
    """SQLite would not open a library database for writing (a read-only file or folder, a lock held elsewhere)."""


def connect_readonly(db_path: str | Path) -> sqlite3.Connection:
    """Open a library database for reading only, changing nothing on disk (a database on a read-only drive or
    folder, a backup; where SQLite cannot even read its WAL there, the file is read as it stands, ``immutable``); the
    listing view of this hatbox is made in memory when the file's is older.  HatboxError when that fails too."""
    uri = Path(db_path).resolve().as_uri()
    try:
        try:                                # read-only, its WAL read too (SQLite 3.22+ on read-only media)
            con = sqlite3.connect(uri + "?mode=ro", uri=True, timeout=30)
            con.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        except sqlite3.OperationalError:    # no -shm to be had: the file as it stands
            con = sqlite3.connect(uri + "?mode=ro&immutable=1", uri=True, timeout=30)
        con.text_factory = _read_text
        tables = {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"meta", "files", "tags", "user_tags"} <= tables:
            con.close()
            raise HatboxError(f"{db_path} is no library database hatbox can read as it stands (it holds "
                              f"{', '.join(sorted(tables)) or 'no tables'})", hint="tag the library into it first")
        if not _view_is_current(con):                  # written by an older hatbox: this one's, in memory only
            con.execute(VIEW.replace("CREATE VIEW", "CREATE TEMP VIEW", 1))
    except sqlite3.Error as exc:
        raise HatboxError(f"cannot read {db_path} as a library database: {exc}") from None
    return con


class DatabaseDamaged(HatboxError):
    """A library database SQLite finds damaged (``reason``: its words, e.g. "database disk image is malformed")."""

    def __init__(self, message: str, *, reason: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.reason = reason


def damaged_reason(db_path: str | Path) -> str | None:
    """Why SQLite finds the database at ``db_path`` damaged (its quick check, or the error opening it), or None when
    it is whole (or missing).  Reads only."""
    if not Path(db_path).is_file():
        return None
    try:
        con = sqlite3.connect(str(db_path), timeout=30)
        try:
            said = con.execute("PRAGMA quick_check").fetchone()
        finally:
            con.close()
    except sqlite3.OperationalError:
        return None                                 # locked or unreadable now: not known to be damaged
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None if said and said[0] == "ok" else str(said[0] if said else "no answer to a check")


def get_meta(con: sqlite3.Connection, key: str, default: str = "") -> str:
    row = con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def set_meta(con: sqlite3.Connection, **values: object) -> None:
    con.executemany(f"INSERT OR REPLACE INTO meta (key, value) VALUES (?, {TEXT})",
                    [(k, stored(str(v))) for k, v in values.items()])


def known_files(con: sqlite3.Connection) -> dict[str, tuple[int, int, str, str]]:
    """path -> (size, mtime_ns, model, status) of every row (status "ok"; "error": it did not decode,
    tried again next run; "skipped": nothing to tag, silent, too short or empty, not decoded again until it
    changes)."""
    return {p: (s, m, mod or "", st) for p, s, m, mod, st in
            con.execute("SELECT path, size, mtime_ns, model, status FROM files")}


def without_hash(con: sqlite3.Connection) -> list[str]:
    """The paths of tagged or skipped rows that hold no content hash (skipped rows written before it was kept)."""
    return [p for (p,) in con.execute("SELECT path FROM files WHERE hash IS NULL AND status IN ('ok', 'skipped')")]


def set_hash(con: sqlite3.Connection, rel: str, digest: str) -> None:
    """Record ``rel``'s content hash."""
    con.execute(f"UPDATE files SET hash = ? WHERE path = {TEXT}", (digest, stored(rel)))


def set_mtime(con: sqlite3.Connection, rel: str, mtime_ns: int) -> None:
    """Record ``rel``'s new mtime (ns) when only that changed; its tags stay."""
    con.execute(f"UPDATE files SET mtime_ns = ? WHERE path = {TEXT}", (mtime_ns, stored(rel)))


def put_result(con: sqlite3.Connection, rel: str, stat: tuple[int, int], digest: str, model: str,
               tags: list[str], probs: np.ndarray, hits: np.ndarray, emb: np.ndarray) -> None:
    top = int(np.argmax(probs))
    key = stored(rel)
    con.execute(f"DELETE FROM files WHERE path = {TEXT}", (key,))
    blob = emb.astype(EMBEDDING_DTYPE).tobytes()
    con.execute(f"INSERT INTO files VALUES ({TEXT}, ?, ?, ?, 'ok', NULL, ?, ?, ?, ?)",
                (key, stat[0], stat[1], digest, model, blob, tags[top], float(probs[top])))
    con.executemany(f"INSERT INTO tags VALUES ({TEXT}, ?, ?, ?)",
                    [(key, t, float(p), int(h)) for t, p, h in zip(tags, probs, hits)])


def put_error(con: sqlite3.Connection, rel: str, stat: tuple[int, int], model: str, error: str,
              digest: str = "") -> None:
    """Record a file that could not be tagged (``error``: why, one line; it may quote the file's name; ``digest``:
    its content hash when its bytes could be read, so a correction of it follows it to a new name)."""
    _put_untagged(con, rel, stat, model, "error", error, digest)


def put_skipped(con: sqlite3.Connection, rel: str, stat: tuple[int, int], model: str, reason: str,
                digest: str = "") -> None:
    """Record a file that decodes but holds nothing to tag (``reason``: "silent (all zeros)", "empty (no
    samples)"...): no tags from the tagger; ``digest``: its content hash ("": none), so a copy or ``touch`` of it is
    known for the same file."""
    _put_untagged(con, rel, stat, model, "skipped", reason, digest)


def _put_untagged(con: sqlite3.Connection, rel: str, stat: tuple[int, int], model: str, status: str,
                  reason: str, digest: str = "") -> None:
    """A files row with no tags: ``status`` "error" or "skipped", and why."""
    key = stored(rel)
    con.execute(f"DELETE FROM files WHERE path = {TEXT}", (key,))
    con.execute(f"INSERT INTO files VALUES ({TEXT}, ?, ?, ?, ?, {TEXT}, ?, NULL, NULL, NULL)",
                (key, stat[0], stat[1], digest or None, status, stored(reason), model))


def reason_of(con: sqlite3.Connection, rel: str) -> str:
    """Why the file ``rel`` has no tags (its row's reason: failed or skipped), "" when none is recorded."""
    row = con.execute(f"SELECT error FROM files WHERE path = {TEXT}", (stored(rel),)).fetchone()
    return str(row[0] or "") if row else ""


def stored_hashes(con: sqlite3.Connection, rels: list[str]) -> dict[str, str]:
    """path -> the content hash stored for it, for each of ``rels`` whose row has one."""
    out = {}
    for rel in rels:
        row = con.execute(f"SELECT hash FROM files WHERE path = {TEXT}", (stored(rel),)).fetchone()
        if row and row[0]:
            out[rel] = row[0]
    return out


def user_tags_of(con: sqlite3.Connection, rel: str) -> list[str]:
    """The producer's tags of ``rel`` (alphabetical; none: [])."""
    return [t for (t,) in con.execute(f"SELECT tag FROM user_tags WHERE path = {TEXT} ORDER BY tag", (stored(rel),))]


def move_rows(con: sqlite3.Connection, moves: list[tuple[str, str]]) -> None:
    """Each (src, dst): the rows of ``src`` (the file, its tags, the producer's tags) become ``dst``'s, replacing what
    ``dst`` had.  Every source is read before anything is written, so two files that swapped names swap rows."""
    taken = {}
    for src, _dst in moves:
        key = stored(src)
        taken[src] = (con.execute(f"SELECT * FROM files WHERE path = {TEXT}", (key,)).fetchone(),
                      con.execute(f"SELECT tag, score, hit FROM tags WHERE path = {TEXT}", (key,)).fetchall(),
                      user_tags_of(con, src))
    for src, dst in moves:
        for key in {stored(src), stored(dst)}:
            for table in ("tags", "user_tags", "files"):
                con.execute(f"DELETE FROM {table} WHERE path = {TEXT}", (key,))
    for src, dst in moves:
        row, tags, mine = taken[src]
        key = stored(dst)
        if row is not None:
            con.execute(f"INSERT INTO files VALUES ({TEXT}, {', '.join('?' * (len(row) - 1))})", (key, *row[1:]))
            con.executemany(f"INSERT INTO tags VALUES ({TEXT}, ?, ?, ?)", [(key, *t) for t in tags])
        put_user_tags(con, dst, mine)


def put_user_tags(con: sqlite3.Connection, rel: str, tags: list[str]) -> None:
    """Give ``rel`` the producer's ``tags`` (replacing any it had)."""
    key = stored(rel)
    con.execute(f"DELETE FROM user_tags WHERE path = {TEXT}", (key,))
    con.executemany(f"INSERT INTO user_tags (path, tag) VALUES ({TEXT}, ?)", [(key, t) for t in tags])


def remove(con: sqlite3.Connection, rels: list[str]) -> None:
    keys = [(stored(r),) for r in rels]
    con.executemany(f"DELETE FROM files WHERE path = {TEXT}", keys)
    con.executemany(f"DELETE FROM user_tags WHERE path = {TEXT}", keys)


EMBEDDING_DTYPE = "<f4"      # how put_result stores an embedding: little-endian float32, one after another


def embedding(blob: bytes) -> np.ndarray:
    """The embedding [E] float32 a files row's ``blob`` holds."""
    return np.frombuffer(blob, dtype=EMBEDDING_DTYPE)


def embeddings(blobs: list[bytes]) -> np.ndarray:
    """The embeddings [F, E] float32 of ``blobs`` (non-empty): read as one array where every one is as long (a
    row at a time where not: ValueError then for rows of different lengths)."""
    if len({len(b) for b in blobs}) == 1 and len(blobs[0]) % 4 == 0:
        return np.frombuffer(b"".join(blobs), dtype=EMBEDDING_DTYPE).reshape(len(blobs), -1)
    return np.stack([embedding(b) for b in blobs])


def tagging_state(con: sqlite3.Connection, db_path: str | Path) -> str:
    """How the last `hatbox tag` into the database at ``db_path`` (open as ``con``) went, from meta ``run``: "done"
    (it ran to its end; also a database from before it was recorded), "running" (a hatbox tag holds its lock now) or
    "stopped" (it stopped part-way: Ctrl-C, cancelled, killed, a crash, the machine turned off).  Before (QA), a
    database a run had stopped at 116 of 856 files said "every audio file of the library is tagged"."""
    state = get_meta(con, "run", "done")
    if state != "running":
        return state
    from export.atomic import lock_held
    return "running" if lock_held(lock_path(db_path)) else "stopped"


def tagged_of(db_path: str | Path) -> tuple[int, int]:
    """(files the database holds tagged by its current pack, files its last run found in the library), read-only;
    (-1, -1) when it cannot be read."""
    try:
        con = sqlite3.connect(f"{Path(db_path).absolute().as_uri()}?mode=ro", uri=True)
        try:
            done = con.execute(f"SELECT COUNT(*) FROM files f WHERE f.status = 'ok' AND ({CURRENT})").fetchone()[0]
            total = get_meta(con, "run_total", "")
        finally:
            con.close()
    except sqlite3.Error:
        return -1, -1
    return int(done), int(total) if total.isdigit() else int(done)


def remove_db(db_path: str | Path) -> None:
    """Remove the SQLite database ``db_path`` with its -wal and -shm files, those first (a removal cut off part way
    leaves no journal beside a database it is not of); a file already gone is no error, any other OSError is raised."""
    db_path = Path(db_path)
    for suffix in ("-wal", "-shm", ""):
        db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)


def lock_path(db_path: str | Path) -> Path:
    """The lock file of a library database: ``<db>.lock`` beside it."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".lock")


SQLITE_MAGIC = b"SQLite format 3\0"     # the first 16 bytes of every SQLite database file


def sqlite_file(path: str | Path) -> bool | None:
    """Whether the file at ``path`` is an SQLite database (its first bytes); None when there is none, it cannot be
    read, or it is empty (SQLite makes a database of an empty file)."""
    try:
        with open(path, "rb") as f:
            head = f.read(len(SQLITE_MAGIC))
    except OSError:
        return None
    return head == SQLITE_MAGIC if head else None


def _no_other_file(db_path: Path) -> None:
    """HatboxError, nothing made beside it, when ``db_path`` is a file that is no SQLite database (``--out`` naming
    a sample: a lock file was left beside it, and SQLite's words were "file is not a database"); none yet (or
    unreadable): opening it says why."""
    if sqlite_file(db_path) is False:
        raise HatboxError(f"{db_path} is a file that is no library database (nothing was written to it or beside "
                          "it)", hint="give --out a new file name for the database, e.g. my-library.sqlite")


@contextlib.contextmanager
def tagging_lock(db_path: str | Path) -> Iterator[None]:
    """Hold the lock on ``db_path``'s :func:`lock_path` (export.atomic.held_exclusively) while a library is tagged
    into it: HatboxError at once, nothing touched, when another process holds it (its pid named).  Where there is
    no flock (Windows, a file system without locks) or the file cannot be made, no lock is held: opening the
    database says what is wrong with its folder."""
    from export.atomic import held_exclusively
    _no_other_file(Path(db_path))
    path = lock_path(db_path)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)

    def busy(pid: str) -> HatboxError:
        return HatboxError(f"{db_path} is being tagged by another hatbox tag{pid}; wait for it or use another --out")
    with held_exclusively(path, busy):
        yield

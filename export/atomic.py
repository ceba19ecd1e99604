"""Atomic file replacement, shared by the pack writer, the signer and the box's store; the one check of a
pack's ``--out`` (:func:`check_out`) before any work is spent on it.

``with atomic_output(path) as fh: fh.write(...)`` writes to a temporary file in the same
directory, fsyncs it, gives it ordinary permissions (0644 less the umask, not mkstemp's 0600) and
renames it over ``path``; the parent directory is fsync'ed after the rename.  If the block
raises, the temporary file is removed and ``path`` is untouched, so a reader sees either the
old bytes or the new ones, never half of them.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator

from hatbox.errors import HatboxError

PACK_SUFFIX = ".hatpack"          # every pack file's name ends so (`--out` of the trainers and of `pack sign`)


def fsync_dir(path: Path) -> None:
    """Make a rename inside directory ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_output(path: str | Path, prefix: str | None = None, mode: int | None = None) -> Iterator[BinaryIO]:
    """A binary file handle whose contents replace ``path`` atomically when the block ends.  A symlink
    at ``path`` is written through (its target is replaced, the link stays); an existing file keeps its
    permissions, unless ``mode`` is given (e.g. 0o600 for a file holding a secret: the temporary file is
    mkstemp's own, 0600 from its making, so the secret is never readable by others on the way)."""
    path = Path(path)
    if path.is_symlink():
        path = path.resolve()
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o777
        except OSError:
            mode = 0o644 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=prefix or f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def write_atomic(path: str | Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (see :func:`atomic_output`)."""
    with atomic_output(path) as fh:
        fh.write(data)


def unwritable(path: str | Path) -> str | None:
    """Why a file could not be created at ``path`` before any work is spent on making it, or None: the
    nearest folder that exists at or above its folder must be a folder in which a file can be created (a
    probe file is made there and removed; nothing else is created)."""
    at = Path(path).parent.absolute()
    while not at.exists():
        at = at.parent
    if not at.is_dir():
        return f"{at} is a file, not a folder"
    try:
        fd, probe = tempfile.mkstemp(prefix=".hatbox-probe-", dir=at)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def not_pack_suffixes() -> tuple[str, ...]:
    """Names a pack must not take: a recording's (every suffix hatbox reads as audio,
    device.audio.audiofile.READABLE_SUFFIXES) or a CSV's (`--out amp.wav` replaced the gear recording with a zip)."""
    from device.audio.audiofile import READABLE_SUFFIXES
    return (*READABLE_SUFFIXES, ".csv")


def same_path(a: str | Path, b: str | Path) -> bool:
    """Whether ``a`` and ``b`` name one file: the same file on disk (through links or ``..``), or, when either is
    not there yet, the same absolute path."""
    a, b = Path(a), Path(b)
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def check_out(out: str | Path, *, folder_must_exist: bool = False,
              keep: Iterable[tuple[str | Path, str]] = ()) -> Path:
    """``out`` as a Path when a pack can be written there (`--out` of `hatbox train` and `hatbox pack sign`),
    checked before any work is spent on it; HatboxError otherwise: a folder, something there that is not a
    regular file (a device, a pipe), or no file can be created in its folder (:func:`unwritable`: the nearest
    folder that exists, as the trainers make the rest when they write; ``folder_must_exist``: its own folder,
    for a writer that makes none).  Also refused: a name ending like a recording or a CSV
    (:func:`not_pack_suffixes`), and each of ``keep`` (path, what it is: "the --target recording"), the user's
    own input, and any name not ending in .hatpack (:data:`PACK_SUFFIX`).  Nothing is created."""
    out = Path(out)
    for path, what in keep:
        if path is not None and same_path(out, path):
            raise HatboxError(f"--out {out} is {what}: the pack would be written over it; nothing was done",
                              hint="give the pack a file of its own, e.g. --out my-gear.hatpack")
    if out.suffix.lower() in not_pack_suffixes():
        raise HatboxError(f"--out {out} is named like {'a CSV' if out.suffix.lower() == '.csv' else 'a recording'}, "
                          "not a pack", hint=f"a pack is a {PACK_SUFFIX} file: --out {out.with_suffix(PACK_SUFFIX)}")
    if out.is_dir():
        raise HatboxError(f"--out {out} is a folder", hint="give the path of the .hatpack file to write")
    if out.suffix.lower() != PACK_SUFFIX:       # a notes.txt or a song.mid was written over, made a zip
        there = " (a file that is there would be written over)" if out.exists() else ""
        raise HatboxError(f"--out {out} does not end in {PACK_SUFFIX}{there}; nothing was done",
                          hint=f"a pack is a {PACK_SUFFIX} file: --out {out.with_suffix(PACK_SUFFIX)}")
    refuse_unwritable(out, "the .hatpack file", folder_must_exist=folder_must_exist)
    return out


def refuse_unwritable(out: Path, what: str, *, folder_must_exist: bool,
                      show: Callable[[Path], str] = str, flag: str = "--out") -> None:
    """HatboxError when no file can be written at ``out`` (``what`` it is: "the CSV file"; paths said as ``show``
    writes them; ``flag``: the option that named it): something there that is not a regular file (a device, a
    pipe), its folder missing (``folder_must_exist``: a writer that makes none), or no file can be created in it
    (:func:`unwritable`).  The end of every --out check (:func:`check_out` for packs,
    device.library.fixes_csv.check_csv_out for the corrections CSV); nothing is created."""
    if out.exists() and not out.is_file():
        raise HatboxError(f"{flag} {show(out)} is not a regular file", hint=f"give the path of {what} to write")
    if folder_must_exist and not out.parent.is_dir() and not out.parent.is_file():
        raise HatboxError(f"cannot write {flag} {show(out)}: no folder {show(out.parent)}",
                          hint="make the folder first, or pick a file in one that exists")
    why = unwritable(out)
    if why:
        raise HatboxError(f"cannot write {flag} {show(out)}: {why}", hint="pick a file in a folder you can write to")


def locked_fd(path: str | Path, *, wait: bool = True) -> int | None:
    """A descriptor of ``path`` (made if missing) holding an exclusive advisory lock (``fcntl.flock``), which
    the kernel drops when the descriptor is closed or its process ends; close it to release.  None where no
    lock can be had (no flock here, a file system without locks, a file that cannot be made): the caller goes
    on without one.  ``wait`` False: BlockingIOError at once while another process holds the lock."""
    try:
        import fcntl
    except ImportError:
        return None
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise
    except OSError:
        os.close(fd)
        return None
    except BaseException:
        os.close(fd)
        raise
    return fd


def lock_held(path: str | Path) -> bool | None:
    """Whether a process holds the lock :func:`locked_fd` takes on ``path`` now: a shared lock tried through a
    read-only descriptor, never waiting, and let go at once (whoever asks may not be the holder's user).  False where
    there is no such file or no flock; None when the file is there but this user may not open it."""
    try:
        import fcntl
    except ImportError:
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)                            # lets go of a lock taken
    return False


@contextmanager
def held_exclusively(path: str | Path, busy: Callable[[str], BaseException]) -> Iterator[None]:
    """Hold an exclusive advisory lock on the file ``path`` (:func:`locked_fd`, not waiting) for the block, with
    this process's pid written into it; ``busy(" (pid N)")`` is raised at once, nothing done, while another
    process holds it (its pid, as the holder wrote it, or "").  The kernel drops the lock when the process ends
    however it ends, so a file left behind never blocks a later run (the file stays: removing it would let two
    runs lock two different files).  Where no lock can be had (no flock, a file that cannot be made), the block
    runs without one."""
    try:
        fd = locked_fd(path, wait=False)
    except BlockingIOError:
        try:
            holder = Path(path).read_bytes()[:32].decode("ascii", "replace").strip()
        except OSError:
            holder = ""
        raise busy(f" (pid {holder})" if holder.isdigit() else "") from None
    if fd is None:
        yield
        return
    try:
        try:                                    # the pid only makes a refusal clearer
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        except OSError:
            pass
        yield
    finally:
        os.close(fd)                            # releases the lock


def _lock_folder() -> Path:
    """Where the trainers' locks live: ``$XDG_CACHE_HOME/hatbox/locks`` (default ``~/.cache``), not beside the pack."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hatbox" / "locks"


@contextmanager
def training_lock(out: str | Path, what: str = "") -> Iterator[None]:
    """Held while a training writes pack ``out``: a second `hatbox train` for the same file (by any spelling of its
    path) is refused at once, HatboxError naming the first one's pid, instead of both training and the slower one
    silently replacing the faster one's pack and report.  Under torchrun only the first process takes it.  The
    lock file (named after a hash of the path) lives in :func:`_lock_folder`, never beside the pack; where it cannot
    be made the training runs unlocked.  ``what``: words before the path in the refusal, for a lock on another
    output (``"its report in "``: :func:`locks_out` holds one on the report folder too)."""
    if int(os.environ.get("RANK", "0")) != 0:
        yield
        return
    import hashlib
    key = hashlib.blake2b(os.path.realpath(Path(out).expanduser()).encode("utf-8", "surrogateescape"),
                          digest_size=8).hexdigest()
    folder = _lock_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        yield
        return

    option = "--report" if what else "--out"

    def busy(pid: str) -> HatboxError:
        return HatboxError(f"another training is writing {what}{out} now{pid}; nothing was done",
                           hint=f"wait for it to end (or stop it), or give this one another {option}")
    with held_exclusively(folder / f"train-{key}.lock", busy):
        yield


def locks_out(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run the trainer ``fn`` (whose ``out`` argument names the pack it writes) under :func:`training_lock`, and
    under one on its ``report`` folder too when it is given one (synth QA of the fortieth stop: two trainings of
    different packs given one --report each wrote it, the last one's report left beside both packs)."""
    import functools
    import inspect
    sig = inspect.signature(fn)

    @functools.wraps(fn)
    def locked(*args: Any, **kwargs: Any) -> Any:
        bound = sig.bind_partial(*args, **kwargs)
        bound.apply_defaults()
        report = bound.arguments.get("report")
        with training_lock(bound.arguments["out"]), \
                (training_lock(report, "its report in ") if report is not None else nullcontext()):
            return fn(*args, **kwargs)
    return locked


@contextmanager
def made_folder_undone(folder: str | Path | None) -> Iterator[None]:
    """On any exception (Ctrl-C included) inside, remove ``folder`` and the empty folders above it where
    they did not exist on entry: a report is never left without the pack it describes.  A folder that was
    there before is left as it is, with whatever it holds.  ``None``: nothing to undo."""
    made = missing_folders(Path(folder)) if folder is not None else []
    try:
        yield
    except BaseException:
        remove_made(made)
        raise


def missing_folders(folder: Path) -> list[Path]:
    """``folder`` and the folders above it that do not exist yet, outermost first.  A path through a
    folder still to be made and ``..`` (``new/../mine/report``) names a folder that may exist already
    (``mine``): judged by where the path leads (os.path.realpath), not by its spelling, so that such a
    folder is never taken for one this run made."""
    folder = folder.absolute()
    return [d for d in [*reversed(folder.parents), folder]
            if not d.exists() and not os.path.exists(os.path.realpath(d))]


def remove_made(made: list[Path]) -> None:
    """Remove the innermost of ``made`` with what it holds, then the others (innermost first) while empty."""
    if not made:
        return
    shutil.rmtree(made[-1], ignore_errors=True)
    for folder in reversed(made[:-1]):
        try:
            folder.rmdir()
        except OSError:
            break


REPORT_MARK = ".hatbox-report"      # written into every report folder: a folder hatbox may write its report into again
REPORT_JSON = "metrics.json"        # every trainer's report holds it (reports from before REPORT_MARK: known by it)


def report_clashes(report: Path, names: tuple[str, ...], patterns: tuple[str, ...] = ()) -> list[str]:
    """The files of the existing folder ``report`` that a new report would replace (named ``names``, or matching a
    glob of ``patterns``) while the folder is not a hatbox report (no :data:`REPORT_MARK`, no :data:`REPORT_JSON`):
    a producer's own ``report.md`` in a folder given as ``--report``.  Empty for a new folder or a report's own."""
    report = Path(report)
    if not report.is_dir() or (report / REPORT_MARK).exists() or (report / REPORT_JSON).is_file():
        return []
    found = {n for n in names if (report / n).is_file()}
    found |= {p.name for pattern in patterns for p in report.glob(pattern) if p.is_file()}
    return sorted(found)


def refuse_report_clashes(report: Path, names: tuple[str, ...], patterns: tuple[str, ...] = (),
                          suggestion: str = "") -> None:
    """HatboxError naming :func:`report_clashes`' files, if any: checked before training, nothing written."""
    clashes = report_clashes(report, names, patterns)
    if clashes:
        shown = ", ".join(clashes[:4]) + (f" and {len(clashes) - 4} more" if len(clashes) > 4 else "")
        raise HatboxError(f"--report {report} holds {shown}, not written by hatbox: the report would replace "
                          f"{'it' if len(clashes) == 1 else 'them'}",
                          hint="give the report a folder of its own (new, or one hatbox wrote before)"
                               + (f", e.g. --report {suggestion}" if suggestion else ""))


@contextmanager
def staged_report(report: Path, stale: tuple[str, ...] = ()) -> Iterator[Path]:
    """A folder (not made yet) inside a new hidden folder beside ``report``, for the report to be written into.
    When the block ends without an exception, its files move into ``report`` (made if missing; files of the
    same name replaced: a previous run's files of other names stay, but for those matching one of the glob
    patterns ``stale``, files only the report writes, which are removed: an earlier run's sounds of an instrument
    no longer in the data are not left beside the new report); on any
    exception (Ctrl-C included) it is removed and ``report`` keeps what it held, so that an interrupted
    re-run leaves the last run's report whole, next to the pack it describes.  A report that moved in leaves
    :data:`REPORT_MARK` in ``report``: the folder is hatbox's to write into again (:func:`report_clashes`).  Folders made for it above
    ``report`` are removed again on an exception (export.atomic.made_folder_undone)."""
    with made_folder_undone(report):
        report.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{report.name}.", dir=report.parent))
        stage = tmp / report.name                 # not made yet: the report writer makes its folder
        try:
            yield stage
            report.mkdir(exist_ok=True)
            fresh = {f.name for f in stage.iterdir()}
            for old in sorted({p for pattern in stale for p in report.glob(pattern)}):
                if old.name not in fresh and old.is_file():
                    old.unlink()
            for f in sorted(stage.iterdir()):
                os.replace(f, report / f.name)
            (report / REPORT_MARK).write_text("a hatbox training report: hatbox writes its next report here\n")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

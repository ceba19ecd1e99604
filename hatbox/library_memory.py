"""What `hatbox push-library` remembers of the folders it packed: each folder's files (paths, sizes, modification
times) and the SHA-256 of the archive they made, so that a push of a folder unchanged since asks the box about that
digest before packing anything (p47 QA: a repeated `push-library d/lib --wait` packed all of it, progress lines and
all, to hear "nothing was sent").

Kept in ``pushed.json`` beside the box settings (hatbox.box_config: ``~/.config/hatbox/``), the last
:data:`KEEP` folders; a file that cannot be read or written is as none (the folder is packed, as before).  A folder
whose files changed (one added, removed, resized or touched) has another fingerprint: packed again.  The archive
a folder makes depends on its files and on what is left out of it (``leave``: names the box refuses, the
corrections' database), both in the fingerprint.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

KEEP = 64                   # folders remembered; the oldest is forgotten first
FORMAT = "hatbox-folder-tar-1"      # what the fingerprint is of: a folder packed by device.library.folder_tar


def memory_path() -> Path:
    """``pushed.json`` in the folder of the box settings (HATBOX_CONFIG's, else ~/.config/hatbox/)."""
    from hatbox.box_config import config_path
    return config_path().parent / "pushed.json"


def fingerprint(folder: Path, leave: frozenset[str] | set[str] = frozenset()) -> str:
    """A digest of what packing ``folder`` reads: every file's path inside it, size and modification time (ns),
    with the paths in ``leave``; hidden files and links, which are not packed, are left out as the packing does.
    Reads no file's bytes (500 files: a few milliseconds)."""
    from device.audio.audiofile import hidden_name
    h = hashlib.sha256(FORMAT.encode())
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).parts
        try:
            if path.is_symlink() or any(hidden_name(p) for p in rel) or not path.is_file():
                continue
            st = path.stat()
        except OSError:
            continue
        h.update(f"{'/'.join(rel)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
    h.update("\0".join(sorted(leave)).encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def _read() -> dict[str, dict[str, str]]:
    try:
        got = json.loads(memory_path().read_bytes())
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in got.items() if isinstance(v, dict)} if isinstance(got, dict) else {}


def archive_digest(folder: Path, print_: str) -> str | None:
    """The SHA-256 of the archive ``folder`` made when its fingerprint was ``print_`` (None: not remembered)."""
    entry = _read().get(str(folder.resolve()))
    return entry.get("sha256") if entry and entry.get("fingerprint") == print_ else None


def remember(folder: Path, print_: str, sha256: str) -> None:
    """Keep that ``folder`` of fingerprint ``print_`` packs into an archive of digest ``sha256``; never raises (a
    folder not remembered is packed again next time)."""
    from export.atomic import write_atomic
    kept = _read()
    kept.pop(str(folder.resolve()), None)
    kept[str(folder.resolve())] = {"fingerprint": print_, "sha256": sha256}
    kept = dict(list(kept.items())[-KEEP:])
    try:
        memory_path().parent.mkdir(parents=True, exist_ok=True)
        write_atomic(memory_path(), json.dumps(kept, sort_keys=False).encode())
    except OSError:
        return
    try:
        os.chmod(memory_path(), 0o600)          # folder paths: this user's business
    except OSError:
        pass

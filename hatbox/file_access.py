"""Words for a file or folder the system will not let hatbox read (its mode, its owner): the system's reason made
plain ("permission denied") and what to do, one wording for the trainers' data loaders and device.audio.audiofile
(p54 QA_A: an unreadable note folder or pairs.csv was an internal error, an unreadable WAV "system error").
Torch-free and numpy-free: device/ uses it."""
from __future__ import annotations

import shlex
from pathlib import Path


def os_words(exc: OSError) -> str:
    """Why the system refused, in its own words starting in lower case, without the path: "permission denied",
    "input/output error"; the exception's text when it gives no reason."""
    text = exc.strerror or str(exc) or type(exc).__name__
    return text[:1].lower() + text[1:]


def cannot_read(path: str | Path, exc: OSError, what: str = "") -> str:
    """"cannot read WHAT PATH: permission denied" (``what``: "the note folder ", or "" for the path alone)."""
    return f"cannot read {what}{path}: {os_words(exc)}"


def access_hint(path: str | Path, folder: bool = False) -> str:
    """What to do about ``path`` (a ``folder``, whose files are read too) that may not be read: give your user read
    access, or have its owner (or sudo) do it when another user owns it."""
    quoted = shlex.quote(str(path))
    fix = f"chmod -R u+rX {quoted}" if folder else f"chmod u+r {quoted}"
    own = f"sudo chown -R \"$USER\" {quoted}" if folder else f"sudo chown \"$USER\" {quoted}"
    return (f"let your user read it: {fix}; if another user owns it (ls -ld {quoted} shows the owner), ask them or "
            f"an administrator ({own})")


"""Finding and running the external programs the recipes use (fluidsynth, lv2apply, lv2ls)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from hatbox.errors import DataError

DEBIAN_PACKAGE = {"fluidsynth": "fluidsynth", "lv2apply": "lilv-utils", "lv2ls": "lilv-utils",
                  "lv2info": "lilv-utils"}


def require_tool(name: str) -> str:
    """Absolute path of program ``name``, or a DataError naming the Debian package to install."""
    found = shutil.which(name)
    if found is None:
        package = DEBIAN_PACKAGE.get(name, name)
        raise DataError(f"`{name}` is not installed", hint=f"sudo apt-get install {package}")
    return found


def run_tool(argv: list[str], what: str, fail_on: str | None = None) -> str:
    """Run ``argv`` (argv[0] resolved with require_tool); stdout on success, DataError otherwise.

    ``fail_on``: text that, found in stderr, is a failure even with exit status 0 (tools that
    report an error and carry on).
    """
    argv = [require_tool(argv[0]), *argv[1:]]
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()
        raise DataError(f"{what} failed (exit {proc.returncode}): {detail[-1] if detail else 'no message'}")
    if fail_on is not None and fail_on in proc.stderr:
        line = next(ln for ln in proc.stderr.splitlines() if fail_on in ln)
        raise DataError(f"{what} failed: {line.strip()}")
    return proc.stdout


def require_file(path: Path, what: str, package: str | None = None) -> Path:
    """``path`` if it exists, else a DataError (naming the Debian package that provides it, if given)."""
    if not Path(path).is_file():
        raise DataError(f"{what} not found at {path}",
                        hint=f"sudo apt-get install {package}" if package else None)
    return Path(path)

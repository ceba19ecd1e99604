"""Helpers for p54 M3's permission tests: a file or folder made unreadable for real (chmod 000, skipped where this
process may read it anyway: root with CAP_DAC_OVERRIDE, as CI runs), or as the system would refuse it (the calls
that look at it raise PermissionError), so that the wording is tested everywhere."""
from __future__ import annotations

import builtins
import os
from pathlib import Path
from contextlib import contextmanager
from typing import Any, Iterator

import pytest


def denied(path: Path) -> PermissionError:
    """The error the system gives for ``path``."""
    return PermissionError(13, "Permission denied", str(path))


@contextmanager
def chmod_000(path: Path) -> Iterator[None]:
    """Make ``path`` unreadable (mode 000) for the test's while, then as it was; pytest.skip where this process can
    read it all the same (root with the DAC override capability)."""
    mode = path.stat().st_mode & 0o7777
    os.chmod(path, 0)
    try:
        try:
            if path.is_dir():
                os.listdir(path)
            else:
                open(path, "rb").close()
        except PermissionError:
            yield
            return
        pytest.skip("this process reads a file of mode 000 anyway (root with CAP_DAC_OVERRIDE): the monkeypatched "
                    "test beside this one checks the words")
    finally:
        os.chmod(path, mode)


def refuse_folder(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make ``folder`` behave as one of mode 000 does to an ordinary user: listing it, and looking at (stat) or opening
    anything inside it, raise PermissionError; the folder itself can still be looked at."""
    inside = str(folder.absolute()) + os.sep
    real_stat, real_iterdir, real_open = Path.stat, Path.iterdir, Path.open
    real_builtin_open, real_listdir, real_scandir, real_os_open = builtins.open, os.listdir, os.scandir, os.open

    def under(p: Any) -> bool:
        try:
            return str(Path(os.fsdecode(p)).absolute()).startswith(inside)
        except TypeError:           # a file descriptor
            return False

    def stat(self: Path, *a: Any, **k: Any) -> Any:
        if under(self):
            raise denied(self)
        return real_stat(self, *a, **k)

    def iterdir(self: Path) -> Any:
        if under(self) or self.absolute() == folder.absolute():
            raise denied(self)
        return real_iterdir(self)

    def path_open(self: Path, *a: Any, **k: Any) -> Any:
        if under(self):
            raise denied(self)
        return real_open(self, *a, **k)

    def builtin_open(file: Any, *a: Any, **k: Any) -> Any:
        if not isinstance(file, int) and under(file):
            raise denied(file)
        return real_builtin_open(file, *a, **k)

    def os_open(file: Any, *a: Any, **k: Any) -> Any:
        if under(file):
            raise denied(file)
        return real_os_open(file, *a, **k)

    def listdir(p: Any = ".") -> Any:
        if not isinstance(p, int) and (under(p) or Path(os.fsdecode(p)).absolute() == folder.absolute()):
            raise denied(p)
        return real_listdir(p)

    def scandir(p: Any = ".") -> Any:
        if not isinstance(p, int) and (under(p) or Path(os.fsdecode(p)).absolute() == folder.absolute()):
            raise denied(p)
        return real_scandir(p)
    monkeypatch.setattr(Path, "stat", stat)
    monkeypatch.setattr(Path, "iterdir", iterdir)
    monkeypatch.setattr(Path, "open", path_open)
    monkeypatch.setattr(builtins, "open", builtin_open)
    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(os, "listdir", listdir)
    monkeypatch.setattr(os, "scandir", scandir)


def refuse_file(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """Make the file ``path`` behave as one of mode 000 does to an ordinary user: it can be looked at (stat), but
    opening it (open, Path.open, os.open) raises PermissionError, and libsndfile, which opens it itself, fails with
    its "System error"."""
    import soundfile as sf
    target = str(path.absolute())
    real_open, real_builtin_open, real_os_open = Path.open, builtins.open, os.open
    real_info, real_read = sf.info, sf.read

    def same(p: Any) -> bool:
        return not isinstance(p, int) and str(Path(os.fsdecode(p)).absolute()) == target

    def path_open(self: Path, *a: Any, **k: Any) -> Any:
        if same(self):
            raise denied(self)
        return real_open(self, *a, **k)

    def builtin_open(file: Any, *a: Any, **k: Any) -> Any:
        if same(file):
            raise denied(file)
        return real_builtin_open(file, *a, **k)

    def os_open(file: Any, *a: Any, **k: Any) -> Any:
        if same(file):
            raise denied(file)
        return real_os_open(file, *a, **k)

    def libsndfile(real: Any) -> Any:
        def call(file: Any, *a: Any, **k: Any) -> Any:
            if same(file):
                raise sf.LibsndfileError(2, f"Error opening {file!r}: ")
            return real(file, *a, **k)
        return call
    monkeypatch.setattr(Path, "open", path_open)
    monkeypatch.setattr(builtins, "open", builtin_open)
    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(sf, "info", libsndfile(real_info))
    monkeypatch.setattr(sf, "read", libsndfile(real_read))

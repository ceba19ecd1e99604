"""Shared fixtures. Tests never write outside pytest's tmp_path."""
from __future__ import annotations

import os
import signal

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")    # onnxruntime writes nothing under ~/.cache (runtime.py)
os.environ.setdefault("HATBOX_TAG_IN_THREAD", "1")     # a box tags on its thread (device/api/library_tagging.py):
#                                                      a process start per tagging slowed the suite; p50 FD/M7 unset it


import pytest


@pytest.fixture(autouse=True, scope="session")
def _ctrl_c_as_at_a_terminal():
    """Ctrl-C raises KeyboardInterrupt, as in a terminal, even when pytest was started with SIGINT ignored (a
    non-interactive shell's background job inherits SIG_IGN, and Python then installs no handler): the tests that
    send a real SIGINT would otherwise wait for an interruption that never comes (one hung a background CI run)."""
    before = signal.getsignal(signal.SIGINT)
    if before is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    if before is signal.SIG_IGN:
        signal.signal(signal.SIGINT, before)


@pytest.fixture(autouse=True, scope="session")
def _home_in_tmp(tmp_path_factory: pytest.TempPathFactory):
    """HOME, XDG_CONFIG_HOME and XDG_CACHE_HOME in a temporary folder, and `hatbox device run`'s default store under it: a test
    that leaves out --store or HATBOX_CONFIG (or a subprocess that inherits this environment) never reads or
    writes the real ~/.hatbox or ~/.config/hatbox (whose active packs a box run would load)."""
    home = tmp_path_factory.mktemp("home")
    mp = pytest.MonkeyPatch()
    mp.setenv("HOME", str(home))
    mp.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    mp.setenv("XDG_CACHE_HOME", str(home / ".cache"))          # the trainers' locks (export.atomic.training_lock)
    yield home
    mp.undo()


@pytest.fixture(autouse=True, scope="session")
def _tagging_followed_often():
    """`push-library --wait` and `box-library --wait` run in a test's process read the library every 0.05 s while it
    is tagged, not every 0.5 s (hatbox.cmd_box_library.FOLLOW_POLL_S): a test's few files are tagged well within the
    first 0.5 s, which each such command slept whole (about 14 s of trim TA1's files alone, p58)."""
    from hatbox import cmd_box_library
    mp = pytest.MonkeyPatch()
    mp.setattr(cmd_box_library, "FOLLOW_POLL_S", 0.05)
    yield
    mp.undo()

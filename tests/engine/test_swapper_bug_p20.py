"""The swapper thread (device/audio/swap.py) on an exception that is no HatboxError: a loader bug was refused
in a bare "RuntimeError: ..." with its traceback lost (nothing logged); one that is no Exception at all
(SystemExit from a library) and a ``done`` callback that raised ended the thread, printing a traceback,
and every later load waited out its 60 s.  Now the traceback is logged, the load is refused in plain words
in the engine status's ``loads`` as a PackError refusal is, the old pack plays on and the thread serves the
next load."""
from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest

import device.audio.swap as swap_mod
from device.audio.alsa_io import AudioConfig
from device.audio.server import ServerConfig, _Child
from device.audio.swap import LoadResult
from hatbox.errors import PackError
from tests.engine.packs import effect_pack


@pytest.fixture
def child() -> Iterator[_Child]:
    c = _Child(ServerConfig(audio=AudioConfig(rate=48000, period=128), backend="file", realtime=False))
    c.swapper.warm_s = 0.02
    yield c
    c.swapper.stop()


@pytest.fixture
def thread_errors(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """Exceptions that escaped a thread (threading.excepthook: what printed the traceback)."""
    seen: list[BaseException] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: seen.append(args.exc_value))
    return seen


def _load(child: _Child, pack: Path) -> None:
    """Load ``pack`` into the effect slot, then play a few blocks (the engine installs it at a block's start)."""
    try:
        child.request({"op": "load", "slot": "effect", "path": str(pack)})
    finally:
        out = np.zeros(128, np.float32)
        for _ in range(4):
            child.engine.process(None, out)


def _broken_loader(monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> None:
    """The swapper's unit builder (step 3 of its load) raises ``exc`` once."""
    real = swap_mod.build_unit

    def build_unit(*args: Any, **kwargs: Any) -> Any:
        monkeypatch.setattr(swap_mod, "build_unit", real)
        raise exc
    monkeypatch.setattr(swap_mod, "build_unit", build_unit)


@pytest.mark.parametrize("exc", [RuntimeError("the loader's bug\nsecond line"), SystemExit(3)])
def test_a_loader_bug_is_logged_refused_in_the_status_and_the_old_pack_plays_on(
        child: _Child, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        thread_errors: list, exc: BaseException) -> None:
    _load(child, effect_pack(tmp_path / "old.hatpack", "gain", -6.0, name="old-drive"))
    new = effect_pack(tmp_path / "new.hatpack", "gain", -3.0, name="new-drive")
    _broken_loader(monkeypatch, exc)
    what = "RuntimeError: the loader's bug" if isinstance(exc, RuntimeError) else "SystemExit: 3"
    words = (f"loading {new} into the effect slot stopped on an unexpected error ({what}), a bug in hatbox; the "
             "effect slot plays on as before, and the box's log has the details - please report it")
    with caplog.at_level(logging.ERROR, logger="hatbox.engine"), pytest.raises(PackError) as refused:
        _load(child, new)                                                 # was: a 60 s wait (SystemExit)
    assert str(refused.value) == words and refused.value.check == "load"
    status = child.status()
    assert status["active"]["effect"]["name"] == "old-drive"              # the old pack plays on
    assert [(x["path"], x["ok"], x["error"]) for x in status["loads"]] == [
        (str(tmp_path / "old.hatpack"), True, None), (str(new), False, words)]
    logged = [r for r in caplog.records if r.name == "hatbox.engine"]
    assert len(logged) == 1 and logged[0].exc_info[1] is exc and str(new) in logged[0].getMessage()
    assert not thread_errors and child.swapper._thread.is_alive()
    _load(child, new)                                                     # the next load is served
    assert child.status()["active"]["effect"]["name"] == "new-drive"


def test_a_callback_that_raises_is_logged_and_the_thread_serves_the_next_load(
        child: _Child, tmp_path: Path, caplog: pytest.LogCaptureFixture, thread_errors: list) -> None:
    def callback(result: LoadResult) -> None:
        raise RuntimeError("the caller's bug")

    pack = effect_pack(tmp_path / "g.hatpack", "gain", -6.0)
    with caplog.at_level(logging.ERROR, logger="hatbox.engine"):
        assert child.swapper.request("effect", pack, done=callback).done.wait(30)
        _load(child, effect_pack(tmp_path / "h.hatpack", "gain", -3.0, name="next"))   # was: a 60 s wait
    assert not thread_errors and child.swapper._thread.is_alive()
    assert child.status()["active"]["effect"]["name"] == "next"
    logged = [r for r in caplog.records if r.name == "hatbox.engine"]
    assert len(logged) == 1 and "callback" in logged[0].getMessage() and logged[0].exc_info is not None

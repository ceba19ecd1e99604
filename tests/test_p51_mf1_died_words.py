"""p51 MF1 (1): a work child that ended without a word is "out of memory?" only for a SIGKILL (the OOM killer's
signal), for the tagging as for the unpacking: one choice, device.library.child_process.died_how.  Before, every
tagging child that died (a SIGSEGV, an exit 1) was recorded "killed: out of memory?"."""
from __future__ import annotations

import signal
import threading
import time
from pathlib import Path
from typing import Callable

import pytest

from device.api.libraries import Libraries
from device.api.library_tagging import DIED, DIED_WHY, died_why
from device.library.child_process import died_how
from device.library.tag_worker import WorkerDied
from device.library.unpack_worker import ended_error
from tests.api.conftest import wav_bytes, zip_bytes
from tests.api.packs import tagger_pack


def test_out_of_memory_is_guessed_for_a_sigkill_alone() -> None:
    assert died_how(-signal.SIGKILL) == "killed by SIGKILL: out of memory?"
    assert died_how(-signal.SIGSEGV) == "killed by SIGSEGV"
    assert died_how(1) == "exit code 1"
    assert died_how(None) == "exit code None"


def test_the_unpackings_words_are_unchanged() -> None:
    assert "(killed by SIGKILL: out of memory?)" in str(ended_error(-signal.SIGKILL))
    assert "was stopped (killed by SIGSEGV: the box stopping?)" in str(ended_error(-signal.SIGSEGV))
    assert "stopped unexpectedly (exit code 1)" in str(ended_error(1))


def test_the_taggings_words_name_how_it_died() -> None:
    assert died_why(-signal.SIGSEGV, "lib-a") == (
        "the tagging stopped unexpectedly (killed by SIGSEGV); the box's log has the details; tag it again: "
        "hatbox box-library lib-a --retag")
    assert died_why(3) == "the tagging stopped unexpectedly (exit code 3); the box's log has the details"
    assert died_why(-signal.SIGKILL) == DIED_WHY and died_why(-signal.SIGKILL, "x") == DIED.format(lid="x")
    assert "out of memory?" in DIED_WHY


def _dies_with(code: int) -> Callable[..., object]:
    def tagger(root: Path, pack: Path, db: Path, progress: Callable[[int, int], None],
               cancel: threading.Event) -> object:
        progress(1, 3)
        raise WorkerDied(code)
    return tagger


@pytest.mark.parametrize("code, how", [(-signal.SIGSEGV, "killed by SIGSEGV"), (1, "exit code 1"),
                                       (-signal.SIGKILL, "killed by SIGKILL: out of memory?")])
def test_a_tagging_child_that_died_is_recorded_as_it_died(tmp_path: Path, code: int, how: str) -> None:
    libs = Libraries(tmp_path / "libs", _dies_with(code))
    arc = tmp_path / "lib.zip"
    arc.write_bytes(zip_bytes({f"kit/s{i}.wav": wav_bytes(2400) for i in range(3)}))
    lid = libs.ingest(arc, "kit", tagger_pack(tmp_path / "t.hatpack"), "tagger-x")["id"]
    end = time.monotonic() + 20
    while libs.get(lid)["state"] == "tagging" and time.monotonic() < end:
        time.sleep(0.02)
    ended = libs.get(lid)
    assert ended["state"] == "failed", ended
    assert ended["error"] == (f"the tagging stopped unexpectedly ({how}); the box's log has the details; tag it "
                              f"again: hatbox box-library {lid} --retag"), ended
    assert ("out of memory?" in ended["error"]) == (code == -signal.SIGKILL)

"""p50 FD: the box tags a library in a process of its own (device/library/tag_worker.py), so that the tagging does not
hold the box process's GIL while OSC and MIDI hand notes to the engine (bench/box_note_latency.py); what the box's
record gets (progress, the report, a cancel, an error's words) is what tag_library in the box's thread gave."""
from __future__ import annotations

import errno
import resource
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.api.library_fixes import tagging_failed
from device.api.library_tagging import default_tagger
from device.library.report_json import jsonable
from device.library.tag_worker import error_words, rebuilt_error
from hatbox.errors import HatboxError
from tests.api.packs import tagger_pack


@pytest.fixture(autouse=True)
def _in_a_child(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are of the tagging process: the suite's in-thread setting (tests/conftest.py) off."""
    monkeypatch.delenv("HATBOX_TAG_IN_THREAD", raising=False)


def _library(root: Path, n: int) -> Path:
    rng = np.random.default_rng(1)
    for i in range(n):
        (root / f"k{i % 3}").mkdir(parents=True, exist_ok=True)
        t = np.arange(2400) / 16000
        hit = np.sin(2 * np.pi * rng.uniform(60, 3000) * t) * np.exp(-t * 30) * rng.uniform(0.2, 0.9)
        sf.write(root / f"k{i % 3}" / f"hit{i:03d}.wav", hit.astype(np.float32), 16000, subtype="PCM_16")
    return root


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def test_tagging_runs_outside_the_calling_process(tmp_path: Path) -> None:
    """The calling thread only waits: the decoding and the model run in a child (its CPU time counted there)."""
    lib, pack = _library(tmp_path / "lib", 40), tagger_pack(tmp_path / "t.hatpack")
    seen: list[tuple[int, int]] = []
    cpu0, kids0 = time.thread_time(), _children_cpu()
    report = jsonable(default_tagger(lib, pack, tmp_path / "tags.db", lambda d, t: seen.append((d, t)),
                                     threading.Event()))
    mine, kids = time.thread_time() - cpu0, _children_cpu() - kids0
    assert report["total"] == 40 and report["tagged"] == 40 and not report["cancelled"]
    assert seen[-1] == (40, 40)
    assert kids > 0.05 and mine < kids / 2, (mine, kids)
    assert (tmp_path / "tags.db").is_file()


def test_cancel_reaches_the_child(tmp_path: Path) -> None:
    """A cancel set while it runs stops it after the file it is on (tag.py looks at it before each file): the
    files done stay done."""
    lib, pack = _library(tmp_path / "lib", 400), tagger_pack(tmp_path / "t.hatpack")
    cancel = threading.Event()
    report = jsonable(default_tagger(lib, pack, tmp_path / "tags.db", lambda d, t: cancel.set(), cancel))
    assert report["cancelled"] and 0 < report["tagged"] < 400


def test_an_error_keeps_its_words(tmp_path: Path) -> None:
    """A tagger pack that is not one: the same class name and words as tag_library says them in-process."""
    from device.library import tag_library  # type: ignore[attr-defined]
    lib, bad = _library(tmp_path / "lib", 2), tmp_path / "bad.hatpack"
    bad.write_bytes(b"not a pack")
    with pytest.raises(HatboxError) as here:
        tag_library(lib, bad, tmp_path / "a.db")
    with pytest.raises(HatboxError) as there:
        default_tagger(lib, bad, tmp_path / "b.db", lambda d, t: None, threading.Event())
    assert type(there.value).__name__ == type(here.value).__name__
    assert str(there.value) == str(here.value).replace("a.db", "b.db")


def test_a_full_disk_is_said_as_one(tmp_path: Path) -> None:
    """An OSError keeps its errno across the pipe: the record says the disk is full, not an internal error."""
    said = error_words(OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "x")))
    exc = rebuilt_error(said)
    assert isinstance(exc, OSError) and exc.errno == errno.ENOSPC
    (tmp_path / "lib").mkdir()
    assert tagging_failed(tmp_path / "lib", exc, False).startswith("the box's disk is full")

"""Loops in a kit (p49 QA "loops"): `box-kit --from` asks before replacing notes set by hand, a producer's own words
of long files loop (or not: --loop / --no-loop), long files played once and drum notes holding loops are said, the
empty drum pads only of a kit with drum words; the sampler says a cut loop repeats every 60 s, and forgets a loop's
warnings once no looped note plays its file."""
from __future__ import annotations

import io
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from device.kit import Loops, kit_from_tags, note_loops
from hatbox.cli import main
from tests.api.conftest import start_remote_box
from tests.api.packs import tagger_pack
from tests.cli_run import run as _run

RATE = 48000


@pytest.fixture
def box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    running, codes, _control, app = start_remote_box(tmp_path, monkeypatch)
    assert main(["pair", running.url, "--code", codes[-1], "--name", "laptop"]) == 0
    yield app
    running.stop()


def _tone(path: Path, seconds: float, hz: float = 110.0) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    t = np.arange(int(seconds * RATE)) / RATE
    sf.write(path, (0.4 * np.sin(2 * np.pi * hz * t)).astype(np.float32), RATE)


def _library(tmp_path: Path, words: tuple[str, ...], files: dict[str, tuple[float, str]]) -> None:
    """A library "lib" of ``files`` (path -> (seconds, tag)) on the box, tagged, each file corrected to its tag."""
    for rel, (seconds, _tag) in files.items():
        _tone(tmp_path / "lib" / rel, seconds)
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack", tags=words)), "--activate"]) == 0
    assert main(["push-library", str(tmp_path / "lib"), "--wait", "--quiet"]) == 0
    for rel, (_seconds, tag) in files.items():
        assert main(["box-library", "lib", "--fix", rel, tag]) == 0


def test_from_asks_before_replacing_notes_set_by_hand_and_says_long_files_played_once(
        tmp_path: Path, box: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    _library(tmp_path, ("pad", "bass"), {"pads/pad1.wav": (3.0, "pad"), "pads/pad2.wav": (3.0, "pad"),
                                         "bass/b1.wav": (2.5, "bass"), "bass/b2.wav": (2.5, "bass")})
    assert main(["box-kit", "--clear"]) == 0
    assert main(["box-kit", "--map", "C3", "bass/b1.wav", "--loop"]) == 0
    assert main(["box-kit", "--map", "F3", "bass/b2.wav", "--loop"]) == 0
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    rc, out, err = _run(capsys, "box-kit", "--from", "lib")
    assert rc == 0 and "the kit holds 2 notes set by hand (C3 bass/b1.wav, F3 bass/b2.wav): replace the whole kit?" \
        in err
    assert "the kit was not replaced" in out and sorted(box.state.box.kit.notes) == [48, 53]
    rc, out, err = _run(capsys, "box-kit", "--from", "lib", "--yes", "--no-loop", "pad")
    assert rc == 0, err
    assert "replaced 2 notes set by hand: C3 bass/b1.wav, F3 bass/b2.wav" in out
    kit = box.state.box.kit.notes
    assert {e.tag: e.loop for e in kit.values()} == {"bass": True, "pad": False}      # bass: long files, a loop
    assert "plays once" not in out          # pad's long file plays once as --no-loop asked: not said (the review)
    assert "drum notes (General MIDI" not in out                    # no drum word: no 25 empty drum pads
    rc, out, _ = _run(capsys, "box-kit", "--from", "lib", "--loop", "pad")
    assert rc == 0 and all(e.loop for e in box.state.box.kit.notes.values()) and "plays once" not in out
    rc, _, err = _run(capsys, "box-kit", "--from", "lib", "--loop", "pda")
    assert rc != 0 and "the library has no tag 'pda'" in err


def test_drum_notes_holding_long_files_are_said(tmp_path: Path, box: Any,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    _library(tmp_path, ("kick", "snare"), {"kit/break.wav": (4.0, "kick"), "kit/snare.wav": (0.2, "snare")})
    capsys.readouterr()
    rc, out, err = _run(capsys, "box-kit", "--from", "lib")
    assert rc == 0, err
    assert "1 drum note holds files over 2 s (loops?): C2 kick (kit/break.wav, 4.0 s)" in out
    assert "drum notes (General MIDI, what a drum module sends) that play nothing" in out
    assert not box.state.box.kit.notes[36].loop


def test_own_words_of_mostly_long_files_loop_drum_and_one_shot_words_do_not() -> None:
    seconds = {"b1": 3.75, "b2": 3.0, "b3": 0.4, "p1": 7.5, "k1": 4.0, "s1": 2.0, "x1": 0.3, "x2": 0.3, "x3": 2.5}
    files = {"bass": ["b1", "b2", "b3"], "pad": ["p1"], "kick": ["k1"], "one-shot": ["s1"], "blip": ["x3", "x1", "x2"]}
    loops = Loops(seconds=lambda f: seconds.get(f, math.nan))
    kit = kit_from_tags("lib", {t: len(f) for t, f in files.items()}, lambda tag, k: files[tag][:k], loops=loops)
    assert {e.tag: e.loop for e in kit.values()} == {"bass": True, "pad": True, "kick": False, "one-shot": False,
                                                     "blip": False}      # blip: its files mostly short
    best = lambda tag, k: files[tag][:k]                                   # noqa: E731
    assert note_loops("kick", "k1", best, Loops(on=frozenset({"kick"}), seconds=loops.seconds))
    assert not note_loops("pad", "p1", best, Loops(off=frozenset({"pad"}), seconds=loops.seconds))
    assert not note_loops("bass", "b3", best, loops)                       # its own file short
    assert {e.tag: e.loop for e in kit_from_tags("lib", {"pad": 1, "break": 1}, lambda tag, k: ["p1"] if tag == "pad"
                                                 else ["b1"]).values()} == {"pad": False, "break": True}  # by words


def _sine(path: Path, seconds: float, hz: float = 440.7) -> str:
    t = np.arange(int(seconds * RATE)) / RATE
    sf.write(path, (0.5 * np.sin(2 * np.pi * hz * t)).astype(np.float32), RATE)
    return str(path)


def test_a_cut_loop_says_it_repeats_every_max_seconds_and_where_to_trim(tmp_path: Path) -> None:
    from device.audio.sampler import SamplerSource
    sampler = SamplerSource(RATE, max_seconds=2.0)
    timed = _sine(tmp_path / "bass_92bpm.wav", 3.3)
    plain = _sine(tmp_path / "pad.wav", 3.3)
    sampler.handle({"op": "sample", "path": timed, "velocity": 0, "note": 48, "loop": True})
    sampler.handle({"op": "sample", "path": plain, "velocity": 0, "note": 50, "loop": True})
    d = tmp_path.name                                                   # a bar (2.6 s) longer than the cut: plain
    assert sampler.warnings() == [
        f"{d}/bass_92bpm.wav is 0:03 long: the sampler plays only its first 2 s",
        f"{d}/bass_92bpm.wav loops every 2 s, not at its own end (0:03 long): it wraps mid-phrase; trim it to under "
        "2 s at a bar line",
        f"{d}/pad.wav is 0:03 long: the sampler plays only its first 2 s",     # the panel's form
        f"{d}/pad.wav loops every 2 s, not at its own end (0:03 long): it wraps mid-phrase; trim it to under 2 s at "
        "a bar line"]
    fast = SamplerSource(RATE, max_seconds=2.0)
    fast.handle({"op": "sample", "path": _sine(tmp_path / "hats_170bpm.wav", 3.3), "velocity": 0, "note": 48,
                 "loop": True})
    assert f"{tmp_path.name}/hats_170bpm.wav loops every 2 s, not at its own end (0:03 long): it wraps 0.42 of the " \
           "way into bar 2 (a bar of 1.412 s); trim it to 1 bar (1.41 s) at a bar line" in fast.warnings()
    sampler.handle({"op": "sample", "path": plain, "velocity": 0, "note": 50, "loop": False})
    assert not any("loops every" in w and "pad.wav" in w for w in sampler.warnings())


def test_a_seam_warning_goes_when_no_looped_note_plays_the_file(tmp_path: Path) -> None:
    from device.audio.sampler import SamplerSource
    sampler = SamplerSource(RATE)
    click = _sine(tmp_path / "click.wav", 1.0)                 # 440.7 Hz: its end steps where it wraps
    sampler.handle({"op": "sample", "path": click, "velocity": 0, "note": 48, "loop": True})
    sampler.handle({"op": "sample", "path": click, "velocity": 0, "note": 52, "loop": False})
    assert any("comes round" in w for w in sampler.warnings())
    sampler.handle({"op": "sample", "path": click, "velocity": 0, "note": 48, "loop": False})   # the kit remade
    assert not any("comes round" in w for w in sampler.warnings())
    sampler.handle({"op": "sample", "path": click, "velocity": 0, "note": 60, "loop": True})
    assert any("comes round" in w for w in sampler.warnings())
    sampler.handle({"op": "sample", "path": "", "velocity": 0, "note": 60})                   # unmapped
    assert not any("comes round" in w for w in sampler.warnings()) and 52 in sampler.note_map

"""The review of F6 (loops in a kit, p49): `--yes` says the notes set by hand as the box replaced them (not from an
earlier GET /kit), the sampler keeps its loop-only warnings under its lock and only while a looped note plays the
file, bar words ("1 bar", ms off the bar line), one header reader for a kit's request, the "loops it" hint keeps
what --loop/--no-loop asked, names read for tempo and bars, sample_decode free of device.kit."""
from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

import device.audio.sampler_control as sampler_control
from device.audio.sample_decode import Decoded, loop_cut_words
from device.audio.sampler import SamplerSource
from device.loop_names import bar_seconds, name_bars, name_tempo
from hatbox.cli import main
from hatbox.kit_words import long_lines, replaced_lines
from tests.test_p49_kit_loops import _library, box  # noqa: F401 - box: a fixture

RATE = 48000


def _sine(path: Path, seconds: float, hz: float = 440.7, rate: int = RATE) -> str:
    t = np.arange(int(round(seconds * rate))) / rate
    sf.write(path, (0.5 * np.sin(2 * np.pi * hz * t)).astype(np.float32), rate, subtype="PCM_16")
    return str(path)


# ------------------------------------------------------------------------------------- 1. --yes: set by hand, said
def test_yes_says_a_note_set_by_hand_just_before_the_kit_was_made(tmp_path: Path, box: Any,  # noqa: F811
                                                                   capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import hatbox.cmd_kit as cmd_kit
    _library(tmp_path, ("pad", "bass"), {"pads/pad1.wav": (3.0, "pad"), "bass/b1.wav": (2.5, "bass"),
                                         "bass/b2.wav": (2.5, "bass")})
    assert main(["box-kit", "--clear"]) == 0
    lib = next(iter(box.state.box.libraries.list()))["id"]
    real, calls = cmd_kit._call, []

    def call(c: Any, method: str, path: str, **kw: Any) -> Any:
        calls.append((method, path))
        if method == "POST":                 # another laptop (or the panel) sets C3 by hand just now
            real(c, "PUT", "/kit/notes/48", json={"library": lib, "file": "bass/b2.wav", "loop": True})
        return real(c, method, path, **kw)
    monkeypatch.setattr(cmd_kit, "_call", call)
    capsys.readouterr()
    assert main(["box-kit", "--from", "lib", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "replaced 1 note set by hand: C3 bass/b2.wav" in out.splitlines()
    assert ("GET", "/kit") not in calls                   # --yes asks the box nothing first


def test_replaced_lines_trust_the_box_and_fall_back_to_the_kit_seen_for_an_older_box() -> None:
    tagged = {"note": 48, "name": "C3", "library": "L", "file": "b.wav", "tag": "bass"}
    by_hand = {**tagged, "tag": None}
    assert replaced_lines({"replaced": [tagged]}, "L", [(48, "b.wav")]) == []          # remade by tag meanwhile
    assert replaced_lines({"replaced": [by_hand]}, "L", []) == ["replaced 1 note set by hand: C3 b.wav"]
    old = {k: v for k, v in tagged.items() if k != "tag"}                              # an older box: no "tag"
    assert replaced_lines({"replaced": [old]}, "L", [(48, "b.wav")]) == ["replaced 1 note set by hand: C3 b.wav"]
    assert replaced_lines({"replaced": [old]}, "L", []) == []
    assert replaced_lines({"replaced": [old]}, "L") == [
        "replaced 1 note of the library (the box, of an older version, does not say which were set by hand): "
        "C3 b.wav"]


# ------------------------------------------------------------------------------- 2. loop warnings under the lock
def test_a_loop_warning_is_not_kept_when_the_note_became_a_one_shot_meanwhile(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    click = _sine(tmp_path / "click.wav", 1.0)            # 440.7 Hz: it clicks where it wraps
    sampler = SamplerSource(RATE)
    sampler.map_note(48, click, False)
    real = sampler_control.seam_words

    def other_thread_first(key: str, got: Decoded) -> str | None:
        other = threading.Thread(target=sampler.map_note, args=(48, click, False))
        other.start()
        other.join()
        return real(key, got)
    monkeypatch.setattr(sampler_control, "seam_words", other_thread_first)
    sampler.map_note(48, click, True)
    assert sampler.note_map[48][1] is False and sampler.warnings() == []


def test_loop_warnings_are_added_with_the_lock_held(tmp_path: Path) -> None:
    sampler = SamplerSource(RATE)
    held = []

    class Watched(set):
        def add(self, item: str) -> None:
            held.append(sampler._lock.locked())
            super().add(item)
    sampler.loop_notices = Watched()
    sampler.map_note(48, _sine(tmp_path / "click.wav", 1.0), True)
    assert held == [True] and len(sampler.loop_notices) == 1


# ------------------------------------------------------------------------------------------------ 3. bar words
def test_a_cut_a_few_ms_off_a_bar_line_is_said_in_ms(tmp_path: Path) -> None:
    groove = _sine(tmp_path / "groove (32 bars).wav", 64.005, rate=8000)
    cut = Decoded(data=np.zeros(3, np.float32), n=1)      # a tail: the file was cut
    assert loop_cut_words(groove, cut, 60.0) == (
        f"{tmp_path.name}/groove (32 bars).wav loops every 60 s, not at its own end (1:04 long): it wraps 5 ms "
        "before the bar line after bar 30 (a bar of 2.000 s); trim it to 29 bars (58.00 s) at a bar line")
    late = _sine(tmp_path / "late (32 bars).wav", 63.99, rate=8000)
    assert loop_cut_words(late, cut, 60.0) == (
        f"{tmp_path.name}/late (32 bars).wav loops every 60 s, not at its own end (1:04 long): it wraps 9 ms after "
        "the bar line, into bar 31 (a bar of 2.000 s); trim it to 30 bars (59.99 s) at a bar line")


# ------------------------------------------------------------------------------------- 4. one header reader
def test_a_kit_from_a_library_reads_each_header_once(tmp_path: Path, box: Any,  # noqa: F811
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import device.audio.file_length as file_length
    _library(tmp_path, ("pad", "bass"), {"pads/pad1.wav": (3.0, "pad"), "pads/pad2.wav": (3.0, "pad"),
                                         "bass/b1.wav": (2.5, "bass")})
    read: list[str] = []
    real = file_length.file_seconds

    def counted(path: Any) -> float:
        read.append(Path(path).name)
        return real(path)
    monkeypatch.setattr(file_length, "file_seconds", counted)
    assert main(["box-kit", "--from", "lib", "--yes"]) == 0
    assert sorted(read) == ["b1.wav", "pad1.wav", "pad2.wav"]     # the loop rule and long_files share them
    assert all(e.loop for e in box.state.box.kit.notes.values())


# ----------------------------------------------------------------------------- 5. the hint keeps what was asked
def test_the_loops_it_hint_keeps_the_tags_asked_and_leaves_no_loop_ones_out() -> None:
    def note(n: int, tag: str) -> dict[str, Any]:
        return {"note": n, "name": f"N{n}", "file": f"{tag}.wav", "tag": tag, "seconds": 3.0, "loop": False,
                "drum": False}
    kit = {"long_files": [note(60, "bass"), note(61, "pad")]}
    assert long_lines(kit, "lib", ["perc"], ["bass"]) == [
        "1 note of long files plays once (not looped): N61 pad (pad.wav, 3.0 s): hatbox box-kit --from lib --loop "
        "perc,pad --no-loop bass loops it"]
    assert long_lines(kit, "lib", [], ["bass", "pad"]) == []


# ------------------------------------------------------------------------------------ 6. names read, and not
@pytest.mark.parametrize(("name", "tempo", "bars"), [
    ("break_92bpm.wav", 92.0, None), ("Break 90 BPM.wav", 90.0, None), ("loop_92.5bpm.wav", 92.5, None),
    ("drums_v2.120bpm.wav", 120.0, None), ("bpm120_loop.wav", 120.0, None), ("120BPM_Am.wav", 120.0, None),
    ("loop-120.wav", None, None), ("Am_120.wav", None, None), ("groove (4 bars).wav", None, 4),
    ("4-bars.wav", None, 4), ("1bar.wav", None, 1), ("kit_808_bar.wav", None, None), ("take2 bars.wav", None, None),
    ("170bpm_dnb_32bars.wav", 170.0, 32), ("loop_1200bpm.wav", None, None)])
def test_names_give_a_tempo_or_bars_only_where_they_say_so(name: str, tempo: float | None, bars: int | None) -> None:
    assert (name_tempo(name), name_bars(name)) == (tempo, bars)
    assert bar_seconds(name, 8.0) == (240.0 / tempo if tempo else 8.0 / bars if bars else None)


# ------------------------------------------------------------------------------------------------ 7. layers
def test_the_sampler_decode_does_not_import_the_kit() -> None:
    code = "import sys, device.audio.sample_decode; print('device.kit' in sys.modules)"
    got = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         cwd=Path(__file__).resolve().parents[1])
    assert got.returncode == 0 and got.stdout.strip() == "False", got.stderr

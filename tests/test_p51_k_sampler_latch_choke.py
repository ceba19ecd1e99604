"""p51 beatmaker QA (K2, K6): a loop note can latch (a tap starts it, the next tap stops it, its note-off does nothing:
a pad tap gave 200 ms of a 2-bar loop), and a note's mapping can name its choke group (hats on a keyboard layout's
notes never choked: the groups were General MIDI's 42/44/46 alone)."""
from __future__ import annotations

from pathlib import Path

from device.audio.sampler import SamplerSource
from tests.sampler_helpers import RATE, tone_file
from tests.sampler_helpers import level as _level



def _wav(path: Path, seconds: float) -> str:
    return str(tone_file(path, seconds))



def _map(s: SamplerSource, note: int, path: str, **options: object) -> None:
    s.handle({"op": "sample", "path": path, "velocity": 0, "note": note, **options})


def test_a_latched_loop_plays_on_after_its_note_off_and_stops_at_the_next_strike(tmp_path: Path) -> None:
    s = SamplerSource(RATE)
    _map(s, 60, _wav(tmp_path / "loop.wav", 0.5), loop=True, latch=True)
    s.handle({"op": "note_on", "note": 60, "velocity": 100})
    assert _level(s) > 0.1
    s.handle({"op": "note_off", "note": 60})                   # the finger lifts: the loop plays on
    assert _level(s, 200) > 0.1                                 # past the file's end: it wraps
    s.handle({"op": "note_on", "note": 60, "velocity": 100})   # the second tap stops it (no new voice)
    _level(s, 4)
    assert _level(s) == 0.0 and s.active_voices == 0
    s.handle({"op": "note_on", "note": 60, "velocity": 100})   # a third starts it again
    assert _level(s) > 0.1


def test_an_unlatched_loop_still_stops_at_its_note_off(tmp_path: Path) -> None:
    s = SamplerSource(RATE)
    _map(s, 60, _wav(tmp_path / "loop.wav", 0.5), loop=True)
    s.handle({"op": "note_on", "note": 60, "velocity": 100})
    assert _level(s) > 0.1
    s.handle({"op": "note_off", "note": 60})
    _level(s, 4)
    assert _level(s) == 0.0


def test_a_note_leaving_the_kit_and_all_notes_off_stop_a_latched_loop(tmp_path: Path) -> None:
    from device.kit import choke_message, unmap_message
    s = SamplerSource(RATE)
    loop = _wav(tmp_path / "loop.wav", 0.5)
    for stop in ([unmap_message(60), choke_message(60)], [{"op": "all_notes_off"}]):   # a note leaving the kit
        _map(s, 60, loop, loop=True, latch=True)
        s.handle({"op": "note_on", "note": 60, "velocity": 100})
        assert _level(s) > 0.1
        for message in stop:
            s.handle(message)
        _level(s, 4)
        assert _level(s) == 0.0, stop


def test_notes_of_a_named_choke_group_cut_each_other(tmp_path: Path) -> None:
    s = SamplerSource(RATE)
    hat = _wav(tmp_path / "hat.wav", 2.0)
    _map(s, 84, hat, choke=2)
    _map(s, 85, hat, choke=2)
    _map(s, 86, hat)                                            # no group named: not in one (not a GM hat note)
    s.handle({"op": "note_on", "note": 84, "velocity": 100})
    s.handle({"op": "note_on", "note": 86, "velocity": 100})
    _level(s, 2)
    s.handle({"op": "note_on", "note": 85, "velocity": 100})
    _level(s, 4)
    assert sorted(int(n) for n, b in zip(s.note, s.buf) if b is not None) == [85, 86]


def test_a_gm_hat_keeps_its_group_unless_its_mapping_takes_it_out(tmp_path: Path) -> None:
    s = SamplerSource(RATE)
    hat = _wav(tmp_path / "hat.wav", 2.0)
    _map(s, 42, hat)
    _map(s, 46, hat, choke=0)                                   # the open hat set to choke nothing
    s.handle({"op": "note_on", "note": 46, "velocity": 100})
    _level(s, 2)
    s.handle({"op": "note_on", "note": 42, "velocity": 100})
    _level(s, 4)
    assert sorted(int(n) for n, b in zip(s.note, s.buf) if b is not None) == [42, 46]
    _map(s, 46, "")                                             # unmapped: General MIDI's group again
    assert s.choke_group[46] == s.choke_group[42] == 1

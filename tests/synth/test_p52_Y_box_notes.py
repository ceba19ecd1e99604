"""The synth on the box (synth QA of the fifty-second stop): note 0 sent 34 % of its energy under 20 Hz at -20 dBFS
peaks (its 8 Hz fundamental and 16 Hz second harmonic) with no word on the box (finding 3); a pack switched in
again from the loader's unit cache came back with the warning of a note played minutes before (finding 4)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from device.audio.synth import LOW_HZ, SynthSource
from device.control import validate
from export.pack import Pack
from tests.engine.synth_box import BLOCK, RATE, SynthBox


def _played(pack: Pack, note: int, seconds: float = 0.5) -> tuple[np.ndarray, SynthSource]:
    """``note`` at velocity 110 held ``seconds`` on a fresh synth: (the output [N], the synth)."""
    synth = SynthSource(pack, RATE)
    synth.handle({"op": "note_on", "note": note, "velocity": 110})
    out = np.zeros(int(seconds * RATE) // BLOCK * BLOCK, np.float32)
    for i in range(0, len(out), BLOCK):
        synth.render(out[i:i + BLOCK])
    return out, synth


def _share_under(x: np.ndarray, hz: float) -> float:
    """The share of ``x``'s energy (Hann-windowed spectrum) under ``hz``."""
    power = np.abs(np.fft.rfft(x * np.hanning(len(x)))) ** 2
    return float(power[np.fft.rfftfreq(len(x), 1 / RATE) < hz].sum() / power.sum())


def test_the_lowest_notes_send_nothing_under_20_hz_and_say_so(synth_pack: Pack) -> None:
    """Before: 4.3 % of note 0's energy and 1.0 % of note 12's under 20 Hz on this (untrained) pack, no warning."""
    for note in (0, 12):
        out, synth = _played(synth_pack, note)
        assert float(np.max(np.abs(out))) > 1e-3                        # its audible harmonics still play
        assert _share_under(out, LOW_HZ) < 1e-3, note
        assert synth.warnings() == [f"note {note} lies under 20 Hz (from {440 * 2 ** ((note - 69) / 12):.1f} Hz) on "
                                    f"'small': its harmonics under 20 Hz are faded out (gone under 16 Hz); the "
                                    f"lowest note that keeps "
                                    f"its fundamental is 16"]


def test_a_note_over_the_low_limit_plays_as_before(synth_pack: Pack) -> None:
    out, synth = _played(synth_pack, 24)
    assert synth.lowest_note == 16 and synth.warnings() == [] and _share_under(out, LOW_HZ) < 1e-3
    synth.handle({"op": "note_on", "note": 127, "velocity": 100})
    synth.handle({"op": "note_on", "note": 3, "velocity": 100})
    synth.handle({"op": "note_on", "note": 5, "velocity": 100})
    said = synth.warnings()
    assert len(said) == 2 and "127 is above the band limit" in said[0] and said[1].startswith("notes 3, 5 lie under")


def test_a_pack_switched_in_again_brings_back_no_old_warning(synth_pack: Pack, tmp_path: Path) -> None:
    """Before: note 127 played on "a", then "b" switched in, then "a" again (from the cache): "note 127 is above the
    band limit" in the status while no note was played."""
    a, b = tmp_path / "a.hatpack", tmp_path / "b.hatpack"
    a.write_bytes(_renamed(synth_pack, "a"))
    b.write_bytes(_renamed(synth_pack, "b"))
    box = SynthBox()
    try:
        box.load(a)
        box.eng.handle(validate({"op": "note_on", "note": 127, "velocity": 100}))
        box.play(0.05)
        box.eng.handle(validate({"op": "note_off", "note": 127}))
        box.play(0.05)
        assert any("127" in w for w in box.warnings())
        box.load(b)
        assert box.warnings() == []
        box.load_cached(a)                                              # the loader kept "a" at rest
        assert box.warnings() == []
    finally:
        box.swapper.stop()


def _renamed(pack: Pack, name: str) -> bytes:
    """``pack`` written again as ``name`` (its bytes)."""
    import dataclasses
    import tempfile

    from export.pack import MANIFEST, SIGNATURE, write_pack
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.hatpack"
        write_pack(path, dataclasses.replace(pack.manifest, name=name),
                   {k: v for k, v in pack.members.items() if k not in (MANIFEST, SIGNATURE)})
        return path.read_bytes()

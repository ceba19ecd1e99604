"""SynthSource: the engine-source protocol, polyphony, envelope, bend, sustain, pad, block-size independence."""
from __future__ import annotations

import numpy as np
import pytest

from device.audio.synth import SynthSource, render_events
from export.pack import Pack
from hatbox.errors import HatboxError
from trainer.synth.features import cents_error

RATE = 48000


def on(note: int, vel: int = 100) -> dict:
    return {"op": "note_on", "note": note, "velocity": vel}


def off(note: int) -> dict:
    return {"op": "note_off", "note": note}


def play(pack: Pack, events: list[tuple[int, dict]], total: int, block: int = 128) -> np.ndarray:
    return render_events(SynthSource(pack, RATE), events, total, block)


SCORE = [(0, on(60)), (3000, on(64, 70)), (5000, {"op": "xy", "x": 0.3, "y": 0.8}),
         (9000, {"op": "bend", "value": 0.5}), (12000, off(60)), (15000, off(64))]


@pytest.mark.parametrize("block", [1, 37, 128, 1000])
def test_output_does_not_depend_on_block_size(synth_pack: Pack, block: int) -> None:
    ref = play(synth_pack, SCORE, 30000, 128)
    got = play(synth_pack, SCORE, 30000, block)
    assert np.max(np.abs(ref)) > 1e-3
    np.testing.assert_allclose(got, ref, atol=1e-6)


def test_render_fills_in_place_and_reset_silences(synth_pack: Pack) -> None:
    src = SynthSource(synth_pack, RATE)
    src.handle(on(62))
    out = np.full(4800, np.nan, np.float32)
    src.render(out)
    assert np.all(np.isfinite(out)) and np.max(np.abs(out[1000:])) > 1e-3
    src.reset()
    src.render(out)
    assert np.max(np.abs(out)) == 0.0 and src.active_voices == 0


def test_release_ends_the_voice(synth_pack: Pack) -> None:
    rel = synth_pack.manifest.extras["envelope"]["release"]
    total = int((0.3 + rel * 1.5 + 0.1) * RATE)
    src = SynthSource(synth_pack, RATE)
    y = render_events(src, [(0, on(60)), (int(0.3 * RATE), off(60))], total)
    assert np.max(np.abs(y[:int(0.3 * RATE)])) > 1e-3
    assert np.max(np.abs(y[-2400:])) == 0.0 and src.active_voices == 0


def test_sustain_holds_notes_until_pedal_up(synth_pack: Pack) -> None:
    src = SynthSource(synth_pack, RATE)
    ev = [(0, {"op": "sustain", "on": True}), (0, on(60)), (4800, off(60))]
    render_events(src, ev, 48000)
    assert src.active_voices == 1
    render_events(src, [(0, {"op": "sustain", "on": False})], 48000)
    assert src.active_voices == 0


def test_polyphony_is_capped_by_stealing(synth_pack: Pack) -> None:
    src = SynthSource(synth_pack, RATE, max_voices=16)
    render_events(src, [(i * 10, on(40 + i)) for i in range(20)], 4800)
    assert src.active_voices == 16
    assert src.held_notes() == list(range(44, 60))             # the four oldest were stolen


@pytest.mark.parametrize("note", [48, 67, 84])
def test_pitch_is_exact(synth_pack: Pack, note: int) -> None:
    y = play(synth_pack, [(0, on(note))], RATE)
    assert abs(cents_error(y, RATE, note, 0.2, 0.6)) < 1.0


def test_bend_shifts_pitch(synth_pack: Pack) -> None:
    y = play(synth_pack, [(0, {"op": "bend", "value": 0.5}), (0, on(60))], RATE)
    assert abs(cents_error(y, RATE, 61.0, 0.2, 0.6)) < 1.0       # half of +-2 semitones


def test_pad_blends_corner_embeddings(synth_pack: Pack) -> None:
    src = SynthSource(synth_pack, RATE)
    emb = synth_pack.array("embeddings.npy")
    src.handle({"op": "xy", "x": 0.5, "y": 0.5})
    src.render(np.zeros(240, np.float32))
    np.testing.assert_allclose(src.timbre(), emb.mean(axis=0), atol=1e-6)
    src.handle({"op": "corners", "names": ["pipe", "pipe", "reed", "reed"]})
    src.handle({"op": "xy", "x": 0.9, "y": 0.0})
    src.render(np.zeros(240, np.float32))
    np.testing.assert_allclose(src.timbre(), emb[3], atol=1e-6)
    a = play(synth_pack, [(0, on(60))], 9600)
    b = play(synth_pack, [(0, {"op": "xy", "x": 1.0, "y": 1.0}), (0, on(60))], 9600)
    assert np.max(np.abs(a - b)) > 1e-4


def test_unknown_corner_is_a_clear_error(synth_pack: Pack) -> None:
    src = SynthSource(synth_pack, RATE)
    with pytest.raises(HatboxError, match="unknown timbre"):
        src.handle({"op": "corners", "names": ["reed", "brass", "string", "kazoo"]})
    with pytest.raises(HatboxError):
        src.handle({"op": "corners", "names": ["reed"]})
    assert src.corners == ["reed", "brass", "string", "pipe"]


def test_other_sample_rates(synth_pack: Pack) -> None:
    src = SynthSource(synth_pack, 44100)
    y = render_events(src, [(0, on(69))], 44100)
    assert abs(cents_error(y, 44100, 69, 0.2, 0.6)) < 1.0


def test_bad_packs_are_refused(synth_pack: Pack, tmp_path) -> None:
    import copy

    from export.pack import write_pack, read_pack
    from hatbox.errors import PackError
    m = copy.deepcopy(synth_pack.manifest)
    del m.extras["velocity_map"]
    members = {k: v for k, v in synth_pack.members.items() if k not in ("manifest.json",)}
    with pytest.raises(PackError, match="velocity_map"):
        SynthSource(read_pack(write_pack(tmp_path / "a.hatpack", m, members)), RATE)
    m = copy.deepcopy(synth_pack.manifest)
    m.extras["names"] = ["only", "three", "names"]
    with pytest.raises(PackError, match="embeddings"):
        SynthSource(read_pack(write_pack(tmp_path / "b.hatpack", m, members)), RATE)
    m = copy.deepcopy(synth_pack.manifest)
    m.kind = "effect"
    with pytest.raises(PackError, match="not a synth"):
        SynthSource(read_pack(write_pack(tmp_path / "c.hatpack", m, members)), RATE)


def test_panic_silences_and_messages_from_another_thread_are_not_lost(synth_pack: Pack) -> None:
    import threading
    src = SynthSource(synth_pack, RATE)
    src.handle({"op": "xy", "x": 0.7, "y": 0.2})
    src.handle(on(60))
    src.handle({"op": "panic"})
    out = np.zeros(4800, np.float32)
    src.render(out)
    assert np.max(np.abs(out)) == 0.0 and src.xy == (0.7, 0.2)

    def sender() -> None:
        for i in range(600):
            src.handle(on(40 + i % 30))
            src.handle(off(40 + i % 30))
    t = threading.Thread(target=sender)
    t.start()
    block = np.zeros(128, np.float32)
    while t.is_alive():
        src.render(block)
    t.join()
    for _ in range(int(0.6 * RATE / 128)):
        src.render(block)
    assert src.active_voices == 0


def test_held_notes_follow_note_on_off_and_sustain(synth_pack: Pack) -> None:
    src = SynthSource(synth_pack, RATE)
    render_events(src, [(0, on(64)), (0, on(60)), (100, on(67))], 1200)
    assert src.held_notes() == [60, 64, 67]
    render_events(src, [(0, off(64)), (0, {"op": "sustain", "on": True}), (0, off(60))], 1200)
    assert src.held_notes() == [60, 67]                  # 64 released; 60 held by the pedal
    render_events(src, [(0, {"op": "sustain", "on": False})], 1200)
    assert src.held_notes() == [67]


def test_engine_status_reports_the_synths_notes_and_pad(synth_pack: Pack) -> None:
    from device.audio.engine import Engine, EngineConfig
    engine = Engine(EngineConfig(rate=RATE, block=128))
    blank = np.zeros(128, np.float32)
    assert engine.status()["notes"] == [] and engine.status()["synth"] is None
    engine.slots["synth"].switch(SynthSource(synth_pack, RATE), {"name": "synth"})
    names = synth_pack.manifest.extras["names"]
    corners = [names[-1], names[0], names[0], names[-1]]
    for m in (on(62), on(55), {"op": "xy", "x": 0.25, "y": 0.75}, {"op": "corners", "names": corners}):
        engine.handle(m)
    for _ in range(4):
        engine.process(blank, np.zeros(128, np.float32))
    st = engine.status()
    assert st["notes"] == [55, 62]
    assert st["synth"] == {"xy": [0.25, 0.75], "corners": corners}


def test_nothing_compiles_after_compile_kernels(synth_pack: Pack) -> None:
    """The engine compiles the synth's kernels before its clock starts; playing (notes, bend, pad,
    release, every block size) must then use those signatures only - a new one would compile on
    the audio thread for seconds."""
    from device.audio.jit import signature_counts
    from device.audio.synth import compile_kernels
    compile_kernels()
    before = signature_counts()
    assert len(before) >= 7 and all(n >= 1 for n in before.values())
    for block in (1, 37, 128):
        play(synth_pack, SCORE, 6000, block)
    assert signature_counts() == before


def test_without_numba_a_synth_load_is_refused_clearly(synth_pack: Pack, monkeypatch: pytest.MonkeyPatch) -> None:
    """A box whose Python lacks numba still starts (effects work); the synth says what is missing."""
    import builtins

    from device.audio import jit
    real_import = builtins.__import__

    def no_numba(name: str, *args: object, **kwargs: object) -> object:
        if name == "numba":
            raise ImportError("No module named 'numba'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(jit, "_compiled", {})
    monkeypatch.setattr(builtins, "__import__", no_numba)
    with pytest.raises(HatboxError, match="need numba") as err:
        SynthSource(synth_pack, RATE)
    assert "pip install" in (err.value.hint or "")
    from device.audio.engine import Engine, EngineConfig
    from device.audio.swap import Swapper
    sw = Swapper(Engine(EngineConfig(rate=RATE, block=128))).start()      # the engine still starts
    try:
        with pytest.raises(HatboxError, match="need numba"):
            sw.load("synth", synth_pack.path)
    finally:
        sw.stop()


def test_a_corner_typed_in_the_other_unicode_form_is_the_pack_s(synth_pack: Pack) -> None:
    """p43 names QA: a pack that kept a Mac's decomposed folder name (Flöte in NFD) refused `Flöte` typed composed
    ("unknown timbre Flöte; this pack has: ... Flöte")."""
    import unicodedata
    src = SynthSource(synth_pack, RATE)
    nfd = unicodedata.normalize("NFD", "Flöte")
    src.names = [nfd if n == "pipe" else n for n in src.names]
    src.handle({"op": "corners", "names": ["reed", "brass", "string", unicodedata.normalize("NFC", "Flöte")]})
    assert src.corners == ["reed", "brass", "string", nfd]

"""The box's engine process never decodes (thirty-fifth stop): ``EngineProcess.send`` decodes a file the engine's
sampler does not hold, in the sender's process, and hands the audio over in shared memory
(device/audio/sample_handoff.py); the sampler's voices let go of their audio on the control side, not the audio
thread.  Before: making kits decoded in the engine process and its audio thread woke up to 80-130 ms late
(bench/engine_kit_decode.py)."""
from __future__ import annotations

import gc
import os
import signal
import time
import weakref
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest
import soundfile as sf

from device.audio import sample_handoff, server
from device.audio.alsa_io import AudioConfig
from device.audio.sample_decode import Decoded, decode_file
from device.audio.sampler import NotDecoded, SamplerSource
from device.audio.server import EngineProcess, ServerConfig
from hatbox.errors import AudioFileError, HatboxError
from tests.engine.helpers import freeze
from tests.tagger.conftest import SAMPLER_BLOCK, SAMPLER_RATE, render_sampler, write_wav

RATE, BLOCK = SAMPLER_RATE, SAMPLER_BLOCK


def sine(freq: float, seconds: float, rate: int = RATE) -> np.ndarray:
    return (0.5 * np.sin(2 * np.pi * freq * np.arange(int(seconds * rate)) / rate)).astype(np.float32)


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


# ------------------------------------------------------------------------------------------------ the hand-over
def test_shared_audio_comes_back_as_it_went_with_its_cycle_and_the_descriptor_closed() -> None:
    got = Decoded(sine(440.0, 0.5), 24000, 0, 44100, sine(441.0, 0.25))
    before = open_fds()
    fd, meta = sample_handoff.share(got)
    assert fd is not None and open_fds() == before + 1
    back = sample_handoff.take(meta, os.dup(fd))
    os.close(fd)
    assert open_fds() == before                                   # take closed its descriptor
    assert np.array_equal(back.data, got.data) and np.array_equal(back.cycle, got.cycle)
    assert (back.n, back.fade, back.rate) == (24000, 0, 44100)


def test_audio_the_sampler_keeps_holds_no_descriptor_open() -> None:
    """Kept mapped, each file held a descriptor (Python's mmap keeps a copy of it): a library's worth of auditions
    in the cache would run the engine process out of them."""
    before = open_fds()
    kept = [sample_handoff.take(*reversed(sample_handoff.share(Decoded(sine(440.0, 0.01), 480)))) for _ in range(40)]
    assert open_fds() == before and len(kept) == 40


def test_audio_shorter_than_it_was_said_to_be_is_refused_and_its_descriptor_closed() -> None:
    fd, meta = sample_handoff.share(Decoded(sine(440.0, 0.1), 4800))
    os.ftruncate(fd, 100)
    before = open_fds()
    with pytest.raises(HatboxError, match="shorter than it was said"):
        sample_handoff.take(meta, fd)
    assert open_fds() == before - 1


def test_without_memfd_the_arrays_travel_in_the_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "memfd_create")
    got = Decoded(sine(440.0, 0.1), 4800)
    fd, meta = sample_handoff.share(got)
    assert fd is None and np.array_equal(sample_handoff.take(meta, None).data, got.data)


def test_the_sender_closes_its_descriptor_when_the_engine_fails_the_hand_over(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_wav(tmp_path / "kick.wav", sine(55.0, 0.2))
    engine = EngineProcess(ServerConfig(backend="file"))             # never started: _call stands in for it
    calls = []

    def call(kind: str, payload: dict, *, fd: int | None = None, needs_ok: bool = False) -> dict:
        calls.append(payload)
        if len(calls) == 1:
            return {"ok": False, "needs": {"key": str(path), "loop": False, "rate": RATE, "max_seconds": 60.0}}
        raise HatboxError("the audio engine is not running")
    monkeypatch.setattr(engine, "_call", call)
    before = open_fds()
    with pytest.raises(HatboxError, match="not running"):
        engine.send({"op": "sample", "path": str(path), "velocity": 100})
    assert open_fds() == before and calls[1]["fd"] is True and calls[1]["handoff"]["key"] == str(path)


# ------------------------------------------------------------------------------------ the engine's own sampler
def test_a_sampler_that_does_not_decode_says_what_it_needs_and_plays_what_it_is_handed(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "loop.wav", sine(220.0, 0.5, 44100), 44100)
    src = SamplerSource(RATE, decodes=False)
    key = str(path.resolve())
    with pytest.raises(NotDecoded) as caught:
        src.handle({"op": "sample", "path": str(path), "velocity": 0, "note": 40, "loop": True})
    assert caught.value.needs == {"key": key, "loop": True, "rate": RATE, "max_seconds": 60.0}
    assert src.note_map == {}                                     # nothing mapped, nothing decoded
    one_shot, _ = decode_file(key, RATE, 60.0)                    # held as a one-shot: a loop still needs its cycle
    src.accept(key, one_shot)
    with pytest.raises(NotDecoded):
        src.handle({"op": "sample", "path": str(path), "velocity": 0, "note": 40, "loop": True})
    src.accept(key, decode_file(key, RATE, 60.0, loop=True)[0], ["loop.wav is long"])
    src.handle({"op": "sample", "path": str(path), "velocity": 0, "note": 40, "loop": True})
    src.handle({"op": "note_on", "note": 40, "velocity": 100})
    out = render_sampler(src, RATE)
    assert src.cache[key].cycle is not None and np.sqrt(np.mean(out ** 2)) > 0.1
    assert src.warnings() == ["loop.wav is long"]


def test_a_voice_lets_go_of_its_audio_on_the_control_side(tmp_path: Path) -> None:
    """A file unmapped while its note sounds: the voice holds the last reference to its audio, and when it ends
    the audio thread (render) must not be the one that frees it (20 s in shared memory: 4-8 ms to unmap)."""
    path = write_wav(tmp_path / "hit.wav", sine(110.0, 0.1))
    src = SamplerSource(RATE)
    src.handle({"op": "sample", "path": str(path), "velocity": 0, "note": 36})
    src.handle({"op": "note_on", "note": 36, "velocity": 100})
    gone = weakref.ref(src.cache[str(path.resolve())].data)
    src.handle({"op": "sample", "path": "", "velocity": 0, "note": 36})     # unmapped: the voice holds the last
    render_sampler(src, RATE // 2)                                          # the one-shot ends on the audio side
    gc.collect()
    assert src.active_voices == 0 and gone() is not None           # ... which did not free it
    src.warnings()                                                 # the status reads the sampler: freed there
    gc.collect()
    assert gone() is None


def test_a_hat_closed_twice_in_one_block_still_lets_go_of_an_unmapped_file_on_the_control_side(tmp_path: Path) -> None:
    """44 cuts 42 before it is heard and takes its voice, 46 cuts 44: the voice let go twice in one block, and
    with one place per voice the second dropped the first, 42's file unmapped meanwhile (QA: 300 of 300 freed on
    the audio thread)."""
    src = SamplerSource(RATE)
    for note, freq in ((42, 3000.0), (44, 3500.0), (46, 4000.0)):
        path = write_wav(tmp_path / f"hat{note}.wav", sine(freq, 0.2))
        src.handle({"op": "sample", "path": str(path), "velocity": 0, "note": note})
    gone = weakref.ref(src.cache[str((tmp_path / "hat42.wav").resolve())].data)
    for note in (42, 44, 46):
        src.handle({"op": "note_on", "note": note, "velocity": 100})
    src.handle({"op": "sample", "path": "", "velocity": 0, "note": 42})     # 42's start is queued: the last reference
    render_sampler(src, BLOCK)
    gc.collect()
    assert src.active_voices == 1 and gone() is not None           # the audio thread did not free it
    src.handle({"op": "note_off", "note": 46})
    gc.collect()
    assert gone() is None


def test_a_reset_lets_go_of_queued_audio_on_the_control_side_and_keeps_a_note_sent_meanwhile(tmp_path: Path) -> None:
    """A reset (the sampler's slot turned back on, on the audio thread) dropped its queued starts; it must not free
    their audio there, nor lose a note another thread was appending to the queue as it ran (re-QA: the reset swapped
    the queue for a new one, and such a note went into the old one)."""
    one = write_wav(tmp_path / "one.wav", sine(220.0, 0.2))
    two = write_wav(tmp_path / "two.wav", sine(330.0, 0.2))
    src = SamplerSource(RATE)
    src.handle({"op": "sample", "path": str(one), "velocity": 0, "note": 40})
    src.handle({"op": "sample", "path": str(two), "velocity": 0, "note": 41})
    src.handle({"op": "note_on", "note": 40, "velocity": 100})
    gone = weakref.ref(src.cache[str(one.resolve())].data)
    src.handle({"op": "sample", "path": "", "velocity": 0, "note": 40})     # the queued start holds the last
    queue = src.events                            # what a control thread appending at that instant holds
    src.reset()
    gc.collect()
    assert gone() is not None
    queue.append(("on", (src.cache[str(two.resolve())].data, 1.0, False, 41, None, 0, 9600, -1), 0.0))
    out = render_sampler(src, BLOCK)
    assert src.active_voices == 1 and np.abs(out).max() > 0.1       # the note sent meanwhile plays
    src.warnings()
    gc.collect()
    assert gone() is None


# ------------------------------------------------------------------------------------- the engine process itself
def test_the_engine_process_decodes_nothing_and_plays_what_the_sender_decoded(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    loop = write_wav(tmp_path / "loop.wav", np.stack([sine(220.0, 0.5, 44100)] * 2, 1), 44100)
    decoded = []

    def counting(*args, **kwargs):
        decoded.append(args)
        return decode_file(*args, **kwargs)
    monkeypatch.setattr(server, "decode_file", counting)
    out = tmp_path / "out.wav"
    cfg = ServerConfig(audio=AudioConfig(rate=RATE, period=BLOCK), backend="file", pace=True, realtime=False,
                       output_wav=str(out), seconds=1.0)
    engine = EngineProcess(cfg).start()
    try:
        engine.send({"op": "sample", "path": str(loop), "velocity": 0, "note": 40, "loop": True})
        engine.send({"op": "sample", "path": str(loop), "velocity": 0, "note": 41, "loop": True})   # held: no decode
        engine.send({"op": "note_on", "note": 40, "velocity": 110})
        engine.wait(30)
    finally:
        engine.stop()
    assert decoded == [(str(loop.resolve()), RATE, 60.0, True)]
    audio, _ = sf.read(out, dtype="float32", always_2d=True)
    assert np.sqrt(np.mean(audio[-RATE // 4:] ** 2)) > 0.05      # the loop plays on to the end


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineProcess]:
    """One paced engine process on the file backend for the two tests below (the bad file's refusal first, then the
    stalled reply, which leaves it running): one start, not one each, since the p58 trim."""
    cfg = ServerConfig(audio=AudioConfig(rate=RATE, period=BLOCK), backend="file", pace=True, realtime=False,
                       output_wav=str(tmp_path_factory.mktemp("p35") / "out.wav"))
    started = EngineProcess(cfg).start()
    try:
        yield started
    finally:
        started.stop()


def test_a_bad_file_is_refused_in_the_sender_with_its_hint(tmp_path: Path, engine: EngineProcess) -> None:
    loud = tmp_path / "loud.wav"
    sf.write(loud, np.full(4800, 3000.0, np.float32), RATE, subtype="FLOAT")    # integer-scale floats
    with pytest.raises(AudioFileError) as caught:
        engine.send({"op": "sample", "path": str(loud), "velocity": 100})
    assert caught.value.hint and "loud.wav" in caught.value.hint
    assert engine.status()["active"]["sampler"] is not None    # the engine plays on


def test_a_reply_that_comes_after_its_sender_gave_up_is_not_taken_for_the_next_ones(tmp_path: Path,
                                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                                  engine: EngineProcess) -> None:
    """The engine stalled past the reply timeout during a map: its late reply ("not decoded") stayed in the pipe
    and every later request on the channel read the one before's (QA: each new file's map then failed, until the
    box restarted)."""
    files = [write_wav(tmp_path / f"s{i}.wav", sine(220.0 * (i + 1), 0.3)) for i in range(3)]
    monkeypatch.setattr(server, "REPLY_TIMEOUT_S", 0.5)
    freeze(engine.process.pid)
    try:
        with pytest.raises(HatboxError, match="did not answer"):
            engine.send({"op": "sample", "path": str(files[0]), "velocity": 0, "note": 40})
    finally:
        os.kill(engine.process.pid, signal.SIGCONT)
    time.sleep(0.3)                                            # its late reply arrives meanwhile
    monkeypatch.setattr(server, "REPLY_TIMEOUT_S", 30.0)
    engine.send({"op": "sample", "path": str(files[1]), "velocity": 0, "note": 41})
    engine.send({"op": "sample", "path": str(files[2]), "velocity": 0, "note": 42})
    engine.send({"op": "sample", "path": "", "velocity": 0, "note": 41})

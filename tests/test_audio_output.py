"""Audio written for the user: checked before the work, replaced atomically, and (for renders) passed
through the box's own output stage, so an offline render is never louder than the box would play it."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.audio import audiofile
from device.audio.effect import render_file
from device.audio.protect import ProtectConfig, box_output
from hatbox.errors import AudioFileError

FACTORY_EFFECT = Path(__file__).resolve().parents[1] / "factory" / "effect-drive.hatpack"


def test_a_failed_write_keeps_the_old_file_and_leaves_no_half_wav(tmp_path, monkeypatch):
    target = tmp_path / "take.wav"
    audiofile.write(target, np.full(4800, 0.25, np.float32), 48000)
    before = target.read_bytes()

    real = audiofile.sf.SoundFile

    def disk_full(fh, *args, **kwargs):
        fh.write(b"RIFF" + b"\0" * 1000)                 # half a file, then the disk is full
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(audiofile.sf, "SoundFile", lambda fh, *a, **k: disk_full(fh) if a and a[0] == "w" else
                        real(fh, *a, **k))
    with pytest.raises(AudioFileError, match="No space left on device"):
        audiofile.write(target, np.zeros(48000, np.float32), 48000)
    assert target.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["take.wav"]


@pytest.mark.parametrize("name, words", [("out.mp3", "cannot write audio of that kind"), ("folder.wav", "is a folder"),
                                         ("/proc/nope/out.wav", "cannot write")])
def test_an_output_that_cannot_be_a_wav_is_refused_before_any_work(tmp_path, name, words):
    (tmp_path / "folder.wav").mkdir()
    with pytest.raises(AudioFileError, match=words):
        audiofile.check_output(tmp_path / name)


def test_render_refuses_its_output_before_rendering(tmp_path, monkeypatch):
    src = tmp_path / "in.wav"
    sf.write(src, np.zeros(4800, np.float32), 48000, subtype="FLOAT")
    import device.audio.effect as effect
    monkeypatch.setattr(effect, "render", lambda *a, **k: pytest.fail("rendered before checking --out"))
    with pytest.raises(AudioFileError, match="cannot write audio of that kind"):
        render_file(FACTORY_EFFECT, src, tmp_path / "out.mp3")


@pytest.mark.parametrize("suffix", [".flac", ".aiff", ".ogg"])
def test_other_formats_are_written_by_their_names(tmp_path, suffix):
    x = (0.5 * np.sin(np.arange(4800) / 10)).astype(np.float32)
    path = audiofile.write(tmp_path / f"out{suffix}", x, 48000)
    y, rate = audiofile.read(path, mono=True)
    assert rate == 48000 and y.shape[1] == x.shape[0] and np.max(np.abs(y[0] - x)) < 0.05


def test_a_render_is_limited_as_the_box_limits_it(tmp_path):
    rate = 48000
    t = np.arange(rate, dtype=np.float32) / rate
    src, dst = tmp_path / "hot.wav", tmp_path / "out.wav"
    sf.write(src, (4.0 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), rate, subtype="FLOAT")   # +12 dBFS
    lines = render_file(FACTORY_EFFECT, src, dst, {"drive": 24.0})
    y, _ = sf.read(dst, dtype="float32")
    assert np.max(np.abs(y)) <= ProtectConfig().ceiling + 1e-6
    assert "limiter took up to" in lines[1]


def test_the_output_stage_offline_matches_it_block_by_block():
    x = (np.random.default_rng(0).standard_normal(9000) * 2.0).astype(np.float32)
    y, reduced = box_output(x, 48000, block=128)
    assert np.all(np.isfinite(y)) and np.max(np.abs(y)) <= ProtectConfig().ceiling + 1e-6 and reduced > 6.0
    quiet, none = box_output(0.01 * x, 48000, block=128)
    assert none == 0.0 and np.allclose(quiet, 0.01 * x, atol=2e-3)          # below the ceiling: only DC goes


def test_a_truncated_wav_is_rendered_with_a_warning(tmp_path):
    src = tmp_path / "cut.wav"
    sf.write(src, np.zeros(96000, np.float32), 48000, subtype="FLOAT")
    src.write_bytes(src.read_bytes()[:4000])
    lines = render_file(FACTORY_EFFECT, src, tmp_path / "out.wav")
    assert any("shorter than its header says" in line for line in lines)


def test_play_is_limited_as_the_box_limits_it(tmp_path, capsys):
    import mido

    from hatbox.cli import main
    mid = mido.MidiFile()
    track = mido.MidiTrack()
    mid.tracks.append(track)
    notes = list(range(48, 80, 2))                                   # 16 notes at full velocity
    for n in notes:
        track.append(mido.Message("note_on", note=n, velocity=127, time=0))
    track.append(mido.Message("note_off", note=notes[0], velocity=0, time=960))
    for n in notes[1:]:
        track.append(mido.Message("note_off", note=n, velocity=0, time=0))
    mid.save(tmp_path / "chord.mid")
    synth = FACTORY_EFFECT.parent / "synth-gm4.hatpack"
    assert main(["play", str(synth), "--midi", str(tmp_path / "chord.mid"), "--out", str(tmp_path / "c.wav")]) == 0
    y, _ = sf.read(tmp_path / "c.wav", dtype="float32")
    assert np.max(np.abs(y)) <= ProtectConfig().ceiling + 1e-6
    assert "before the box's output limiter" in capsys.readouterr().out      # play says it as render does


def test_an_aiff_named_wav_renders_without_a_truncation_warning_and_unpacks_on_the_box(tmp_path):
    from device.library.archive import audio_problem
    src = tmp_path / "aiff_as.wav"
    with sf.SoundFile(src, "w", samplerate=48000, channels=1, format="AIFF", subtype="PCM_16") as f:
        f.write(np.zeros(4800, np.float32))
    lines = render_file(FACTORY_EFFECT, src, tmp_path / "out.wav")
    assert not any("shorter than its header" in line for line in lines)
    assert audio_problem(src)[0] == ""


def test_a_render_writes_through_a_symlinked_output_and_keeps_its_permissions(tmp_path):
    import os
    src, target, link = tmp_path / "in.wav", tmp_path / "proj" / "target.wav", tmp_path / "link.wav"
    sf.write(src, np.zeros(4800, np.float32), 48000, subtype="FLOAT")
    target.parent.mkdir()
    audiofile.write(target, np.ones(10, np.float32) * 0.1, 48000)
    os.chmod(target, 0o664)
    link.symlink_to(target)
    render_file(FACTORY_EFFECT, src, link)
    assert link.is_symlink() and sf.info(target).frames == 4800         # the target got the render
    assert target.stat().st_mode & 0o777 == 0o664


@pytest.mark.parametrize("amp", [0.0, 0.01], ids=["silence", "sine -40 dBFS"])
@pytest.mark.parametrize("knobs", [{}, {"drive": 24.0, "tone": 8000.0}], ids=["defaults", "full drive"])
def test_a_render_starts_without_a_click(tmp_path, amp, knobs):
    """The model starts at rest, not from its zero state: from zeros the factory drive answered silence
    with a -30 dBFS blip decaying over ~5 ms (-22 dBFS at full drive), louder than a -40 dBFS sine's own output."""
    rate = 48000
    t = np.arange(rate // 2) / rate
    src, dst = tmp_path / "quiet.wav", tmp_path / "out.wav"
    sf.write(src, (amp * np.sin(2 * np.pi * 220 * t)).astype(np.float32), rate, subtype="FLOAT")
    render_file(FACTORY_EFFECT, src, dst, knobs)
    y, _ = sf.read(dst, dtype="float32")
    first, steady = np.max(np.abs(y[:rate // 100])), np.max(np.abs(y[rate // 10:]))
    assert first <= 1.25 * steady + 1e-3, f"first 10 ms peak {first:.4f}, steady peak {steady:.4f}"


def test_a_settled_render_sounds_as_before_once_the_start_is_over():
    """Settling moves only the start: past the old start-up transient the output is what it was."""
    from device.audio.effect import EffectProcessor, render
    x = (0.3 * np.sin(2 * np.pi * 220 * np.arange(24000) / 48000)).astype(np.float32)
    proc = EffectProcessor(FACTORY_EFFECT)
    settled = render(proc, x, {"drive": 18.0})
    proc.model.set_rest(None)
    proc.model.reset()                        # what render() used to do: start from zeros
    from_zero = np.concatenate([proc.process(x[s:s + 128]) for s in range(0, x.size, 128)])
    np.testing.assert_allclose(settled[4800:], from_zero[4800:], atol=1e-4)
    assert 0.0 < proc.settled_s <= 0.5


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_a_recording_on_a_full_disk_is_reported_and_the_box_goes_on():
    from device.audio.alsa_io import AudioConfig, FileIO
    io = FileIO(AudioConfig(rate=48000, period=128, periods=3), None, "/dev/full")
    for s in range(0, 2 * 48000, 128):
        io.write(np.zeros(128, np.float32))
    io.close()
    assert "No space left on device" in io.info["playback"]["error"] and io.dropped > 0


def test_the_recorder_header_is_what_libsndfile_and_sox_read(tmp_path):
    """A 32-bit float WAV with the fmt extension and fact chunk a non-PCM WAV carries."""
    rec = audiofile.WavRecorder(tmp_path / "r.wav", 44100, channels=2, update_s=0.01)
    x = np.random.default_rng(0).uniform(-1, 1, (1000, 2)).astype(np.float32)
    rec.write(x)
    rec.close()
    rec.close()
    info = sf.info(str(tmp_path / "r.wav"))
    assert (info.samplerate, info.channels, info.frames, info.subtype) == (44100, 2, 1000, "FLOAT")
    assert np.array_equal(sf.read(tmp_path / "r.wav", dtype="float32")[0], x)

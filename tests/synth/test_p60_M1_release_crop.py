"""p60 QA B finding 3: notes whose keys went up at 1.6-2.0 s in 2.0-2.6 s files, trained at the default --seconds
1.5, were said to "hold no release tail": the crop had cut the tails off.  A note now knows how long it goes on
sounding past the crop (trainer.synth.note.sounding_past), and the release words blame the crop where an
instrument's notes mostly still sounded there, with the --seconds that would hear them."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from device.audio import audiofile
from tests.synth.conftest import harmonic_tone
from trainer.synth.data import load_note
from trainer.synth.envelope_fit import EnvelopeFit, cut_by_crop, envelope_words, fit_envelope
from trainer.synth.features import loudness_db
from trainer.synth.note import sounding_past
from trainer.synth.train import crop_cuts

RATE, HOP = 24000, 120


def _held(pitch: float, key_up_s: float, file_s: float, release_s: float = 0.3) -> np.ndarray:
    """A note held to ``key_up_s``, falling 60 dB over ``release_s``, in a ``file_s`` file."""
    x = harmonic_tone(pitch, RATE, file_s)
    t = np.arange(len(x)) / RATE
    gain = np.where(t < key_up_s, 1.0, 10.0 ** (-3.0 * (t - key_up_s) / release_s))
    return (x * gain).astype(np.float32)


def test_a_note_held_past_the_crop_sounds_past_it_and_one_that_ended_does_not() -> None:
    n = int(1.5 * RATE)
    past = sounding_past(_held(60, 2.0, 2.6), RATE, n)
    assert 0.6 < past < 1.0, past                      # to -40 dB: key up at +0.5 s, 40 of 60 dB over 0.3 s
    assert sounding_past(_held(60, 1.0, 2.6), RATE, n) == 0.0         # released and silent before the crop
    assert sounding_past(_held(60, 2.0, 1.5), RATE, n) == 0.0         # the file ends at the crop


def test_load_note_keeps_what_the_crop_cut(tmp_path: Path) -> None:
    path = tmp_path / "organ" / "C4.wav"
    path.parent.mkdir()
    audiofile.write(path, _held(60, 1.8, 2.2), RATE)
    assert load_note(path, "organ", RATE, 1.5).past_s > 0.3
    assert load_note(path, "organ", RATE, 2.2).past_s == 0.0


def _fit(notes_audio: list[np.ndarray], crop_s: float) -> EnvelopeFit:
    n = int(crop_s * RATE) // HOP * HOP
    loud = np.stack([loudness_db(np.pad(a, (0, max(0, n - len(a))))[:n], HOP) for a in notes_audio])
    return fit_envelope(loud, np.zeros(len(notes_audio), int), ["organ"], HOP / RATE)


def test_the_release_words_blame_the_crop_not_the_notes() -> None:
    from trainer.synth.data import Note
    files = [_held(p, 1.8, 2.6) for p in (55, 60, 64)]
    notes = [Note("organ", p, 100, a[:int(1.5 * RATE)], f"organ/{p}.wav", p, RATE,
                  sounding_past(a, RATE, int(1.5 * RATE))) for p, a in zip((55, 60, 64), files)]
    fit = _fit([n.audio for n in notes], 1.5)
    crop_cuts(fit, notes, RATE)
    words = envelope_words(fit)
    assert "hold no release tail" not in words, words
    assert "--seconds 1.5 cut them" in words and "--seconds 2.5 would hear them" in words, words
    assert fit.to_dict()["cut_by_crop"] == {"organ": 2.5}


def test_notes_that_end_in_the_crop_still_hold_no_tail() -> None:
    from trainer.synth.data import Note
    audio = [_held(p, 1.5, 1.5) for p in (55, 60, 64)]          # files cut at the key: nothing past the crop
    notes = [Note("organ", p, 100, a, f"organ/{p}.wav", p, RATE, sounding_past(a, RATE, len(a)))
             for p, a in zip((55, 60, 64), audio)]
    fit = _fit(audio, 1.5)
    crop_cuts(fit, notes, RATE)
    assert fit.cut == {} and "hold no release tail" in envelope_words(fit)


def test_cut_by_crop_takes_the_median_end_rounded_up_and_needs_most_notes() -> None:
    assert cut_by_crop({"a": [0.6, 0.7, 0.0], "b": [0.0, 0.0, 0.9], "c": [40.0]}, 1.5) == {"a": 2.5, "c": 30.0}

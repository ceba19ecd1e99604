"""p59 Q2 finding 4: the capture signal could only be played by `hatbox box-capture` (through a box); a musician with
a DAW and a re-amp box had no way to get it as a file.  `hatbox capture-signal OUT.wav [--seconds N]` writes the same
samples, 48 kHz mono, and the trainer takes it as a pairs.csv input as it comes."""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import soundfile as sf

from device.audio.capture_signal import RATE, capture_signal
from hatbox.cli import main
from trainer.effect.data import load_folder


def test_writes_the_signal_box_capture_plays(tmp_path: Path, capsys) -> None:
    out = tmp_path / "sig.wav"
    assert main(["capture-signal", str(out), "--seconds", "5"]) == 0
    said = capsys.readouterr().out
    audio, rate = sf.read(out, dtype="float32", always_2d=True)
    assert rate == RATE == 48000 and audio.shape == (5 * RATE, 1)
    assert np.array_equal(audio[:, 0], capture_signal(5.0))          # the very samples, not a copy of them
    assert sf.info(str(out)).subtype == "FLOAT"
    assert f"wrote {out}: the capture signal, 5 s at 48 kHz, mono, 32-bit float WAV, peak -6 dBFS" in said
    assert "re-amp it:" in said and "guitar DI" in said
    assert main(["capture-signal", str(out), "--seconds", "6"]) == 0     # its own file: written over, no --force
    assert sf.info(str(out)).frames == 6 * RATE


def test_trains_as_a_pairs_csv_input(tmp_path: Path) -> None:
    """Re-amped through a toy drive 3 ms late at two settings (what a DAW records), the set loads as the trainer's:
    48 kHz, the latency found, both rows."""
    assert main(["capture-signal", str(tmp_path / "sig.wav"), "--seconds", "5"]) == 0
    x = sf.read(tmp_path / "sig.wav", dtype="float32")[0]
    lag = 144
    with open(tmp_path / "pairs.csv", "w", newline="") as fh:
        rows = csv.writer(fh)
        rows.writerow(["input", "output", "drive"])
        for drive in (1.0, 8.0):
            y = np.concatenate([np.zeros(lag, np.float32), 0.5 * np.tanh(drive * x[:-lag])])
            sf.write(tmp_path / f"take{drive:g}.wav", y, RATE, subtype="FLOAT")
            rows.writerow(["sig.wav", f"take{drive:g}.wav", f"{drive:g}"])
    data = load_folder(tmp_path)
    assert data.rate == 48000 and len(data.pairs) == 2
    assert all(abs(p.latency - lag) <= 1 for p in data.pairs)


def test_refusals_keep_what_is_there(tmp_path: Path, capsys) -> None:
    mine = tmp_path / "mine.wav"
    sf.write(mine, np.full(4800, 0.1, np.float32), RATE)             # a recording of the musician's
    before = mine.read_bytes()
    assert main(["capture-signal", str(mine)]) == 2
    err = capsys.readouterr().err
    assert "hatbox did not write it" in err and "--force" in err and mine.read_bytes() == before
    assert main(["capture-signal", str(mine), "--seconds", "5", "--force"]) == 0
    assert sf.info(str(mine)).frames == 5 * RATE
    for name, words in (("sig.ogg", "not .ogg: a lossy file changes the signal"), ("sig.txt", "give a name ending")):
        assert main(["capture-signal", str(tmp_path / name)]) == 2
        assert words in capsys.readouterr().err and not (tmp_path / name).exists()

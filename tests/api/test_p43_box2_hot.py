"""p43 formats QA: `box-kit --from LIB` picked, among a tag's near-equal files, the loudest: a 32-bit float file
peaking at +6 dBFS won, and the box's output limiter squashed it (distortion 10 dB under the source), without a word.
Now a file over full scale is not the loudest layer, and `box-kit` and `push-library` say when a sample peaks over
0 dBFS."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.kit import fullest_first
from device.library.decode import peak_dbfs
from hatbox.cli import main
from tests.api.conftest import PairedServer
from tests.api.packs import tagger_pack
from tests.api.quick_waits import quick  # noqa: F401  (the fixture)

pytestmark = pytest.mark.usefixtures("quick")    # a RecordingControl box: no sampler warnings to wait for


def _hit(path: Path, peak: float, subtype: str = "PCM_16") -> Path:
    """A 0.2-s decaying 200 Hz hit at 48 kHz peaking at ``peak`` (linear; over 1 only as float)."""
    t = np.arange(9600) / 48000
    x = np.sin(2 * np.pi * 200 * t) * np.exp(-t * 20)
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, (x / np.abs(x).max() * peak).astype(np.float32), 48000, subtype=subtype)
    return path


def test_a_file_over_full_scale_is_not_the_loudest_layer(tmp_path: Path) -> None:
    _hit(tmp_path / "snare_float_hot.wav", 2.0, "FLOAT")            # +6 dBFS
    _hit(tmp_path / "snare_24.wav", 0.97, "PCM_24")                  # the same hit, -0.3 dBFS
    _hit(tmp_path / "snare_ghost.wav", 0.05)                         # a ghost note, -26 dBFS
    level = lambda rel: peak_dbfs(tmp_path / rel)                    # noqa: E731 - as the box's kit routes measure
    hits = [("snare_float_hot.wav", 0.9), ("snare_ghost.wav", 0.88), ("snare_24.wav", 0.8)]
    assert fullest_first(hits, level)[0] == "snare_24.wav"
    hits = [("snare_ghost.wav", 0.9), ("snare_float_hot.wav", 0.85)]  # no clean full hit: the hot one over a ghost
    assert fullest_first(hits, level)[0] == "snare_float_hot.wav"
    _hit(tmp_path / "snare_float_ok.wav", 0.97, "FLOAT")             # a float file under full scale: as any other
    assert fullest_first([("snare_ghost.wav", 0.9), ("snare_float_ok.wav", 0.85)], level)[0] == "snare_float_ok.wav"


def _library(tmp_path: Path) -> Path:
    folder = tmp_path / "hot" / "kit"
    _hit(folder / "snare_float_hot.wav", 2.0, "FLOAT")
    _hit(folder / "kick_float.wav", 0.5, "FLOAT")
    _hit(folder / "kick.wav", 0.9)
    return tmp_path / "hot"


def test_push_library_says_which_samples_peak_over_full_scale(
        tmp_path: Path, paired_server: PairedServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["push-library", str(_library(tmp_path)), "--wait", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert ("warning kit/snare_float_hot.wav: peaks at +6.0 dBFS: the box's limiter will take that off when it plays; "
            "normalise it") in out
    assert "kick_float.wav" not in out and out.count("peaks at") == 1


def test_box_kit_says_a_note_whose_sample_peaks_over_full_scale(
        tmp_path: Path, paired_server: PairedServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0
    assert main(["push-library", str(_library(tmp_path)), "--wait", "--quiet"]) == 0
    for file, tag in (("kit/snare_float_hot.wav", "snare"), ("kit/kick.wav", "kick"), ("kit/kick_float.wav", "kick")):
        assert main(["box-library", "hot", "--fix", file, tag]) == 0
    capsys.readouterr()
    assert main(["box-kit", "--from", "hot", "--yes"]) == 0
    out = capsys.readouterr().out
    assert ("warning: D2 kit/snare_float_hot.wav peaks at +6.0 dBFS: the box's limiter will take that off; normalise "
            "it") in out
    assert out.count("peaks at") == 1
    assert main(["box-kit", "--map", "C3", "kit/snare_float_hot.wav", "--library", "hot"]) == 0
    assert "warning: C3 kit/snare_float_hot.wav peaks at +6.0 dBFS" in capsys.readouterr().out
    assert main(["box-kit"]) == 0
    assert "peaks at" not in capsys.readouterr().out                  # the listing: said when a note is set

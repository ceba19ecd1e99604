"""p42 QA 1: a tagger hears each file's first clip (1 s) from its onset, and nothing said so outside the design
notes: a library of risers and pads was told "more examples" for a word about what happens after 1.2 s.  The help,
the training summary (and report.json) and the next: advice now say it, the clip's length read from the config."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import soundfile as sf

from hatbox.advice import Limit, tagger_next
from trainer.tagger.report_heard import heard_of, later_clause, long_files_warning


def _saw(path: Path, seconds: float, freq: float, rate: int = 16000, rise: bool = False) -> Path:
    """A sawtooth of ``seconds`` (rising an octave after its first 1.2 s when ``rise``)."""
    t = np.arange(int(rate * seconds)) / rate
    f = np.where(t < 1.2, freq, freq * (1 + (t - 1.2) / max(seconds - 1.2, 1e-9))) if rise else np.full_like(t, freq)
    phase = np.cumsum(f) / rate
    sf.write(path, (0.4 * (2 * (phase % 1.0) - 1)).astype(np.float32), rate)
    return path


def test_long_files_are_warned_of_with_the_clip_read_from_the_config(tmp_path):
    paths = [_saw(tmp_path / f"r{i}.wav", 3.5, 110 + 20 * i) for i in range(3)]
    warning = long_files_warning(heard_of(paths, 32000, 32000))
    assert "longer than the 1 s the tagger hears (median 3.5 s)" in warning, warning
    assert "their first second" in warning and "cannot be learned" in warning, warning
    longer_clip = long_files_warning(heard_of(paths, 48000, 32000))      # a 1.5 s clip: said as such
    assert "the 1.5 s the tagger hears" in longer_clip and "their first 1.5 s" in longer_clip, longer_clip


def test_short_files_get_no_warning_and_no_clause(tmp_path):
    paths = [_saw(tmp_path / f"k{i}.wav", 0.8, 60 + 10 * i) for i in range(3)] + [_saw(tmp_path / "long.wav", 6, 99)]
    heard = heard_of(paths, 32000, 32000)
    assert long_files_warning(heard) == "" and later_clause(heard) == ""


def test_the_next_advice_says_more_examples_cannot_teach_a_later_word(tmp_path):
    paths = [_saw(tmp_path / f"r{i}.wav", 3.5, 110 + 20 * i) for i in range(3)]
    per_tag = {"riser": {"f1": 0.0, "support": 1}, "steady": {"f1": 0.5, "support": 1}}
    block = "\n".join(tagger_next(0.25, Limit(900, 4.5, 900, "--steps", 900), per_tag, {"riser": 7, "steady": 7},
                                  later_clause(heard_of(paths, 32000, 32000))))
    line = next(x for x in block.splitlines() if "more examples of the tags it got most wrong" in x)
    assert "hears only each file's first second (median file 3.5 s)" in line, block
    assert "not learned from more examples" in line, block
    alone = tagger_next(0.25, Limit(900, 4.5, 900, "--steps", 900), {}, {"a": 9, "b": 9},
                        later_clause(heard_of(paths, 32000, 32000)))
    assert any(x.startswith("  - it hears only each file's first second") for x in alone), alone


def test_the_help_says_what_the_tagger_hears(capsys):
    import pytest
    from hatbox.cli import main
    from hatbox.cmd_tag import HEARD
    from trainer.tagger.model import TaggerConfig
    cfg = TaggerConfig()
    assert cfg.clip_samples == cfg.spec.rate and "first second" in HEARD     # the words hold to the config's clip
    for argv in (["train", "tagger", "--help"], ["tag", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
        said = " ".join(capsys.readouterr().out.split())
        assert "hears each file's first second from its first sound" in said, (argv, said)


def test_training_on_long_files_says_so_in_the_summary_and_report(tmp_path):
    from trainer.tagger import pipeline
    root = tmp_path / "t"
    for tag, rise in (("riser", True), ("steady", False)):
        (root / tag).mkdir(parents=True)
        for i in range(4):
            _saw(root / tag / f"{i}.wav", 3.5, 110 + 30 * i, rise=rise)
    out = tmp_path / "rs.hatpack"
    text = pipeline.train_and_export(root, out, steps=2, minutes=0.2, threads=1)
    assert "most of your samples are longer than the 1 s the tagger hears (median 3.5 s)" in text, text
    rep = json.loads(Path(f"{out}.report.json").read_text())
    assert rep["clip_seconds"] == 1.0 and rep["median_file_seconds"] == 3.5, rep

"""`hatbox train tagger --keep-level` (twenty-ninth stop): a producer's words about loudness (accent, ghost note) need a
tagger that hears each sample at its own level; since every sample is scaled to one level by default, they could not
be learned at all (QA: a full-level snare came out "ghost")."""
from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
import soundfile as sf

pytest.importorskip("torch")

from device.library.runner import PackTagger
from hatbox.cli import main

from .conftest import thump


def test_keep_level_learns_loud_from_quiet_and_the_pack_says_how_it_hears(tmp_path, capsys) -> None:
    for tag, gain in (("accent", 0.9), ("ghost", 0.9 * 10 ** (-30 / 20))):
        (tmp_path / "data" / tag).mkdir(parents=True)
        for i in range(6):
            x = thump(44100, seed=i)
            sf.write(tmp_path / "data" / tag / f"{i}.wav", gain * x / np.abs(x).max(), 44100)
    out = tmp_path / "loud.hatpack"
    # 20 steps: the quiet new thump 0.86 ghost, the loud one 0.93 accent (30 steps: 0.95 and 0.95; 15: 0.60)
    assert main(["train", "tagger", str(tmp_path / "data"), "--out", str(out), "--steps", "20", "--holdout", "0.34",
                 "--threads", "1", "--keep-level"]) == 0
    config = json.loads(zipfile.ZipFile(out).read("manifest.json"))["extras"]["config"]
    assert config["level_norm"] is False
    tagger = PackTagger(out)
    fresh = []
    for i, gain in enumerate((0.9, 0.9 * 10 ** (-30 / 20))):
        x = thump(44100, seed=40 + i)
        sf.write(tmp_path / f"new{i}.wav", gain * x / np.abs(x).max(), 44100)
        fresh.append(tagger.prepare(tmp_path / f"new{i}.wav"))
    probs, _ = tagger.run(np.stack(fresh))
    assert [tagger.tags[j] for j in probs.argmax(axis=1)] == ["accent", "ghost"]
    capsys.readouterr()
    assert main(["pack", "inspect", str(out)]) == 0
    assert "level: each sample heard at its own level (trained with --keep-level" in capsys.readouterr().out


def test_pack_inspect_says_how_each_kind_of_tagger_pack_hears_level() -> None:
    from hatbox.cmd_pack import level_words
    assert "does not change its tags" in level_words({"config": {"level_norm": True}})
    assert "--keep-level" in level_words({"config": {"level_norm": False}})
    assert "trained before 2026-12-04" in level_words({"config": {"channels": [16]}})
    assert "trained before 2026-12-04" in level_words({})

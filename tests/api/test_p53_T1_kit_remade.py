"""p53 QA T1 on a served box: `box-kit --from LIB` made again after the library's words changed counts keeps each of
the producer's words on its pad, and says which words are new and which sit on one file only."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from hatbox.cli import main
from tests.api.conftest import PairedServer
from tests.api.packs import tagger_pack
from tests.cli_run import run as _run


WORDS = {"a": "808", "b": "808", "c": "808", "d": "dusty", "e": "dusty", "f": "punchy", "g": "punchy"}


def kit_of_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A served box holding library "samples" (s/a..g.wav, corrected to :data:`WORDS`) and its kit: C4 808, C#4
    dusty, D4 punchy; what `box-kit --from samples` printed."""
    folder = tmp_path / "samples" / "s"
    folder.mkdir(parents=True)
    for i, name in enumerate("abcdefg"):
        sf.write(folder / f"{name}.wav", np.linspace(-0.5, 0.5, 4800 + 480 * i, dtype=np.float32), 48000)
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate"]) == 0
    assert main(["push-library", str(tmp_path / "samples"), "--wait", "--quiet"]) == 0
    _fix(WORDS)
    capsys.readouterr()
    rc, out, err = _run(capsys, "box-kit", "--from", "samples", "--yes")
    assert rc == 0 and "C4 ( 60)  s/a.wav  (tag 808" in out and "C#4 ( 61)  s/d.wav  (tag dusty" in out, (out, err)
    return out


def _fix(files: dict[str, str]) -> None:
    for name, word in files.items():
        assert main(["box-library", "samples", "--fix", f"s/{name}.wav", word]) == 0


def test_own_words_keep_their_pads_when_the_kit_is_made_again(tmp_path: Path, paired_server: PairedServer,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = kit_of_words(tmp_path, capsys)
    assert "D4 ( 62)  s/f.wav  (tag punchy" in out and "moved" not in out
    _fix({"a": "dusty", "b": "dusty", "f": "dusty", "g": "keep"})       # dusty 5 files, 808 1, punchy 0, keep 1
    rc, out, err = _run(capsys, "box-kit", "--from", "samples")          # a kit of this library: not asked
    assert rc == 0, err
    assert "C4 ( 60)  s/c.wav  (tag 808" in out and "C#4 ( 61)  s/" in out and "(tag dusty" in out
    assert "D4 ( 62)  s/g.wav  (tag keep" in out                          # punchy's note was free: keep takes it
    assert "moved to another note" not in out                              # each word kept its note
    assert "new word on the kit (free notes from middle C up): keep D4" in out
    assert "no longer on the kit (no file carries it now, or the kit is full): punchy (was D4)" in out
    assert "1 word of yours is on one file only, so it comes after the words of more files: keep (D4 s/g.wav)" in out
    assert "1 word of yours is on one file only: 808 (C4 s/c.wav): a typo?" in out     # it kept its note (p53 review)

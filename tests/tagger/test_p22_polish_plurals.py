"""p22 polish (a producer's QA pass): `hatbox train tagger`'s messages count in words, "1 tag" / "2 tags", never
"tag(s)" or "file(s)" (one helper, hatbox.text.count_words)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

pytest.importorskip("torch")

from hatbox.cli import main
from hatbox.errors import DataError
from hatbox.text import count_words
from trainer.tagger.data import Item, load_items
from trainer.tagger.pipeline import readable

from .conftest import hiss, tag_tree, thump


def test_count_words_says_singular_and_plural() -> None:
    assert [count_words(n, "file") for n in (0, 1, 2)] == ["0 files", "1 file", "2 files"]
    assert count_words(1, "tag has", "tags have") == "1 tag has" and count_words(3, "tag has", "tags have") == \
        "3 tags have"


@pytest.mark.parametrize(("bad", "said"), [(["kick/808"], "1 tag not allowed"),
                                           (["kick/808", "#hat"], "2 tags not allowed")])
def test_tags_not_allowed_are_counted_in_words(tmp_path: Path, bad: list[str], said: str) -> None:
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.wav").write_bytes(b"")
    (tmp_path / "t.csv").write_text("a.wav,snare\n" + "".join(f"{n}.wav,{t}\n" for n, t in zip("bc", bad)))
    with pytest.raises(DataError) as err:
        load_items(tmp_path / "t.csv")
    assert f"t.csv: {said}: " in str(err.value) and "(s)" not in str(err.value)


@pytest.mark.parametrize(("csv", "said"), [
    ("a.wav,kick\nb.wav,snare\na.wav,snare\n",
     "but 1 file listed on several lines with different tags now has several"),
    ("a.wav,kick\nb.wav,snare\na.wav,snare\nb.wav,kick\n",
     "but 2 files listed on several lines with different tags now have several")])
def test_files_listed_on_several_lines_are_counted_in_words(tmp_path: Path, csv: str, said: str) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.wav").write_bytes(b"")
    (tmp_path / "t.csv").write_text(csv)
    notes: list[str] = []
    load_items(tmp_path / "t.csv", notes)
    warned = [n for n in notes if n.startswith("warning: ")]
    assert len(warned) == 1 and said in warned[0] and "(s)" not in warned[0]


def test_a_tag_with_no_readable_audio_is_one_tag_and_two_are_tags(tmp_path: Path) -> None:
    good = tmp_path / "good.wav"
    sf.write(good, thump(16000), 16000)
    for name in ("s.wav", "h.wav"):
        (tmp_path / name).write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunkjunk")
    one = [Item(good, ("kick",)), Item(tmp_path / "s.wav", ("snare",))]
    with pytest.raises(DataError, match=r"^no readable audio for tag snare: "):
        readable(one, 16000, 8000)
    two = [*one, Item(tmp_path / "h.wav", ("hat",))]
    with pytest.raises(DataError, match=r"^no readable audio for tags hat, snare: "):
        readable(two, 16000, 8000)


def test_the_summary_counts_left_out_and_skipped_files_in_words(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    tree = tag_tree(tmp_path / "data", {"kick": thump, "hat": hiss}, 4)
    (tree / "hat" / "broken.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunkjunk")
    (tree / "hat" / "b2.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunkjunk")
    sf.write(tree / "kick" / "quiet.wav", np.zeros(8000, np.float32), 16000)
    assert main(["train", "tagger", str(tree), "--out", str(tmp_path / "t.hatpack"), "--steps", "2",
                 "--holdout", "0", "--threads", "1"]) == 0
    text = capsys.readouterr().out
    assert "skipped 2 unreadable files:" in text and "note: left out 1 file with nothing to hear" in text
    assert "(s)" not in text

"""`hatbox train tagger` uses only what `hatbox tag` would tag, and loses no tag (QA findings):
silent training files are left out with a note (a tag left with none stops training before it starts),
tags that differ only in case are refused before any decoding, and a file listed on several CSV lines
gets the tags of all of them."""
from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

pytest.importorskip("torch")

from hatbox.cli import main
from hatbox.errors import DataError
from trainer.tagger.data import Item, load_items

from .conftest import hiss, tag_tree, thump


@pytest.fixture
def tree(tmp_path):
    return tag_tree(tmp_path / "data", {"kick": thump, "hat": hiss}, 4)


@pytest.fixture
def no_decoding(monkeypatch):
    """Decoding any audio fails the test: the checks must come first."""
    import trainer.tagger.pipeline as pipeline

    def refuse(*args, **kwargs):
        raise AssertionError("audio was decoded before the check")
    monkeypatch.setattr(pipeline, "decode_clips", refuse)


@pytest.fixture
def no_training(monkeypatch):
    """Training fails the test: the refusal must come first."""
    import trainer.tagger.pipeline as pipeline

    def refuse(*args, **kwargs):
        raise AssertionError("training started")
    monkeypatch.setattr(pipeline, "train", refuse)


def _train(*args) -> int:
    return main(["train", "tagger", *map(str, args), "--steps", "2", "--threads", "1"])


# ------------------------------------------------------------------------------------------ silence
def test_tags_of_only_silent_files_stop_training_before_it_starts(tmp_path, capsys, no_training):
    for tag in ("t0", "t1"):
        (tmp_path / "data" / tag).mkdir(parents=True)
        for i in range(3):
            sf.write(tmp_path / "data" / tag / f"s{i}.wav", np.zeros(8000, np.float32), 16000)
    out = tmp_path / "t.hatpack"
    assert _train(tmp_path / "data", "--out", out) == 2
    err = capsys.readouterr().err
    assert "no usable (readable, not silent) audio for tags t0, t1" in err
    assert "s0.wav: silent (all zeros)" in err and "internal error" not in err
    assert not out.exists()


def test_one_silent_tag_among_sounding_ones_is_named(tree, tmp_path, capsys, no_training):
    (tree / "quiet").mkdir()
    sf.write(tree / "quiet" / "q.wav", np.resize(np.float32([1, -1]) * 10 ** (-100 / 20), 8000), 16000,
             subtype="FLOAT")                                            # a tone at -100 dBFS
    assert _train(tree, "--out", tmp_path / "t.hatpack") == 2
    err = capsys.readouterr().err
    assert "audio for tag quiet:" in err and "q.wav: silent (peak -100 dBFS, under -90)" in err
    assert "kick" not in err.split("audio for tag")[1].split(":")[0]


def test_silent_training_files_are_left_out_with_a_note(tree, tmp_path, capsys):
    sf.write(tree / "kick" / "zeros.wav", np.zeros(8000, np.float32), 16000)
    sf.write(tree / "hat" / "hum.wav", np.resize(np.float32([1e-6, -1e-6]), 8000), 16000, subtype="FLOAT")   # -120 dBFS
    out = tmp_path / "t.hatpack"
    assert _train(tree, "--out", out, "--holdout", "0") == 0
    text = capsys.readouterr().out
    assert "note: left out 2 files with nothing to hear" in text
    assert f"{tree / 'kick' / 'zeros.wav'}: silent (all zeros)" in text
    assert f"{tree / 'hat' / 'hum.wav'}: silent (peak -120 dBFS, under -90)" in text
    assert "trained on 8 samples" in text and out.is_file()


def test_training_skips_what_hatbox_tag_skips_and_keeps_what_it_tags(tmp_path):
    """The same rule as device.library.runner.not_taggable: the loudest channel, not the mono mix."""
    from trainer.tagger.data import decode_clips
    rate = 16000
    sound = thump(rate)
    sf.write(tmp_path / "cancel.wav", np.stack([sound, -sound], 1), rate)          # silent only in the mix
    sf.write(tmp_path / "zeros.wav", np.zeros((8000, 2), np.float32), rate)
    sf.write(tmp_path / "blip.wav", np.full(5, 0.5, np.float32), rate)              # 5 samples: under 1 ms
    late = np.zeros(rate * 3, np.float32)
    late[rate * 2:rate * 2 + len(sound)] = sound                                     # sound after 2 s of silence
    sf.write(tmp_path / "late.wav", late, rate)
    sf.write(tmp_path / "kick.wav", sound, rate)
    items = [Item(tmp_path / f"{n}.wav", ("kick",)) for n in ("cancel", "zeros", "blip", "late", "kick")]
    kept, clips, skipped, silent = decode_clips(items, rate, 8000)
    assert [it.path.name for it in kept] == ["cancel.wav", "late.wav", "kick.wav"] and clips.shape == (3, 8000)
    assert skipped == []
    why = {p.name: w for p, w in silent}
    assert why["zeros.wav"] == "silent (all zeros)" and why["blip.wav"].startswith("too short")
    assert "late.wav" not in why                # heard from its sound since p46
    _, all_clips, _, none = decode_clips(items, rate, 8000, skip_silent=False)      # load_clips: every file
    assert all_clips.shape == (5, 8000) and none == []


# ------------------------------------------------------------------------------------------ case
def test_tags_that_differ_only_in_case_are_refused_before_decoding(tree, tmp_path, capsys, no_decoding):
    tag_tree(tmp_path / "more", {"Kick": thump, "HAT": hiss, "Hat": hiss}, 1)
    out = tmp_path / "t.hatpack"
    assert _train(tree, tmp_path / "more", "--out", out) == 2
    err = capsys.readouterr().err
    # (more/'s first kick and hat are the very sounds of the tree's first ones: one sample each, the later source's)
    # (p49: the rarer spellings say where they are, here a folder's file: Hat/0.wav is the very sound of HAT/0.wav)
    more = tmp_path / "more"
    first = more / "HAT" / "0.wav"
    assert (f"tags that differ only in case: 'HAT' (1: {first}) and 'Hat' (1: {first})"
            f" and 'hat' (3); 'Kick' (1: {more / 'Kick' / '0.wav'}) and 'kick' (3)") in err
    assert "--links" in err and "internal error" not in err and not out.exists()


def test_case_clashes_in_a_csv():
    from pathlib import Path

    from trainer.tagger.data import case_clashes
    items = [Item(Path("a.wav"), ("Kick", "snare")), Item(Path("b.wav"), ("kick",)), Item(Path("c.wav"), ("Snare",))]
    assert case_clashes(items) == [["Kick", "kick"], ["Snare", "snare"]]
    assert case_clashes([Item(Path("a.wav"), ("kick",)), Item(Path("b.wav"), ("snare",))]) == []


# ------------------------------------------------------------------------------------------ repeated CSV lines
def test_a_file_listed_on_several_csv_lines_gets_all_their_tags(tree, tmp_path):
    (tmp_path / "t.csv").write_text("path,tag\n"
                                    "data/kick/0.wav,kick\n"
                                    "data/hat/0.wav,hat\n"
                                    f"{tree}/kick/0.wav,boomy\n"           # the same file by its absolute path
                                    "data/kick/0.wav,kick,dusty\n")
    notes: list[str] = []
    items = load_items(tmp_path / "t.csv", notes)
    assert [(it.path.name, it.tags) for it in items] == [("0.wav", ("kick", "boomy", "dusty")), ("0.wav", ("hat",))]
    assert items[0].path == tmp_path / "data" / "kick" / "0.wav"
    assert len(notes) == 1 and "lines 2, 4 and 5" in notes[0] and notes[0].startswith("note: ")
    assert "kick, boomy, dusty" in notes[0]


def test_repeated_csv_lines_are_said_in_the_summary(tree, tmp_path, capsys):
    rows = [f"{tree}/{t}/{i}.wav,{t}" for t in ("kick", "hat") for i in range(4)] + [f"{tree}/hat/1.wav,bright"]
    (tmp_path / "t.csv").write_text("\n".join(rows) + "\n")
    assert _train(tmp_path / "t.csv", "--out", tmp_path / "t.hatpack", "--holdout", "0") == 0
    text = capsys.readouterr().out
    assert "hat/1.wav is listed on lines 6 and 9; it gets the tags of all of them: hat, bright" in text


def test_a_later_source_still_replaces_an_earlier_ones_tags(tree, tmp_path):
    from trainer.tagger.data import load_sources
    (tmp_path / "fix.csv").write_text(f"{tree}/kick/0.wav,tom\n")
    items = load_sources([tree, tmp_path / "fix.csv"])
    assert {it.path.name + it.path.parent.name: it.tags for it in items}["0.wavkick"] == ("tom",)


def test_a_csv_naming_no_file_twice_is_still_an_error(tmp_path):
    (tmp_path / "t.csv").write_text("nope.wav,kick\nnope.wav,hat\n")
    with pytest.raises(DataError, match=r"1 listed file does not exist \(2 cells\): .*nope.wav \(line 1; line 2\)"):
        load_items(tmp_path / "t.csv")                  # one file, named once with both its lines


def test_one_tag_per_line_merged_into_several_warns_that_the_tagger_turns_multi_label(tmp_path):
    """Every line has one tag, but a file pasted under kick and snare gets both: the whole tagger would turn
    multi-label (no statistics head) because of that slip, so it is said as a warning, naming the file."""
    from trainer.tagger.data import load_items
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.wav").write_bytes(b"")
    (tmp_path / "t.csv").write_text("a.wav,kick\nb.wav,snare\nc.wav,hat\na.wav,snare\n")
    notes: list[str] = []
    items = load_items(tmp_path / "t.csv", notes)
    assert {it.path.name: it.tags for it in items}["a.wav"] == ("kick", "snare")
    warned = [n for n in notes if n.startswith("warning: ")]
    assert len(warned) == 1 and "1 file listed" in warned[0] and "a.wav: kick, snare" in warned[0]
    assert "multi-label" in warned[0]


@pytest.mark.parametrize("csv", ["a.wav,kick\nb.wav,snare\na.wav,kick\n",          # a repeat with the same tag
                                 "a.wav,kick,dusty\nb.wav,snare\na.wav,bright\n"])   # the CSV is multi-label
def test_merged_lines_do_not_warn_when_nothing_changes_mode(tmp_path, csv):
    from trainer.tagger.data import load_items
    for name in ("a", "b"):
        (tmp_path / f"{name}.wav").write_bytes(b"")
    (tmp_path / "t.csv").write_text(csv)
    notes: list[str] = []
    load_items(tmp_path / "t.csv", notes)
    assert notes and not [n for n in notes if n.startswith("warning: ")]

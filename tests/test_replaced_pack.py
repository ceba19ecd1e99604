"""A training over an older pack compares the two and keeps the older one beside it (hatbox/replaced.py;
twenty-seventh stop's QA: when the new one scored worse; forty-ninth stop: always, one level)."""
from __future__ import annotations

from pathlib import Path

import pytest

from export.pack import read_pack
from hatbox.cli import main
from hatbox.replaced import compare_and_keep, kept_path, older_pack
from tests.effect.synth import drive_folder

TINY = ["--set", "model.hidden=8", "--set", "batch=8", "--set", "eval_every_s=0"]


def _score(path: Path) -> float:
    return read_pack(path).manifest.metrics["val_esr"]


@pytest.fixture(scope="module")
def two_packs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A better effect pack (20 steps) and a worse one (2 steps) of the same data, and the data.  (20 steps score
    0.21 against 2 steps' 0.30 here, a margin of 1.4 over the 1.2 asked below; 60 steps gave 0.15 in twice the
    time, and nothing here needs the better one better than that.)"""
    tmp = tmp_path_factory.mktemp("packs")
    data = drive_folder(tmp / "data", seconds=1.2, settings=(0, 16))
    good, bad = tmp / "good.hatpack", tmp / "bad.hatpack"
    assert main(["train", "effect", str(data), "--out", str(good), "--max-steps", "20", *TINY]) == 0
    assert main(["train", "effect", str(data), "--out", str(bad), "--max-steps", "2", *TINY]) == 0
    assert _score(bad) > 1.2 * _score(good)
    return good, bad, data


def test_a_worse_retrain_keeps_the_older_pack_beside_it(two_packs, tmp_path: Path, capsys) -> None:
    good, bad, data = two_packs
    out = tmp_path / "pedal.hatpack"
    out.write_bytes(good.read_bytes())
    assert main(["train", "effect", str(data), "--out", str(out), "--max-steps", "2", *TINY]) == 0
    text = capsys.readouterr().out
    assert f"warning: replaced pedal.hatpack: its held-out error was {_score(good):.4g}" in text
    assert f"the older pack is kept as {kept_path(out)}" in text
    assert kept_path(out).read_bytes() == good.read_bytes()
    assert _score(out) > _score(good)


def test_a_better_one_says_so_and_keeps_the_older_one_too(two_packs, tmp_path: Path) -> None:
    """Forty-ninth stop: a "better" retrain keeps the pack it replaced as well (until then it kept nothing)."""
    good, bad, _data = two_packs
    out = tmp_path / "pedal.hatpack"
    out.write_bytes(bad.read_bytes())
    older = older_pack(out)
    out.write_bytes(good.read_bytes())                      # what the training wrote
    said, line, kept = compare_and_keep(older, out)
    assert said.endswith("0.1.1 (the pack it replaced was 0.1.0)")           # its name's next version
    assert line.startswith("note: replaced pedal.hatpack: its held-out error was") and line.endswith("(better)")
    assert kept.startswith(f"note: the older pack is kept as {kept_path(out)} (") and "; to go back: mv" in kept
    assert kept_path(out).read_bytes() == bad.read_bytes()


def test_nothing_to_compare_with_says_nothing(tmp_path: Path, two_packs) -> None:
    out = tmp_path / "new.hatpack"
    assert older_pack(out) is None and compare_and_keep(None, out) == []
    out.write_bytes(b"not a pack")
    assert older_pack(out) is None


def test_a_second_retrain_keeps_the_pack_it_replaced_and_moves_a_better_one_kept_there(two_packs,
                                                                                         tmp_path: Path) -> None:
    """Forty-ninth stop: one level of history, the pack just replaced; but a better pack of the same kind kept there
    is moved to NAME.VERSION.hatpack, said with its score (its review: retrains 0.95, 0.60, 0.70 lost the 0.95 one,
    "in place of mywords 0.1.0 kept there before" with no score and no word of it)."""
    good, bad, _data = two_packs
    out = tmp_path / "pedal.hatpack"
    kept_path(out).write_bytes(good.read_bytes())            # an earlier retrain kept the good one
    out.write_bytes(bad.read_bytes())
    older = older_pack(out)                                  # the worse one is replaced now
    out.write_bytes(good.read_bytes())                       # by what the training wrote
    *_lines, kept = compare_and_keep(older, out)
    name = read_pack(good).manifest.name
    moved = tmp_path / "pedal.0.1.0.hatpack"
    assert kept_path(out).read_bytes() == bad.read_bytes() and moved.read_bytes() == good.read_bytes()
    assert f"{name} 0.1.0, held-out error {_score(good):.4g}, kept there before and better, is moved to {moved}" \
        in kept, kept


def test_a_worse_pack_kept_there_is_replaced_and_said_with_its_score(two_packs, tmp_path: Path) -> None:
    good, bad, _data = two_packs
    out = tmp_path / "pedal.hatpack"
    kept_path(out).write_bytes(bad.read_bytes())             # an earlier retrain kept the bad one
    out.write_bytes(good.read_bytes())
    older = older_pack(out)
    out.write_bytes(bad.read_bytes())
    *_lines, kept = compare_and_keep(older, out)
    name = read_pack(good).manifest.name
    assert kept_path(out).read_bytes() == good.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pedal.hatpack", "pedal.prev.hatpack"]
    assert (f"({name} 0.1.0, held-out error {_score(good):.4g}, in place of {name} 0.1.0, held-out error "
            f"{_score(bad):.4g} kept there before (replaced))") in kept, kept


def test_a_retrain_a_little_worse_keeps_the_older_pack_too(two_packs, tmp_path: Path) -> None:
    """Synth QA (fortieth stop): a new pack 2-6 % worse replaced the older one with a plain "note:" (only 10 % worse
    kept it)."""
    from hatbox.replaced import Older
    good, _bad, _data = two_packs
    out = tmp_path / "pedal.hatpack"
    out.write_bytes(good.read_bytes())
    older = Older(b"the older one", "effect", _score(good) * 0.97)      # 3 % better than the new one
    line, kept = compare_and_keep(older, out)
    assert line.startswith("warning: replaced pedal.hatpack") and line.endswith(": worse")
    assert f"the older pack is kept as {kept_path(out)} (the pack replaced);" in kept
    assert kept_path(out).read_bytes() == b"the older one"
    kept_path(out).unlink()
    line, _kept = compare_and_keep(Older(b"x", "effect", _score(good) * 1.03), out)
    assert line.startswith("note: replaced") and line.endswith("(better)") and kept_path(out).read_bytes() == b"x"


def test_a_retrained_pack_takes_the_next_version(two_packs, tmp_path: Path, capsys) -> None:
    """Effect QA (fortieth stop): every capture of a pedal reached the box as "pedal 0.1.0"."""
    good, _bad, data = two_packs
    out = tmp_path / "pedal.hatpack"
    assert main(["train", "effect", str(data), "--out", str(out), "--max-steps", "2", *TINY]) == 0
    assert read_pack(out).manifest.version == "0.1.0"                      # nothing before it
    assert main(["train", "effect", str(data), "--out", str(out), "--max-steps", "2", "--seed", "1", *TINY]) == 0
    assert read_pack(out).manifest.version == "0.1.1"     # another seed: other bytes (the same seed within a second
    #                                                     wrote the same bytes, "nothing written over": no new version)
    name = read_pack(out).manifest.name
    assert f"note: pedal.hatpack is {name} 0.1.1 (the pack it replaced was 0.1.0)" in capsys.readouterr().out
    from device.validate import validate_pack
    validate_pack(out, realtime=False)                                     # still a whole pack
    other = tmp_path / "other.hatpack"
    other.write_bytes(out.read_bytes())
    assert main(["train", "effect", str(data), "--out", str(other), "--name", "fuzz", "--max-steps", "2",
                 *TINY]) == 0
    assert read_pack(other).manifest.version == "0.1.0"                    # another name: its own first version


def test_scores_of_other_held_out_sets_are_said_not_to_be_like_for_like() -> None:
    from hatbox.replaced import Older, _other_set, held_out_set
    pairs = {"val_esr": 0.1, "val_esr_per_pair": {"a.wav": 0.1, "b.wav": 0.1}}
    older = Older(b"", "effect", 0.1, held=held_out_set(pairs))
    assert held_out_set(pairs) == ("pair", frozenset({"a.wav", "b.wav"}))
    assert _other_set(older, pairs) == ""                                         # the same recordings
    more = {"val_esr_per_pair": {"a.wav": 0.1, "b.wav": 0.1, "c.wav": 0.2}}
    assert _other_set(older, more) == (" (measured on other held-out sets, 2 pairs then, 3 now: the two figures "
                                       "are not like for like)")
    renamed = {"val_esr_per_pair": {"a.wav": 0.1, "d.wav": 0.1}}
    assert "other held-out pairs" in _other_set(older, renamed)
    notes = Older(b"", "synth", 0.5, held=held_out_set({"heldout_notes": 56}))
    assert "56 notes then, 12 now" in _other_set(notes, {"heldout_notes": 12})
    assert _other_set(notes, {"heldout_notes": 56}) == "" and _other_set(Older(b"", "synth", 0.5), {}) == ""

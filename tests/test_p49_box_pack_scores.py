"""`hatbox box-pack` says a tagger's macro-F1 with the held-out files it stands on ("macro-F1 0.98 on 12 files"),
and of two packs of one name calls one better only when the difference passes training's rule
(hatbox.score_rules.level_margin: under 1/sqrt(n) is level), never across packs whose words differ; `box-pack ID`
lists a tagger's words (forty-ninth stop's regression QA "month2": "mywords 0.1.1 ... macro-F1 0.982" beside the
active "0.1.4 ... macro-F1 0.892" read as the better pack; they stood on 12 and 11 files, with other words)."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from export.pack import MANIFEST, SIGNATURE, read_pack, write_pack
from hatbox.cli import main
from hatbox.pack_scores import compare_notes, score_words
from tests.api.conftest import paired_server  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack


def _tagger(path: Path, version: str, words: tuple[str, ...], f1: float, files: int) -> Path:
    """A tagger pack "mywords" ``version`` giving ``words``, its metrics a macro-F1 of ``f1`` on ``files``."""
    tagger_pack(path, "mywords", version, tags=words)
    pack = read_pack(path)
    metrics = {"holdout_macro_f1": f1, "holdout_items": files}
    write_pack(path, dataclasses.replace(pack.manifest, metrics=metrics),
               {k: v for k, v in pack.members.items() if k not in (MANIFEST, SIGNATURE)})
    return path


def _push_two(tmp_path: Path, old: tuple, new: tuple) -> None:
    """Push mywords 0.1.1 (``old``: words, f1, files), then 0.1.4 (``new``), made active."""
    assert main(["push", str(_tagger(tmp_path / "a.hatpack", "0.1.1", *old)), "--quiet"]) == 0
    assert main(["push", str(_tagger(tmp_path / "b.hatpack", "0.1.4", *new)), "--activate", "--quiet"]) == 0


def _listing(capsys) -> tuple[list[str], str]:
    """`hatbox box-pack`'s pack lines (stdout) and its notes (stderr: stdout is no terminal here)."""
    capsys.readouterr()
    assert main(["box-pack"]) == 0
    got = capsys.readouterr()
    return got.out.splitlines(), got.err


def test_box_pack_says_each_score_with_its_files_and_no_better_across_other_words(paired_server, tmp_path,
                                                                                   capsys) -> None:
    _push_two(tmp_path, (("airy", "dusty"), 0.982, 12), (("airy", "lofi"), 0.892, 11))
    lines, notes = _listing(capsys)
    assert any(" mywords 0.1.1, tagger, " in ln and ", macro-F1 0.98 on 12 files," in ln for ln in lines), lines
    assert any(" mywords 0.1.4, tagger, " in ln and ", macro-F1 0.89 on 11 files," in ln for ln in lines), lines
    assert "0.982" not in "\n".join(lines)
    assert "0.1.1's words differ from 0.1.4's (+ dusty; - lofi)" in notes and "not like for like" in notes, notes
    assert "better" not in notes


def test_box_pack_calls_close_scores_on_few_files_level(paired_server, tmp_path, capsys) -> None:
    _push_two(tmp_path, (("airy", "dusty"), 0.982, 12), (("airy", "dusty"), 0.892, 11))
    _, notes = _listing(capsys)
    assert "level: 11 held-out files cannot tell them apart" in notes, notes
    assert "better" not in notes


def test_box_pack_calls_one_better_when_the_difference_passes_the_rule(paired_server, tmp_path, capsys) -> None:
    _push_two(tmp_path, (("airy", "dusty"), 0.95, 400), (("airy", "dusty"), 0.80, 400))
    _, notes = _listing(capsys)
    assert "mywords 0.1.1 scored better" in notes and "level" not in notes, notes


def test_box_pack_id_lists_a_taggers_words_and_the_box_answer_carries_them(paired_server, tmp_path,
                                                                            capsys) -> None:
    _push_two(tmp_path, (("airy", "dusty"), 0.982, 12), (("airy", "lofi", "warm"), 0.892, 11))
    pid = next(m["id"] for m in paired_server.app.state.box.store.list() if m["version"] == "0.1.4")
    capsys.readouterr()
    assert main(["box-pack", pid]) == 0
    out = capsys.readouterr().out
    assert "macro-F1 0.89 on 11 files" in out and "\n  words (3): airy, lofi, warm\n" in out, out
    assert main(["box-pack", pid, "--json"]) == 0
    entry = json.loads(capsys.readouterr().out)
    assert (entry["held_out"], entry["words"]) == (11, ["airy", "lofi", "warm"])


def test_a_score_whose_files_the_box_does_not_say_is_never_called_better() -> None:
    """A pack installed before the box kept the count (no ``held_out``): said so, and neither reads as better."""
    old = {"id": "a", "name": "mywords", "version": "0.1.1", "kind": "tagger", "seq": 1,
           "scores": {"holdout_macro_f1": 0.982}}
    new = {**old, "id": "b", "version": "0.1.4", "seq": 2, "active": True, "held_out": 400,
           "scores": {"holdout_macro_f1": 0.5}}
    assert score_words(old) == ["macro-F1 0.982 (held-out files not said)"]
    assert score_words(new) == ["macro-F1 0.50 on 400 files"]
    notes = compare_notes([old, new])
    assert len(notes) == 1 and "neither reads as better" in notes[0] and "mywords 0.1.4 (active)" in notes[0]
    assert compare_notes([old, {**new, "name": "other"}]) == []

"""p53 final read (MF2): "is this a twin?" (one kind, one name in any case, one version) was asked three ways -
hatbox/pack_names.py, hatbox/box_prune.py and hatbox/pack_scores.py - and the prune's and the scores' said packs with
no version were twins (a box that lists no versions: every pack of a name listed with ids); `hatbox box-pack --prune
--keep 0` said "or among the 0 newest of its name; 1 pack stay"."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hatbox import box_prune, pack_names, pack_scores
from tests.api.conftest import PairedServer
from tests.api.test_p44_year_store import install
from tests.cli_run import run

HASHES = ("0123456789ab", "abcdef012345")


def _packs(version: str | None, kind: str = "effect", name: str = "Pedal") -> list[dict[str, Any]]:
    """Two packs of one kind and name (the second in upper case), of ``version`` (None: listed with no version)."""
    made = []
    for i, tail in enumerate(HASHES):
        pack = {"id": f"{kind}-pedal-{version or 'x'}-{tail}", "kind": kind, "name": name.upper() if i else name}
        made.append(pack if version is None else {**pack, "version": version})
    return made


def test_p53_MF2_one_release_key_and_no_version_is_no_twin() -> None:
    one, two = _packs("1.0.0")
    assert pack_names.release_key(one) == pack_names.release_key(two) == ("effect", "pedal", "1.0.0")
    assert pack_names.twinned([one, two]) == {("effect", "pedal", "1.0.0")}
    assert pack_names._same_release(one, two)
    bare, other = _packs(None)
    assert pack_names.release_key(bare) is None
    assert pack_names.twinned([bare, other]) == set() and not pack_names._same_release(bare, other)
    assert not pack_names._same_release(one, {**two, "kind": "synth"})      # another kind: no twin


def _plan(kept: list[dict[str, Any]], packs: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"packs": packs or [], "kept_packs": [{**p, "why": "newest"} for p in kept], "kept": len(kept),
            "bytes": 0, "history_dropped": []}


def test_p53_MF2_prune_lists_packs_with_no_version_without_ids(capsys: pytest.CaptureFixture[str]) -> None:
    box_prune._show_plan(_plan(_packs(None)), 1)
    out = capsys.readouterr().out
    assert "  kept  effect Pedal ?  newest\n" in out and "  kept  effect PEDAL ?  newest\n" in out, out
    assert not any(h in out for h in HASHES), out
    box_prune._show_plan(_plan(_packs("1.0.0")), 1)                      # twins still get their ids
    out = capsys.readouterr().out
    assert all(f"1.0.0 ({h})  newest" in out for h in HASHES), out


def _taggers(version: str | None) -> list[dict[str, Any]]:
    return [{**p, "scores": {pack_scores.MACRO_F1: 0.8}, "held_out": 40, "active": not i}
            for i, p in enumerate(_packs(version, "tagger"))]


def test_p53_MF2_scores_compare_packs_with_no_version_without_ids() -> None:
    lines = pack_scores.compare_notes(_taggers(None))
    assert len(lines) == 1 and not any(h in lines[0] for h in HASHES), lines
    lines = pack_scores.compare_notes(_taggers("0.1.0"))                 # twins: compared by id
    assert len(lines) == 1 and all(h in lines[0] for h in HASHES), lines


def test_p53_MF2_prune_words_for_keep_0_and_one_pack(capsys: pytest.CaptureFixture[str]) -> None:
    box_prune._show_plan(_plan(_packs("1.0.0")[:1], _packs("0.9.0")[:1]), 0)
    out = capsys.readouterr().out
    assert "a library's tagger; 1 pack stays\n" in out and "newest of its name" not in out, out
    box_prune._show_plan(_plan(_packs("1.0.0"), _packs("0.9.0")[:1]), 2)
    out = capsys.readouterr().out
    assert "a library's tagger, or among the 2 newest of its name; 2 packs stay\n" in out, out


def test_p53_MF2_prune_keep_0_says_it_in_words(paired_server: PairedServer, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    store = paired_server.app.state.box.store
    live = install(store, tmp_path, "fuzz", "1.0.0")
    store.activate(live["id"])
    install(store, tmp_path, "amp", "0.1.0")                             # never played: goes
    rc, out, err = run(capsys, "box-pack", "--prune", "--keep", "0", "--yes")
    assert rc == 0, err
    assert "to delete: none is active" in out and "1 pack stays\n" in out, out
    assert "newest of its name" not in out and "1 pack stay\n" not in out, out

"""p55 QA_A finding 2: a tagger pack installed by a box from before the forty-ninth stop has a record (meta.json)
without ``held_out`` and ``words`` (nor the fifty-first stop's ``scored_words``, ``f1_per_word``, ``held_labels``),
so the upgraded box's `hatbox box-pack` said "macro-F1 1 (held-out files not said)" and `--json` "words": [], though
the installed pack's manifest holds both.  The store now fills them in from that manifest as it reads the record."""
from __future__ import annotations

import json
from pathlib import Path

from export.pack import read_pack, write_pack
from hatbox import pack_scores
from tests.api.conftest import make_box
from tests.api.packs import tagger_pack

METRICS = {"holdout_items": 3, "holdout_macro_f1": 1.0, "holdout_f1_per_word": {"kick": 1.0, "snare": 1.0}}
NEWER_KEYS = ("held_out", "words", "scored_words", "f1_per_word", "held_labels")   # what p49 and p51 added


def _scored_tagger(tmp_path: Path) -> Path:
    """A tagger pack (kick, snare) whose manifest says it scored macro-F1 1 on 3 held-out files."""
    pack = read_pack(tagger_pack(tmp_path / "plain.hatpack"))
    pack.manifest.metrics = dict(METRICS)
    members = {k: v for k, v in pack.members.items() if k not in ("manifest.json", "manifest.sig")}
    return write_pack(tmp_path / "scored.hatpack", pack.manifest, members)


def _packs(box) -> list[dict]:
    r = box.client.get("/packs", headers=box.auth)
    assert r.status_code == 200, r.text
    return r.json()


def test_a_tagger_record_written_before_p49_gets_its_figures_from_its_pack(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    r = box.push(_scored_tagger(tmp_path))
    assert r.status_code == 201, r.text
    pid = r.json()["pack"]["id"]
    meta = box.store_dir / "packs" / pid / "meta.json"
    fresh = json.loads(meta.read_bytes())
    assert fresh["held_out"] == 3 and fresh["words"] == ["kick", "snare"], fresh
    old = {k: v for k, v in fresh.items() if k not in NEWER_KEYS}      # as a box of the forty-third stop wrote it
    meta.write_bytes(json.dumps(old, indent=1, sort_keys=True).encode())
    written = meta.read_bytes()

    upgraded = make_box(tmp_path)                                      # the new box started on that store
    entry = next(p for p in _packs(upgraded) if p["id"] == pid)
    assert {k: entry.get(k) for k in NEWER_KEYS} == {k: fresh.get(k) for k in NEWER_KEYS}, entry
    assert pack_scores.score_words(entry) == ["macro-F1 1.00 on 3 files"], entry
    assert pack_scores.words_line(entry) == "  words (2): kick, snare"
    assert meta.read_bytes() == written                               # the record on the card stays as it was
    again = next(p for p in _packs(box) if p["id"] == pid)             # the first box, reading the changed file
    assert again["held_out"] == 3 and again["words"] == ["kick", "snare"], again


def test_a_record_that_says_them_and_other_kinds_are_left_as_they_are(tmp_path: Path) -> None:
    from tests.api.packs import gain_pack
    box = make_box(tmp_path)
    tagger = box.push(_scored_tagger(tmp_path)).json()["pack"]["id"]
    effect = box.push(gain_pack(tmp_path / "g.hatpack")).json()["pack"]["id"]
    meta = box.store_dir / "packs" / tagger / "meta.json"
    said = {**json.loads(meta.read_bytes()), "held_out": 7, "words": ["boom"]}     # the record's own word wins
    meta.write_bytes(json.dumps(said, indent=1, sort_keys=True).encode())
    entries = {p["id"]: p for p in _packs(make_box(tmp_path))}
    assert entries[tagger]["held_out"] == 7 and entries[tagger]["words"] == ["boom"], entries[tagger]
    assert not any(entries[effect].get(k) for k in NEWER_KEYS), entries[effect]     # the API's defaults only

"""p55 M1 (review R1, finding 3): the store fills in a tagger's record from its pack's manifest when ANY of the
keys p49 and p51 added is missing.  A record written by a p49 or p50 box has ``words`` and ``held_out`` but not
``scored_words``, ``f1_per_word``, ``held_labels``; it was left unfilled (box-pack compared such packs as "not like
for like" and hedged a real macro-F1 of 0).  And a manifest that could not be read once is read again next time
(it was cached unfilled until meta.json changed)."""
from __future__ import annotations

import json
from pathlib import Path

from tests.api.conftest import make_box
from tests.api.test_p55_F2_old_tagger_record import NEWER_KEYS, _packs, _scored_tagger

P51_KEYS = ("scored_words", "f1_per_word", "held_labels")


def _installed(tmp_path: Path) -> tuple[object, str, Path, dict]:
    box = make_box(tmp_path)
    r = box.push(_scored_tagger(tmp_path))
    assert r.status_code == 201, r.text
    pid = r.json()["pack"]["id"]
    meta = box.store_dir / "packs" / pid / "meta.json"
    return box, pid, meta, json.loads(meta.read_bytes())


def test_a_record_written_by_a_p49_box_gets_p51_s_keys_from_its_pack(tmp_path: Path) -> None:
    box, pid, meta, fresh = _installed(tmp_path)
    assert fresh.get("f1_per_word") == {"kick": 1.0, "snare": 1.0}, fresh
    p49 = {k: v for k, v in fresh.items() if k not in P51_KEYS}       # held_out and words, not p51's keys
    meta.write_bytes(json.dumps({**p49, "held_out": 5}).encode())
    entry = next(p for p in _packs(make_box(tmp_path)) if p["id"] == pid)
    assert {k: entry.get(k) for k in P51_KEYS} == {k: fresh.get(k) for k in P51_KEYS}, entry
    assert entry["held_out"] == 5 and entry["words"] == fresh["words"], entry     # the record's own keys win


def test_a_manifest_that_could_not_be_read_is_read_again(tmp_path: Path) -> None:
    box, pid, meta, fresh = _installed(tmp_path)
    meta.write_bytes(json.dumps({k: v for k, v in fresh.items() if k not in NEWER_KEYS}).encode())
    pack = box.store_dir / "packs" / pid / "pack.hatpack"
    good = pack.read_bytes()
    pack.write_bytes(b"not a zip")                                      # a passing read error
    store = box.app.state.box.store
    assert store.meta(pid).get("words") is None                         # the record as it is, not filled
    pack.write_bytes(good)                                              # read again: meta.json did not change
    filled = store.meta(pid)
    assert filled.get("words") == fresh["words"] and filled.get("f1_per_word") == fresh["f1_per_word"], filled

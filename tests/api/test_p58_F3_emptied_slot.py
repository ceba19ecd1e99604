"""p58 F3 2: "deactivate, then delete" asked "delete ...?; it is what the effect slot played last, before the slot was
emptied" but could not say when (the store forgot when a slot emptied, and by whom): a pack emptied out seconds ago
read like one emptied out last month.  The store keeps when each slot was emptied and by whom (active.json
``emptied``), GET /packs says it of the pack emptied out, and the delete question says it; a box without that
record (an older one, a slot emptied before p58) keeps the words it had."""
from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest

import device.store as store_mod
from device.store import PackStore, acting_as
from export.pack import read_pack
from hatbox.cli import main
from hatbox.slot_words import played_note
from tests.api.conftest import PairedServer
from tests.api.packs import gain_pack


def _install(store: PackStore, src: Path) -> str:
    up = store.new_upload()
    shutil.copyfile(src, up)
    return store.install(up, read_pack(src).manifest, store_mod.file_sha256(up), {"checks": []})["id"]


def test_the_store_keeps_when_a_slot_was_emptied_and_by_whom_until_it_plays_again(tmp_path: Path) -> None:
    s = PackStore(tmp_path / "s")
    a, b = (_install(s, gain_pack(tmp_path / f"{i}.hatpack", "fx", f"1.0.{i}", seed=i)) for i in range(2))
    s.activate(a)
    before = time.time()
    with acting_as("laptopA"):
        s.deactivate("effect")
    PackStore(s.root).recover()                                                 # a restart: kept
    rec = PackStore(s.root).emptying("effect")
    assert rec is not None and rec["id"] == a and rec["by"] == "laptopA" and before <= rec["at"] <= time.time()
    s.activate(b)                                                               # the slot plays again: forgotten
    assert s.emptying("effect") is None and "emptied" not in json.loads((s.root / "active.json").read_text())
    s.deactivate("effect")
    assert s.emptying("effect")["id"] == b and s.emptying("effect")["by"] == ""      # the box itself
    s.activate(a)
    s.hold("effect")                                    # a start's --require-signature emptied it: not a deactivation
    assert s.emptying("effect") is None


def test_an_older_pointer_has_no_record_and_reads_as_before(tmp_path: Path) -> None:
    s = PackStore(tmp_path / "s")
    a = _install(s, gain_pack(tmp_path / "a.hatpack", "fx", "1.0.0"))
    (s.root / "active.json").write_text(json.dumps({"slots": {"effect": None, "synth": None, "tagger": None},
                                                    "history": {"effect": [a], "synth": [], "tagger": []}}))
    assert s.emptying("effect") is None and s.used_last("effect") == a
    entry = next(p for p in s.list() if p["id"] == a)
    assert entry["used_last"] and not entry["active"]


def test_the_packs_listing_says_who_emptied_the_slot_and_when(paired_server: PairedServer, tmp_path: Path,
                                                               capsys) -> None:
    from tests.api.test_p57_F10_pack_owner import _push_as_another
    pid = _push_as_another(paired_server, tmp_path, "laptop-s3")
    assert main(["box-pack", "--deactivate", "effect"]) == 0                    # the test's laptop: "laptop"
    rec = paired_server.app.state.box.store.emptying("effect")
    assert rec is not None and rec["id"] == pid and rec["by"] == "laptop"
    capsys.readouterr()
    assert main(["box-pack", "--json"]) == 0                                    # GET /packs, as the box answers it
    entry = next(p for p in json.loads(capsys.readouterr().out) if p["id"] == pid)
    assert entry["used_last"] and entry["emptied_by"] == "laptop" and 0 <= entry["emptied_ago_s"] < 60
    assert entry["emptied_at"] == pytest.approx(rec["at"])


def test_deactivate_then_delete_asks_saying_who_emptied_the_slot_and_when(paired_server: PairedServer,
                                                                          tmp_path: Path, capsys,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.api.test_p57_F10_pack_owner import _push_as_another
    pid = _push_as_another(paired_server, tmp_path, "laptop-s3")
    assert main(["box-pack", "--deactivate", "effect"]) == 0
    capsys.readouterr()
    asked: list[str] = []
    monkeypatch.setattr("builtins.input", lambda q: asked.append(q) or "n")
    assert main(["box-pack", pid, "--delete"]) == 0
    assert re.search(r"; it is what the effect slot played last, before the slot was emptied by laptop \d+ s ago[;?]",
                     asked[0]), asked[0]


@pytest.mark.parametrize("by, said", [("laptopA", "by laptopA 12 s ago"), ("", "on the box 12 s ago"),
                                      ("\x1b[2J", "by \\x1b[2J 12 s ago")])
def test_the_question_words_for_each_record(by: str, said: str) -> None:
    pack = {"id": "p", "kind": "effect", "used_last": True, "emptied_by": by, "emptied_ago_s": 12.4}
    assert played_note(pack, [pack]) == f"; it is what the effect slot played last, before the slot was emptied {said}"


def test_a_box_without_the_record_keeps_the_words_it_had() -> None:
    pack = {"id": "p", "kind": "effect", "used_last": True}                        # an older box's entry
    assert played_note(pack, [pack]) == "; it is what the effect slot played last, before the slot was emptied"
    assert played_note({**pack, "emptied_by": None, "emptied_ago_s": None}, [pack]) == played_note(pack, [pack])
    done = played_note({**pack, "emptied_by": "laptopA", "emptied_ago_s": 3.0}, [pack], done=True)
    assert done == "; it was what the effect slot played last, before the slot was emptied"     # said after: no count

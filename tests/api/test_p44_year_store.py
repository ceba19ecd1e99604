"""A year of use on a box with no battery clock (p44 QA): "newest" follows the store's install sequence, not the wall
clock; versions sort as numbers; /status stays small; a clock that is not set is said; the age of the last program
change is the box's own count."""
from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import pytest

from device.clock import MADE, ClockCheck, clock_note
from device.midi_programs import Entry, ProgramSwitcher, ProgramMap, Hooks, newest_named, resolve
from device.store import PackStore, to_activate
from device.versions import packs_in_order, version_key
from hatbox.midi_program_words import last_words
from hatbox.status_report import print_status
from tests.api.conftest import make_box
from tests.api.packs import gain_manifest

GIG_CLOCK = 60.0              # 1970-01-01 00:01: the box booted with no battery clock and no network


def install(store: PackStore, tmp: Path, name: str, version: str, body: bytes = b"") -> dict[str, Any]:
    """Install a pack record of ``name`` ``version`` straight into ``store`` (its bytes are no real pack: the store
    does not read them; an API push validates, which takes seconds)."""
    data = body or f"{name} {version}".encode()
    upload = tmp / f"up-{name}-{version}-{len(data)}"
    upload.write_bytes(data)
    return store.install(upload, gain_manifest(name, version), hashlib.sha256(data).hexdigest(), {"checks": []})


def test_versions_sort_as_numbers() -> None:
    given = ["2.11.0", "1.10.0", "1.2.0", "2.100.0", "1.0.0", "1.0.0-rc.1"]
    assert sorted(given, key=version_key) == ["1.0.0-rc.1", "1.0.0", "1.2.0", "1.10.0", "2.11.0", "2.100.0"]
    assert version_key("1.2") == version_key("1.2.0") and version_key("v3") > version_key("2.9")
    packs = [{"name": n, "version": v, "kind": k} for n, v, k in
             [("fuzz", "1.2.0", "effect"), ("Keys", "1.9.0", "synth"), ("fuzz", "1.10.0", "effect"),
              ("keys", "1.18.0", "synth"), ("amp", "0.1.0", "effect")]]
    assert [(p["name"], p["version"]) for p in packs_in_order(packs)] == [
        ("amp", "0.1.0"), ("fuzz", "1.10.0"), ("fuzz", "1.2.0"), ("keys", "1.18.0"), ("Keys", "1.9.0")]


def test_a_pack_pushed_while_the_clock_read_1970_is_the_newest(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The QA's repro_program_newest.sh: gigpedal 1.0.0 pushed at home, 1.1.0 at the gig (clock at 1970); a program
    mapped by name played 1.0.0 (the largest wall-clock time)."""
    store = PackStore(tmp_path / "store")
    home = install(store, tmp_path, "gigpedal", "1.0.0")
    monkeypatch.setattr("device.store.time.time", lambda: GIG_CLOCK)
    gig = install(store, tmp_path, "gigpedal", "1.1.0")
    assert gig["installed"] < home["installed"] and gig["seq"] > home["seq"]
    packs = store.list()
    assert newest_named(packs, "effect", "GigPedal")["id"] == gig["id"]
    entry = Entry(0, None, home["id"], "effect", "gigpedal", "1.0.0", True)
    assert resolve(entry, packs)[0]["id"] == gig["id"]
    assert to_activate(packs, "effect") == gig["id"]


def test_the_sequence_survives_a_restart_and_an_old_store(tmp_path: Path) -> None:
    """Packs installed before the sequence existed have none: they count as 0 (their versions order them), and the
    next install comes after every one of them, in a store opened again."""
    store = PackStore(tmp_path / "store")
    old = [install(store, tmp_path, "pedal", v) for v in ("1.10.0", "1.2.0")]
    for meta in old:                                   # as a store from before the forty-fourth stop wrote them
        path = store.packs / meta["id"] / "meta.json"
        record = json.loads(path.read_bytes())
        del record["seq"]
        record["installed"] = 2e9 if meta["version"] == "1.2.0" else 1e9     # wall clock: 1.2.0 "later"
        path.write_text(json.dumps(record))
    again = PackStore(tmp_path / "store")
    assert again.recover()["removed_broken"] == []
    assert newest_named(again.list(), "effect", "pedal")["version"] == "1.10.0"
    assert again.next_seq() == 1
    new = install(again, tmp_path, "pedal", "0.9.0")                 # a lower version, but installed last
    assert new["seq"] == 1 and newest_named(PackStore(tmp_path / "store").list(), "effect", "pedal")["id"] == new["id"]
    assert PackStore(tmp_path / "store").next_seq() == 2


def test_status_carries_the_active_packs_and_totals_not_every_pack(tmp_path: Path) -> None:
    """The year box's /status was 251 KB: every pack's full record (its checks' words) at each poll."""
    box = make_box(tmp_path)
    store = box.app.state.box.store
    sizes = []
    for n in range(12):
        meta = install(store, tmp_path, "fuzz", f"2.{n}.0", body=bytes(1000 + n))
        if n == 0:
            store.activate(meta["id"])
        sizes.append(len(box.client.get("/status", headers=box.auth).content))
    s = box.client.get("/status", headers=box.auth).json()
    assert [p["id"] for p in s["packs"]] == [s["active"]["effect"]] and s["packs"][0]["seq"] == 1
    assert s["totals"]["packs"] == 12 and s["totals"]["pack_bytes"] == sum(1000 + n for n in range(12))
    assert s["totals"]["libraries"] == 0 and s["totals"]["library_bytes"] == 0
    assert sizes[-1] - sizes[1] < 40                                 # (a digit or two of the totals)
    listed = box.client.get("/packs", headers=box.auth).json()
    assert [p["version"] for p in listed][:3] == ["2.11.0", "2.10.0", "2.9.0"] and len(listed) == 12
    assert s["clock"]["set"] is True and s["clock"]["note"] == ""


def test_the_laptop_says_totals_and_a_clock_not_set(capsys: pytest.CaptureFixture[str]) -> None:
    note = clock_note(GIG_CLOCK, MADE)
    status = {"name": "box", "version": "0.1.0", "versions": {}, "active": {"effect": None}, "engine": {},
              "disk": {"free_bytes": 2**31}, "packs": [], "libraries": 2,
              "totals": {"packs": 173, "pack_bytes": 6 << 20, "libraries": 2, "library_bytes": 3 << 20},
              "clock": {"now": GIG_CLOCK, "set": False, "note": note}}
    print_status(status)
    out = capsys.readouterr().out
    assert "173 packs installed (6.0 MiB), 2 libraries (3.0 MiB), 2.0 GiB free" in out
    assert ("warning: the box's clock is not set (it reads 1970-01-01): times it shows are wrong until it is"
            in out)


def test_the_box_logs_a_clock_not_set_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "active.json").write_text("{}")
    check = ClockCheck.for_store(tmp_path)
    assert check.floor >= MADE and check.note() == ""              # the test machine's clock is set
    with caplog.at_level(logging.WARNING, logger="hatbox.clock"):
        assert "reads 1970-01-01" in check.note(GIG_CLOCK) and check.note(GIG_CLOCK + 5)
    assert sum("clock is not set" in r.getMessage() for r in caplog.records) == 1


def test_the_age_of_the_last_program_change_is_the_boxs_own_count() -> None:
    """The laptop took the box's wall time from its own: a box at 1970 said "(493000 h ago)"."""
    last = {"message": "program 0: effect pack gigpedal 1.1.0 switched in", "at": GIG_CLOCK, "ago_s": 12.4}
    assert last_words(last).endswith("switched in (12 s ago)")
    switcher = ProgramSwitcher(ProgramMap(None), Hooks(packs=list, playing=lambda k, p: False, activate=str))
    switcher.last = {"message": "x", "at": GIG_CLOCK}
    status: dict[str, Any] = {}
    switcher.add_status(status)
    assert 0.0 <= status["midi_program"]["ago_s"] < 5.0 and status["midi_program"]["at"] == GIG_CLOCK

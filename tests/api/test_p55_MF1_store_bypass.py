"""p55 MF1 (final read FR1, findings 5 and 3).

5. A tagger's record whose manifest cannot be read is read again on every meta() (never cached unfilled), and each
   read wrote a warning to box.log: every GET /packs, polled every 0.5 s by a laptop asking after a cut push.  Now
   it is said once per pack file (a file changed since is said again), and still read again each time.
3. GET /bypass and GET /status say who bypassed a slot by one rule: since p57 M4, the engine's ``bypass_set`` alone
   (this run's notes, kept a second time in the main process and laid over it, are gone)."""
from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from device.kept_play import API, OSC
from tests.api.conftest import BoxUnderTest
from tests.api.test_p55_F2_old_tagger_record import NEWER_KEYS
from tests.api.test_p55_M1_tagger_fill import _installed

WARNING = "could not read the manifest of"


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "device.store" and WARNING in r.getMessage()]


def test_an_unreadable_manifest_is_warned_of_once_per_pack_file(tmp_path: Path,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    box, pid, meta, fresh = _installed(tmp_path)
    meta.write_bytes(json.dumps({k: v for k, v in fresh.items() if k not in NEWER_KEYS}).encode())
    pack = box.store_dir / "packs" / pid / "pack.hatpack"
    good = pack.read_bytes()
    pack.write_bytes(b"not a zip")
    store = box.app.state.box.store
    caplog.set_level(logging.WARNING, logger="device.store")
    for _ in range(5):                                          # five GET /packs of a laptop asking
        assert store.meta(pid).get("words") is None
    assert len(_warnings(caplog)) == 1 and pid in _warnings(caplog)[0], _warnings(caplog)
    pack.write_bytes(b"not a zip either")                      # another file: said again, once
    store.meta(pid)
    store.meta(pid)
    assert len(_warnings(caplog)) == 2, _warnings(caplog)
    pack.write_bytes(good)                                      # still read again each time: filled now
    assert store.meta(pid).get("words") == fresh["words"]


def test_get_bypass_and_get_status_say_the_engines_notes_alike(box: BoxUnderTest) -> None:
    box.control.send({"op": "bypass", "slot": "synth", "on": True, "by": API, "source": "laptopA", "set_at": 50.0})
    box.control.send({"op": "bypass", "slot": "sampler", "on": True, "by": API, "source": "laptopB", "set_at": 40.0})
    box.control.send({"op": "bypass", "slot": "sampler", "on": True, "by": OSC, "source": "10.0.0.9"})   # the latest
    slots = {b["slot"]: b for b in box.client.get("/bypass", headers=box.auth).json()}
    notes = box.client.get("/status", headers=box.auth).json()["engine"]["bypass_set"]
    assert set(notes) == {"synth", "sampler"} and notes["sampler"]["source"] == "10.0.0.9", notes
    for slot, note in notes.items():
        assert (slots[slot]["set_by"], slots[slot]["set_from"]) == (note["by"], note["source"])
    assert "set_by" not in slots["effect"] and slots["effect"]["bypassed"] is False

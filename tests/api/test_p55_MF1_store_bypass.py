"""p55 MF1 (final read FR1, findings 5 and 3).

5. A tagger's record whose manifest cannot be read is read again on every meta() (never cached unfilled), and each
   read wrote a warning to box.log: every GET /packs, polled every 0.5 s by a laptop asking after a cut push.  Now
   it is said once per pack file (a file changed since is said again), and still read again each time.
3. GET /bypass and GET /status lay this run's bypass notes over the engine's kept ones by one rule
   (VolumeSource.bypass_notes)."""
from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from device.volume_source import API, OSC, VolumeSource, with_volume_source
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


def test_the_kept_bypass_notes_and_this_run_s_are_laid_by_one_rule() -> None:
    source = VolumeSource(clock=lambda: 100.0)
    source.note_bypass("sampler", True, OSC, "10.0.0.9:9000")
    kept = {"synth": {"by": API, "source": "laptopA", "at": 50.0, "ago_s": 50.0},
            "sampler": {"by": API, "source": "laptopB", "at": 40.0, "ago_s": 60.0}}
    engine = {"bypassed": {"synth": True, "sampler": True, "effect": False}, "bypass_set": kept}
    notes = source.bypass_notes(engine)
    assert notes["synth"] == kept["synth"] and notes["sampler"]["source"] == "10.0.0.9:9000", notes
    assert with_volume_source(type("C", (), {"volume_source": source})(), engine)["bypass_set"] == notes
    assert source.bypass_notes({"bypassed": "not a dict", "bypass_set": None}) == {}

"""A library sent to the box before any tagger pack was active is tagged as soon as one is (thirty-second stop):
before, it stayed ``untagged`` until the producer ran ``hatbox box-library ID --retag``, and a tagger made active
on the box's own Models page left it so with nobody told.  Libraries tagged before are not re-tagged by a new
tagger (that stays ``--retag``), whichever way the tagger becomes active: a push, ``box-pack --activate``, a
rollback of the tagger slot, the panel, or a box started with a tagger active."""
from __future__ import annotations

import threading
from pathlib import Path

from device.api.libraries import NO_TAGGER
from device.ui.data import StoreData
from tests.api.conftest import make_box
from tests.api.packs import gain_pack, tagger_pack
from tests.api.test_libraries import RecordingTagger, _library_zip
from tests.api.test_retag_p20 import _wait_done


def _upload(box, n: int = 2) -> str:
    r = box.client.post("/libraries", content=_library_zip(n), headers=box.auth)
    assert r.status_code in (201, 202), r.text
    return r.json()["id"]


def test_a_tagger_pushed_active_tags_the_libraries_that_waited_and_no_other(tmp_path: Path) -> None:
    tagger = RecordingTagger()
    box = make_box(tmp_path, tagger=tagger)
    first, second = _upload(box), _upload(box, 3)
    for lid in (first, second):
        body = box.client.get(f"/libraries/{lid}", headers=box.auth).json()
        assert body["state"] == "untagged" and body["error"] == NO_TAGGER

    r = box.push(tagger_pack(tmp_path / "t1.hatpack", version="1.0.0"))
    assert r.status_code == 201, r.text
    t1 = r.json()["pack"]["id"]
    assert r.json()["tagging"] == [first, second]                 # oldest first
    for lid in (first, second):
        done = _wait_done(box, lid)
        assert done["state"] == "done" and done["tagger"] == t1 and done["error"] is None
    assert len(tagger.calls) == 2

    r = box.push(tagger_pack(tmp_path / "t2.hatpack", version="2.0.0"))    # a new tagger: tagged ones stay
    assert r.status_code == 201 and r.json()["tagging"] == []
    assert box.client.get(f"/libraries/{first}", headers=box.auth).json()["tagger"] == t1
    assert len(tagger.calls) == 2


def test_an_installed_tagger_made_active_or_rolled_back_to_tags_them(tmp_path: Path) -> None:
    box = make_box(tmp_path, tagger=RecordingTagger())
    t1 = box.push(tagger_pack(tmp_path / "t1.hatpack", version="1.0.0"), activate=False).json()["pack"]["id"]
    lid = _upload(box)
    r = box.client.post(f"/packs/{t1}/activate", headers=box.auth)
    assert r.status_code == 200 and r.json()["tagging"] == [lid], r.text
    assert _wait_done(box, lid)["tagger"] == t1

    t2 = box.push(tagger_pack(tmp_path / "t2.hatpack", version="2.0.0")).json()["pack"]["id"]
    later = _upload(box)                                          # tagged at once with t2
    assert _wait_done(box, later)["tagger"] == t2
    assert box.client.post("/slots/tagger/deactivate", headers=box.auth).status_code == 200
    waiting = _upload(box)
    assert box.client.get(f"/libraries/{waiting}", headers=box.auth).json()["error"] == NO_TAGGER
    r = box.client.post("/slots/tagger/rollback", headers=box.auth)
    assert r.status_code == 200 and r.json()["tagging"] == [waiting], r.text
    assert _wait_done(box, waiting)["state"] == "done"


def test_an_effect_made_active_tags_nothing(tmp_path: Path) -> None:
    tagger = RecordingTagger()
    box = make_box(tmp_path, tagger=tagger)
    lid = _upload(box)
    r = box.push(gain_pack(tmp_path / "g.hatpack", "good", "1.0.0"))
    assert r.status_code == 201 and r.json()["tagging"] == []
    assert box.client.get(f"/libraries/{lid}", headers=box.auth).json()["state"] == "untagged"
    assert tagger.calls == []


def test_a_box_started_with_a_tagger_active_tags_the_libraries_that_waited(tmp_path: Path) -> None:
    """A tagger made active while the API was not running (the panel alone, a pack given at start) counts too."""
    box = make_box(tmp_path, tagger=RecordingTagger())
    lid = _upload(box)
    t1 = box.push(tagger_pack(tmp_path / "t1.hatpack"), activate=False).json()["pack"]["id"]
    box.app.state.box.store.activate(t1)                          # behind the API's back, as the panel alone does
    assert box.client.get(f"/libraries/{lid}", headers=box.auth).json()["state"] == "untagged"
    tagger = RecordingTagger()
    again = make_box(tmp_path, tagger=tagger)
    done = _wait_done(again, lid)
    assert done["state"] == "done" and done["tagger"] == t1 and len(tagger.calls) == 1


def test_a_tagger_made_active_on_the_panel_tags_them_through_the_api(tmp_path: Path) -> None:
    box = make_box(tmp_path, tagger=RecordingTagger())
    lid = _upload(box)
    t1 = box.push(tagger_pack(tmp_path / "t1.hatpack"), activate=False).json()["pack"]["id"]
    fx = box.push(gain_pack(tmp_path / "g.hatpack", "good", "1.0.0"), activate=False).json()["pack"]["id"]
    panel = StoreData(box.store_dir)
    calls: list[int] = []
    started = threading.Event()

    def hook() -> None:
        calls.append(1)
        box.app.state.box.tag_waiting_libraries()
        started.set()
    panel.on_tagger = hook
    panel.activate(fx)                                             # an effect: nothing to tag
    assert calls == []
    panel.activate(t1)
    assert started.wait(5) and calls == [1]
    assert _wait_done(box, lid)["tagger"] == t1


def test_device_run_hands_the_panel_what_tags_the_waiting_libraries(tmp_path: Path, monkeypatch) -> None:
    """hatbox/cmd_device.py's wiring: the panel's data gets the API's Box.tag_waiting_libraries."""
    import argparse

    from device.api.sim import RecordingControl
    from hatbox import cmd_device

    monkeypatch.setattr("device.api.server._advertise", lambda *a, **k: None)     # no mDNS in tests
    args = argparse.Namespace(api=True, panel=True, store=tmp_path / "box", host="127.0.0.1", port=0, rate=48000,
                              block=128, audio=None, sim=True)
    stop = cmd_device._start_api(args, RecordingControl())
    try:
        hook = cmd_device._panel_data(args).on_tagger
        assert hook is not None and hook == stop.__self__.tag_waiting
        assert hook.__func__.__name__ == "tag_waiting_libraries" and hook() == []     # no tagger active: nothing
        listing = cmd_device._panel_data(args).listing            # the Library page's "tagging 3 of 9" (p41)
        assert listing is not None and listing.__func__.__name__ == "list" and listing() == []
    finally:
        stop()


def test_device_run_says_on_its_terminal_which_libraries_its_start_set_tagging(tmp_path: Path, monkeypatch,
                                                                               capsys) -> None:
    """A tagging a restart cut off carries on at the next start, and a library that waited for a tagger is tagged
    then: both were said only in box.log (QA: the terminal showed the engine, the pairing code and the API)."""
    import argparse
    import json

    from device.api.sim import RecordingControl
    from hatbox import cmd_device

    box = make_box(tmp_path, tagger=RecordingTagger())
    t1 = box.push(tagger_pack(tmp_path / "t1.hatpack")).json()["pack"]["id"]
    cut = _upload(box)
    _wait_done(box, cut)
    record = box.store_dir / "libraries" / cut / "library.json"
    record.write_text(json.dumps({**json.loads(record.read_bytes()), "state": "tagging"}))     # as a crash left it
    assert box.client.post("/slots/tagger/deactivate", headers=box.auth).status_code == 200
    waiting = _upload(box)
    box.app.state.box.store.activate(t1)                          # the panel alone, while the API was off
    monkeypatch.setattr("device.api.server._advertise", lambda *a, **k: None)
    monkeypatch.setattr("device.api.libraries.default_tagger", RecordingTagger())
    args = argparse.Namespace(api=True, panel=False, store=box.store_dir, host="127.0.0.1", port=0, rate=48000,
                              block=128, audio=None, sim=True)
    capsys.readouterr()
    stop = cmd_device._start_api(args, RecordingControl())
    try:
        out = capsys.readouterr().out
    finally:
        stop()
    assert f"library {cut}: carrying on the tagging a restart cut off" in out
    assert f"library {waiting}: tagging it with the active tagger (it waited for one)" in out


def test_a_tagger_made_active_while_a_library_is_unpacked_tags_it(tmp_path: Path, monkeypatch) -> None:
    """QA (a race): the upload read "no tagger active" before unpacking, the activation found no library waiting
    yet (this one had no record), so the library stayed untagged with a tagger active and the push said so."""
    import device.api.libraries as libraries_mod
    box = make_box(tmp_path, tagger=RecordingTagger())
    t1 = box.push(tagger_pack(tmp_path / "t1.hatpack"), activate=False).json()["pack"]["id"]
    real = libraries_mod.unpack_archive

    def unpack_then_activate(*args, **kw):
        report = real(*args, **kw)
        box.app.state.box.activate(t1)              # the producer's box-pack --activate, mid-upload
        return report
    monkeypatch.setattr(libraries_mod, "unpack_archive", unpack_then_activate)
    r = box.client.post("/libraries", content=_library_zip(2), headers=box.auth)
    # "done" already when the activation's tagging (the stand-in tagger takes no time) ends before the reply is made:
    # a likely cause of this test failing once under load (stop 37; not reproduced in 12 runs since)
    assert r.status_code == 201 and r.json()["state"] in ("tagging", "done") and r.json()["tagger"] == t1, r.text
    assert _wait_done(box, r.json()["id"])["state"] == "done"


def test_a_box_stopping_while_it_tags_waits_for_the_tagging_and_the_next_start_carries_it_on(tmp_path: Path) -> None:
    """QA: SIGTERM while the box tagged ended in "terminate called without an active exception", exit 134 (the
    tagging thread was still in the tagger's native code as the process exited)."""
    import json
    import time

    class Slow(RecordingTagger):
        def __call__(self, root, pack, db_path, progress, cancel):
            self.calls.append((root, pack, db_path))
            files = sorted(Path(root).rglob("*.wav"))
            for i, _ in enumerate(files):
                time.sleep(0.2)
                if cancel.is_set():
                    return None
                progress(i + 1, len(files))
            return None

    box = make_box(tmp_path, tagger=Slow())
    box.push(tagger_pack(tmp_path / "t1.hatpack"))
    lid = _upload(box, 6)
    libraries = box.app.state.box.libraries
    thread = libraries._threads[lid]
    time.sleep(0.3)
    libraries.shutdown(timeout_s=5)
    assert not thread.is_alive()                                   # waited for, not left to die with the process
    record = json.loads((box.store_dir / "libraries" / lid / "library.json").read_bytes())
    assert record["state"] == "tagging"                            # not "cancelled": the next start carries it on
    again = make_box(tmp_path, tagger=RecordingTagger())
    assert _wait_done(again, lid)["state"] == "done"


def test_the_served_api_stops_the_taggings_as_it_stops(tmp_path: Path, monkeypatch) -> None:
    import argparse

    from device.api.sim import RecordingControl
    from hatbox import cmd_device
    monkeypatch.setattr("device.api.server._advertise", lambda *a, **k: None)
    args = argparse.Namespace(api=True, panel=False, store=tmp_path / "box", host="127.0.0.1", port=0, rate=48000,
                              block=128, audio=None, sim=True)
    stop = cmd_device._start_api(args, RecordingControl())
    running = stop.__self__
    called = []
    real = running.stop_tagging
    running.stop_tagging = lambda: (called.append(1), real())
    stop()
    assert called == [1]


def test_a_tagging_carried_on_after_a_restart_still_names_the_files_it_could_not_tag(tmp_path: Path) -> None:
    """QA: the carried-on tagging's report had "skipped": 0, while the same archive tagged straight through named its
    two silent files (the resumed run met them as unchanged)."""
    import json

    from device.api.libraries import default_tagger
    from tests.api.conftest import wav_bytes, zip_bytes
    box = make_box(tmp_path, tagger=default_tagger)
    box.push(tagger_pack(tmp_path / "t1.hatpack"))
    silent = b"RIFF" + (36 + 9600).to_bytes(4, "little") + wav_bytes(4800)[8:44] + bytes(9600)
    body = zip_bytes({"kit/s0.wav": wav_bytes(2400), "kit/s1.wav": wav_bytes(2880), "kit/quiet.wav": silent})
    lid = box.client.post("/libraries", content=body, headers=box.auth).json()["id"]
    first = _wait_done(box, lid)
    assert [p for p, _ in first["results"]["skipped"]] == ["kit/quiet.wav"], first["results"]
    record = box.store_dir / "libraries" / lid / "library.json"
    record.write_text(json.dumps({**json.loads(record.read_bytes()), "state": "tagging"}))   # as a crash left it
    again = make_box(tmp_path, tagger=default_tagger)
    carried = _wait_done(again, lid)
    assert carried["state"] == "done" and carried["results"]["unchanged"] == 3
    assert [p for p, _ in carried["results"]["skipped"]] == ["kit/quiet.wav"], carried["results"]

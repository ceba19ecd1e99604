"""Fortieth stop (kit QA): a kit made from a library while another client deleted it answered 500 (OverflowError:
the level of a file just gone is -inf) or, one time in 13, stored a kit of the deleted library alone, every note of
it missing (the deletion's forget_library read the kit before the new one was stored)."""
from __future__ import annotations

import math
from pathlib import Path

from device.api import kit_routes
from device.kit import fullest_first
from tests.api.test_kit import _tagged_library


def test_a_layer_that_is_gone_ranks_last_instead_of_failing() -> None:
    levels = {"soft.wav": -20.0, "gone.wav": -math.inf, "loud.wav": -3.0}
    assert fullest_first([("soft.wav", 0.9), ("gone.wav", 0.9), ("loud.wav", 0.88)], levels.__getitem__) == \
        ["loud.wav", "soft.wav", "gone.wav"]


def test_a_kit_of_a_library_deleted_while_it_was_made_is_refused_and_the_kit_kept(tmp_path: Path,
                                                                                    monkeypatch) -> None:
    box, lid = _tagged_library(tmp_path)
    real = kit_routes.library_kit

    def made_then_deleted(b, library, *loops):          # the kit is made, then the other client's delete lands
        kit = real(b, library, *loops)
        assert box.client.delete(f"/libraries/{library}", headers=box.auth).status_code == 204
        return kit
    monkeypatch.setattr(kit_routes, "library_kit", made_then_deleted)
    r = box.client.post("/kit/from-library", json={"library": lid}, headers=box.auth)
    assert r.status_code == 404, r.text
    assert box.client.get("/kit", headers=box.auth).json()["notes"] == []     # not a kit of missing notes


def test_a_deletion_after_the_kit_was_stored_takes_its_notes_out(tmp_path: Path) -> None:
    box, lid = _tagged_library(tmp_path)
    keeper = box.app.state.box.kit
    new = kit_routes.library_kit(box.app.state.box, lid)
    keeper.replace(box.app.state.box, new)
    assert box.client.delete(f"/libraries/{lid}", headers=box.auth).status_code == 204
    assert keeper.notes == {} and box.client.get("/kit", headers=box.auth).json()["notes"] == []


def test_a_deletion_that_lands_while_the_kit_is_stored_takes_its_notes_out(tmp_path: Path) -> None:
    """The interleaving the QA met: the kit of the library being stored (the keeper's lock held) when the deletion's
    forget_library runs; it read the kit from before (empty) and dropped nothing."""
    import threading
    box, lid = _tagged_library(tmp_path)
    keeper, state = box.app.state.box.kit, box.app.state.box
    new = kit_routes.library_kit(state, lid)
    storing, go = threading.Event(), threading.Event()
    real_keep = keeper._keep

    def slow_keep(kit):
        storing.set()
        go.wait(10)
        real_keep(kit)
    keeper._keep = slow_keep
    maker = threading.Thread(target=keeper.replace, args=(state, new))
    maker.start()
    assert storing.wait(10)
    deleter = threading.Thread(target=lambda: box.client.delete(f"/libraries/{lid}", headers=box.auth))
    deleter.start()
    deleter.join(0.5)                                  # it waits for the keeper's lock (or, before, read the kit)
    go.set()
    maker.join(10)
    deleter.join(10)
    assert keeper.notes == {}                          # was the three notes of the deleted library, all missing


def test_a_kit_still_loading_at_the_start_is_listed_so(tmp_path: Path, monkeypatch) -> None:
    """Kit QA: right after a restart `box-kit` listed all 33 notes as playing, while the box played none for 5 s
    (a kit of 60-s loops still being handed to the sampler)."""
    import threading
    from typing import Any

    from hatbox.cmd_kit import describe
    from tests.api.conftest import RecordingControl, make_box
    box, lid = _tagged_library(tmp_path)
    assert box.client.post("/kit/from-library", json={"library": lid}, headers=box.auth).status_code == 200
    release, started = threading.Event(), threading.Event()
    plain = RecordingControl.send

    def slow_send(self: Any, message: dict[str, Any]) -> None:
        if message.get("op") == "sample":
            started.set()
            assert release.wait(10)
        plain(self, message)
    monkeypatch.setattr(RecordingControl, "send", slow_send)
    again = make_box(tmp_path)
    assert started.wait(5)
    listed = again.client.get("/kit", headers=again.auth).json()
    assert listed["loading"] == "0 of 3 notes"
    assert describe(listed)[-1] == "the box is still loading its kit (0 of 3 notes): a note plays once it is loaded"
    release.set()
    assert again.app.state.box.kit.applied.wait(10)
    assert again.client.get("/kit", headers=again.auth).json()["loading"] is None

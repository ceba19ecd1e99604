"""Fortieth stop: a library waiting for a tagger is told to make active the tagger pack the box used last, not
merely its newest (the box QA of stop 39: a producer who turned their own tagger off and had tried a newer one
was pointed at the one they had set aside)."""
from __future__ import annotations

from pathlib import Path

import pytest

from device.store import to_activate
from hatbox.cli import main
from tests.api.conftest import PairedServer
from tests.api.packs import tagger_pack
from tests.api.test_p32_box_library_qa import _drums, _lid
from tests.cli_run import run as _run


def test_the_hint_names_the_tagger_used_last_not_the_newest(tmp_path: Path, paired_server: PairedServer,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    store = paired_server.app.state.box.store
    assert main(["push", str(tagger_pack(tmp_path / "mine.hatpack", name="mine")), "--activate", "--quiet"]) == 0
    mine = store.active()["tagger"]
    assert main(["push", str(tagger_pack(tmp_path / "tried.hatpack", name="tried", version="2.0.0")),
                 "--quiet"]) == 0                                  # newer, installed, never used
    assert main(["box-pack", "--deactivate", "tagger"]) == 0
    rc, out, _ = _run(capsys, "push-library", str(_drums(tmp_path)), "--quiet")
    assert rc == 0 and f"the box tags it as soon as a tagger pack is active: hatbox box-pack {mine} --activate" in out
    lid = _lid(paired_server, "drums")
    rc, _, err = _run(capsys, "box-library", lid, "--retag")                        # the box's own hint
    assert rc == 2 and f"hatbox box-pack {mine} --activate" in err
    listed = {p["id"]: p["used_last"] for p in store.list()}
    assert listed[mine] is True and sum(listed.values()) == 1


def test_which_pack_to_suggest() -> None:
    old = {"id": "a", "kind": "tagger", "installed": 1.0}
    new = {"id": "b", "kind": "tagger", "installed": 2.0}
    assert to_activate([old, new], "tagger") == "b"                          # nothing used yet (or an older box)
    assert to_activate([{**old, "used_last": True}, new], "tagger") == "a"
    assert to_activate([old, {**new, "active": True}], "tagger") == "a"     # not the one already active
    assert to_activate([{**old, "kind": "synth"}], "tagger") is None

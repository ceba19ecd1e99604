"""`hatbox box-pack --deactivate KIND` empties a slot from the laptop, so the only pack of a kind can be deleted
(thirty-third stop's QA: the refusal said "make another synth pack active first", which a box holding one synth
pack cannot do, and the API's POST /slots/{slot}/deactivate had no command)."""
from __future__ import annotations

from pathlib import Path

import pytest

from hatbox.cli import main
from tests.api.conftest import PairedServer
from tests.api.packs import gain_pack


def test_the_only_pack_of_a_kind_can_be_emptied_out_then_deleted(paired_server: PairedServer, tmp_path: Path,
                                                                  capsys) -> None:
    assert main(["push", str(gain_pack(tmp_path / "g.hatpack", "fuzz", "1.0.0")), "--activate", "--quiet"]) == 0
    pid = paired_server.app.state.box.store.list()[0]["id"]
    capsys.readouterr()
    assert main(["box-pack", pid, "--delete", "--yes"]) == 2
    assert "or empty the slot (hatbox box-pack --deactivate effect)" in capsys.readouterr().err
    assert main(["box-pack", "--deactivate", "effect"]) == 0
    assert f"the box's effect slot is empty (was {pid}, activated by laptop " in capsys.readouterr().out   # p57
    assert paired_server.control.sent[-1] == {"op": "unload", "slot": "effect"}
    assert paired_server.app.state.box.store.active()["effect"] is None
    assert main(["box-pack", pid, "--delete", "--yes"]) == 0
    assert paired_server.app.state.box.store.list() == []
    assert main(["box-pack", "--deactivate", "effect"]) == 0                    # already empty: said, no error
    assert "the box's effect slot is empty\n" in capsys.readouterr().out


def test_deactivate_takes_a_kind_not_an_id(paired_server: PairedServer, capsys) -> None:
    assert main(["box-pack", "some-id", "--deactivate", "synth"]) == 2
    assert "--deactivate takes a kind, not a pack id" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["box-pack", "--deactivate", "drums"])

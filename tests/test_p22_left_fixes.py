"""Small fixes from the README walk-through: a single-pair effect pack's name, the box's pairing-code hint."""
from __future__ import annotations

import pytest

from device.api.auth import AuthError, Pairing
from hatbox.errors import HatboxError
from trainer.effect.train import _default_name


def test_a_single_pair_effect_pack_is_named_after_its_pack_file_not_the_di_file() -> None:
    assert _default_name(None, "recordings/di.wav", "packs/amp.hatpack") == "amp"
    assert _default_name(None, "recordings/di.wav") == "di"            # no --out: the input's name, as before
    assert _default_name("data/my-pedal", None, "x.hatpack") == "my-pedal"


def test_a_wrong_code_on_a_box_without_a_panel_points_at_its_terminal_not_its_log() -> None:
    pairing = Pairing()
    pairing.current()
    with pytest.raises(AuthError) as err:
        pairing.redeem("WRONG1", client="laptop")
    assert "terminal" in err.value.hint and "read the code in the box's log" not in err.value.hint


def test_library_query_prints_a_table_of_tags_most_used_first(tmp_path, capsys) -> None:
    from device import library
    from hatbox.cli import main
    from tests.tagger.test_library_query_p19b import _all_kicks
    db = _all_kicks(tmp_path / "lib.db")
    library.set_tags(db, tmp_path / "k2.wav", ["snare", "kick"])
    library.set_tags(db, tmp_path / "k1.wav", ["snare"])
    assert main(["library", "query", str(db)]) == 0
    assert capsys.readouterr().out.splitlines() == ["     2  snare", "     1  kick"]


def test_box_library_retag_wait_ends_with_tag_counts_and_a_next_step(tmp_path, monkeypatch, capsys) -> None:
    from hatbox import cmd_box_library as cmd_remote

    answers = {"/libraries/lib-kit-1/tags": {"kick": 3, "snare": 1, "hat": 0}, "/libraries/lib-kit-1/untagged": [],
               "/libraries/lib-kit-1/words": {"foreign": {}}}       # p49 F8: no words the tagger lacks, no line
    monkeypatch.setattr(cmd_remote, "_call", lambda client, method, path, **kw: answers[path])
    cmd_remote._tagging_ended(None, {"id": "lib-kit-1", "state": "done"})
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "tagging done: kick 3, snare 1"
    assert "hatbox box-library lib-kit-1 --tag kick" in out[1]
    with pytest.raises(HatboxError, match="^the tagging of library lib-kit-1 failed: disk full\n  hint: tag it again"):   # a failure:
        cmd_remote._tagging_ended(None, {"id": "lib-kit-1", "state": "failed", "error": "disk full"})  # was exit 0


def test_the_contract_check_counts_in_words_that_agree() -> None:
    from pathlib import Path

    from device.validate import validate_pack
    synth = Path(__file__).resolve().parents[1] / "factory" / "synth-gm4.hatpack"
    detail = next(c["detail"] for c in validate_pack(synth).checks if c["check"] == "contract")
    assert detail == "4 inputs, 3 outputs, 1 state tensor match the model"

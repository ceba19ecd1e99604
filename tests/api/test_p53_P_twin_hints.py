"""p53 QA (a musician on stage, from a laptop): the refusal of a name that several packs of one name and version
share ("twins": other bytes, other ids) always hinted `hatbox box-pack ID --activate`, whatever was asked - after
`box-pack my-amp --delete --yes`, `box-pack my-amp` (show) or `box-midi --program 0 my-amp`, copying the hint swapped
the live effect.  The hint now repeats the user's own command with an id in place of the name.  And pushing a sixth
twin printed five alike "note:" lines; `box-pack`'s score notes on twin taggers were alike with no ids."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest

from hatbox.box_client import _client
from hatbox.box_config import target
from hatbox.pack_names import short_id, twin_note
from hatbox.pack_scores import compare_notes
from tests.api.conftest import PairedServer
from tests.api.test_p44_year_store import install
from tests.cli_run import run


def _twins(server: PairedServer, tmp: Path, n: int) -> list[dict[str, Any]]:
    """``n`` packs my-amp 0.1.0 with other bytes, in install order; the first made active."""
    store = server.app.state.box.store
    packs = [install(store, tmp, "my-amp", "0.1.0", body=f"take {i}".encode()) for i in range(n)]
    store.activate(packs[0]["id"])
    return packs


def _hint(err: str) -> str:
    return next(line for line in err.splitlines() if "hint: " in line)


def test_p53_P_each_command_hints_itself_with_an_id(paired_server: PairedServer, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    live, old, new = _twins(paired_server, tmp_path, 3)
    store = paired_server.app.state.box.store
    rc, _, err = run(capsys, "box-pack", "my-amp", "--delete", "--yes")
    assert rc == 2 and "nothing was done" in err and len(store.ids()) == 3
    assert _hint(err).endswith(f"e.g. the oldest not active: hatbox box-pack {old['id']} --delete"), err
    rc, _, err = run(capsys, "box-pack", "my-amp")
    assert rc == 2 and _hint(err).endswith(f"e.g. the newest: hatbox box-pack {new['id']}"), err
    rc, _, err = run(capsys, "box-pack", "my-amp", "--json")
    assert rc == 2 and _hint(err).endswith(f"hatbox box-pack {new['id']} --json"), err
    rc, _, err = run(capsys, "box-midi", "--program", "0", "my-amp")
    assert rc == 2 and _hint(err).endswith(f"e.g. the newest: hatbox box-midi --program 0 {new['id']}"), err
    rc, _, err = run(capsys, "box-midi", "--program", "3", "my-amp", "--program-channel", "10")
    assert rc == 2 and _hint(err).endswith(f"--program 3 {new['id']} --program-channel 10"), err
    rc, _, err = run(capsys, "box-pack", "my-amp", "--activate")
    assert rc == 2 and _hint(err).endswith(f"hatbox box-pack {new['id']} --activate"), err
    assert store.active()["effect"] == live["id"] and len(store.ids()) == 3          # nothing was done
    rc, out, err = run(capsys, "box-pack", old["id"], "--delete", "--yes")           # the hint, copied, works
    assert rc == 0 and old["id"] not in store.ids(), err


def test_p53_P_a_push_among_five_twins_says_one_note(paired_server: PairedServer, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    packs = _twins(paired_server, tmp_path, 6)
    with _client(*target(argparse.Namespace(url=None, token=None))) as c:
        capsys.readouterr()
        twin_note(c, packs[-1], False)
        many = capsys.readouterr().out.splitlines()
        paired_server.app.state.box.store.delete_many([p["id"] for p in packs[3:]], by="test")
        twin_note(c, packs[2], True)
        said = capsys.readouterr().out
    assert len(many) == 1 and many[0].startswith("  note: the box holds 5 other 'my-amp 0.1.0' packs ("), many
    assert f"{short_id(packs[0])} active among them" in many[0] and many[0].count("--activate") == 1
    assert many[0].endswith(f"activate this one by its id: hatbox box-pack {packs[-1]['id']} --activate")
    assert said.count("\n") == 1 and f"2 other 'my-amp 0.1.0' packs ({short_id(packs[0])} (active), " \
        f"{short_id(packs[1])}), with other bytes: this one is the active one now" in said, said


def _tagger(pid: str, seq: int, f1: float, active: bool = False) -> dict[str, Any]:
    return {"id": pid, "name": "tagger-drums", "version": "0.1.1", "kind": "tagger", "seq": seq, "active": active,
            "scores": {"holdout_macro_f1": f1}, "held_out": 120}


def test_p53_P_score_notes_on_twin_taggers_name_their_ids() -> None:
    live = _tagger("tagger-tagger-drums-0.1.1-aaaaaaaaaaaa", 1, 0.90, active=True)
    one = _tagger("tagger-tagger-drums-0.1.1-bbbbbbbbbbbb", 2, 0.90)
    two = _tagger("tagger-tagger-drums-0.1.1-cccccccccccc", 3, 0.91)
    notes = compare_notes([live, one, two])
    assert len(notes) == 2 and len(set(notes)) == 2, notes
    assert notes[0].startswith("note: tagger-drums 0.1.1 (cccccccccccc) macro-F1 0.91 on 120 files, "
                               "tagger-drums 0.1.1 (aaaaaaaaaaaa, active) 0.90 on 120 files: level"), notes
    assert "(bbbbbbbbbbbb) macro-F1 0.90" in notes[1]
    other = {**one, "version": "0.1.0", "id": "tagger-tagger-drums-0.1.0-bbbbbbbbbbbb"}
    assert compare_notes([live, other])[0].startswith("note: tagger-drums 0.1.0 macro-F1")     # no twins: no ids

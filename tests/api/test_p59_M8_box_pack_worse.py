"""p59 M8: `hatbox push bad.hatpack` (no --activate: what push --activate's own question points at) then
`hatbox box-pack ID --activate` made an effect pack that scored worse than no effect at all (held-out error 1.28,
bypass 0.743) the box's active one with no word.  Now the box's GET /packs entry carries the bypass figure
(``bypass_esr``, beside ``scores.val_esr``; filled in from the pack for a record written before), and box-pack
--activate says it and asks as push --activate does (one question: hatbox.box_packs.activate_anyway): no terminal,
refused, nothing changed, unless --yes; a pack without the figures, or one that beats bypass, activates as before."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from hatbox.box_packs import worse_in_entry
from hatbox.cli import main
from tests.api.test_p59_M5_worse_than_bypass import WORSE, _bad, _never, _pack, terminal  # noqa: F401


def _installed_only(paired_server, tmp_path: Path, capsys, pack: Path | None = None) -> str:
    """Push the bad pack (or ``pack``) without --activate, as push's hint says; its id on the box."""
    assert main(["push", str(pack or _bad(tmp_path))]) == 0
    capsys.readouterr()
    (pid,) = paired_server.app.state.box.store.ids()
    return pid


def _active(paired_server) -> str | None:
    return paired_server.app.state.box.store.active()["effect"]


def test_the_entry_carries_both_figures(paired_server, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr("builtins.input", _never)
    pid = _installed_only(paired_server, tmp_path, capsys)
    assert main(["box-pack", pid, "--json"]) == 0
    entry = json.loads(capsys.readouterr().out)
    assert entry["scores"]["val_esr"] == pytest.approx(1.278) and entry["bypass_esr"] == pytest.approx(0.7433)
    assert WORSE in worse_in_entry(entry) and "1.72x higher" in worse_in_entry(entry)


def test_activate_asks_and_no_leaves_it_installed(paired_server, tmp_path: Path, terminal, capsys) -> None:
    answers, asked = terminal
    pid = _installed_only(paired_server, tmp_path, capsys)
    answers.append("n")
    assert main(["box-pack", pid, "--activate"]) == 0
    out, err = capsys.readouterr()
    assert f"warning: {WORSE}" in err and "1.72x higher" in err
    assert len(asked) == 1 and asked[0].startswith(f"make pack {pid} (fxbad 1.0.0, effect, ") \
        and asked[0].endswith(") the box's active effect pack all the same? [y/N] ")
    assert f"pack {pid} (fxbad 1.0.0, effect, " in out and "was not made active" in out and "now" not in out
    assert _active(paired_server) is None and paired_server.app.state.box.store.ids() == [pid]


def test_activate_answered_yes_is_active_and_says_it(paired_server, tmp_path: Path, terminal, capsys) -> None:
    answers, asked = terminal
    pid = _installed_only(paired_server, tmp_path, capsys)
    answers.append("yes")
    assert main(["box-pack", "fxbad", "--activate"]) == 0        # by its name, as the listing shows it
    out = capsys.readouterr().out
    assert len(asked) == 1 and "is now the box's active effect pack" in out
    assert f"  warning: {WORSE}" in out.split("is now the box's active effect pack", 1)[1]
    assert _active(paired_server) == pid


def test_no_terminal_refuses_and_changes_nothing(paired_server, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr("hatbox.ask.can_ask", lambda: False)
    monkeypatch.setattr("builtins.input", _never)
    pid = _installed_only(paired_server, tmp_path, capsys)
    assert main(["box-pack", pid, "--activate"]) == 2
    err = capsys.readouterr().err
    assert f"pack {pid} (fxbad 1.0.0, effect, " in err and "was not made active: " + WORSE in err
    assert "box-pack --activate asks before making such a pack active" in err and "--yes" in err
    assert "Traceback" not in err and _active(paired_server) is None


def test_yes_makes_it_active_without_asking(paired_server, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr("hatbox.ask.can_ask", lambda: False)
    monkeypatch.setattr("builtins.input", _never)
    pid = _installed_only(paired_server, tmp_path, capsys)
    assert main(["box-pack", pid, "--activate", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "is now the box's active effect pack" in out and f"  warning: {WORSE}" in out
    assert _active(paired_server) == pid
    assert main(["box-pack", pid, "--activate"]) == 0             # active already: nothing to ask, said again
    out = capsys.readouterr().out
    assert "is already the box's active effect pack" in out and f"  warning: {WORSE}" in out


def test_a_record_written_before_is_filled_from_its_pack(paired_server, tmp_path: Path, terminal, capsys) -> None:
    answers, asked = terminal
    pid = _installed_only(paired_server, tmp_path, capsys)
    store = paired_server.app.state.box.store
    meta = store.packs / pid / "meta.json"
    record = json.loads(meta.read_bytes())
    assert record["bypass_esr"] == pytest.approx(0.7433)            # kept at install
    del record["bypass_esr"]                                        # as a box of before wrote it
    meta.write_text(json.dumps(record))
    answers.append("n")
    assert main(["box-pack", pid, "--activate"]) == 0
    assert len(asked) == 1 and _active(paired_server) is None
    assert "bypass_esr" not in json.loads(meta.read_bytes())        # the file is left as it was written


@pytest.mark.parametrize("metrics", [None, {"val_esr": 0.0597, "val_bypass_esr": 0.664},
                                     {"val_esr": 1.3}, {"val_esr": float("nan"), "val_bypass_esr": 0.5}])
def test_other_packs_activate_as_before(paired_server, tmp_path: Path, monkeypatch, capsys, metrics) -> None:
    monkeypatch.setattr("hatbox.ask.can_ask", lambda: False)      # not asked: a script activates it as before
    monkeypatch.setattr("builtins.input", _never)
    pid = _installed_only(paired_server, tmp_path, capsys, _pack(tmp_path / "ok.hatpack", metrics, "fxok"))
    assert main(["box-pack", pid, "--activate"]) == 0
    out, err = capsys.readouterr()
    assert "is now the box's active effect pack" in out and "no effect at all" not in out + err
    assert _active(paired_server) == pid


def test_an_entry_without_the_bypass_figure_says_nothing() -> None:
    """A box of before this stop lists no bypass_esr: box-pack activates as before (its score alone says nothing)."""
    entry = {"kind": "effect", "scores": {"val_esr": 1.278}}
    assert worse_in_entry(entry) == ""
    assert WORSE in worse_in_entry({**entry, "bypass_esr": 0.7433})
    assert worse_in_entry({**entry, "kind": "synth", "bypass_esr": 0.7433}) == ""
    assert worse_in_entry({"kind": "effect", "scores": None, "bypass_esr": 0.7433}) == ""


def test_yes_without_a_change_is_refused(paired_server, capsys) -> None:
    assert main(["box-pack", "--yes"]) == 2
    assert "--yes only goes with --delete, --prune or --activate" in capsys.readouterr().err

"""p60 F3 (left by p59): `hatbox box-pack --rollback effect` made active, with no word, an effect pack that scored
worse than no effect at all (held-out error 1.28, bypass 0.743), where push --activate and box-pack ID --activate
ask.  Now the roll back asks as they do (hatbox.box_packs.activate_anyway: n rolls nothing back, no terminal refuses
unless --yes) and says the warning after its line; a roll back to a pack that beats bypass, and one of another slot,
go as before (nothing asked)."""
from __future__ import annotations

from pathlib import Path

from hatbox.cli import main
from tests.api.test_p59_M5_worse_than_bypass import WORSE, _bad, _never, _pack, terminal  # noqa: F401


def _bad_then_good(paired_server, tmp_path: Path, capsys) -> tuple[str, str]:
    """The bad pack made active (--yes), then a good one over it: a roll back goes back to the bad one.  Their ids."""
    assert main(["push", str(_bad(tmp_path)), "--activate", "--yes", "--quiet"]) == 0
    good = _pack(tmp_path / "good.hatpack", {"val_esr": 0.0597, "val_bypass_esr": 0.664}, "fxgood")
    assert main(["push", str(good), "--activate", "--quiet"]) == 0
    capsys.readouterr()
    store = paired_server.app.state.box.store
    (bad,) = [p for p in store.ids() if "fxbad" in p]
    return bad, store.active()["effect"]


def test_rollback_to_a_worse_pack_asks_and_no_keeps_the_slot(paired_server, tmp_path: Path, terminal,
                                                             capsys) -> None:
    answers, asked = terminal
    bad, good = _bad_then_good(paired_server, tmp_path, capsys)
    answers.append("n")
    assert main(["box-pack", "--rollback", "effect"]) == 0
    out, err = capsys.readouterr()
    assert f"warning: {WORSE}" in err and "1.72x higher" in err
    assert len(asked) == 1 and asked[0].startswith(f"roll the effect slot back to pack {bad} (fxbad 1.0.0, effect, ")
    assert "the box's effect slot was not rolled back" in out and "again" not in out
    assert paired_server.app.state.box.store.active()["effect"] == good


def test_rollback_answered_yes_rolls_back_and_says_it(paired_server, tmp_path: Path, terminal, capsys) -> None:
    answers, asked = terminal
    bad, good = _bad_then_good(paired_server, tmp_path, capsys)
    answers.append("y")
    assert main(["box-pack", "--rollback", "effect"]) == 0
    out = capsys.readouterr().out
    assert len(asked) == 1 and f"the box's active effect pack is {bad} again (was {good})" in out
    assert f"  warning: {WORSE}" in out.split("again", 1)[1]
    assert paired_server.app.state.box.store.active()["effect"] == bad


def test_no_terminal_refuses_unless_yes(paired_server, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr("hatbox.ask.can_ask", lambda: False)
    monkeypatch.setattr("builtins.input", _never)
    bad, good = _bad_then_good(paired_server, tmp_path, capsys)
    assert main(["box-pack", "--rollback", "effect"]) == 2
    err = capsys.readouterr().err
    assert "the box's effect slot was not rolled back: " + WORSE in err and "--yes" in err and "Traceback" not in err
    assert paired_server.app.state.box.store.active()["effect"] == good
    assert main(["box-pack", "--rollback", "effect", "--yes"]) == 0
    out = capsys.readouterr().out
    assert f"is {bad} again" in out and f"  warning: {WORSE}" in out
    assert paired_server.app.state.box.store.active()["effect"] == bad


def test_rollback_to_a_good_pack_goes_as_before(paired_server, tmp_path: Path, monkeypatch, capsys) -> None:
    """Back from the bad pack to a good one: nothing asked, nothing warned (the bad one is what it rolls back from)."""
    monkeypatch.setattr("hatbox.ask.can_ask", lambda: False)
    monkeypatch.setattr("builtins.input", _never)
    good = _pack(tmp_path / "good.hatpack", {"val_esr": 0.0597, "val_bypass_esr": 0.664}, "fxgood")
    assert main(["push", str(good), "--activate", "--quiet"]) == 0
    assert main(["push", str(_bad(tmp_path)), "--activate", "--yes", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["box-pack", "--rollback", "effect"]) == 0
    out, err = capsys.readouterr()
    assert "fxgood" in out and "again" in out and "no effect at all" not in out + err

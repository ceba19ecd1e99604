"""p59 Q2 finding 5: `hatbox push bad.hatpack --activate` of an effect pack whose own training metrics say it is worse
than no effect at all (held-out error 1.28, bypass 0.743; the trainer warned) printed "passed every check ... now
active" and nothing about it.  Now push and `pack inspect` say it plainly, and `push --activate` asks first (no
terminal: refused, nothing sent, unless --yes); a pack without those metrics, or one that beats bypass, pushes as
before."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from export.pack import write_pack
from hatbox.cli import main
from tests.api.packs import gain_golden, gain_manifest, gain_model

WORSE = "it scored worse than no effect at all: held-out error 1.28 against bypass's 0.743"


def _pack(path: Path, metrics: dict | None, name: str = "fxbad") -> Path:
    """A gain effect pack whose manifest carries ``metrics`` (as hatbox train effect writes them; None: none)."""
    manifest = gain_manifest(name, "1.0.0")
    manifest.metrics = dict(metrics or {})
    return write_pack(path, manifest, {"model.onnx": gain_model(0, False, None, 0), "golden.npz": gain_golden()})


def _bad(tmp_path: Path) -> Path:
    return _pack(tmp_path / "bad.hatpack", {"val_esr": 1.278, "val_bypass_esr": 0.7433, "steps": 40})


def _never(_prompt: str) -> str:
    raise AssertionError("asked")


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[str]]:
    """A person at a terminal: (answers, asked): each question (recorded in ``asked``) is answered with the next of
    ``answers``, which the test fills."""
    answers: list[str] = []
    asked: list[str] = []
    monkeypatch.setattr("hatbox.ask.can_ask", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or answers.pop(0))
    return answers, asked


def _installed(paired_server) -> list[str]:
    return paired_server.app.state.box.store.ids()


def test_activate_asks_and_no_sends_nothing(paired_server, tmp_path: Path, terminal, capsys) -> None:
    answers, asked = terminal
    answers.append("n")
    assert main(["push", str(_bad(tmp_path)), "--activate"]) == 0
    out, err = capsys.readouterr()
    assert f"warning: {WORSE}" in err and "1.72x higher" in err
    assert asked == ["send it and make it the box's active effect pack all the same? [y/N] "]
    assert "nothing was sent (to install it without making it active: hatbox push " in out and "now active" not in out
    assert _installed(paired_server) == []


def test_activate_answered_yes_is_active_and_says_it(paired_server, tmp_path: Path, terminal, capsys) -> None:
    answers, asked = terminal
    answers.append("y")
    assert main(["push", str(_bad(tmp_path)), "--activate"]) == 0
    out = capsys.readouterr().out
    assert "now active" in out and f"  warning: {WORSE}" in out.split("now active", 1)[1]
    assert len(asked) == 1
    store = paired_server.app.state.box.store
    assert store.active()["effect"] in store.ids()


def test_no_terminal_refuses_and_sends_nothing(paired_server, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr("hatbox.ask.can_ask", lambda: False)
    monkeypatch.setattr("builtins.input", _never)
    bad = _bad(tmp_path)
    assert main(["push", str(bad), "--activate"]) == 2
    err = capsys.readouterr().err
    assert "nothing was sent" in err and WORSE in err and "--yes" in err and f"hatbox push {bad}" in err
    assert "Traceback" not in err
    assert _installed(paired_server) == []


@pytest.mark.parametrize("flag", ["--yes", "--force"])
def test_yes_makes_it_active_without_asking(paired_server, tmp_path: Path, monkeypatch, capsys, flag: str) -> None:
    monkeypatch.setattr("builtins.input", _never)
    assert main(["push", str(_bad(tmp_path)), "--activate", flag]) == 0
    out = capsys.readouterr().out
    assert "now active" in out and f"  warning: {WORSE}" in out


def test_without_activate_installs_and_says_it(paired_server, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr("builtins.input", _never)
    bad = _bad(tmp_path)
    assert main(["push", str(bad)]) == 0
    out = capsys.readouterr().out
    assert "installed on the box" in out and f"  warning: {WORSE}" in out and "now active" not in out
    assert len(_installed(paired_server)) == 1


def test_on_the_box_already_asks_and_says_it(paired_server, tmp_path: Path, terminal, capsys) -> None:
    answers, asked = terminal
    bad = _bad(tmp_path)
    assert main(["push", str(bad)]) == 0                 # installed, not active
    capsys.readouterr()
    answers.append("y")
    assert main(["push", str(bad), "--activate"]) == 0
    out = capsys.readouterr().out
    assert len(asked) == 1 and f"  warning: {WORSE}" in out
    store = paired_server.app.state.box.store
    assert store.active()["effect"] in store.ids()


@pytest.mark.parametrize("metrics", [None, {"val_esr": 0.0597, "val_bypass_esr": 0.664},
                                     {"val_esr": 1.3}, {"val_esr": float("nan"), "val_bypass_esr": 0.5}])
def test_other_packs_push_as_before(paired_server, tmp_path: Path, monkeypatch, capsys, metrics) -> None:
    monkeypatch.setattr("hatbox.ask.can_ask", lambda: False)      # not asked: a script pushes it as before
    monkeypatch.setattr("builtins.input", _never)
    assert main(["push", str(_pack(tmp_path / "ok.hatpack", metrics, "fxok")), "--activate"]) == 0
    out, err = capsys.readouterr()
    assert "now active" in out and "no effect at all" not in out + err


def test_equal_to_bypass_is_no_better(tmp_path: Path, capsys) -> None:
    assert main(["pack", "inspect", str(_pack(tmp_path / "eq.hatpack", {"val_esr": 0.5, "val_bypass_esr": 0.5}))]) \
        == 0
    assert "warning: it scored no better than no effect at all: held-out error 0.5 against bypass's 0.5 (the dry " \
           "input unchanged), the same" in capsys.readouterr().out


def test_pack_inspect_says_it(tmp_path: Path, capsys) -> None:
    bad = _bad(tmp_path)
    assert main(["pack", "inspect", str(bad)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  with no effect at all (bypass)"))
    assert lines[at + 1].startswith(f"  warning: {WORSE} (the dry input unchanged), 1.72x higher")
    assert main(["pack", "inspect", str(bad), "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["metrics"]["val_esr"] == 1.278 and f"warning: {WORSE}" in err
    good = _pack(tmp_path / "good.hatpack", {"val_esr": 0.0597, "val_bypass_esr": 0.664}, "fxgood")
    assert main(["pack", "inspect", str(good)]) == 0
    assert "no effect at all:" not in capsys.readouterr().out

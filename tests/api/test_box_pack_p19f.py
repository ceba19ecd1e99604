"""`hatbox box-pack`, QA round 19: the laptop lists the box's packs and deletes one (DELETE /packs/{id}) after
asking (`--yes` does not ask; no answer deletes nothing); the active pack is refused in plain words (the box
never deletes it: 409) and an unknown id says how to list them; the box's hints name the laptop command."""
from __future__ import annotations

from pathlib import Path

import pytest

from device.library.archive import NO_ROOM_HINT
from hatbox.cli import main
from tests.api.conftest import make_box
from tests.api.packs import gain_pack


def _two_packs(tmp_path: Path, app) -> tuple[str, str]:
    """Push fuzz 1.0.0 (then not active) and fuzz 2.0.0 (active); their ids."""
    assert main(["push", str(gain_pack(tmp_path / "old.hatpack", "fuzz", "1.0.0")), "--quiet"]) == 0
    assert main(["push", str(gain_pack(tmp_path / "new.hatpack", "fuzz", "2.0.0")), "--activate", "--quiet"]) == 0
    ids = {m["version"]: m["id"] for m in app.state.box.store.list()}
    return ids["1.0.0"], ids["2.0.0"]


def _installed(app) -> list[str]:
    return sorted(m["id"] for m in app.state.box.store.list())


def _no_stdin(_prompt: str) -> str:
    raise EOFError


def test_box_pack_lists_the_packs_and_shows_one(paired_server, tmp_path: Path, capsys) -> None:
    from hatbox.text import size_words as _size_words

    app = paired_server.app
    assert main(["box-pack"]) == 0
    assert "no packs on the box" in capsys.readouterr().out
    old, new = _two_packs(tmp_path, app)
    capsys.readouterr()
    assert main(["box-pack"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith(f"{old}  fuzz 1.0.0, effect, ") and not line.endswith("active") for line in lines)
    assert any(line.startswith(f"{new}  fuzz 2.0.0, effect, ") and " KiB, installed 20" in line
               and line.endswith(", active") for line in lines)
    assert (_size_words(1), _size_words(1025), _size_words(5 * 2**20 + 2**19)) == ("1 KiB", "2 KiB", "5.5 MiB")
    assert main(["box-pack", old]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{old}  fuzz 1.0.0") and "ok  realtime" in out


def test_box_pack_delete_asks_first(paired_server, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    app = paired_server.app
    old, new = _two_packs(tmp_path, app)
    capsys.readouterr()
    monkeypatch.setattr("builtins.input", lambda _prompt: "n")
    assert main(["box-pack", old, "--delete"]) == 0
    assert f"pack {old} (fuzz 1.0.0, effect" in capsys.readouterr().out and _installed(app) == sorted([old, new])

    monkeypatch.setattr("builtins.input", _no_stdin)           # no terminal to answer on: nothing deleted
    assert main(["box-pack", old, "--delete"]) == 2
    err = capsys.readouterr().err
    assert "was not deleted: no answer" in err and "--yes" in err and "Traceback" not in err
    assert _installed(app) == sorted([old, new])

    asked: list[str] = []
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or "y")
    assert main(["box-pack", old, "--delete"]) == 0
    assert asked[0].startswith(f"delete pack {old} (fuzz 1.0.0, effect, ") and asked[0].endswith("[y/N] ")
    assert f"deleted pack {old}" in capsys.readouterr().out and _installed(app) == [new]
    assert not (app.state.box.store.packs / old).exists()


def test_box_pack_delete_yes_does_not_ask(paired_server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = paired_server.app
    old, new = _two_packs(tmp_path, app)

    def never(_prompt: str) -> str:
        raise AssertionError("asked")
    monkeypatch.setattr("builtins.input", never)
    assert main(["box-pack", old, "--delete", "--yes"]) == 0
    assert _installed(app) == [new]


def test_box_pack_refuses_the_active_pack_in_plain_words(paired_server, tmp_path: Path, capsys,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    app = paired_server.app
    old, new = _two_packs(tmp_path, app)
    capsys.readouterr()

    def never(_prompt: str) -> str:
        raise AssertionError("asked")
    monkeypatch.setattr("builtins.input", never)               # refused before asking anything
    for extra in ([], ["--yes"]):
        assert main(["box-pack", new, "--delete", *extra]) == 2
        err = capsys.readouterr().err
        assert f"pack {new} (fuzz 2.0.0, effect" in err and "is the box's active effect pack" in err
        assert "nothing was deleted" in err and "hatbox box-pack OTHER-ID --activate" in err
        assert "Traceback" not in err and "409" not in err
    assert _installed(app) == sorted([old, new]) and app.state.box.store.active()["effect"] == new


def test_box_pack_unknown_id_and_wrong_flags(paired_server, tmp_path: Path, capsys) -> None:
    app = paired_server.app
    old, _ = _two_packs(tmp_path, app)
    capsys.readouterr()
    for argv in (["box-pack", "effect-nope-1.0.0-000000000000", "--delete", "--yes"],
                 ["box-pack", "effect-nope-1.0.0-000000000000"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "the box has no pack 'effect-nope-1.0.0-000000000000'" in err and "hatbox box-pack lists" in err
    assert main(["box-pack", "--delete"]) == 2
    assert "which pack?" in capsys.readouterr().err
    assert main(["box-pack", old, "--yes"]) == 2
    assert "--yes only goes with --delete" in capsys.readouterr().err
    assert old in _installed(app)


def test_the_box_names_the_laptop_command(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    assert box.push(gain_pack(tmp_path / "fx.hatpack", "fuzz", "1.0.0")).status_code == 201
    pid = box.active()
    r = box.client.delete(f"/packs/{pid}", headers=box.auth)
    assert r.status_code == 409 and "is active" in r.json()["message"], r.text
    assert f"hatbox box-pack {pid} --delete" in r.json()["hint"] and "--activate" in r.json()["hint"]
    assert "hatbox box-pack ID --delete" in NO_ROOM_HINT and "DELETE /packs" not in NO_ROOM_HINT

"""p45 duo QA, the laptops' words: two laptops (configs A and B, paired as "laptopA" and "laptopB") on one served box.
`hatbox push --activate` says what it replaced and who had made that active (and, when another laptop's activation
came right after, that theirs plays now), `hatbox status` and `hatbox box-pack` say who made the active pack active and
when, `box-pack ID --activate` of a pack another laptop just pruned names the prune, and the note of a same-version
push names who installed the other pack (hatbox/pack_who.py)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

import hatbox.cmd_remote as cmd_remote
from hatbox.cli import main
from tests.api.conftest import start_remote_box
from tests.api.packs import gain_pack


class Laptops:
    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.tmp, self.mp = tmp_path, monkeypatch
        self.running, self.codes, _, self.app = start_remote_box(tmp_path, monkeypatch)
        for name in ("laptopA", "laptopB"):
            self.be(name)
            assert main(["pair", self.running.url, "--code", self.codes[-1], "--name", name]) == 0

    def be(self, name: str) -> None:
        """The commands that follow run on laptop ``name`` (its own config, so its own pairing)."""
        self.mp.setenv("HATBOX_CONFIG", str(self.tmp / name / "remote.json"))

    def pack(self, version: str, name: str = "ts9", seed: int = 0) -> Path:
        return gain_pack(self.tmp / f"{name}-{version}-{seed}.hatpack", name, version, pad_bytes=64 * seed, seed=seed)


@pytest.fixture
def laptops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Laptops]:
    two = Laptops(tmp_path, monkeypatch)
    yield two
    two.running.stop()


def test_push_activate_says_what_it_replaced_and_status_says_who(laptops: Laptops,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    laptops.be("laptopA")
    assert main(["push", str(laptops.pack("2.0.0")), "--activate", "--quiet"]) == 0
    assert "  now active\n" in capsys.readouterr().out                 # nothing was active before
    laptops.be("laptopB")
    assert main(["push", str(laptops.pack("3.0.0")), "--activate", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "  now active (was ts9 2.0.0, activated by laptopA " in out and " s ago)" in out
    laptops.be("laptopA")
    assert main(["status"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("  effect"))
    assert "effect-ts9-3.0.0-" in line and "(activated by laptopB " in line
    assert main(["box-pack"]) == 0
    listed = capsys.readouterr().out
    line = next(x for x in listed.splitlines() if " ts9 3.0.0," in x)
    assert " by laptopB, activated by laptopB " in line and line.endswith(" s ago, active")
    assert "by laptopA" in next(x for x in listed.splitlines() if " ts9 2.0.0," in x)


def test_push_says_when_another_laptop_s_activation_came_right_after(laptops: Laptops, monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    laptops.be("laptopB")
    assert main(["push", str(laptops.pack("3.0.0")), "--activate", "--quiet"]) == 0
    other = laptops.app.state.box.store.ids()[0]
    real = cmd_remote.upload

    def then_b_activates(*a: Any, **k: Any) -> Any:   # B's activation lands as A's answer is on its way
        body = real(*a, **k)
        laptops.be("laptopB")
        assert main(["box-pack", other, "--activate"]) == 0
        laptops.be("laptopA")
        return body
    monkeypatch.setattr(cmd_remote, "upload", then_b_activates)
    laptops.be("laptopA")
    capsys.readouterr()
    assert main(["push", str(laptops.pack("2.0.0")), "--activate", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "  now active" not in out
    assert "  made active (was ts9 3.0.0, activated by laptopB " in out
    assert ", but laptopB made ts9 3.0.0 active " in out and ": that is what plays now, not this one" in out


def test_box_pack_activate_names_the_other_laptop_s_prune(laptops: Laptops, capsys: pytest.CaptureFixture[str]) -> None:
    laptops.be("laptopA")
    assert main(["push", str(laptops.pack("3.2.0", "phaser")), "--quiet"]) == 0
    assert main(["push", str(laptops.pack("3.8.1", "phaser")), "--activate", "--quiet"]) == 0
    old = next(p for p in laptops.app.state.box.store.ids() if "3.2.0" in p)
    assert main(["box-pack", "--prune", "--yes"]) == 0
    laptops.be("laptopB")
    capsys.readouterr()
    assert main(["box-pack", old, "--activate"]) == 2
    err = capsys.readouterr().err
    assert f"the box has no pack '{old}': laptopA's prune deleted it at " in err and " s ago)" in err


def test_the_same_version_note_names_who_installed_the_other(laptops: Laptops,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    laptops.be("laptopA")
    assert main(["push", str(laptops.pack("11.5.0", seed=1)), "--quiet"]) == 0
    laptops.be("laptopB")
    capsys.readouterr()
    assert main(["push", str(laptops.pack("11.5.0", seed=2)), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "note: the box holds another 'ts9 11.5.0' (" in out and " by laptopA)" in out

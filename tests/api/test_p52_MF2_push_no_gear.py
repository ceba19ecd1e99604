"""`hatbox push` of an effect pack with no gear-gain figure (final read of the fifty-second stop, FR2 #4): render and
pack inspect noted it, push, the one command every user runs, said nothing of the box's wider, probe-set limit."""
from __future__ import annotations

import dataclasses
from pathlib import Path

from export.pack import MANIFEST, SIGNATURE, read_pack, write_pack
from hatbox.cli import main
from tests.api.conftest import PairedServer
from tests.api.packs import gain_pack


def _with_gear(path: Path) -> Path:
    """A copy of the gain pack at ``path`` that carries the gear figure (as a training since 2026-12-01 writes)."""
    pack = read_pack(path)
    manifest = dataclasses.replace(pack.manifest, name="geared",
                                   metrics={**pack.manifest.metrics, "gear_max_gain_db": 4.5})
    out = path.with_name("geared.hatpack")
    write_pack(out, manifest, {k: v for k, v in pack.members.items() if k not in (MANIFEST, SIGNATURE)})
    return out


def test_push_notes_a_pack_with_no_gear_figure_and_not_one_with_it(paired_server: PairedServer, tmp_path: Path,
                                                                   capsys) -> None:
    old = gain_pack(tmp_path / "old.hatpack", "old", "1.0.0")
    capsys.readouterr()
    assert main(["push", str(old), "--activate"]) == 0
    out = capsys.readouterr().out
    assert "  note: pack 'old' carries no gear-gain figure (made by a hatbox before 2026-12-01)" in out, out
    assert "train it again" in out and out.count("gear-gain") == 1
    assert main(["push", str(_with_gear(old)), "--activate"]) == 0
    assert "gear-gain" not in capsys.readouterr().out

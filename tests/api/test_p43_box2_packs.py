"""p43 upgrade QA: two packs of one name and version (other bytes) on one box.  `hatbox push` of the second said
nothing of the first, and `hatbox box-pack NAME --activate` quietly picked the old, active one."""
from __future__ import annotations

from pathlib import Path

import pytest

from hatbox.cli import main
from tests.api.conftest import PairedServer
from tests.api.packs import tagger_pack
from tests.cli_run import run as _run


def _active(server: PairedServer) -> str | None:
    return server.app.state.box.store.active()["tagger"]


def _two_of_one_version(tmp_path: Path, paired_server: PairedServer,
                        capsys: pytest.CaptureFixture[str]) -> tuple[str, str, str]:
    """The old factory tagger-drums 0.1.0, active, and a new one (other bytes) just pushed: (old id, new id, out)."""
    old = tagger_pack(tmp_path / "old.hatpack", "tagger-drums", "0.1.0", clip=4)
    new = tagger_pack(tmp_path / "new.hatpack", "tagger-drums", "0.1.0", clip=8)
    assert main(["push", str(old), "--activate", "--quiet"]) == 0
    old_id = _active(paired_server)
    capsys.readouterr()
    rc, out, err = _run(capsys, "push", str(new), "--quiet")
    assert rc == 0, err
    new_id = next(p["id"] for p in paired_server.app.state.box.store.list() if p["id"] != old_id)
    return str(old_id), new_id, out


def test_push_says_the_box_holds_another_pack_of_that_name_and_version(
        tmp_path: Path, paired_server: PairedServer, capsys: pytest.CaptureFixture[str]) -> None:
    old_id, new_id, out = _two_of_one_version(tmp_path, paired_server, capsys)
    assert f"note: the box holds another 'tagger-drums 0.1.0' ({old_id}, installed " in out
    assert f", active), with other bytes: activate this one by its id: hatbox box-pack {new_id} --activate" in out


def test_box_pack_refuses_a_name_two_packs_of_one_version_share(
        tmp_path: Path, paired_server: PairedServer, capsys: pytest.CaptureFixture[str]) -> None:
    old_id, new_id, _ = _two_of_one_version(tmp_path, paired_server, capsys)
    rc, out, err = _run(capsys, "box-pack", "tagger-drums", "--activate")
    assert rc == 2 and "already the box's active" not in out
    assert "2 packs on the box are 'tagger-drums 0.1.0', with other bytes" in err and "nothing was done" in err
    old_line, new_line = (line for line in err.splitlines() if line.strip().startswith("tagger-tagger-drums"))
    assert old_line.strip().startswith(old_id) and ", installed " in old_line and old_line.endswith(", active")
    assert new_line.strip().startswith(new_id) and ", installed " in new_line
    assert f"hint: give the id of the one you mean, e.g. the newest: hatbox box-pack {new_id} --activate" in err
    assert _active(paired_server) == old_id                           # nothing was done
    rc, out, err = _run(capsys, "box-pack", new_id, "--activate")
    assert rc == 0 and _active(paired_server) == new_id, err


def test_a_name_several_versions_share_means_the_active_one_and_says_so(
        tmp_path: Path, paired_server: PairedServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["push", str(tagger_pack(tmp_path / "a.hatpack", "drums", "0.1.0")), "--quiet"]) == 0
    assert main(["push", str(tagger_pack(tmp_path / "b.hatpack", "drums", "0.2.0")), "--activate", "--quiet"]) == 0
    active = _active(paired_server)
    capsys.readouterr()
    rc, out, err = _run(capsys, "box-pack", "drums", "--activate")
    assert rc == 0, err
    assert f"'drums' names 2 packs on the box (other versions: 0.1.0): using the active one, {active} (0.2.0)" in out
    assert "is already the box's active tagger pack" in out

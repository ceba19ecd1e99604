"""p47 soak QA: `hatbox push factory/effect-drive.hatpack --activate`, then `hatbox box-pack effect-drive --activate`
said only "the box has no pack 'effect-drive'" (the pack inside is called hatbox-drive).  Now the refusal names the
pack meant: by the file's bytes, by the name its manifest gives, or by a close name; a hint, never an alias."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hatbox.cli import main
from hatbox.errors import NotOnBox
from hatbox.pack_names import close_names, find_pack
from tests.api.conftest import PairedServer
from tests.api.packs import gain_pack

PACKS = [{"id": "effect-hatbox-drive-0.1.0-ab12", "name": "hatbox-drive", "kind": "effect", "sha256": "ab12"},
         {"id": "effect-soakdrive-0.1.0-cd34", "name": "soakdrive", "kind": "effect", "sha256": "cd34"},
         {"id": "tagger-tagger-drums-0.1.0-ef56", "name": "tagger-drums", "kind": "tagger", "sha256": "ef56"}]


def test_a_kind_in_front_of_a_word_of_a_name_is_a_guess_not_a_name(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)                     # no pack file called so here
    with pytest.raises(NotOnBox) as refused:
        find_pack(PACKS, "effect-drive")
    assert "the box has no pack 'effect-drive': did you mean 'hatbox-drive'?" in str(refused.value)
    assert close_names(PACKS, "hatbox-drvie") == ["hatbox-drive"]       # a typo
    assert close_names(PACKS, "synth-drive") == [] and close_names(PACKS, "xyz") == []
    with pytest.raises(NotOnBox) as refused:
        find_pack(PACKS, "xyz")
    assert "did you mean" not in str(refused.value)


def test_box_pack_by_the_file_name_pushed_names_the_pack_inside(
        tmp_path: Path, paired_server: PairedServer, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "factory").mkdir()
    pack = gain_pack(tmp_path / "factory" / "effect-drive.hatpack", "hatbox-drive", "0.1.0")
    assert main(["push", str(pack), "--activate"]) == 0
    capsys.readouterr()
    assert main(["box-pack", "effect-drive", "--activate"]) != 0       # refused: not made an alias
    err = capsys.readouterr().err
    assert "the box has no pack 'effect-drive': did you mean 'hatbox-drive' (pushed from effect-drive.hatpack)?" \
        in err, err
    assert "hatbox box-pack hatbox-drive shows that one" in err
    shutil.copy(pack, tmp_path / "renamed.hatpack")
    assert main(["box-pack", "renamed.hatpack"]) != 0                  # a path given: its bytes on the box
    assert "did you mean 'hatbox-drive' (pushed from renamed.hatpack)?" in capsys.readouterr().err
    gain_pack(tmp_path / "other.hatpack", "hatbox-drive", "0.2.0", seed=3)   # other bytes, a name on the box
    assert main(["box-pack", "other"]) != 0
    assert "did you mean 'hatbox-drive' (the pack inside other.hatpack)?" in capsys.readouterr().err

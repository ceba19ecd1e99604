"""`hatbox push-library` given a pack (twenty-ninth stop): a .hatpack is a zip, so it was uploaded whole as a sample
library and only then refused by the box; now it is named a pack before anything is sent, with the command that
sends packs."""
from __future__ import annotations

import shutil
from pathlib import Path

from hatbox.cli import main
from tests.api.conftest import PairedServer, paired_server, zip_bytes  # noqa: F401  (fixture)

FACTORY = Path(__file__).resolve().parents[2] / "factory" / "tagger-drums.hatpack"


def test_a_pack_given_to_push_library_is_refused_before_a_byte_is_sent(paired_server: PairedServer, tmp_path: Path,
                                                                      capsys) -> None:
    renamed = tmp_path / "drums.zip"                       # named like an archive: its contents say pack
    shutil.copy(FACTORY, renamed)
    for pack in (FACTORY, renamed):
        assert main(["push-library", str(pack), "--quiet"]) == 2
        err = capsys.readouterr().err
        assert "is a hatbox pack (a model), not a sample library; nothing was sent" in err
        assert f"hatbox push {pack} --activate" in err
    assert not [m for m in paired_server.control.sent if m.get("op") == "sample"]
    assert paired_server.app.state.box.libraries.list() == []             # nothing arrived


def test_a_zip_of_samples_with_a_manifest_file_is_still_a_library(tmp_path: Path) -> None:
    from hatbox.library_archive import is_pack as _is_pack
    lib = tmp_path / "lib.zip"
    lib.write_bytes(zip_bytes({"manifest.json": b"{}", "kick.wav": b"RIFF"}))
    assert not _is_pack(lib) and _is_pack(FACTORY)

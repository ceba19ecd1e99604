"""`hatbox push-library` does not send a library the box already holds: the box keeps each upload's SHA-256,
the laptop compares before sending (the same folder unchanged, the same zip), names the library that is there
and says how to send a second copy (--again); a changed folder, a failed library's files, or a box that keeps
no digest are sent as before."""
from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

import hatbox.cmd_box_library as cmd
from device.library.folder_tar import pack_directory
from device.store import file_sha256
from hatbox.cli import main
from tests.api.conftest import PairedServer, spy_uploads, wav_bytes


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Path]]:
    """(route, file) of what push-library uploads (the real upload still runs)."""
    return spy_uploads(monkeypatch, cmd)


def _routes(sent: list[tuple[str, Path]]) -> list[str]:
    return [route for route, _path in sent]


def _folder(tmp_path: Path, n: int = 2) -> Path:
    lib = tmp_path / "Dusty Kit"
    lib.mkdir(exist_ok=True)
    for i in range(n):
        (lib / f"hit{i}.wav").write_bytes(wav_bytes(2400 + i))
    return lib


def _libraries(server: PairedServer) -> list[dict[str, Any]]:
    return server.app.state.box.libraries.list()


def test_a_folder_packed_twice_unchanged_is_the_same_bytes(tmp_path: Path) -> None:
    lib = _folder(tmp_path)
    one, two = pack_directory(lib, tmp_path / "one.tar"), pack_directory(lib, tmp_path / "two.tar")
    assert file_sha256(one) == file_sha256(two)


def test_the_same_folder_again_is_refused_naming_the_library_and_nothing_is_sent(
        paired_server: PairedServer, sent: list[tuple[str, Path]], tmp_path: Path, capsys) -> None:
    lib = _folder(tmp_path)
    assert main(["push-library", str(lib), "--quiet"]) == 0
    [first] = _libraries(paired_server)
    assert first["sha256"] and len(first["sha256"]) == 64
    capsys.readouterr()
    assert main(["push-library", str(lib), "--quiet"]) == 0      # p45: a re-run finds its work done (a note)
    err = capsys.readouterr().out
    assert f"is already on the box as library {first['id']} ('Dusty Kit', untagged, 2 files); nothing was sent" in err
    assert "the box tags it as soon as a tagger pack is active: hatbox push TAGGER.hatpack --activate" in err
    assert "--again" in err and "--retag" not in err              # it would be refused: no tagger is active
    assert "Traceback" not in err and err.count("hatbox:") == 0
    assert _routes(sent) == ["/libraries"] and len(_libraries(paired_server)) == 1


def test_again_sends_a_second_copy(paired_server: PairedServer, sent: list[tuple[str, Path]], tmp_path: Path, capsys) -> None:
    lib = _folder(tmp_path)
    assert main(["push-library", str(lib), "--quiet"]) == 0
    assert main(["push-library", str(lib), "--quiet", "--again"]) == 0
    ids = {lib["id"] for lib in _libraries(paired_server)}
    assert len(ids) == 2 and _routes(sent) == ["/libraries", "/libraries"]


def test_a_changed_folder_is_sent(paired_server: PairedServer, sent: list[tuple[str, Path]], tmp_path: Path) -> None:
    lib = _folder(tmp_path)
    assert main(["push-library", str(lib), "--quiet"]) == 0
    (lib / "new.wav").write_bytes(wav_bytes(3000))
    assert main(["push-library", str(lib), "--quiet"]) == 0
    assert sorted(x["accepted"] for x in _libraries(paired_server)) == [2, 3]


def test_the_same_zip_under_another_name_is_the_same_library(paired_server: PairedServer, sent: list[tuple[str, Path]],
                                                            tmp_path: Path, capsys) -> None:
    first = tmp_path / "kit.zip"
    with zipfile.ZipFile(first, "w") as zf:
        zf.writestr("k.wav", wav_bytes())
    copy = tmp_path / "kit copy.zip"
    copy.write_bytes(first.read_bytes())
    assert main(["push-library", str(first), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["push-library", str(copy), "--quiet", "--name", "other"]) == 0
    assert "kit copy.zip is already on the box as library lib-kit-" in capsys.readouterr().out
    assert _routes(sent) == ["/libraries"]


def test_a_failed_librarys_files_are_sent_again(paired_server: PairedServer, sent: list[tuple[str, Path]], tmp_path: Path) -> None:
    lib = _folder(tmp_path)
    assert main(["push-library", str(lib), "--quiet"]) == 0
    libs = paired_server.app.state.box.libraries
    [info] = libs.list()
    libs._jobs[info["id"]]["state"] = "failed"          # what a restart during its tagging leaves
    assert main(["push-library", str(lib), "--quiet"]) == 0
    assert len(libs.list()) == 2


def test_a_box_that_keeps_no_digest_is_sent_to(paired_server: PairedServer, sent: list[tuple[str, Path]], tmp_path: Path) -> None:
    lib = _folder(tmp_path)
    assert main(["push-library", str(lib), "--quiet"]) == 0
    libs = paired_server.app.state.box.libraries
    [info] = libs.list()
    libs._jobs[info["id"]].pop("sha256")                   # a library from before the digest was kept
    assert main(["push-library", str(lib), "--quiet"]) == 0
    assert len(libs.list()) == 2

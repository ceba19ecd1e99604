"""`hatbox push` reads a pack here before sending it (a damaged file, an empty one, a WAV are refused naming the
user's file, nothing sent); the box's own refusals in plain words with the user's file named; the pairing hint
with --code; an unknown library named with the command that lists them."""
from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import soundfile as sf

from hatbox import box_client, cmd_remote
from hatbox.box_client import _checked, check_pack_opens
from hatbox.cli import main
from hatbox.errors import HatboxError, PackError
from tests.api.conftest import PairedServer, spy_uploads
from tests.api.packs import gain_pack, tagger_pack

ROOT = Path(__file__).resolve().parents[2]
BASE = "http://127.0.0.1:8750"


@pytest.fixture
def uploads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Path]]:
    """(route, file) of what `hatbox push` uploads (the real upload still runs)."""
    return spy_uploads(monkeypatch, cmd_remote)


def _wav(path: Path) -> Path:
    buf = io.BytesIO()
    sf.write(buf, np.zeros(2400, np.float32), 48000, format="WAV")
    path.write_bytes(buf.getvalue())
    return path


def _bad_files(tmp_path: Path) -> dict[str, Path]:
    good = gain_pack(tmp_path / "good.hatpack")
    trunc = tmp_path / "trunc.hatpack"
    trunc.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    text = tmp_path / "notes.hatpack"
    text.write_text("not a pack at all\n")
    empty = tmp_path / "empty.hatpack"
    empty.write_bytes(b"")
    return {"trunc": trunc, "text": text, "empty": empty, "wav": _wav(tmp_path / "gtr.wav")}


def test_a_pack_that_does_not_open_is_refused_here_naming_the_file_and_nothing_is_sent(
        paired_server: PairedServer, uploads: list[tuple[str, Path]], tmp_path: Path, capsys) -> None:
    files = _bad_files(tmp_path)
    capsys.readouterr()
    said: dict[str, str] = {}
    for key, path in files.items():
        assert main(["push", str(path), "--quiet"]) == 2
        said[key] = capsys.readouterr().err
        assert said[key].startswith(f"hatbox: error: {path.name} ") and said[key].count("hatbox:") == 1
        assert "nothing was sent" in said[key] and "up-" not in said[key] and "the box" not in said[key]
        assert "cut short" not in said[key] and "Traceback" not in said[key]
    assert uploads == []
    for key in ("trunc", "text"):           # the words `hatbox pack inspect` has for such a file
        assert "is not a readable pack archive" in said[key]
        assert "the file is incomplete or damaged: copy it again, or build it again" in said[key]
    assert "empty.hatpack is empty (0 bytes): copy it again, or build it again" in said["empty"]
    assert "request body" not in said["empty"]
    assert "gtr.wav is a WAV audio file, not a hatbox pack" in said["wav"]      # p53 Q2: named for what it is
    assert "hint: a .hatpack is written by hatbox train" in said["wav"]


def test_a_pack_whose_checksum_fails_here_names_the_file(tmp_path: Path) -> None:
    import zipfile
    good = gain_pack(tmp_path / "good.hatpack")
    altered = tmp_path / "altered.hatpack"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(altered, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            out.writestr(info, data + b"x" if info.filename == "model.onnx" else data)
    with pytest.raises(PackError) as err:
        check_pack_opens(altered)
    assert str(err.value).startswith("altered.hatpack: checksum mismatch for 'model.onnx'")
    assert str(err.value).endswith("; nothing was sent") and err.value.check == "checksum"


@pytest.mark.parametrize("name", ["effect-drive", "synth-gm4", "tagger-drums"])
def test_the_factory_packs_open_here(name: str) -> None:
    check_pack_opens(ROOT / "factory" / f"{name}.hatpack")


def test_a_good_pack_still_goes_to_the_box(paired_server: PairedServer, uploads: list[Path], tmp_path: Path,
                                          capsys) -> None:
    pack = shutil.copy(ROOT / "factory" / "effect-drive.hatpack", tmp_path / "effect-drive.hatpack")
    assert main(["push", str(pack), "--quiet", "--activate"]) == 0
    out = capsys.readouterr().out
    assert "hatbox-drive 0.1.0 (effect) installed on the box at" in out and "now active" in out
    assert [(route, p.name) for route, p in uploads] == [("/packs", "effect-drive.hatpack")]


def test_the_box_still_refuses_a_damaged_upload_and_names_the_user_s_file(paired_server: PairedServer,
                                                                          tmp_path: Path) -> None:
    trunc = _bad_files(tmp_path)["trunc"]
    cfg = cmd_remote.load_config()
    with box_client._client(cfg["url"], cfg["token"], True) as c, pytest.raises(PackError) as err:
        box_client.upload(c, "/packs", trunc, {"activate": "false"}, quiet=True)     # past the laptop's check
    said = str(err.value)
    assert said.startswith("the box refused the pack (its archive check): trunc.hatpack is not a readable pack")
    assert "up-" not in said and "rejected" not in said and "[archive]" not in said


def test_a_pack_the_box_refuses_says_its_check_in_words(paired_server: PairedServer, tmp_path: Path,
                                                       capsys) -> None:
    bad = gain_pack(tmp_path / "bad.hatpack", "bad", "1.0.0", random_op=True)     # opens here; the box refuses it
    assert main(["push", str(bad), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "the box refused the pack (its ops check): " in err and "RandomUniformLike" in err


def _answer(status: int, body: dict[str, Any]) -> httpx.Response:
    return httpx.Response(status, json=body, request=httpx.Request("POST", f"{BASE}/packs"))


def test_the_box_s_upload_name_becomes_the_user_s() -> None:
    resp = _answer(422, {"error": "pack rejected", "check": "archive",
                         "message": "up-ab1_c9zq.hatpack is not a readable pack archive (x); was the upload cut "
                                    "short?"})
    with pytest.raises(PackError) as err:
        _checked(resp, BASE, "POST /packs", "my fx.hatpack")
    assert str(err.value) == ("the box refused the pack (its archive check): my fx.hatpack is not a readable pack "
                              "archive (x); was the upload cut short?")
    assert err.value.check == "archive"


@pytest.mark.parametrize("words, first", [("the box does not accept this token (wrong or revoked)", "pair again"),
                                          ("this call needs a token", "pair first")])
def test_the_pairing_hint_gives_the_code_option(words: str, first: str) -> None:
    resp = _answer(401, {"error": "unauthorized", "message": words, "hint": f"{first}: hatbox pair URL"})
    with pytest.raises(HatboxError) as err:
        _checked(resp, BASE)
    assert err.value.hint == (f"{first}: hatbox pair {BASE} --code CODE, with the code on the box's panel (or on its "
                              "terminal: 'pairing code: ...')")


def test_a_wrong_token_names_the_whole_pair_command(paired_server: PairedServer, capsys) -> None:
    capsys.readouterr()
    assert main(["status", "--token", "nope"]) == 2
    assert f"hint: pair again: hatbox pair {paired_server.running.url} --code CODE, with the code on the box's " \
           "panel" in capsys.readouterr().err


@pytest.mark.parametrize("extra", [[], ["--tag", "kick"], ["--fix", "a.wav", "kick"], ["--unsure"],
                                   ["--delete", "--yes"], ["--retag"]])
def test_an_unknown_library_says_how_to_list_them(paired_server: PairedServer, capsys, extra: list[str]) -> None:
    capsys.readouterr()
    assert main(["box-library", "nosuchlib", *extra]) == 2
    assert capsys.readouterr().err == ("hatbox: error: the box has no library 'nosuchlib'\n"
                                       "  hint: hatbox box-library lists the libraries with their names and ids\n")


def test_an_unknown_tag_of_a_library_the_box_has_is_not_called_a_missing_library(
        paired_server: PairedServer, tmp_path: Path, capsys) -> None:
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0
    lib = tmp_path / "kit"
    lib.mkdir()
    _wav(lib / "k1.wav")
    assert main(["push-library", str(lib), "--wait", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["box-library"]) == 0
    lid = capsys.readouterr().out.split()[0]
    assert main(["box-library", lid, "--tag", "cowbell"]) == 2
    err = capsys.readouterr().err
    assert "cowbell" in err and "no library" not in err and "lists the libraries" not in err


def test_pack_inspect_says_the_same_as_push_of_an_empty_file_or_a_non_pack(tmp_path: Path, capsys) -> None:
    """The words live in the pack reader (export.pack), so `hatbox pack inspect` gives them too."""
    files = _bad_files(tmp_path)
    assert main(["pack", "inspect", str(files["empty"])]) == 2
    assert "empty.hatpack is empty (0 bytes): copy it again, or build it again" in capsys.readouterr().err
    assert main(["pack", "inspect", str(files["wav"])]) == 2
    assert "gtr.wav is a WAV audio file, not a hatbox pack" in capsys.readouterr().err

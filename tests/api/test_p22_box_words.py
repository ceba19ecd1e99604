"""QA round 22, the box's words: a busy re-tag names `hatbox box-library ID --cancel` (a command, not an HTTP call)
and that command stops a tagging; a damaged zip member and a damaged tar are said in plain words (the technical
reason goes to the box's log); the laptop checks a tar before sending it, as it checks a zip."""
from __future__ import annotations

import gzip
import io
import logging
import re
import tarfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from device.library.archive import ArchiveError, unpack_archive
from hatbox.cli import main
from tests.api.conftest import PairedServer, make_box, wav_bytes, zip_bytes
from tests.api.packs import tagger_pack
from tests.api.test_libraries import RecordingTagger

TECHNICAL = re.compile(r"zlib|Error -3|ReadError|EOFError|BadZipFile|CRC-32|\w+\.error|unexpected end of data")


def _kit(n: int = 4) -> dict[str, bytes]:
    """``n`` different, audible WAVs: name -> bytes."""
    return {f"s{i}.wav": wav_bytes(2400 + 480 * i) for i in range(n)}


def _deflated_zip_damaged_in(path: Path, member: str) -> Path:
    """A deflated zip of :func:`_kit` with 60 bytes in the middle of ``member``'s compressed data inverted: its
    listing reads, that member's data does not."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in _kit().items():
            zf.writestr(name, data)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    data = bytearray(path.read_bytes())
    mid = info.header_offset + 30 + len(info.filename) + len(info.extra) + info.compress_size // 2
    for k in range(mid, mid + 60):
        data[k] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


def _tar_bytes() -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for name, data in _kit().items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _cut(data: bytes) -> bytes:
    """The first two thirds of ``data``: a file cut short."""
    return data[: len(data) * 2 // 3]


# ------------------------------------------------------------------ F4: a damaged member, a damaged archive
def test_a_zip_member_damaged_inside_is_left_out_in_plain_words_and_logged(tmp_path: Path,
                                                                            caplog: pytest.LogCaptureFixture) -> None:
    arc = _deflated_zip_damaged_in(tmp_path / "kit.zip", "s2.wav")
    with caplog.at_level(logging.WARNING, logger="hatbox.library"):
        report = unpack_archive(arc, tmp_path / "lib" / "files")
    assert [f.path for f in report.rejected] == ["s2.wav"] and len(report.accepted) == 3
    reason = report.rejected[0].reason
    assert reason == "damaged inside the zip; make the zip again"
    assert not TECHNICAL.search(reason)
    logged = [r.getMessage() for r in caplog.records if "s2.wav" in r.getMessage()]
    assert logged and TECHNICAL.search(logged[0]) and str(tmp_path) not in logged[0]


def test_a_zip_member_with_a_compression_the_box_cannot_read_says_so(tmp_path: Path) -> None:
    data = bytearray(zip_bytes(_kit(2)))
    data[8:10] = (9).to_bytes(2, "little")                 # s0.wav: deflate64, which zipfile cannot read
    central = data.find(b"PK\x01\x02")
    data[central + 10:central + 12] = (9).to_bytes(2, "little")
    (tmp_path / "d64.zip").write_bytes(bytes(data))
    report = unpack_archive(tmp_path / "d64.zip", tmp_path / "lib" / "files")
    assert [f.path for f in report.rejected] == ["s0.wav"] and [f.path for f in report.accepted] == ["s1.wav"]
    assert report.rejected[0].reason.startswith("packed with a kind of compression the box cannot read; make "
                                                "the zip again")


@pytest.mark.parametrize("compress", [False, True], ids=["tar", "tar.gz"])
def test_a_tar_cut_short_is_refused_on_the_box_in_plain_words(tmp_path: Path, compress: bool,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    raw = _tar_bytes()
    (tmp_path / "cut.tar").write_bytes(_cut(gzip.compress(raw) if compress else raw))
    with caplog.at_level(logging.WARNING, logger="hatbox.library"), pytest.raises(ArchiveError) as err:
        unpack_archive(tmp_path / "cut.tar", tmp_path / "lib" / "files")
    assert str(err.value) == ("the archive is damaged or incomplete: make it again, or send it again if the "
                              "upload was cut short")
    assert any(TECHNICAL.search(r.getMessage()) for r in caplog.records)        # the why is in the box's log
    assert not (tmp_path / "lib").exists()


def test_the_api_answers_a_tar_cut_short_without_python_words(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    r = box.client.post("/libraries", params={"name": "cut"}, content=_cut(_tar_bytes()), headers=box.auth)
    assert r.status_code == 422, r.text
    assert "damaged or incomplete" in r.json()["message"] and not TECHNICAL.search(r.text)


# ----------------------------------------------------------------- F4: the laptop checks a tar before sending
@pytest.mark.parametrize("name, make", [("trunc.tar", lambda raw: _cut(raw)),
                                        ("trunc.tar.gz", lambda raw: _cut(gzip.compress(raw)))])
def test_push_library_refuses_a_tar_cut_short_before_sending(paired_server: PairedServer, tmp_path: Path,
                                                             capsys: Any, name: str, make: Any) -> None:
    arc = tmp_path / name
    arc.write_bytes(make(_tar_bytes()))
    assert main(["push-library", str(arc), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"{name} is damaged or incomplete: make it again" in err and "nothing was sent" in err
    assert "Traceback" not in err and not TECHNICAL.search(err)
    assert not (tmp_path / "box" / "libraries").exists() or not any((tmp_path / "box" / "libraries").glob("lib-*"))


def test_push_library_still_sends_a_whole_tar_gz(paired_server: PairedServer, tmp_path: Path, capsys: Any) -> None:
    arc = tmp_path / "kit.tar.gz"
    arc.write_bytes(gzip.compress(_tar_bytes()))
    assert main(["push-library", str(arc), "--quiet"]) == 0
    assert "4 files accepted, 0 rejected" in capsys.readouterr().out


def test_push_library_shows_a_damaged_zip_member_in_plain_words(paired_server: PairedServer, tmp_path: Path,
                                                                 capsys: Any) -> None:
    arc = _deflated_zip_damaged_in(tmp_path / "kit.zip", "s2.wav")
    assert main(["push-library", str(arc), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "rejected s2.wav: damaged inside the zip; make the zip again" in out and not TECHNICAL.search(out)


# ----------------------------------------------------------------------------- F3: box-library --cancel
def _state(app: Any, lid: str) -> str:
    return app.state.box.libraries.get(lid)["state"]


def test_box_library_cancel_stops_a_tagging_and_the_busy_hint_names_it(paired_server: PairedServer,
                                                                       tmp_path: Path, capsys: Any) -> None:
    hold = threading.Event()
    app = paired_server.app
    app.state.box.libraries.tagger = RecordingTagger(hold)         # tags a file each time hold is set
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0
    kit = tmp_path / "kit.zip"
    kit.write_bytes(zip_bytes(_kit()))
    assert main(["push-library", str(kit), "--quiet"]) == 0
    lid = next(lib["id"] for lib in app.state.box.libraries.list())
    assert _state(app, lid) == "tagging"
    capsys.readouterr()
    try:
        assert main(["box-library", lid, "--retag"]) == 2                  # busy: the hint is a command to type
        err = capsys.readouterr().err
        assert f"stop it first: hatbox box-library {lid} --cancel" in err and "POST" not in err
        assert main(["box-library", lid, "--cancel"]) == 0
        out = capsys.readouterr().out
        assert f"library {lid} (kit): tagging stops after the file it is on" in out
        assert f"hatbox box-library {lid} --retag" in out
    finally:
        hold.set()
    end = time.monotonic() + 10
    while _state(app, lid) == "tagging" and time.monotonic() < end:
        time.sleep(0.02)
    assert _state(app, lid) == "cancelled"
    assert main(["box-library", lid, "--cancel"]) == 0                      # nothing to stop: said, not an error
    assert f"library {lid} (kit) is not being tagged (cancelled); nothing to stop" in capsys.readouterr().out


def test_box_library_cancel_needs_a_library_and_goes_alone(paired_server: PairedServer, capsys: Any) -> None:
    assert main(["box-library", "--cancel"]) == 2
    assert "which library? give its id or name first" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["box-library", "lib-x", "--cancel", "--retag"])                # one action at a time (argparse)
    assert "not allowed with argument" in capsys.readouterr().err
    assert main(["box-library", "lib-nope-000000", "--cancel"]) == 2         # an unknown library: the box's 404
    assert "Traceback" not in capsys.readouterr().err

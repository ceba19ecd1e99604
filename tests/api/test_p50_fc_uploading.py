"""p50 FC, QA "liveset" 3-4: while library kitB was being uploaded, `box-kit --from kitB` and `box-library kitB --tag
kick` said "the box has no library 'kitB'", `box-library` listed no upload, and an upload cut off midway left no line
in box.log.  Now the box lists its uploads in progress (GET /libraries/uploading), the laptop says "'kitB' is still
being uploaded (N MiB of M): try again when it is tagged" and lists them, and a cut-off upload is logged."""
from __future__ import annotations

import logging
import socket
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from device.api.errors import ApiError
from device.api.library_uploads_live import LiveUploads
from hatbox.cli import main
from tests.api.conftest import PairedServer

MIB = 1024 * 1024


def _sparse(path: Path, size: int) -> Path:
    with open(path, "wb") as fh:
        fh.truncate(size)
    return path


def test_an_upload_in_progress_is_listed_and_named_by_the_laptop(paired_server: PairedServer, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    uploads = paired_server.app.state.box.libraries.uploads
    with uploads.track("kitB", _sparse(tmp_path / "up.archive", 12 * MIB), 224 * MIB, "laptopB"):
        for argv in (["box-kit", "--from", "kitB"], ["box-library", "kitB", "--tag", "kick"]):
            capsys.readouterr()
            assert main(argv) == 2
            err = capsys.readouterr().err
            assert "'kitB' is still being uploaded (12 of 224 MiB): try again when it is tagged" in err, err
            assert "has no library" not in err
        capsys.readouterr()
        assert main(["box-library"]) == 0
        assert "(uploading)  kitB  being uploaded (12 of 224 MiB), from laptopB" in capsys.readouterr().out
    capsys.readouterr()
    assert main(["box-kit", "--from", "kitB"]) == 2
    assert "the box has no library 'kitB'" in capsys.readouterr().err          # over: as before


def test_unpacking_is_said_and_the_route_lists_it(tmp_path: Path) -> None:
    from tests.api.conftest import make_box
    box = make_box(tmp_path)
    with box.app.state.box.libraries.uploads.track("kitB", _sparse(tmp_path / "u", 3 * MIB), 3 * MIB) as live:
        live.phase = "unpacking"
        [one] = box.client.get("/libraries/uploading", headers=box.auth).json()
    assert one["name"] == "kitB" and one["phase"] == "unpacking" and one["received"] == 3 * MIB
    assert box.client.get("/libraries/uploading", headers=box.auth).json() == []
    from hatbox.library_uploading import how_far
    assert how_far(one) == "being unpacked (3.0 MiB received)"


def test_a_cut_off_upload_is_said_in_the_log(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, "hatbox.api")
    with pytest.raises(ApiError):
        with LiveUploads().track("kitF", _sparse(tmp_path / "u", 112 * MIB), 224 * MIB):
            raise ApiError(400, "upload cut short", "the client went away before the upload finished")
    assert "upload of 'kitF' cut off after 112 of 224 MiB: nothing kept" in caplog.text
    caplog.clear()
    with pytest.raises(ApiError):        # a refusal is not a cut-off
        with LiveUploads().track("kitF", _sparse(tmp_path / "v", MIB), 224 * MIB):
            raise ApiError(413, "too large", "over the limit")
    assert "cut off" not in caplog.text


def test_a_laptop_gone_midway_through_a_real_upload_leaves_a_line(paired_server: PairedServer,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, "hatbox.api")
    _, token = paired_server.app.state.box.tokens.issue("laptopF")
    url = urlparse(paired_server.running.url)
    with socket.create_connection((url.hostname, url.port)) as s:
        s.sendall(f"POST /libraries?name=kitF HTTP/1.1\r\nHost: box\r\nAuthorization: Bearer {token}\r\n"
                  f"Content-Type: application/octet-stream\r\nContent-Length: {2 * MIB}\r\n\r\n".encode()
                  + b"\0" * (MIB // 2))
        end = time.monotonic() + 5
        while not paired_server.app.state.box.libraries.uploads.listed() and time.monotonic() < end:
            time.sleep(0.02)
        listed: list[Any] = paired_server.app.state.box.libraries.uploads.listed()
        assert [u.name for u in listed] == ["kitF"] and listed[0].total == 2 * MIB
    end = time.monotonic() + 10
    while "cut off" not in caplog.text and time.monotonic() < end:
        time.sleep(0.05)
    assert "upload of 'kitF' cut off after 0.5 of 2.0 MiB: nothing kept (from laptopF)" in caplog.text
    assert paired_server.app.state.box.libraries.uploads.listed() == []

"""p51 MF1 (2): `box-library NAME --wait` while an upload of NAME is taken follows the library that upload made.
The ids of NAME kept from before are read before the upload is looked for (an upload that committed between the two
reads put its new id among them), and the library is picked among the others (of several called NAME, the newest of
this laptop's was picked: another laptop's new upload of NAME lost to this laptop's old one); either way the wait
said "ended without a new library".  Against a stand-in box (httpx.MockTransport)."""
from __future__ import annotations

import argparse
from typing import Any

import httpx
import pytest

from hatbox import library_uploading
from hatbox.errors import HatboxError

OLD = {"id": "lib-kitb-000001", "name": "kitB", "uploaded_by_you": True}
NEW = {"id": "lib-kitb-000002", "name": "kitB", "uploaded_by_you": False}
UPLOAD = {"name": "kitB", "phase": "unpacking", "received": 1 << 20, "total": 1 << 20}


class Box:
    """GET /libraries and GET /libraries/uploading; the upload makes ``made`` (None: none, cut off) right after the
    ``commit_after``-th answer that lists it."""

    def __init__(self, made: dict[str, Any] | None, commit_after: int = 1) -> None:
        self.libraries, self.made, self.left = [dict(OLD)], made, commit_after

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/libraries":
            return httpx.Response(200, json=self.libraries)
        if request.url.path == "/libraries/uploading":
            if self.left <= 0:
                return httpx.Response(200, json=[])
            self.left -= 1
            answer = httpx.Response(200, json=[UPLOAD])
            if self.left == 0 and self.made is not None:    # it commits as the answer is on its way
                self.libraries.append(dict(self.made))
            return answer
        return httpx.Response(404, json={"detail": "no such route"})


def _wait(box: Box, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any] | None:
    monkeypatch.setattr(library_uploading.time, "sleep", lambda _s: None)
    args = argparse.Namespace(id="kitB", wait=True, retag=False, quiet=True, delete=False, fix=None, cancel=False,
                              rename_word=None, drop_word=None, none=False)
    with httpx.Client(base_url="http://box", transport=httpx.MockTransport(box.handle)) as client:
        return library_uploading.upload_first(client, args)


def test_an_upload_that_commits_between_the_two_reads_is_followed(monkeypatch: pytest.MonkeyPatch) -> None:
    mine = {**NEW, "uploaded_by_you": True}
    assert _wait(Box(mine), monkeypatch) == mine


def test_another_laptops_upload_of_the_name_is_followed_over_an_old_one_of_ours(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert _wait(Box(NEW, commit_after=2), monkeypatch) == NEW


def test_an_upload_cut_off_names_the_library_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(HatboxError) as caught:
        _wait(Box(None, commit_after=2), monkeypatch)
    assert caught.value.args[0] == ("the upload of 'kitB' ended without a new library (cut off or refused: hatbox "
                                    f"box-logs); library {OLD['id']} from before is unchanged")


def test_an_upload_cut_off_with_nothing_kept_says_the_box_holds_none(monkeypatch: pytest.MonkeyPatch) -> None:
    box = Box(None, commit_after=2)
    box.libraries = []
    with pytest.raises(HatboxError) as caught:
        _wait(box, monkeypatch)
    assert str(caught.value).startswith("the upload of 'kitB' ended, and the box holds no library of that name")

"""p42 network QA: `push-library libs/big` (a folder) named "big.tar", an archive the user never made, in its progress
and interrupt messages; and a proxy's 502 {"detail": "boom"} was printed as the box's words ("the box could not do
it: ...").  Now the folder is named, and only the box's JSON error form is called the box's."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import soundfile as sf

from hatbox import cmd_box_library
from hatbox.box_client import BoxRefused, _checked, upload
from hatbox.cli import main
from hatbox.errors import HatboxError
from tests.api.conftest import PairedServer

BASE = "http://box.local:8750"


def test_an_upload_names_what_the_user_sent(tmp_path: Path) -> None:
    archive = tmp_path / "big.tar"
    archive.write_bytes(b"x" * 5000)

    def broken(request: httpx.Request) -> httpx.Response:
        raise httpx.WriteError("the link went")
    client = httpx.Client(base_url=BASE, transport=httpx.MockTransport(broken))
    with pytest.raises(HatboxError) as info:
        upload(client, "/libraries", archive, {}, quiet=True, listing="hatbox box-library", shown="libs/big")
    assert "of libs/big" in str(info.value) and "big.tar" not in str(info.value), str(info.value)


def test_push_library_of_a_folder_shows_the_folder(tmp_path: Path, paired_server: PairedServer,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "libs" / "big"
    folder.mkdir(parents=True)
    sf.write(folder / "kick.wav", np.zeros(4800, np.float32), 48000)
    shown: list[Any] = []

    def spy(*args: Any, **kw: Any) -> Any:
        shown.append(kw.get("shown"))
        return upload(*args, **kw)
    monkeypatch.setattr(cmd_box_library, "upload", spy)
    assert main(["push-library", str(folder), "--quiet"]) == 0
    assert shown == [str(folder)]


def _answer(status: int, **kw: Any) -> httpx.Response:
    return httpx.Response(status, request=httpx.Request("POST", f"{BASE}/packs"), **kw)


def test_a_proxys_502_is_not_called_the_boxs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HATBOX_DEBUG", raising=False)
    with pytest.raises(HatboxError) as info:
        _checked(_answer(502, json={"detail": "boom"}), BASE, "POST /packs", "fx.hatpack")
    text = str(info.value)
    assert not isinstance(info.value, BoxRefused) and "the box could not do it" not in text
    assert text.startswith(f"a server between this computer and the box at {BASE} (not the box) answered 502 Bad "
                           'Gateway ({"detail":"boom"}); the box may or may not have kept fx.hatpack'), text
    with pytest.raises(BoxRefused, match="the box could not do it: the engine did not take it"):     # the box's own
        _checked(_answer(502, json={"error": "engine refused", "message": "the engine did not take it"}), BASE)

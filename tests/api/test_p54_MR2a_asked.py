"""p54 MR2a (review R2 of F4): what the laptop says after asking the box whether an upload whose answer was lost
arrived.  A box answered by an in-memory transport (httpx.MockTransport): each route's answers in turn."""
from __future__ import annotations

import argparse
import hashlib
import time
import unicodedata
from pathlib import Path
from typing import Any

import httpx
import pytest

from hatbox import upload_asked
from hatbox.box_client import _Upload, _upload_error
from hatbox.errors import HatboxError, Interrupted
from hatbox.library_replace import not_sent_words

Answer = Any      # a JSON body, an httpx.Response, or a callable giving one of those


def _box(routes: dict[str, list[Answer]]) -> httpx.Client:
    """A client whose box answers GET PATH with the next of ``routes[PATH]`` (the last one once they run out)."""
    def handler(request: httpx.Request) -> httpx.Response:
        answers = routes[request.url.path]
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        answer = answer() if callable(answer) else answer
        return answer if isinstance(answer, httpx.Response) else httpx.Response(200, json=answer)
    return httpx.Client(base_url="http://box.test", transport=httpx.MockTransport(handler))


def _error(status: int, message: str) -> httpx.Response:
    return httpx.Response(status, json={"error": "x", "message": message})


def _lost(name: str = "kit") -> HatboxError:
    return _upload_error(TimeoutError("read"), _Upload(name, 10, "hatbox box-library", sent=10))


def _archive(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "kit.zip"
    path.write_bytes(b"an archive's bytes")
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def _ask(client: httpx.Client, tmp_path: Path, name: str = "kit", limit_s: float = 1.0, **look: Any) -> Any:
    """library_asked's answer, or what it raised (any exception, a Ctrl-C too)."""
    archive, digest = _archive(tmp_path)
    try:
        return upload_asked.library_asked(client, _lost(name), upload_asked.library_look(
            client, name, archive, digest, None, **look), name, limit_s)
    except BaseException as exc:   # noqa: BLE001 - a bare KeyboardInterrupt must not end the test run
        return exc


def _lib(tmp_path: Path, **kw: Any) -> dict[str, Any]:
    return {"id": "kit-1", "name": "kit", "sha256": _archive(tmp_path)[1], "state": "untagged", "accepted": 2, **kw}


def test_a_library_that_arrived_and_failed_is_said_with_the_box_reason(tmp_path: Path) -> None:
    failed = _lib(tmp_path, state="failed", error="tagging failed: the tagger pack is gone")
    got = _ask(_box({"/libraries/uploading": [[]], "/libraries": [[failed]]}), tmp_path)
    assert isinstance(got, HatboxError), got
    assert "asked the box: it arrived but failed: tagging failed: the tagger pack is gone" in str(got), str(got)
    assert "did not arrive" not in str(got) and "hatbox box-library kit-1 --delete" in str(got), str(got)
    assert not_sent_words(got, "kit", 1, "hatbox push-library kit").startswith(
        "--replace: the new library arrived but failed, so nothing was deleted: your library called 'kit' stays")


def test_a_failed_copy_held_before_sending_is_not_this_upload(tmp_path: Path) -> None:
    failed = _lib(tmp_path, state="failed", error="an old failure")
    got = _ask(_box({"/libraries/uploading": [[]], "/libraries": [[failed]]}), tmp_path, held={"kit-1"})
    assert isinstance(got, HatboxError) and "asked the box: it did not arrive" in str(got), got


def test_did_not_arrive_is_marked_on_the_error_and_replace_says_so(tmp_path: Path) -> None:
    got = _ask(_box({"/libraries/uploading": [[]], "/libraries": [[]]}), tmp_path)
    assert isinstance(got, HatboxError) and "after all of kit was sent" in str(got), got   # the words of a lost
    said = not_sent_words(got, "kit", 1, "hatbox push-library kit")                       # answer, all the same
    assert said == "--replace: the new library did not arrive, so nothing was deleted: your library called 'kit' " \
                   "stays as it was", said


def test_one_failed_read_is_asked_again(tmp_path: Path) -> None:
    lib = _lib(tmp_path)
    client = _box({"/libraries/uploading": [[]], "/libraries": [_error(500, "disk hiccup"), [lib]],
                   "/libraries/kit-1": [{**lib, "files": []}]})
    got = _ask(client, tmp_path, limit_s=5.0)
    assert isinstance(got, dict) and got["id"] == "kit-1", got


def test_a_box_that_refuses_is_said_as_refusing_at_once(tmp_path: Path) -> None:
    client = _box({"/libraries/uploading": [_error(401, "this device is not paired")],
                   "/libraries": [_error(401, "this device is not paired")]})
    began = time.monotonic()
    got = _ask(client, tmp_path, limit_s=5.0)
    assert time.monotonic() - began < 2.0                           # asking again changes nothing
    assert isinstance(got, HatboxError), got
    assert "the box refused to say whether it did (the box refused: this device is not paired)" in str(got), got
    assert "hatbox pair" in str(got) and "no answer" not in str(got), got


def test_an_older_box_is_told_from_a_failed_read(tmp_path: Path) -> None:
    old = _ask(_box({"/libraries/uploading": [_error(404, "no library 'uploading'")], "/libraries": [[]]}),
               tmp_path, limit_s=0.2)
    assert "the box (an older hatbox) does not say whether it is still unpacking it" in str(old), old
    failed = _ask(_box({"/libraries/uploading": [_error(500, "disk hiccup")], "/libraries": [[]]}),
                  tmp_path, limit_s=0.2)
    assert "older hatbox" not in str(failed), failed
    assert "the box did not say whether it is still unpacking it (the box could not do it: disk hiccup)" \
           in str(failed), failed


def _upload(name: str, total: int, by: str = "laptop") -> dict[str, Any]:
    return {"name": name, "phase": "unpacking", "received": total, "total": total, "by": by, "seconds": 1.0}


def test_another_laptops_upload_of_the_name_is_not_this_one(tmp_path: Path) -> None:
    size = _archive(tmp_path)[0].stat().st_size
    other = _ask(_box({"/libraries/uploading": [[_upload("kit", size + 999, "laptopB")]], "/libraries": [[]]}),
                 tmp_path)
    assert "asked the box: it did not arrive" in str(other), other
    nfd = unicodedata.normalize("NFD", "Smäll")
    ours = _ask(_box({"/libraries/uploading": [[_upload(nfd, size)]], "/libraries": [[]]}), tmp_path,
                name=unicodedata.normalize("NFC", "Smäll"), limit_s=0.2)
    assert "asked the box: 'Smäll' is still being unpacked" in str(ours), ours


def test_a_ctrl_c_after_it_arrived_is_said_as_arrived(tmp_path: Path) -> None:
    def stop() -> Any:
        raise KeyboardInterrupt
    got = _ask(_box({"/libraries/uploading": [[]], "/libraries": [[_lib(tmp_path)]], "/libraries/kit-1": [stop]}),
               tmp_path)
    assert isinstance(got, Interrupted), repr(got)
    assert "asked the box: it arrived as library kit-1; stopped (Ctrl-C)" in str(got), str(got)
    said = not_sent_words(got, "kit", 1, "hatbox push-library kit")
    assert said.startswith("--replace: the new library arrived, but the push stopped before the replacement"), said


def test_a_ctrl_c_while_a_pack_is_hashed_with_activate_says_what_the_box_may_do(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import device.store
    from hatbox.box_packs import push_upload
    from tests.api.packs import gain_pack
    path = gain_pack(tmp_path / "fx.hatpack", "fx", "1.0.0")

    def lost(*_a: Any, **_k: Any) -> Any:
        raise _upload_error(TimeoutError("read"), _Upload("fx.hatpack", 10, "hatbox box-pack", sent=10))

    def stopped(_path: Any) -> str:
        raise KeyboardInterrupt
    monkeypatch.setattr(device.store, "file_sha256", stopped)
    before = [{"id": "effect-old-1", "kind": "effect", "active": True, "name": "old", "version": "1.0.0"}]
    args = argparse.Namespace(activate=True, quiet=True)
    try:
        push_upload(_box({"/packs": [[]]}), path, args, lost, before)
        got: BaseException | None = None
    except BaseException as exc:   # noqa: BLE001 - a bare KeyboardInterrupt must not end the test run
        got = exc
    assert isinstance(got, Interrupted), repr(got)
    assert "stopped asking the box whether it arrived (Ctrl-C): the box may still install it and make it the active " \
           "effect pack" in str(got), str(got)
    assert "to go back to old 1.0.0 (active before): hatbox box-pack effect-old-1 --activate" in str(got), str(got)



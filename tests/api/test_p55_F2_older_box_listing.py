"""p55 QA_A finding 1: a new laptop with a box from before paging (p47).  Such a box refuses ``offset`` (and, from
before p49, ``nones``) as an unknown query parameter with a 400, so `box-library LIB --tag T`, `--unsure`, `--like F`
and `--untagged` ended at once with the box's raw words.  Now the laptop asks once again without the parameter the
box does not take and lists what that box gives (its one page), saying what it cannot give."""
from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import soundfile as sf
from starlette.requests import Request
from starlette.responses import JSONResponse

from hatbox import library_browse
from hatbox.cli import main
from hatbox.errors import HatboxError

# what each listing route of a box from before p47 accepts, as its 400 names them (device/api/app.py strict_query)
OLD_ACCEPTS = {"tags": "limit", "unsure": "k", "similar": "k, path", "untagged": "k"}
NEW_ONLY = ("offset", "nones")


def _old_refusal(request: Request) -> JSONResponse | None:
    """The 400 an older box answers a listing asked with a parameter it lacks (its body, word for word), else None."""
    route = request.url.path.split("/")[3] if request.url.path.count("/") >= 3 else ""
    unknown = sorted(set(request.query_params) & set(NEW_ONLY))
    if route not in OLD_ACCEPTS or not unknown:
        return None
    message = f"unknown query parameter {unknown[0]!r} (accepted: {OLD_ACCEPTS[route]})"
    return JSONResponse({"error": "bad request", "message": message, "check": None, "hint": None}, status_code=400)


@pytest.fixture
def box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """A real box on loopback whose listing routes answer as a box from before p47 does while ``older`` is true
    (``offset``/``nones`` refused with its 400, no X-Total-Count header); the laptop paired with it, a tagger
    active and library 'drums' (kit/: six files) tagged.  Yields {"older": bool, "refused": [parameter...]}."""
    from device.api.app import ApiConfig, create_app
    from device.api.server import start_in_thread
    from device.api.sim import RecordingControl
    from tests.api.conftest import FAST_ENGINE
    from tests.api.packs import tagger_pack
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "cfg" / "remote.json"))
    for var in ("HATBOX_URL", "HATBOX_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    state: dict[str, Any] = {"older": False, "refused": []}
    codes: list[str] = []
    app = create_app(tmp_path / "box", RecordingControl(), ApiConfig(engine=FAST_ENGINE, on_code=codes.append))

    @app.middleware("http")
    async def older(request: Request, call_next: Any) -> Any:
        refusal = _old_refusal(request) if state["older"] else None
        if refusal is not None:
            state["refused"].append(json.loads(refusal.body)["message"])
            return refusal
        response = await call_next(request)
        if state["older"]:
            del response.headers["X-Total-Count"]
        return response
    running = start_in_thread(app)
    try:
        assert main(["pair", running.url, "--code", codes[-1], "--name", "laptop"]) == 0
        assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0
        folder = tmp_path / "drums" / "kit"
        folder.mkdir(parents=True)
        rng = np.random.default_rng(5)
        for i in range(6):
            sf.write(folder / f"s{i}.wav", (0.4 * rng.standard_normal(2400 * (i + 1))).astype(np.float32), 48000)
        assert main(["push-library", str(tmp_path / "drums"), "--wait", "--quiet"]) == 0
        yield state
    finally:
        running.stop()


LISTINGS = [["--tag", "kick"], ["--tag", "snare"], ["--unsure"], ["--like", "kit/s0.wav"], ["--untagged"]]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["box-library", "drums", *argv])
    got = capsys.readouterr()
    return code, got.out, got.err


def test_an_older_box_lists_what_the_new_box_lists(box, capsys) -> None:
    """Each listing, text and --json, from the new box, then from the box answering as an older one: the same files.
    With it (one box made: two tests made it each), --untagged on an older box says once what it does not list (the
    files marked as none of the words), where the new box's said nothing of them."""
    capsys.readouterr()
    new = {tuple(ask): _run(capsys, *ask) for ask in LISTINGS}
    new_json = {tuple(ask): _run(capsys, *ask, "--json") for ask in LISTINGS}
    assert all(code == 0 for code, _, _ in new.values()), new
    assert "none of the words" not in new[("--untagged",)][2]
    box["older"] = True
    for ask in LISTINGS:
        code, out, err = _run(capsys, *ask)
        assert code == 0 and "unknown query parameter" not in err, (ask, err)
        assert out == new[tuple(ask)][1], ask                        # the same files, in the same lines
        if ask == ["--untagged"]:
            assert err.count("this box (an older hatbox) does not list the files you marked as none of the "
                             "words (it keeps no such correction)") == 1, err
        code, out, _ = _run(capsys, *ask, "--json")
        assert code == 0 and json.loads(out) == json.loads(new_json[tuple(ask)][1]), ask
    assert any("'offset' (accepted: limit)" in m for m in box["refused"]), box["refused"]
    assert any("'offset' (accepted: k, path)" in m for m in box["refused"]), box["refused"]
    assert any("'nones' (accepted: k)" in m for m in box["refused"]), box["refused"]


# ----------------------------------------------------------------------- a box that cannot page cuts a long listing
def _fake_older_box(rows: int) -> tuple[httpx.Client, list[dict[str, str]]]:
    """A box from before p47 (httpx.MockTransport) holding ``rows`` files under every listing: it refuses ``offset``
    with its 400, and gives the first k (limit) rows of what it holds, with no X-Total-Count."""
    asked: list[dict[str, str]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        asked.append(params)
        if "offset" in params:
            return httpx.Response(400, json={"error": "bad request", "check": None, "hint": None,
                                             "message": "unknown query parameter 'offset' (accepted: k)"})
        n = min(rows, int(params.get("k") or params.get("limit") or 20))
        return httpx.Response(200, json=[{"path": f"kit/s{i}.wav", "margin": 0.1, "guesses": [["kick", 0.5]],
                                          "exclusive": True, "in_doubt": False} for i in range(n)])
    return httpx.Client(base_url="http://box.test", transport=httpx.MockTransport(answer)), asked


def _args(**kw: Any) -> argparse.Namespace:
    return argparse.Namespace(**{"tag": None, "unsure": False, "untagged": False, "like": None, "k": None,
                                 **kw})


def test_a_listing_longer_than_an_older_box_gives_at_once_says_it_is_its_first_page(capsys) -> None:
    client, asked = _fake_older_box(5000)
    which, answer = library_browse.asked_listing(client, "drums", _args(unsure=True, k=2000))
    assert which == "unsure" and len(answer) == 1000                 # the box's most at once (k <= 1000)
    assert asked == [{"k": "1000", "offset": "0"}, {"k": "1000"}], asked        # asked once again, without offset
    err = capsys.readouterr().err
    assert "note: this box (an older hatbox) lists the first 1000 only" in err, err
    client, asked = _fake_older_box(30)                             # all it holds: no note
    which, answer = library_browse.asked_listing(client, "drums", _args(unsure=True, k=2000))
    assert len(answer) == 30 and capsys.readouterr().err == ""
    client, _ = _fake_older_box(5000)                               # -k within its page: what was asked
    assert len(library_browse.asked_listing(client, "drums", _args(unsure=True, k=50))[1]) == 50
    assert capsys.readouterr().err == ""


def test_another_refusal_is_not_taken_for_an_older_box() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"error": "bad request", "message": "unknown query parameter 'kk' "
                                                                             "(accepted: k, offset)"})
    client = httpx.Client(base_url="http://box.test", transport=httpx.MockTransport(answer))
    with pytest.raises(HatboxError, match="'kk'"):
        library_browse.asked_listing(client, "drums", _args(unsure=True, k=5))

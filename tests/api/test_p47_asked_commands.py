"""p47 F3: the words a command adds from a GET it can do without go through hatbox.box_client.asked.  Three of the
most used commands (`hatbox push --activate`, `hatbox box-library`, `hatbox box-library ID --tag TAG`) and `hatbox
box-midi` are run against a real box app, once as it answers, once with one GET answered as a box from before that
route answers it (FastAPI's 404), once with the connection dropped on that GET: the command's output is the same
and it exits 0.  The laptop's client reaches the app through an httpx transport that forwards every request to it
(the fault injected on the way), so nothing listens on a port and no thread is left running."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable

import httpx
import pytest

from hatbox import box_client, cmd_box_library, cmd_midi, cmd_remote
from hatbox.cli import main
from tests.api.conftest import BoxUnderTest, make_box
from tests.api.packs import gain_pack
from tests.api.test_kit import _tagged_library

URL = "http://127.0.0.1:1"          # never reached: a dropped connection's TLS probe is refused at once
FAULTS = ("old box", "dropped")


def _forwarding(box: BoxUnderTest, cut: dict[str, int], fault: str | None,
                faulted: list[str]) -> Callable[..., httpx.Client]:
    """A stand-in for hatbox.box_client._client: an httpx client whose requests go to ``box``'s app, except the GETs
    of a path in ``cut`` after the first ``cut[path]`` of them, answered as ``fault`` says (None: as the box does),
    each such path appended to ``faulted``."""
    seen: dict[str, int] = {}

    def answer(req: httpx.Request) -> httpx.Response:
        path = req.url.path
        seen[path] = seen.get(path, 0) + (req.method == "GET")
        if fault is not None and req.method == "GET" and path in cut and seen[path] > cut[path]:
            faulted.append(path)
            if fault == "old box":
                return httpx.Response(404, json={"detail": "Not Found"})     # FastAPI's, for a route it lacks
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=req)
        headers = {k: v for k, v in req.headers.items() if k.lower() not in ("host", "content-length")}
        r = box.client.request(req.method, req.url.raw_path.decode(), content=req.content, headers=headers)
        kept = {k: v for k, v in r.headers.items() if k.lower() not in ("content-length", "content-encoding")}
        return httpx.Response(r.status_code, headers=kept, content=r.content)

    def client(url: str, token: str | None, _verify: Any) -> httpx.Client:
        return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"},
                            transport=httpx.MockTransport(answer))
    return client


def _run(box: BoxUnderTest, argv: list[str], cut: dict[str, int], fault: str | None, monkeypatch: pytest.MonkeyPatch,
         capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """`hatbox ARGV` against ``box``: (exit code, its stdout with timings as "T s"); a ``fault`` that was never
    injected fails the test (the GET it stands for was not asked)."""
    monkeypatch.setenv("HATBOX_URL", URL)
    monkeypatch.setenv("HATBOX_TOKEN", box.token)
    faulted: list[str] = []
    fake = _forwarding(box, cut, fault, faulted)
    for module in (box_client, cmd_remote, cmd_box_library, cmd_midi):
        monkeypatch.setattr(module, "_client", fake)
    capsys.readouterr()
    code = main(argv)
    out = capsys.readouterr().out
    assert fault is None or sorted(set(faulted)) == sorted(cut), (faulted, out)
    return code, re.sub(r"\d+\.\d+ s\b", "T s", out)


@pytest.fixture(autouse=True)
def _laptop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "cfg" / "remote.json"))
    monkeypatch.setenv("HATBOX_PROGRESS", "off")


@pytest.mark.parametrize("fault", FAULTS)
def test_push_activate_says_the_same_without_the_pack_list_or_the_status(
        fault: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """GET /packs (is it there already? another of its name?) and the GET /status after the upload (the engine's
    notes on the pack made active) only add words: without them the pack is sent, installed and made active, said
    as always.  (The first GET /status, the box's limits, is the command's first word with the box: needed.)"""
    pack = gain_pack(tmp_path / "drive.hatpack", "drive", "1.0.0")
    outs = []
    for where, f in (("as-is", None), ("cut", fault)):
        box = make_box(tmp_path / where)
        code, out = _run(box, ["push", str(pack), "--activate"], {"/packs": 0, "/status": 1}, f, monkeypatch, capsys)
        assert code == 0 and box.active() is not None, out
        outs.append(out)
    assert "installed on the box" in outs[0] and "now active" in outs[0]
    assert outs[1] == outs[0]


@pytest.fixture(scope="module")
def tagged(tmp_path_factory: pytest.TempPathFactory) -> tuple[BoxUnderTest, str]:
    return _tagged_library(tmp_path_factory.mktemp("asked"))


@pytest.mark.parametrize("fault", FAULTS)
def test_box_library_lists_the_libraries_without_the_pack_list(
        fault: str, tagged: tuple[BoxUnderTest, str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """GET /packs (which tagger is active: "tagged by X, not the active tagger") only adds a line."""
    box, lid = tagged
    code, plain = _run(box, ["box-library"], {}, None, monkeypatch, capsys)
    assert code == 0 and lid in plain
    assert _run(box, ["box-library"], {"/packs": 0}, fault, monkeypatch, capsys) == (0, plain)


@pytest.mark.parametrize("fault", FAULTS)
def test_box_library_tag_lists_the_files_without_the_library_record(
        fault: str, tagged: tuple[BoxUnderTest, str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """`box-library ID --tag kick`: the library's record (is it being tagged?) only adds words to the list."""
    box, lid = tagged
    argv = ["box-library", lid, "--tag", "kick"]
    code, plain = _run(box, argv, {}, None, monkeypatch, capsys)
    assert code == 0 and "kit/boom.wav" in plain
    assert _run(box, argv, {f"/libraries/{lid}": 0}, fault, monkeypatch, capsys) == (0, plain)


@pytest.mark.parametrize("fault", FAULTS)
def test_box_midi_lists_the_bindings_without_the_program_map(
        fault: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`hatbox box-midi`: a box before the set list (no GET /midi/programs) lists its bindings, no program lines;
    --json gives GET /midi's answer without ``programs``."""
    box = make_box(tmp_path)
    code, plain = _run(box, ["box-midi"], {}, None, monkeypatch, capsys)
    assert code == 0 and "program change -> pack" in plain
    code, out = _run(box, ["box-midi"], {"/midi/programs": 0}, fault, monkeypatch, capsys)
    assert code == 0 and out == "".join(line for line in plain.splitlines(keepends=True)
                                        if "program change" not in line)
    code, out = _run(box, ["box-midi", "--json"], {"/midi/programs": 0}, fault, monkeypatch, capsys)
    assert code == 0 and '"bindings"' in out and '"programs"' not in out

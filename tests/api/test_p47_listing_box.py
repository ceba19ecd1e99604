"""p47 QA, scripted listings of the box (`hatbox box-library ... --json` from cron, piped into jq): a --json listing
was cut at the default -k (50) without a word, and -k above 1000 was refused, so a tag of more files could never be
listed in full; the rows differed from `hatbox library query --json`'s (scores unrounded, guesses as pairs, no
``yours``); the libraries came in id order (a hash), not newest first.  Now --json without -k lists every file (the
box asked a page at a time: ``offset`` and ``X-Total-Count``, device/api/paging.py), a -k that left files out is
said on stderr, the rows are hatbox.listing_json's, and the libraries come newest first."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import soundfile as sf

from hatbox import library_browse
from hatbox.cli import main
from tests.api.conftest import PairedServer
from tests.api.packs import tagger_pack
from tests.api.test_libraries import _library_zip
from tests.cli_run import run as _run

FILES = 56          # more than the text listing's 50


@pytest.fixture
def big_library(tmp_path: Path, paired_server: PairedServer, capsys: pytest.CaptureFixture[str]) -> str:
    """A library of :data:`FILES` short hits on the box, tagged by the test tagger (kick or snare), four of them
    corrected to "zap"; its id."""
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0
    folder = tmp_path / "kit"
    folder.mkdir()
    t = np.arange(4800) / 48000
    for i in range(FILES):
        sf.write(folder / f"hit {i:02d}.wav", 0.5 * np.exp(-t * 30) * np.sin(2 * np.pi * (60 + 13 * i) * t), 48000)
    assert main(["push-library", str(folder), "--wait", "--quiet"]) == 0
    lid = paired_server.app.state.box.libraries.list()[0]["id"]
    for i in range(4):
        assert main(["box-library", lid, "--fix", f"hit {i:02d}.wav", "zap"]) == 0
    capsys.readouterr()
    return lid


def test_listings_of_a_big_library(big_library, paired_server, capsys, monkeypatch) -> None:
    """One library of :data:`FILES` on the box (made once: three tests made it each), then three checks in order,
    each only reading it: the routes page with offset and say the total; the box's rows have the laptop's keys,
    rounded; --json without -k lists every file and a cut is said (its pages shortened last)."""
    _the_routes_page_with_offset_and_say_the_total(big_library, paired_server)
    _box_rows_have_the_laptops_keys_rounded(big_library, capsys)
    _json_without_k_lists_every_file_and_a_cut_is_said(big_library, capsys, monkeypatch)


def _json_without_k_lists_every_file_and_a_cut_is_said(big_library, capsys, monkeypatch) -> None:
    lid = big_library
    rc, out, err = _run(capsys, "box-library", lid, "--unsure", "--json")     # before: 50 of the 52, stderr empty
    rows = json.loads(out)
    assert rc == 0 and len(rows) == FILES - 4 and len({r["path"] for r in rows}) == FILES - 4 and err == ""
    rc, out, err = _run(capsys, "box-library", lid, "--like", "hit 10.wav", "--json")
    assert rc == 0 and len(json.loads(out)) == FILES - 1 and err == ""
    rc, out, err = _run(capsys, "box-library", lid, "--tag", "zap", "-k", "3", "--json")
    assert rc == 0 and len(json.loads(out)) == 3 and "... the first 3 of 4: -k 4 lists them all" in err
    rc, out, err = _run(capsys, "box-library", lid, "--unsure", "-k", "5", "--json")
    assert rc == 0 and len(json.loads(out)) == 5 and f"the first 5 of {FILES - 4}" in err
    rc, out, err = _run(capsys, "box-library", lid, "--tag", "zap", "-k", "1001", "--json")   # before: refused
    assert rc == 0 and len(json.loads(out)) == 4 and err == ""
    monkeypatch.setattr(library_browse, "PAGES", {"tag": ("limit", 3), "unsure": ("k", 7), "like": ("k", 7)})
    rc, out, _ = _run(capsys, "box-library", lid, "--unsure", "--json")       # eight pages, none twice
    assert [r["path"] for r in json.loads(out)] == [r["path"] for r in rows]
    rc, out, _ = _run(capsys, "box-library", lid, "--tag", "zap", "--json")
    assert sorted(r["path"] for r in json.loads(out)) == [f"hit {i:02d}.wav" for i in range(4)]
    rc, out, _ = _run(capsys, "box-library", lid, "--unsure")                  # the text listing: 50 as before
    assert rc == 0 and len(out.splitlines()) == 50


def _the_routes_page_with_offset_and_say_the_total(big_library, paired_server) -> None:
    from hatbox.box_config import load_config
    url, token = paired_server.running.url, load_config()["token"]
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as c:
        for path, size, more in ((f"/libraries/{big_library}/unsure", "k", {}),
                                 (f"/libraries/{big_library}/tags/zap", "limit", {}),
                                 (f"/libraries/{big_library}/similar", "k", {"path": "hit 10.wav"})):
            whole = c.get(path, params={size: 100, **more})
            first, second = (c.get(path, params={size: 2, "offset": o, **more}) for o in (0, 2))
            assert whole.headers["X-Total-Count"] == first.headers["X-Total-Count"] == str(len(whole.json()))
            assert first.json() + second.json() == whole.json()[:4], path


def _box_rows_have_the_laptops_keys_rounded(big_library, capsys) -> None:
    lid = big_library
    rc, out, _ = _run(capsys, "box-library", lid, "--tag", "zap", "--json")
    row = json.loads(out)[0]
    assert {"path", "score", "yours", "corrected", "by", "by_you"} <= set(row) and row["yours"] is True
    tag = "kick" if "kick" in json.loads(_run(capsys, "box-library", lid, "--json")[1])["tags"] else "snare"
    rows = json.loads(_run(capsys, "box-library", lid, "--tag", tag, "--json")[1])
    assert rows and all(r["yours"] is False and r["corrected"] is False and r["score"] == round(r["score"], 4)
                        for r in rows)
    rows = json.loads(_run(capsys, "box-library", lid, "--unsure", "-k", "3", "--json")[1])
    assert all(set(r) == {"path", "margin", "guesses", "exclusive", "in_doubt"} for r in rows)
    assert all(isinstance(g, dict) and set(g) == {"tag", "score"} and g["score"] == round(g["score"], 4)
               for r in rows for g in r["guesses"]) and rows[0]["margin"] == round(rows[0]["margin"], 4)
    rows = json.loads(_run(capsys, "box-library", lid, "--like", "hit 10.wav", "-k", "2", "--json")[1])
    assert all(set(r) == {"path", "score", "closeness", "yours"} and r["yours"] is False for r in rows)   # p51 B2


class _OlderBox:
    """A box from before p47: it ignores ``offset``, sends no ``X-Total-Count``, gives at most ``k`` of ``files``."""

    base_url = "http://box.test"

    def __init__(self, files: list[dict[str, Any]]) -> None:
        self.files, self.asked = files, 0

    def request(self, method: str, path: str, params: dict[str, Any]) -> httpx.Response:
        self.asked += 1
        return httpx.Response(200, json=self.files[:params["k"]], request=httpx.Request(method, self.base_url + path))


def test_an_older_box_is_asked_once_and_a_full_answer_said_maybe_cut(capsys) -> None:
    from hatbox.listing_json import say_cut
    box = _OlderBox([{"path": f"f{i}", "score": 0.5} for i in range(1500)])
    rows, total = library_browse.paged(box, "/libraries/x/similar", "like", None)
    assert len(rows) == 1000 and total is None and box.asked == 1       # not the same page again at offset 1000
    say_cut(len(rows), total)
    assert "this box does not say how many there are" in capsys.readouterr().err
    box = _OlderBox([{"path": f"f{i}", "score": 0.5} for i in range(12)])
    assert library_browse.paged(box, "/libraries/x/similar", "like", None)[1] == 12     # fewer than asked: all


def test_libraries_are_listed_newest_first(tmp_path, paired_server, capsys) -> None:
    libs = paired_server.app.state.box.libraries
    ids = []
    for i in range(5):
        archive = tmp_path / f"l{i}.zip"
        archive.write_bytes(_library_zip(i + 1))
        ids.append(libs.ingest(archive, f"lib{i}", None, None)["id"])     # no tagger: untagged, no thread
    newest = ids[::-1]
    assert sorted(ids) != newest                # the box's own order (by id) is not it
    rc, out, _ = _run(capsys, "box-library", "--json")
    assert rc == 0 and [lib["id"] for lib in json.loads(out)] == newest
    rc, out, _ = _run(capsys, "box-library")
    assert [line.split()[0] for line in out.splitlines() if not line.startswith(" ")] == newest


def test_newest_first_ties_by_id() -> None:
    from hatbox.cmd_box_library import newest_first
    libs = [{"id": "b", "uploaded": 5.0}, {"id": "a", "uploaded": 5.0}, {"id": "c", "seq": 2}, {"id": "d", "seq": 1},
            {"id": "e", "uploaded": 9.0}]
    assert [lib["id"] for lib in newest_first(libs)] == ["c", "d", "e", "a", "b"]

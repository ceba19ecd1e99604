"""p49 F8, the box's side of "your words over weeks" (F4 did the laptop's):

1. A correction to "none of my words" (``[""]``) was refused by the box's checks, every correction sent with it; the
   box keeps it now (POST /libraries/{id}/fixes and PUT .../files/tags), lists it in GET .../fixes as ``[""]``, and
   shows the file under no tag and not among the tagger's "got no tag".
2. ``POST /libraries/{id}/words`` renames or drops a word in every correction (401, 404, 422 naming the words used),
   the corrections a laptop sent it last (sent_fixes.json) with them; ``GET .../words`` names the words the tagger
   lacks.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest
from fastapi.testclient import TestClient

from device.api.app import ApiConfig, create_app
from device.api.library_fixes import SENT, WAITING
from device.api.sim import RecordingControl
from tests.api.conftest import FAST_ENGINE, zip_bytes
from tests.api.test_p45_library_owners import Duo


@pytest.fixture
def duo(tmp_path: Path) -> Iterator[Duo]:
    d = Duo(tmp_path)
    yield d
    for lib in d.app.state.box.libraries.list():
        d.app.state.box.libraries.cancel(lib["id"])
        d.wait(lib["id"])


def _tagged(duo: Duo, n: int = 3) -> str:
    lid = duo.upload(duo.a, "kit", n)
    duo.wait(lid)
    return lid


def _post(duo: Duo, lid: str, fixes: dict[str, list[str]]) -> dict[str, Any]:
    r = duo.client.post(f"/libraries/{lid}/fixes", headers=duo.a,
                        json={"fixes": [{"path": p, "tags": t} for p, t in fixes.items()]})
    assert r.status_code == 200, r.text
    return dict(r.json())


def _fixes(duo: Duo, lid: str) -> dict[str, list[str]]:
    return {f["path"]: f["tags"] for f in duo.get(duo.a, f"/libraries/{lid}/fixes")}


def _words(duo: Duo, lid: str, ask: dict[str, Any], who: dict[str, str] | None = None) -> Any:
    return duo.client.post(f"/libraries/{lid}/words", json=ask, headers=duo.a if who is None else who)


def test_a_none_correction_sent_with_others_is_kept_and_the_others_too(duo: Duo) -> None:
    lid = _tagged(duo)
    tagged_before = {h["path"] for t in ("kick", "snare") for h in duo.get(duo.a, f"/libraries/{lid}/tags/{t}")}
    assert "kit/s0.wav" in tagged_before                          # the tagger gave it a tag
    body = _post(duo, lid, {"kit/s0.wav": [""], "kit/s1.wav": ["tom"]})
    assert body["kept"] == 2 and body["not_in_library"] == [] and body["kept_on_box"] == []
    fixes = {f["path"]: f for f in duo.get(duo.a, f"/libraries/{lid}/fixes")}
    assert fixes["kit/s0.wav"]["tags"] == [""] and fixes["kit/s0.wav"]["heard"] is True
    assert fixes["kit/s1.wav"]["tags"] == ["tom"]
    listed = {h["path"] for t in ("kick", "snare", "tom") for h in duo.get(duo.a, f"/libraries/{lid}/tags/{t}")}
    assert "kit/s0.wav" not in listed                             # none of the words: under no tag
    assert "" not in duo.get(duo.a, f"/libraries/{lid}/tags")
    assert "kit/s0.wav" not in {u["path"] for u in duo.get(duo.a, f"/libraries/{lid}/untagged")}
    again = _post(duo, lid, {"kit/s0.wav": [""], "kit/s1.wav": ["tom"]})     # the same again: nothing changes
    assert again["kept_on_box"] == [] and _fixes(duo, lid) == {"kit/s0.wav": [""], "kit/s1.wav": ["tom"]}


def test_a_file_set_to_none_on_the_box_and_given_back(duo: Duo) -> None:
    lid = _tagged(duo)
    r = duo.client.put(f"/libraries/{lid}/files/tags", json={"path": "kit/s2.wav", "tags": [""]}, headers=duo.b)
    assert r.status_code == 200, r.text
    assert r.json()["tags"] == [""]
    assert _fixes(duo, lid) == {"kit/s2.wav": [""]}
    assert duo.get(duo.a, f"/libraries/{lid}/fixes")[0]["by"] == "laptopB"
    r = duo.client.put(f"/libraries/{lid}/files/tags", json={"path": "kit/s2.wav", "tags": []}, headers=duo.b)
    assert r.status_code == 200 and r.json()["tags"] == [] and _fixes(duo, lid) == {}


def test_rename_and_drop_a_word_across_the_box_s_corrections(duo: Duo) -> None:
    lid = _tagged(duo)
    _post(duo, lid, {"kit/s0.wav": ["dusty"], "kit/s1.wav": ["dusty", "kick"], "kit/s2.wav": ["glitch"]})
    r = _words(duo, lid, {"rename": ["Dusty", "lofi"]})            # the corrections' spelling found in any case
    assert r.status_code == 200, r.text
    assert r.json() == {"word": "dusty", "to": "lofi", "files": 2, "kept": 0, "back": [], "merged": False, "into": 0,
                        "both": 0}
    assert _fixes(duo, lid) == {"kit/s0.wav": ["lofi"], "kit/s1.wav": ["kick", "lofi"], "kit/s2.wav": ["glitch"]}
    r = _words(duo, lid, {"drop": "glitch"})
    assert r.status_code == 200 and r.json()["back"] == ["kit/s2.wav"] and r.json()["to"] is None
    assert "kit/s2.wav" not in _fixes(duo, lid)                   # the tagger's tags stand again
    sent = json.loads((duo.app.state.box.libraries.root / lid / SENT).read_text())
    assert sent == {"kit/s0.wav": ["lofi"], "kit/s1.wav": ["kick", "lofi"]}


def test_a_renamed_correction_stays_the_laptop_s_for_its_next_push(duo: Duo) -> None:
    lid = _tagged(duo)
    _post(duo, lid, {"kit/s0.wav": ["dusty"]})
    assert _words(duo, lid, {"rename": ["dusty", "lofi"]}).status_code == 200
    body = _post(duo, lid, {"kit/s0.wav": ["lofi", "sub"]})      # the laptop renamed too, and changed the file
    assert body["kept_on_box"] == [] and body["kept"] == 1         # not "corrected differently on the box"
    assert _fixes(duo, lid) == {"kit/s0.wav": ["lofi", "sub"]}


def test_the_words_route_refuses_what_it_cannot_do(duo: Duo) -> None:
    lid = _tagged(duo)
    _post(duo, lid, {"kit/s0.wav": ["dusty"], "kit/s1.wav": ["kick"]})
    r = duo.client.post(f"/libraries/{lid}/words", json={"drop": "dusty"})
    assert r.status_code == 401
    r = _words(duo, "lib-nope-000000", {"drop": "dusty"})
    assert r.status_code == 404 and "box-library" in r.json()["hint"]
    r = _words(duo, lid, {"rename": ["nope", "x"]})
    assert r.status_code == 422
    assert "no correction of this library uses the word 'nope'" in r.json()["message"]
    assert "(the words your corrections use: dusty, kick)" in r.json()["message"]
    r = _words(duo, lid, {"rename": ["dusty", "a/b"]})            # NEW checked as any tag: nothing changed
    assert r.status_code == 422 and "cannot be a tag" in r.json()["message"]
    assert _words(duo, lid, {"drop": "x", "rename": ["a", "b"]}).status_code == 400    # one of the two
    assert _words(duo, lid, {}).status_code == 400
    assert _fixes(duo, lid) == {"kit/s0.wav": ["dusty"], "kit/s1.wav": ["kick"]}


def test_the_words_route_names_the_words_the_tagger_lacks(duo: Duo) -> None:
    lid = _tagged(duo)
    _post(duo, lid, {"kit/s0.wav": ["dusty"], "kit/s1.wav": ["dusty", "kick"], "kit/s2.wav": [""]})
    words = duo.get(duo.a, f"/libraries/{lid}/words")
    assert words == {"uses": {"dusty": 2, "kick": 1}, "tagger": ["kick", "snare"], "foreign": {"dusty": 2},
                     "files_foreign": 2}
    assert duo.client.get(f"/libraries/{lid}/words").status_code == 401


def test_corrections_waiting_for_a_first_tagging_take_none_and_a_rename(tmp_path: Path) -> None:
    codes: list[str] = []
    app = create_app(tmp_path / "box", RecordingControl(), ApiConfig(engine=FAST_ENGINE, on_code=codes.append))
    client = TestClient(app)
    r = client.post("/pair", json={"code": codes[-1], "name": "laptop"})
    who = {"Authorization": f"Bearer {r.json()['token']}"}
    r = client.post("/libraries", params={"name": "kit"}, headers=who,
                    content=zip_bytes({"kit/a.wav": _wav(tmp_path), "kit/b.wav": _wav(tmp_path)}))
    assert r.status_code == 201, r.text
    lid = r.json()["id"]                                          # no tagger on the box: no tag database yet
    r = client.post(f"/libraries/{lid}/fixes", headers=who,
                    json={"fixes": [{"path": "kit/a.wav", "tags": ["dusty"]}, {"path": "kit/b.wav", "tags": [""]}]})
    assert r.status_code == 200 and r.json()["kept"] == 2, r.text
    r = client.post(f"/libraries/{lid}/words", headers=who, json={"rename": ["dusty", "lofi"]})
    assert r.status_code == 200 and r.json()["files"] == 1, r.text
    folder = app.state.box.libraries.root / lid
    assert json.loads((folder / WAITING).read_text()) == {"kit/a.wav": ["lofi"], "kit/b.wav": [""]}
    assert json.loads((folder / SENT).read_text()) == {"kit/a.wav": ["lofi"], "kit/b.wav": [""]}
    assert client.get(f"/libraries/{lid}/words", headers=who).json()["uses"] == {"lofi": 1}
    fixes = {f["path"]: f["tags"] for f in client.get(f"/libraries/{lid}/fixes", headers=who).json()}
    assert fixes == {"kit/a.wav": ["lofi"], "kit/b.wav": [""]}


def _wav(tmp_path: Path) -> bytes:
    import numpy as np
    import soundfile as sf
    wav = tmp_path / "w.wav"
    sf.write(wav, np.linspace(-0.5, 0.5, 2400, dtype=np.float32), 48000)
    return wav.read_bytes()

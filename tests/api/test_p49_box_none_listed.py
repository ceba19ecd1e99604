"""p49 M9 (regression QA "month2"): a file corrected on the box to none of the words showed in no listing but
--export-fixes; `box-library ID --untagged` lists such files apart ("none of the words, yours (1):"), as the
laptop's `library query --untagged` does, from GET /libraries/{id}/untagged?nones=true (an older laptop, which does
not ask, gets the list as before)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from tests.api.conftest import PairedServer
from tests.api.test_p49_box_words_cli import box  # noqa: F401 - the fixture (a tagger pack active)
from tests.cli_run import run as _run




def _get(box: PairedServer, path: str, **params: str) -> Any:
    """GET ``path`` of the served box as the paired laptop."""
    import httpx

    from hatbox.box_config import load_config
    token = load_config()["token"]
    return httpx.get(box.running.url + path, params=params, headers={"Authorization": f"Bearer {token}"}).json()


def test_untagged_lists_none_of_the_words_apart(box: PairedServer, tmp_path: Path, capsys: Any) -> None:
    root = tmp_path / "Samples" / "kit"
    root.mkdir(parents=True)
    for i in range(3):
        sf.write(root / f"s{i}.wav", np.linspace(-0.5, 0.5, 4800 + 2400 * i, dtype=np.float32), 48000)
    assert _run(capsys, "push-library", str(root.parent), "--wait", "--quiet", "--no-fixes")[0] == 0
    (lib,) = box.app.state.box.libraries.list()
    lid = str(lib["id"])
    before = _get(box, f"/libraries/{lid}/untagged")
    assert _run(capsys, "box-library", lid, "--fix", "kit/s1.wav", "--none")[0] == 0
    rc, out, err = _run(capsys, "box-library", lid, "--untagged")
    assert rc == 0, err
    lines = out.splitlines()
    at = lines.index("none of the words, yours (1):")
    assert lines[at + 1].startswith("  (none: yours; ") and lines[at + 1].endswith("  kit/s1.wav")
    assert not any("kit/s1.wav" in line for line in lines[:at])               # apart, not among the tagger's
    assert _get(box, f"/libraries/{lid}/untagged") == [u for u in before if u["path"] != "kit/s1.wav"]
    asked = _get(box, f"/libraries/{lid}/untagged", nones="true")
    assert [u["path"] for u in asked if u["none"]] == ["kit/s1.wav"]
    rc, out, _err = _run(capsys, "box-library", lid, "--untagged", "--json")      # p53: last, marked none, yours
    rows = json.loads(out)
    assert rc == 0 and [(r["path"], r["yours"]) for r in rows if r["none"]] == [("kit/s1.wav", True)] == \
        [(r["path"], r["yours"]) for r in rows[-1:]]

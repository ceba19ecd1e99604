"""p43 names QA, item 5: a next-step command a hint prints writes a path with spaces or non-ASCII letters quoted
for the shell, so that it can be pasted as it is."""
from __future__ import annotations

import shlex
from pathlib import Path

import httpx

from hatbox.library_fixes import export_fixes
from hatbox.names import quoted


def test_export_fixes_next_step_quotes_the_csv_path(tmp_path: Path, capsys) -> None:
    lib = tmp_path / "Bibliothek Ü サンプル"
    lib.mkdir()
    (lib / "a.wav").write_bytes(b"")
    answer = [{"path": "a.wav", "tags": ["kick"], "heard": True}]
    client = httpx.Client(base_url="http://box.invalid",
                          transport=httpx.MockTransport(lambda _req: httpx.Response(200, json=answer)))
    out = lib / "box-fixes.csv"
    assert export_fixes(client, "lib", out, str(lib)) == 0
    line = next(ln for ln in capsys.readouterr().out.splitlines() if "hatbox train tagger" in ln)
    command = shlex.split(line.split(": ", 1)[1])
    assert command == ["hatbox", "train", "tagger", "YOUR-TAGS/", str(out)]


def test_quoted_leaves_plain_paths_alone():
    assert quoted("tags/fixes.csv") == "tags/fixes.csv" and quoted("a b.csv") == "'a b.csv'"

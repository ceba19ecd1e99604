"""p51 M4: the work children's protocol reader (device.library.child_process.follow) over an os.pipe(): a line split
across reads, a last line without its newline at the end, a multi-MB line read in small pieces (joined once: it was
copied once a read), a line cut off by the child's end (said in the log by its size)."""
from __future__ import annotations

import io
import json
import os
import threading
import time
from types import SimpleNamespace
from typing import Any

import pytest

from device.library import child_process


def _follow(writes: list[bytes], pause_s: float = 0.0) -> tuple[dict[str, Any], list[dict[str, Any]], Any]:
    """What :func:`follow` returns and the lines it passes to ``answer``, for a child that writes ``writes`` (one
    write each, ``pause_s`` apart) and ends; and what was said back to it."""
    r, w = os.pipe()
    said_back = io.BytesIO()
    proc = SimpleNamespace(stdout=os.fdopen(r, "rb"), stdin=said_back, pid=-1)

    def child() -> None:
        with os.fdopen(w, "wb", buffering=0) as out:
            for piece in writes:
                out.write(piece)
                time.sleep(pause_s)
    threading.Thread(target=child, daemon=True).start()
    heard: list[dict[str, Any]] = []

    def answer(said: dict[str, Any]) -> bytes | None:
        heard.append(said)
        return b"go\n" if "progress" in said else None
    try:
        last = child_process.follow(proc, threading.Event(), answer, "test")     # type: ignore[arg-type]
    finally:
        proc.stdout.close()
    return last, heard, said_back


def test_a_line_split_across_reads_is_read_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(child_process, "READ_BYTES", 7, raising=False)
    line = b'{"progress": [1, 3]}\n{"log": {"message": "x\\ny"}}\n{"report": {"tagged": 3}}\n'
    last, heard, back = _follow([line[:5], line[5:30], line[30:]], 0.02)
    assert heard == [{"progress": [1, 3]}, {"log": {"message": "x\ny"}}]
    assert last == {"report": {"tagged": 3}}
    assert back.getvalue() == b"go\n"


def test_a_last_line_without_its_newline_is_read() -> None:
    """Before p51 M4 what came after the last newline was dropped: here the child's report."""
    last, heard, _ = _follow([b'{"progress": [1, 1]}\n', b'{"report": {"tagged": 1}}'])
    assert heard == [{"progress": [1, 1]}] and last == {"report": {"tagged": 1}}


def test_a_cut_line_at_the_end_is_said_by_its_size(caplog: pytest.LogCaptureFixture) -> None:
    last, heard, _ = _follow([b'{"progress": [1, 2]}\n{"report": {"tag'])
    assert last == {} and heard == [{"progress": [1, 2]}]
    assert "test: its output ended in a cut line of 16 bytes" in caplog.text


def test_a_multi_megabyte_line_in_small_reads_is_joined_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 4 MB report line read 4 KiB at a time (1024 reads): the reader keeps each read as it came and joins the line
    once, when its newline comes (a spy on :class:`LineParts`).  Before, each read copied the whole line so far
    (``rest + chunk``): 1024 copies of 2 MB on average."""
    monkeypatch.setattr(child_process, "READ_BYTES", 4096, raising=False)
    kept, lines = [], []

    class Spy(child_process.LineParts):
        def feed(self, chunk: bytes) -> list[bytes]:
            got = super().feed(chunk)
            kept.append(max((len(part) for part in self.parts), default=0))
            lines.extend(len(line) for line in got)
            return got
    monkeypatch.setattr(child_process, "LineParts", Spy)
    files = "a" * (4 << 20)
    line = json.dumps({"report": {"files": files}}).encode() + b"\n"
    last, _, _ = _follow([line[i:i + (1 << 20)] for i in range(0, len(line), 1 << 20)])
    assert last["report"]["files"] == files
    assert lines == [len(line) - 1]                     # joined once, whole
    assert len(kept) >= len(line) // 4096 and max(kept) <= 4096    # every read kept as it came, none copied whole


def test_line_parts_keep_what_is_not_a_whole_line() -> None:
    parts = child_process.LineParts()
    assert parts.feed(b'{"a"') == [] and parts.feed(b"") == []
    assert parts.feed(b': 1}\n{"b": 2}\n{"c"') == [b'{"a": 1}', b'{"b": 2}']
    assert parts.left() == b'{"c"'
    assert parts.feed(b"\n") == [b'{"c"'] and parts.left() == b""

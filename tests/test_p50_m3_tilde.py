"""p50 M3: a folder really named "~" is kept, as hatbox.argtypes.home_expanded says, by the commands that expanded a
"~" again themselves after their argument type had (train tagger's sources, push-library's --fixes, box-library's
--folder): the home folder was read in its place."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from hatbox.cli import main
from hatbox.errors import HatboxError


@pytest.fixture
def tilde(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The working folder holding a folder named "~"; HOME elsewhere (empty)."""
    (tmp_path / "home").mkdir()
    (tmp_path / "work" / "~").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path / "work")
    return tmp_path / "work" / "~"


def test_train_tagger_reads_a_real_tilde_folder(tilde: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import trainer.tagger.pipeline as pipeline
    seen: dict[str, Any] = {}

    def train_and_export(sources: list[Path], out: Path, **_k: Any) -> Any:
        seen.update(sources=sources, out=out)
        raise HatboxError("stopped here by the test")
    monkeypatch.setattr(pipeline, "train_and_export", train_and_export)
    (tilde / "words").mkdir()
    assert main(["train", "tagger", "~/words", "--out", "~/t.hatpack"]) == 2
    assert seen["sources"] == [Path("~/words")]               # was the home folder's words/, which is not there


def test_push_fixes_reads_a_csv_in_a_real_tilde_folder(tilde: Path) -> None:
    from hatbox.library_fixes import push_fixes
    lib = tilde.parent / "lib"
    lib.mkdir()
    (lib / "k.wav").write_bytes(b"")
    (tilde / "fixes.csv").write_text("path,tags\nlib/k.wav,kick\n", encoding="utf-8")
    fixes = push_fixes(lib, "~/fixes.csv", False)
    assert fixes is not None and fixes.path == Path("~/fixes.csv")


def test_export_fixes_folder_in_a_real_tilde_folder(tilde: Path, capsys) -> None:
    from hatbox.library_fixes import export_fixes
    answer = [{"path": "k.wav", "tags": ["kick"], "heard": True, "by": None, "by_you": None}]
    client = httpx.Client(base_url="http://box.invalid",
                          transport=httpx.MockTransport(lambda _req: httpx.Response(200, json=answer)))
    (tilde / "lib").mkdir()
    assert export_fixes(client, "lib", tilde.parent / "fixes.csv", "~/lib") == 0
    assert f"(paths inside {tilde / 'lib'})" in capsys.readouterr().out
    assert (tilde.parent / "fixes.csv").read_text().splitlines()[-1] == "~/lib/k.wav,kick"

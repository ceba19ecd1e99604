"""p60 QA B finding 1: a synth a keyboard player trained played 14-26 dB under the factory synth and nothing after
training said so (only `pack inspect`, naming `python -m trainer.synth.level`).  `hatbox train synth` now levels the
pack it writes to the factory synth's level (a note at velocity 100 peaks at -6 dBFS, median), says it in its summary,
keeps the recordings' level with --keep-level, and `hatbox pack level` levels an older pack."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from device.audio import audiofile
from export.pack import read_pack
from hatbox.cli import main
from hatbox.errors import HatboxError
from tests.synth.conftest import harmonic_tone
from trainer.synth import pipeline
from trainer.synth.level import TARGET_PEAK_DBFS, measure
from trainer.synth.train import load_checkpoint

RATE = 24000


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A pack trained by the command (2 instruments, 4 notes each, 1.8 s at 10x the learning rate: a few steps at the
    default play some 60 dB under their notes, past what a level may add) and what it printed."""
    import contextlib
    import io
    from trainer.synth import train as train_module
    patch = pytest.MonkeyPatch()
    patch.setattr(pipeline, "train", lambda *a, **k: train_module.train(*a, lr=0.03, **k))
    root = tmp_path_factory.mktemp("p60m1")
    for inst, amp in (("soft", 0.1), ("bright", 0.3)):
        for p in (55, 57, 60, 62):
            (root / "notes" / inst).mkdir(parents=True, exist_ok=True)
            audiofile.write(root / "notes" / inst / f"{p}.wav", harmonic_tone(p, RATE, 0.6, amp=amp), RATE)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = main(["train", "synth", str(root / "notes"), "--out", str(root / "s.hatpack"), "--minutes", "0.03",
                   "--seconds", "0.5"])
    patch.undo()
    assert rc == 0
    return root / "s.hatpack", out.getvalue()


def test_a_trained_pack_is_levelled_and_the_summary_says_so(trained: tuple[Path, str]) -> None:
    path, said = trained
    pack = read_pack(path)
    ex = pack.manifest.extras
    assert "level_db" in ex and ex["level_fit"]["target_peak_dbfs"] == TARGET_PEAK_DBFS      # before: none set
    assert abs(measure(pack).median_dbfs - TARGET_PEAK_DBFS) <= 0.25
    line = next(x for x in said.splitlines() if "playing level:" in x)
    assert f"{ex['level_db']:+.1f} dB" in line and "-6.0 dBFS" in line and "outside --minutes" in line, line
    assert not set(pipeline.REPORT_ONLY) & set(pack.manifest.metrics)       # `pack inspect` would list them bare


def test_keep_level_measures_and_says_but_sets_nothing(trained: tuple[Path, str]) -> None:
    result = load_checkpoint(trained[0].with_name("s_report") / "checkpoint.pt")
    said: list[str] = []
    level = pipeline.playing_level(result, "s", True, said.append)
    assert level["kept"] is True and math.isfinite(level["peak_dbfs"]) and result.level_fit is None and not said
    from hatbox.cmd_synth import level_summary
    assert "--keep-level" in level_summary(level) and "hatbox pack level" in level_summary(level)


def test_a_level_that_cannot_be_set_is_warned_and_the_pack_still_written(trained: tuple[Path, str], tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    result = load_checkpoint(trained[0].with_name("s_report") / "checkpoint.pt")

    def silent(*_a: object, **_k: object) -> dict:
        raise HatboxError("synth pack 's' played no sound at velocity 100")
    monkeypatch.setattr(pipeline, "fit_pack", silent)
    said: list[str] = []
    level = pipeline.playing_level(result, "s", False, said.append)
    assert "failed" in level and len(said) == 1 and "hatbox pack level" in said[0]
    monkeypatch.setattr(pipeline, "fit_pack", lambda *_a, **_k: 1 / 0)        # any failure: the pack still written
    assert "ZeroDivisionError" in pipeline.playing_level(result, "s", False, said.append)["failed"]
    pipeline.pack_from_result(result, tmp_path / "u.hatpack", "u", {"playing_level": level})
    assert "level_db" not in read_pack(tmp_path / "u.hatpack").manifest.extras


def test_pack_level_levels_an_older_pack(trained: tuple[Path, str], tmp_path: Path, capsys) -> None:
    result = load_checkpoint(trained[0].with_name("s_report") / "checkpoint.pt")
    old = pipeline.pack_from_result(result, tmp_path / "old.hatpack", "old", {})       # as packs were written
    assert main(["pack", "inspect", str(old)]) == 0
    assert "hatbox pack level PACK sets one" in capsys.readouterr().out
    assert main(["pack", "level", str(old), "--out", str(tmp_path / "new.hatpack")]) == 0
    line = capsys.readouterr().out
    assert "now -6.0 dBFS (measured)" in line or "now -5.9" in line or "now -6.1" in line, line
    assert "level_db" in read_pack(tmp_path / "new.hatpack").manifest.extras
    assert "level_db" not in read_pack(old).manifest.extras
    assert main(["pack", "level", "factory/effect-drive.hatpack", "--out", str(tmp_path / "e.hatpack")]) == 2
    assert "not a synth pack" in capsys.readouterr().err and not (tmp_path / "e.hatpack").exists()


def test_keep_level_reaches_the_training(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    monkeypatch.setattr(pipeline, "train_to_pack", lambda *_a, **k: seen.append(k["keep_level"]) or {})
    for flag in ([], ["--keep-level"]):
        assert main(["train", "synth", str(tmp_path), "--out", str(tmp_path / "o.hatpack"), *flag]) == 0
    assert seen == [False, True]

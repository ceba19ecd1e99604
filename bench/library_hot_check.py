"""What the p44 checks of a library archive cost: the box's unpacking with and without its check for float samples
over full scale (device.library.hot), and push-library's reading of an archive before sending (its names,
device.library.member_names; its float samples, hatbox.hot_samples) against the archive's size.

    .venv/bin/python bench/library_hot_check.py [--files 200] [--kits /usr/share/hydrogen/data/drumkits]

Writes bench/results/library_hot_check.json.  Medians of 3 runs each (CPU time is shared on this machine)."""
from __future__ import annotations

import argparse
import io
import json
import statistics
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Callable

import numpy as np
import soundfile as sf

from device.library import archive, hot
from device.library.member_names import refused_names
from hatbox.hot_samples import over_full_scale

RESULTS = Path(__file__).resolve().parent / "results" / "library_hot_check.json"


def _float_zip(path: Path, files: int) -> Path:
    """``files`` 1-s float WAVs at 48 kHz, every tenth peaking at +6 dBFS, the rest at -1 dBFS."""
    t = np.arange(48000) / 48000
    x = (np.sin(2 * np.pi * 200 * t) * np.exp(-t * 5)).astype(np.float32)
    x /= np.abs(x).max()
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(files):
            buf = io.BytesIO()
            sf.write(buf, x * (2.0 if i % 10 == 0 else 0.89), 48000, subtype="FLOAT", format="WAV")
            zf.writestr(f"kit/hit{i:04d}.wav", buf.getvalue())
    return path


def _kits_zip(path: Path, kits: Path) -> Path | None:
    if not kits.is_dir():
        return None
    with zipfile.ZipFile(path, "w") as zf:
        for f in sorted(p for p in kits.rglob("*") if p.is_file()):
            zf.write(f, f.relative_to(kits).as_posix())
    return path


def _median(run: Callable[[], object], n: int = 3) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _unpack(src: Path, tmp: Path) -> Callable[[], object]:
    """One unpacking of ``src`` into a fresh folder under ``tmp``, removed after."""
    import shutil

    def run() -> None:
        dest = Path(tempfile.mkdtemp(dir=tmp)) / "lib"
        archive.unpack_archive(src, dest)
        shutil.rmtree(dest.parent)
    return run


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--kits", type=Path, default=Path("/usr/share/hydrogen/data/drumkits"))
    args = ap.parse_args()
    out: dict[str, float | int | str] = {"files": args.files}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        floats = _float_zip(tmp / "floats.zip", args.files)
        out["box_unpack_with_check_s"] = _median(_unpack(floats, tmp))
        kept = hot.hot_warning                  # member_checks.audio_warning imports it at each call
        hot.hot_warning = lambda path: ""                               # the same unpacking without the check
        try:
            out["box_unpack_without_check_s"] = _median(_unpack(floats, tmp))
        finally:
            hot.hot_warning = kept
        out["laptop_float_zip_s"] = _median(lambda: (refused_names(floats), over_full_scale(floats)))
        kits = _kits_zip(tmp / "kits.zip", args.kits)
        if kits is not None:
            out["kits_zip_mib"] = round(kits.stat().st_size / 2 ** 20, 1)
            out["laptop_kits_zip_s"] = _median(lambda: (refused_names(kits), over_full_scale(kits)))
            out["kits_hot_files"] = len(over_full_scale(kits))
    out["box_check_share"] = round(out["box_unpack_with_check_s"] / out["box_unpack_without_check_s"] - 1, 3)
    for k, v in out.items():
        print(f"{k}: {v:.3f}" if isinstance(v, float) else f"{k}: {v}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()

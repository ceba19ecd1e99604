"""How often `hatbox push-library` reads a zip or tar before sending it (its checks before a byte is sent), on a
generated ~200 MB .tar.gz of samples: 16-bit noise WAVs, a few float WAVs over full scale, a readme and a name the box
refuses.  Counts the times the archive file is opened (an audit hook) and the bytes this process read (/proc/self/io
rchar: the archive's compressed bytes, each time it is read, and the float samples' scratch copies), and the wall time.

    .venv/bin/python bench/library_archive_reads.py                 # this tree's checks (--flow new)
    HATBOX_ROOT=/tmp/old .venv/bin/python bench/library_archive_reads.py --flow old    # a tree from before p45

``--flow old``: the checks as push-library made them before p45 (each its own reading: _as_archive with its tar check,
_check_has_audio, before_sending with refused_names and over_full_scale, audio_members for library_there);
``--flow new``: _as_archive, then hatbox.archive_look's one reading for them all.  The sha256 of the archive (its
identity on the box) and the upload itself read it once more each in both, and are not counted here."""
from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(os.environ.get("HATBOX_ROOT") or Path(__file__).resolve().parents[1])
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

OUT = Path(__file__).resolve().parent / "results"


def _wav(data: np.ndarray, subtype: str) -> bytes:
    import soundfile as sf
    buf = io.BytesIO()
    sf.write(buf, data, 48000, subtype=subtype, format="WAV")
    return buf.getvalue()


def make_archive(path: Path, mb: int = 200) -> Path:
    """A .tar.gz of about ``mb`` MB: noise WAVs (16-bit, incompressible) of 2 MB each, 3 float WAVs peaking at +6 dBFS
    (2 MB each), a readme, and a WAV whose name is not UTF-8 (the box refuses it)."""
    if path.exists():
        return path
    rng = np.random.default_rng(45)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz", compresslevel=1) as tf:
        def add(name: str, data: bytes) -> None:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        for i in range(mb // 2 - 4):
            add(f"kit/noise_{i:03d}.wav", _wav(rng.uniform(-0.5, 0.5, 1 << 20).astype(np.float32), "PCM_16"))
        for i in range(3):
            add(f"kit/hot_{i}.wav", _wav(rng.uniform(-2.0, 2.0, 1 << 19).astype(np.float32), "FLOAT"))
        add("kit/readme.txt", b"a kit\n")
        add("kit/caf\xe9.wav".encode("latin-1").decode("utf-8", "surrogateescape"), _wav(np.zeros(480, np.float32),
                                                                                         "PCM_16"))
    return path


def _rchar() -> int:
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    return 0


def old_flow(src: Path, tmp: Path) -> None:
    from hatbox.library_archive import as_archive as _as_archive, check_has_audio as _check_has_audio
    from hatbox.library_push import audio_members, before_sending
    archive, _ = _as_archive(src, tmp)
    _check_has_audio(src, archive)
    before_sending(src, archive)
    audio_members(archive)


def new_flow(src: Path, tmp: Path) -> None:
    from hatbox.archive_look import look_archive
    from hatbox.library_archive import as_archive as _as_archive, check_has_audio as _check_has_audio
    from hatbox.library_push import before_sending
    archive, _ = _as_archive(src, tmp)
    look = look_archive(archive)
    _check_has_audio(src, archive, look)
    before_sending(src, archive, look)


def measure(flow: str, src: Path) -> dict[str, float]:
    """One run of ``flow``'s checks on ``src``: opens of it, bytes read, seconds."""
    import contextlib
    import tempfile
    run = old_flow if flow == "old" else new_flow
    opened = [0]

    def hook(event: str, args: tuple) -> None:
        if event == "open" and args and str(args[0]) == str(src):
            opened[0] += 1
    sys.addaudithook(hook)
    with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(io.StringIO()):
        r0, t0 = _rchar(), time.perf_counter()
        run(src, Path(tmp))
        seconds, read = time.perf_counter() - t0, _rchar() - r0
    return {"opens": opened[0], "read_mb": round(read / 1e6, 1), "seconds": round(seconds, 2)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--flow", choices=("old", "new"), default="new")
    p.add_argument("--archive", type=Path, default=Path("/tmp/hatbox-bench/library-200mb.tar.gz"))
    p.add_argument("--mb", type=int, default=200)
    args = p.parse_args()
    src = make_archive(args.archive, args.mb)
    warm = make_archive(args.archive.with_name("warm.tar.gz"), 8)     # imports and caches before the figures
    measure(args.flow, warm)
    figures = {"flow": args.flow, "archive_mb": round(src.stat().st_size / 1e6, 1), **measure(args.flow, src),
               "root": str(ROOT), "load": os.getloadavg()[0]}
    print(json.dumps(figures))
    OUT.mkdir(exist_ok=True)
    with open(OUT / f"library_archive_reads_{args.flow}.json", "w") as f:
        json.dump(figures, f, indent=2)


if __name__ == "__main__":
    main()

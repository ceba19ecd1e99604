"""Denoiser: hatbox trained on (noisy, clean) guitar pairs (hiss + mains hum) against ``noisereduce``
(spectral gating, stationary and non-stationary) on a held-out take, in the same run.

Figures: noise-floor reduction in dB on the noise-only passages (where the clean take is exactly
silent), and SI-SDR / ESR against the clean take on the passages with signal.

    .venv/bin/python bench/effect_denoise.py [--minutes 4] [--arch NAME] [--threads 1]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from effect_common import RATE, RUNS, ensure_data, load_mono, machine_note, render_pack, train_hatbox, write_result  # noqa: E402
from run_name import run_suffix  # noqa: E402

from trainer.data.metrics import esr, rms_db, si_sdr, silent_mask  # noqa: E402
from trainer.data.pairs import HELDOUT_NAME, read_pairs  # noqa: E402

TARGET_DB = 12.0
EDGE = 2400   # samples trimmed from each side of a noise-only passage (fade tails)


def passages(clean: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(noise-only mask, signal mask) over the held-out take, both [N] bool."""
    quiet = silent_mask(clean, RATE)
    inner = quiet & np.roll(quiet, EDGE) & np.roll(quiet, -EDGE)
    return inner, ~quiet


def score(out: np.ndarray, noisy: np.ndarray, clean: np.ndarray, seconds: float) -> dict:
    """Noise-floor reduction (dB), SI-SDR (dB) and ESR on the signal passages, compute seconds."""
    noise_only, sig = passages(clean)
    return {"noise_floor_reduction_db": round(rms_db(noisy[noise_only]) - rms_db(out[noise_only]), 2),
            "noise_floor_dbfs": round(rms_db(out[noise_only]), 2),
            "signal_si_sdr_db": round(si_sdr(out[sig], clean[sig]), 2),
            "signal_esr": round(esr(out[sig], clean[sig]), 5), "compute_s": round(seconds, 2)}


def noisereduce_baselines(noisy: np.ndarray) -> dict[str, tuple[np.ndarray, float]]:
    """noisereduce's spectral gating, non-stationary (its default) and stationary."""
    import noisereduce as nr
    out = {}
    for name, stationary in (("noisereduce_nonstationary", False), ("noisereduce_stationary", True)):
        t = time.perf_counter()
        y = nr.reduce_noise(y=noisy, sr=RATE, stationary=stationary, n_jobs=1)
        out[name] = (np.asarray(y, np.float32)[: noisy.shape[0]], time.perf_counter() - t)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=4.0)
    parser.add_argument("--arch", default=None)
    parser.add_argument("--threads", type=int, default=1, help="torch threads for both trainers (1: see docs/effect_bench.md)")
    args = parser.parse_args()
    folder = ensure_data("denoise")
    start = machine_note()
    pack = RUNS / f"denoise_{args.arch or 'default'}_{args.minutes:g}min.hatpack"
    run = train_hatbox(pack, args.minutes, data=folder, arch=args.arch, threads=args.threads)
    row = read_pairs(folder, HELDOUT_NAME)[0]
    noisy, clean = load_mono(folder / row.input), load_mono(folder / row.output)
    t = time.perf_counter()
    hat = render_pack(pack, noisy)
    results = {"input (no processing)": score(noisy, noisy, clean, 0.0),
               "hatbox": score(hat, noisy, clean, time.perf_counter() - t)}
    for name, (y, secs) in noisereduce_baselines(noisy).items():
        results[name] = score(y, noisy, clean, secs)
    for name, r in results.items():
        down = r["noise_floor_reduction_db"]
        print(f"{name:28s} noise floor {'down' if down >= 0 else 'up':4s} {abs(down):6.2f} dB  "
              f"SI-SDR {r['signal_si_sdr_db']:6.2f} dB")
    suffix = run_suffix(parser, args, {"arch": "{}", "minutes": "{:g}min"})
    write_result(f"effect_denoise{suffix}", {
        "benchmark": "denoiser vs noisereduce on a held-out noisy guitar take",
        "train": {"command": run["cli"], "wall_s": run["wall_s"], "arch": run["metrics"].get("arch"),
                  "params": run["metrics"].get("params"), "val_esr_internal": run["metrics"].get("val_esr")},
        "heldout_seconds": round(noisy.shape[0] / RATE, 1), "results": results,
        "targets": {f"noise_floor_reduction_ge_{TARGET_DB:g}_db": results["hatbox"]["noise_floor_reduction_db"] >= TARGET_DB,
                    "hatbox_si_sdr_ge_noisereduce": results["hatbox"]["signal_si_sdr_db"] >= max(
                        r["signal_si_sdr_db"] for k, r in results.items() if k.startswith("noisereduce"))},
        "machine_start": start, "machine_end": machine_note()})
    return 0


if __name__ == "__main__":
    sys.exit(main())

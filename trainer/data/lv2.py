"""LV2 plugins (e.g. guitarix's Boss DS-1) applied offline with ``lv2apply`` from ``lilv-utils``."""
from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from device.audio import audiofile
from hatbox.errors import DataError
from trainer.data.tools import run_tool

RATE = 48_000
DS1_URI = "http://guitarix.sourceforge.net/plugins/gx_bossds1_#_bossds1_"
SC1_URI = "http://plugin.org.uk/swh-plugins/sc1"


def installed_plugins() -> list[str]:
    """URIs of every LV2 plugin lilv can find (``lv2ls``)."""
    return run_tool(["lv2ls"], "listing LV2 plugins (lv2ls)").split()


def require_plugin(uri: str, package: str = "guitarix-lv2") -> str:
    """``uri`` if installed, else a DataError naming the Debian package to install."""
    if uri not in installed_plugins():
        raise DataError(f"LV2 plugin {uri} is not installed", hint=f"sudo apt-get install {package}")
    return uri


def control_symbols(uri: str) -> list[str]:
    """Control-port symbols of plugin ``uri`` (parsed from ``lv2info``)."""
    text = run_tool(["lv2info", uri], f"lv2info {uri}")
    return [line.split(":", 1)[1].strip() for line in text.splitlines()
            if line.strip().startswith("Symbol:")]


def apply(uri: str, audio: np.ndarray, controls: dict[str, float], package: str = "guitarix-lv2") -> np.ndarray:
    """Process mono ``audio`` [N] (48 kHz) through plugin ``uri`` with ``controls`` -> float32 [N]."""
    require_plugin(uri, package)
    _check_controls(uri, controls)
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "in.wav", Path(tmp) / "out.wav"
        audiofile.write(src, np.asarray(audio, dtype=np.float32), RATE)
        argv = ["lv2apply", "-i", str(src), "-o", str(dst)]
        for symbol, value in controls.items():
            argv += ["-c", symbol, f"{float(value):.6g}"]
        run_tool([*argv, uri], f"lv2apply {uri}")
        out, _ = audiofile.read(dst, expect_rate=RATE, mono=True)
    return out[0]


def _check_controls(uri: str, controls: dict[str, float]) -> None:
    known = control_symbols(uri)
    unknown = sorted(set(controls) - set(known))
    if unknown:
        raise DataError(f"{uri} has no control {', '.join(unknown)}", hint=f"its ports: {', '.join(known)}")

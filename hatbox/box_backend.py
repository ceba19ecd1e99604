"""Where `hatbox device run` plays: the engine process's config from the options, and the audio backend (ALSA, or
with --sim the file backend when no ALSA device opens).  Split from hatbox/cmd_device.py; device.audio is imported
when a box starts, not when `hatbox --help` builds the parser."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from hatbox.device_run_args import CRASH_DIR, SIM_OUTPUT
from hatbox.errors import first_line

SIM_TAKE_MINUTES = 30            # ... its first 30 min (345 MB at 48 kHz): a box left running does not fill the disk


def engine_config(args: argparse.Namespace) -> Any:
    """The engine process's ServerConfig (device/audio/server.py) for `hatbox device run`'s options ``args``."""
    from device.audio.alsa_io import AudioConfig
    from device.audio.engine import EngineConfig
    from device.audio.server import ServerConfig
    audio = AudioConfig(device=args.audio or "default", rate=args.rate, period=args.block, periods=args.periods)
    packs = {slot: str(getattr(args, slot)) for slot in ("effect", "synth") if getattr(args, slot)}
    gear = getattr(args, "sim_gear", None)         # its return is not mixed into the output: it would feed back
    return ServerConfig(engine=EngineConfig(rate=args.rate, block=args.block, live_input=not gear), audio=audio,
                        packs=packs, seconds=args.seconds, input_wav=args.input, output_wav=args.output,
                        crash_dir=str(Path(args.store) / CRASH_DIR), sim_gear=gear)


def pick_backend(cfg: Any, sim: bool, store: Path) -> str:
    """ALSA, or with --sim the file backend when no ALSA device opens (paced by the clock).

    The file backend plays ``--input`` (the box stops at its end, or after --seconds) or, without
    it, silence until the box is stopped; its output goes to ``--output`` or ``store/sim-out.wav``."""
    from device.audio.alsa_io import AlsaIO, AudioDeviceError
    if not sim:
        return "ALSA device " + cfg.audio.device
    try:
        if cfg.sim_gear:                           # the simulated gear loops the file backend's output to its input
            raise AudioDeviceError(f"not used with --sim-gear {cfg.sim_gear}, which loops the file backend")
        AlsaIO(cfg.audio).close()
        return "ALSA device " + cfg.audio.device
    except AudioDeviceError as exc:
        cfg.backend, cfg.pace = "file", True
        take = ""
        if not cfg.output_wav:                     # the default take, in the store: bounded (11.5 MB a minute)
            cfg.output_limit_s = SIM_TAKE_MINUTES * 60.0
            take = f" (its first {SIM_TAKE_MINUTES} min; --output FILE records a whole run)"
        cfg.output_wav = str(Path(cfg.output_wav or Path(store) / SIM_OUTPUT).absolute())
        until = "its end" if cfg.input_wav else "Ctrl-C or SIGTERM"
        if cfg.seconds is not None:                # an upper bound: the input's end stops the box first (p59 M2)
            until = f"its end or {cfg.seconds:g} s" if cfg.input_wav else f"{cfg.seconds:g} s"
        feed = f"{cfg.input_wav} in" if cfg.input_wav else "silence in"
        return (f"file backend ({feed}, until {until}) -> {cfg.output_wav}{take} "
                f"(ALSA '{cfg.audio.device}' unavailable: {first_line(exc)})")

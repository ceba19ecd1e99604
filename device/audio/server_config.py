"""What the box's engine process is started with (device/audio/server.py): one picklable dataclass."""
from __future__ import annotations

from dataclasses import dataclass, field

from device.audio.alsa_io import AudioConfig
from device.audio.engine import EngineConfig


@dataclass
class ServerConfig:
    """Everything the engine process needs (picklable: it crosses the process boundary)."""

    engine: EngineConfig = field(default_factory=EngineConfig)
    audio: AudioConfig = field(default_factory=AudioConfig)
    backend: str = "alsa"                 # "alsa", "file", or "auto" (ALSA, else file)
    pace: bool = False                    # hold blocks to the wall clock (file/null devices)
    alsa_conf: str | None = None          # extra ALSA config file (e.g. the file plugin's)
    seconds: float | None = None          # stop after this much audio (None: until shutdown)
    input_wav: str | None = None          # file backend: input signal (else silence)
    input_cued: bool = False              # file backend: input_wav waits for its cue, silence in until
                                          # EngineProcess.start_input(), then the file from its start (a run set up
                                          # before its input plays: hatbox demo; docs/engine.md)
    output_wav: str | None = None         # file backend: where the output is written
    output_limit_s: float | None = None   # file backend: seconds of output written at most (None: all of it)
    packs: dict[str, str] = field(default_factory=dict)   # slot -> pack loaded at start
    store: str | None = None              # the box's store folder: its knob file (STORE/knobs.json) keeps the knobs
                                          # and the volume with no pack from it (None: found through the packs)
    realtime: bool = True
    priority: int = 70
    status_json: str | None = None        # final status written here at exit
    crash_dir: str | None = None          # where a bug's traceback is written (None: the temp folder)
    sigint: bool = True                   # Ctrl-C stops the engine (EngineProcess.start: False when the
                                          # starting process ignores SIGINT, a background job's, as it did)
    decode_in_engine: bool = False        # the sampler decodes in the engine process (the old way: its audio
                                          # thread waited on it; bench/engine_kit_decode.py's peer)
    timed_notes: bool = True              # notes where in the block they came, card or paced (bench/*_timing.py)
    sim_gear: str | None = None           # file backend: simulated gear loops the output to the input (sim_gear.py)
    sim_gear_latency_ms: float = 5.0      # ... this long after (at least one block)

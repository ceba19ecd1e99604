"""The options of `hatbox device run` (hatbox/cmd_device.py) and their argparse types; split from cmd_device.py.
Light: `hatbox --help` builds this parser (no numpy, no device.audio: their words are imported when an option is
read)."""
from __future__ import annotations

import argparse
from pathlib import Path

from export.manifest import RATE_RANGE
from hatbox.argtypes import number, whole
from hatbox.errors import HatboxError


def default_store() -> Path:
    """The box's data folder when --store is not given: ~/.hatbox, read when asked (HOME as it is then; a module
    constant fixed it at import, which tests had to patch)."""
    return Path.home() / ".hatbox"


SIM_OUTPUT = "sim-out.wav"       # --sim on the file backend records here, in the store, without --output
CRASH_DIR = "logs"               # under the store: where a bug's traceback is written (device/audio/server.py)
MAX_BLOCK = 8192        # samples: device.audio.slot.MAX_BLOCK, the largest block the engine runs (not imported: numpy)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of `hatbox device run` on its parser ``p``."""
    p.add_argument("--sim", action="store_true",
                   help="simulated hardware; audio on ALSA 'default' if it opens, else the file backend")
    p.add_argument("--board", metavar="NAME|FILE.toml",
                   help="the panel's board: a name from hardware/boards/ (jetson-orin-nano-devkit, sim) or a board "
                        "file of your own wiring (default: sim with --sim, else jetson-orin-nano-devkit)")
    p.add_argument("--audio", metavar="DEVICE", help="ALSA device (default: 'default')")
    p.add_argument("--block", type=whole(1, MAX_BLOCK), default=128,
                   help=f"period / block size in samples, 1..{MAX_BLOCK} (default 128)")
    p.add_argument("--rate", type=whole(*RATE_RANGE), default=48000,
                   help=f"sample rate in Hz, {RATE_RANGE[0]}..{RATE_RANGE[1]} (default 48000)")
    p.add_argument("--periods", type=whole(2, 32), default=3, help="ALSA periods per buffer, 2..32 (default 3)")
    p.add_argument("--api", action=argparse.BooleanOptionalAction, default=True, help="serve the device API")
    p.add_argument("--name", type=box_name, default="hatbox",
                   help="the box's name on the network (mDNS) and in `hatbox status`, 1-40 letters, digits, spaces, "
                        "- or _ (default hatbox; two boxes on one network: give each its own, `hatbox pair --box "
                        "NAME` picks one)")
    p.add_argument("--mdns", action=argparse.BooleanOptionalAction, default=True,
                   help="advertise the API on the local network by mDNS (_hatbox._tcp) so `hatbox` on a laptop "
                        "finds the box; --no-mdns: reach it by its URL only")
    p.add_argument("--panel", action=argparse.BooleanOptionalAction, default=True, help="run the touch panel")
    p.add_argument("--midi", action=argparse.BooleanOptionalAction, default=True, help="listen for MIDI")
    p.add_argument("--midi-cc", action="append", default=[], type=midi_cc, metavar="CC=SLOT.KNOB",
                   help="let MIDI control change CC turn a knob, e.g. 1=effect.drive (the mod wheel), or turn "
                        "nothing: 70=off (repeatable; default: CC 70-85 turn the effect's knobs 1-16 in manifest "
                        "order; a CC moves a knob once it reaches the knob's value)")
    p.add_argument("--kit-channel", type=midi_channel, default=None, metavar="1-16|all",
                   help="the MIDI channel whose notes play the sampler's kit (default all: every channel, but the "
                        "synth's when --synth-channel is given; 10 for a keyboard on another channel that should not "
                        "layer the kit)")
    p.add_argument("--synth-channel", type=midi_channel, default=None, metavar="1-16|all",
                   help="the MIDI channel whose notes play the synth (default all: every channel but the kit's, "
                        "channel 10 when the kit plays every channel)")
    p.add_argument("--osc-port", type=whole(0, 65535), default=12000, help="OSC port (0: no OSC; default 12000)")
    p.add_argument("--osc-host", default="0.0.0.0",
                   help="OSC address to listen on (default all interfaces: any peer on the network can play "
                        "notes, knobs and volume; 127.0.0.1 keeps OSC to this machine)")
    p.add_argument("--port", type=whole(1, 65535), default=8750, help="API port (default 8750)")
    p.add_argument("--host", default="0.0.0.0",
                   help="API address (default 0.0.0.0: every IPv4 interface; :: listens on IPv6 and IPv4 both; "
                        "127.0.0.1 keeps the API to this machine)")
    p.add_argument("--store", type=Path, default=default_store(),
                   help=f"the box's data folder: packs, libraries, pairings, trusted_keys/ (default ~/.hatbox; its "
                        f"log, box.log, and a bug's traceback go to its {CRASH_DIR}/ folder)")
    p.add_argument("--require-signature", action="store_true",
                   help="refuse packs not signed by a key in STORE/trusted_keys/ (hatbox keygen makes one), from "
                        "the network and from --effect/--synth alike (default: unsigned packs are taken)")
    p.add_argument("--effect", metavar="PACK", help="effect pack to play: checked, installed on the box and made "
                                                    "its active effect (as hatbox push --activate; default: the "
                                                    "active one)")
    p.add_argument("--synth", metavar="PACK", help="synth pack to play: checked, installed on the box and made its "
                                                   "active synth (default: the active one)")
    p.add_argument("--input", metavar="WAV", help="file backend: play this instead of silence (the box stops at "
                                                  "its end; without it the box runs until stopped)")
    p.add_argument("--output", metavar="WAV",
                   help=f"file backend: write the output here (default with --sim: STORE/{SIM_OUTPUT})")
    p.add_argument("--force", action="store_true",
                   help="write the take over an --output file hatbox did not write, or under a name that is no .wav")
    p.add_argument("--seconds", type=number(0.0, None, "seconds", open_low=True), help="stop after this many seconds at most (the end of --input stops the box first)")
    p.add_argument("--sim-gear", choices=("drive", "delay", "reverb"),
                   help="with --sim: simulated gear (a drive pedal, a delay, a reverb; device/audio/sim_gear.py) loops "
                        "the box's output back to its input 5 ms later, for capture mode (docs/capture.md)")


def box_name(text: str) -> str:
    """A box name for ``--name``: 1-40 letters, digits, spaces, - or _ (what mDNS and a terminal show plainly)."""
    import re
    name = text.strip()
    if not re.fullmatch(r"[\w \-]{1,40}", name):
        raise argparse.ArgumentTypeError(f"{text!r} is not a box name: give 1-40 letters, digits, spaces, - or _")
    return name


def midi_cc(text: str) -> tuple[int, tuple[str, str] | None]:
    """argparse type of ``--midi-cc``: "74=effect.drive" -> (74, ("effect", "drive")), "1=off" -> (1, None)."""
    from device.midi import parse_binding
    try:
        return parse_binding(text)
    except HatboxError as exc:
        raise argparse.ArgumentTypeError(str(exc).replace("\n ", ";")) from None


def midi_channel(text: str) -> int | None:
    """argparse type of ``--kit-channel``/``--synth-channel``: "10" -> 9 (mido's count), "all" -> None."""
    from device.midi_channels import parse_channel
    try:
        return parse_channel(text)
    except HatboxError as exc:
        raise argparse.ArgumentTypeError(str(exc).replace("\n ", ";")) from None

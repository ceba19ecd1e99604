"""`hatbox train synth DIR --out PACK` and `hatbox play PACK --midi FILE.mid ... --out OUT.wav`."""
from __future__ import annotations

import argparse
from pathlib import Path


def register(cli) -> None:
    p = cli.subcommand("train", "synth", "train a neural synth from a folder of notes (a folder per instrument)",
                       train_synth, group_help="train models")
    p.add_argument("dir", help="note folder: DIR/<instrument>/<C4.wav | 60.wav | name_060_100.wav>")
    p.add_argument("--out", required=True, help="output .hatpack")
    p.add_argument("--minutes", type=float, default=10.0, help="training wall-clock budget (default 10)")
    p.add_argument("--name", default=None, help="pack name (default: the output file's stem)")
    p.add_argument("--seconds", type=float, default=1.5, help="length each note is cropped/padded to")
    p.add_argument("--threads", type=int, default=1, help="CPU threads for torch (default 1; on a shared CPU more threads thrash)")
    p.add_argument("--device", default=None, help="cpu, cuda or cuda:N (default: CUDA if present)")
    p.add_argument("--report", default=None, help="report folder (default: OUT without suffix + '_report')")
    p.add_argument("--seed", type=int, default=0)
    q = cli.command("play", "render a MIDI file through a synth pack, offline, with the box's synth engine",
                    play)
    q.add_argument("pack", help="synth .hatpack")
    q.add_argument("--midi", required=True, help="MIDI file to play")
    q.add_argument("--out", required=True, help="output WAV")
    q.add_argument("--corners", default=None, help="four timbre names A,B,C,D (default: the pack's first four)")
    q.add_argument("--xy", default="0,0", help="pad position X,Y; or a path 't:x,y;t:x,y...'; or a file of "
                                               "'t x y' lines (seconds, 0..1) interpolated over time")
    q.add_argument("--rate", type=int, default=48000, help="output sample rate (default 48000)")
    q.add_argument("--block", type=int, default=128, help="engine block size (default 128)")
    q.add_argument("--tail", type=float, default=1.0, help="seconds rendered after the last event")


def train_synth(args: argparse.Namespace) -> int:
    from trainer.cpuwatch import busy_warning
    from trainer.synth.pipeline import train_to_pack
    out = Path(args.out)
    report = Path(args.report) if args.report else out.with_name(out.stem + "_report")
    metrics = train_to_pack(args.dir, out, minutes=args.minutes, name=args.name or out.stem,
                            seconds=args.seconds, threads=args.threads, device=args.device, report=report,
                            seed=args.seed)
    if not metrics:                      # a torchrun worker other than the first
        return 0
    print(f"wrote {out} (report in {report})")
    for key in ("heldout_pitch_median_abs_cents", "heldout_mrstft", "train_seconds", "train_steps"):
        print(f"  {key}: {metrics[key]}")
    warning = busy_warning(metrics.get("others_cores"), metrics["train_steps"])
    if warning:
        print(f"warning: {warning}")
    return 0


def play(args: argparse.Namespace) -> int:
    from device.audio import audiofile
    from device.audio.synth import render_midi
    from export.pack import read_pack
    corners = [c.strip() for c in args.corners.split(",")] if args.corners else None
    audio = render_midi(read_pack(args.pack), args.midi, rate=args.rate, block=args.block, corners=corners,
                        xy=parse_xy(args.xy), tail_s=args.tail)
    audiofile.write(args.out, audio, args.rate)
    print(f"wrote {args.out} ({len(audio) / args.rate:.2f} s, peak {float(abs(audio).max()):.3f})")
    return 0


def parse_xy(text: str) -> list[tuple[float, float, float]]:
    """'X,Y' | 't:x,y;t:x,y;...' | a file of 't x y' lines -> [(t s, x, y)] sorted by time."""
    from hatbox.errors import HatboxError
    path = Path(text)
    if path.is_file():
        rows = [line.replace(",", " ").split() for line in path.read_text().splitlines()]
        items = [(r[0], r[1], r[2]) for r in rows if len(r) == 3 and not r[0].startswith("#")]
    elif ":" in text:
        items = [(t, *xy.split(",")) for t, xy in (p.split(":") for p in text.split(";") if p.strip())]
    else:
        items = [("0", *text.split(","))]
    try:
        pts = sorted((float(t), float(x), float(y)) for t, x, y in items)
    except ValueError:
        raise HatboxError(f"--xy {text!r}: expected X,Y or 't:x,y;...' or a file of 't x y' lines") from None
    if not pts or any(not (0 <= x <= 1 and 0 <= y <= 1) for _, x, y in pts):
        raise HatboxError(f"--xy {text!r}: positions must be within 0..1")
    return pts

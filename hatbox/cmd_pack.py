"""`hatbox pack inspect PACK`: print a pack's manifest and verify its checksums."""
from __future__ import annotations

import argparse
import json

from export.pack import read_pack


def register(cli) -> None:
    p = cli.subcommand("pack", "inspect", "print a pack's manifest and verify every checksum", inspect,
                       group_help="look inside .hatpack files")
    p.add_argument("pack", help="path to a .hatpack")
    p.add_argument("--json", action="store_true", help="print the raw manifest as JSON")


def inspect(args: argparse.Namespace) -> int:
    pack = read_pack(args.pack)          # raises PackError (with the failed check) if anything is off
    m = pack.manifest
    if args.json:
        print(json.dumps(m.to_dict(), indent=2, sort_keys=True))
        return 0
    print(f"{m.name} {m.version}  ({m.kind}, {m.sample_rate} Hz, "
          f"{m.channels_in} in / {m.channels_out} out, latency {m.latency_samples} samples)")
    if m.description:
        print(f"  {m.description}")
    for t in m.inputs:
        print(f"  in   {t.name:<16} {list(t.shape)} {t.dtype}")
    for t in m.outputs:
        print(f"  out  {t.name:<16} {list(t.shape)} {t.dtype}")
    for s in m.state:
        print(f"  state {s.input} -> {s.output} {list(s.shape)}")
    for k in m.knobs:
        print(f"  knob {k.name}: {k.min:g}..{k.max:g} {k.unit} (default {k.default:g}, {k.scale})")
    if m.tags:
        print(f"  tags: {', '.join(m.tags)}")
    for key, value in sorted(m.metrics.items()):
        print(f"  metric {key}: {value}")
    for name, digest in sorted(m.files.items()):
        print(f"  ok   {name:<16} sha256 {digest[:16]}... ({len(pack.members[name])} bytes)")
    print("all checksums verified")
    return 0

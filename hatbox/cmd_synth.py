"""`hatbox train synth DIR --out PACK` and `hatbox play PACK --midi FILE.mid ... --out OUT.wav`."""
from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path
from typing import Any

from export.manifest import RATE_RANGE
from hatbox.advice import SYNTH_MINUTES, Limit, limit_words, next_block, seed_words, stop_word
from hatbox.argtypes import minutes, number, seed, whole
from hatbox.names import default_name_help
from hatbox.cmd_effect import DEVICE_HELP
from hatbox.text import cents_words, count_words, duration_words

BLOCK_RANGE = (1, 65536)
TAIL_MAX_S = 60.0
SECONDS_RANGE = (0.25, 30.0)       # trainer.synth.pipeline.SECONDS_RANGE (not imported: it pulls in torch)
PLAY_MAX_MINUTES = 30.0            # `play` refuses a longer render unless --max-minutes raises the limit
TARGET_PEAK_DBFS = -6.0            # trainer.synth.level.TARGET_PEAK_DBFS (the factory synth's; not imported: numpy)
NEAR_SINE = 0.4                    # a spectral distance at this share of a plain sine's or over is poor (QA's
                                   # 1-minute runs of 3 and 1 instruments: 0.19 and 0.23 of it)


def register(cli) -> None:
    p = cli.subcommand("train", "synth", "train a neural synth from a folder of notes (a folder per instrument)",
                       train_synth, group_help="train models")
    p.add_argument("dir", help="note folder: DIR/<instrument>/<C4.wav | 60.wav | name_060_100.wav>")
    p.add_argument("--out", required=True, help="output .hatpack")
    p.add_argument("--minutes", type=minutes(), default=SYNTH_MINUTES,
                   help=f"training wall-clock budget (default {SYNTH_MINUTES:g}; loading the notes, the report and "
                        "setting the playing level come on top)")
    p.add_argument("--name", default=None, help=default_name_help("the output file's name (--out)"))
    p.add_argument("--seconds", type=number(*SECONDS_RANGE, "seconds"), default=1.5,
                   help="length each note is cropped/padded to (0.25..30, default 1.5)")
    p.add_argument("--threads", type=whole(1, 1024), default=1,
                   help="CPU threads for torch (default 1; on a shared CPU more threads thrash)")
    p.add_argument("--device", default=None, help=DEVICE_HELP)
    p.add_argument("--report", default=None, help="report folder (default: OUT without suffix + '_report')")
    p.add_argument("--seed", type=seed(), default=0,
                   help="random seed (default 0): another seed, another network from the same notes")
    p.add_argument("--no-holdout", action="store_true",
                   help="train on every note, the C#, F and A held out to score the synth included (once its score on "
                        "them is known): the figures are then on training notes")
    p.add_argument("--trust-names", action="store_true",
                   help="use the pitch in file names even where the audio measures another one")
    p.add_argument("--keep-level", action="store_true",
                   help="play at your recordings' own level; by default the pack is measured after training "
                        f"(outside --minutes) and set to the factory synth's level: a note at velocity 100 peaks at "
                        f"{TARGET_PEAK_DBFS:g} dBFS")
    q = cli.command("play", "render a MIDI file through a synth pack, offline, with the box's synth engine",
                    play)
    q.add_argument("pack", help="synth .hatpack")
    q.add_argument("--midi", required=True, help="MIDI file to play")
    q.add_argument("--out", required=True, help="output WAV")
    q.add_argument("--force", action="store_true", help="write over a file at --out that hatbox did not write")
    q.add_argument("--corners", default=None,
                   help="four timbre names A,B,C,D for the pad's corners: A at X,Y = 0,0, B at 1,0, C at 0,1, D at "
                        "1,1 (default: the pack's first four; `hatbox pack inspect PACK` lists its timbres)")
    q.add_argument("--xy", default="0,0", help="pad position X,Y, each 0..1 (default 0,0: corner A's timbre alone); "
                                               "or a path 't:x,y;t:x,y...'; or a file of 't x y' lines (seconds, "
                                               "0..1) interpolated over time")
    q.add_argument("--rate", type=whole(*RATE_RANGE), default=48000,
                   help="output sample rate in Hz, 8000..192000 (default 48000)")
    q.add_argument("--block", type=whole(*BLOCK_RANGE), default=128,
                   help="engine block size in samples, as on the box (default 128)")
    q.add_argument("--tail", type=number(0, TAIL_MAX_S, "seconds"), default=1.0,
                   help="seconds rendered after the end of the MIDI file, 0..60 (default 1); every note is "
                        "released there and the render goes on until the notes have faded")
    q.add_argument("--max-minutes", type=number(0, None, "minutes", open_low=True), default=PLAY_MAX_MINUTES,
                   help=f"refuse a MIDI file whose render (the file's length plus --tail) is longer than this "
                        f"(default {PLAY_MAX_MINUTES:g}; the render is held in memory, about 0.6 MB a second "
                        f"at 48 kHz)")


def train_synth(args: argparse.Namespace) -> int:
    from trainer.cpuwatch import busy_warning
    from trainer.synth.pipeline import train_to_pack
    from hatbox.replaced import kept_if_stopped, older_pack
    out = Path(args.out)
    report = Path(args.report) if args.report else out.with_name(out.stem + "_report")
    older = older_pack(out, "synth")               # compared with the new pack, always kept as NAME.prev.hatpack
    from hatbox.train_output import finish, warn
    with kept_if_stopped(older, out) as keeper:    # stopped after the new pack was written: the older one kept first
        metrics = train_to_pack(args.dir, out, minutes=args.minutes, name=args.name,
                                seconds=args.seconds, threads=args.threads, device=args.device, report=report,
                                seed=args.seed, check_names=not args.trust_names, hold_out=not args.no_holdout,
                                keep_level=args.keep_level)
        if not metrics:                  # a torchrun worker other than the first
            return 0
        keeper.keep()                    # the older pack kept, the version carried, before a line is printed
        print(f"wrote {out} (report in {report})")
        for line in summary_lines(metrics, args.minutes):
            print(line)
        warning = busy_warning(metrics.get("others_cores"), metrics["train_steps"])
        if warning:
            warn(warning)                               # on stderr, as every warning
        keeper.say()
    return finish(metrics.get("stopped_early"))         # stopped early: 130 after Ctrl-C, 143 after SIGTERM


def score_lines(metrics: dict[str, float | str], tag: str) -> list[str]:
    """The two scores in words, as `pack inspect` says them: "pitch error on held-out notes under 0.1 cents (median:
    ...)", "spectral distance to the held-out notes 0.80 (lower is better; a plain sine ... scores 4.15)"; on
    the training notes for ``tag`` "train_set"."""
    notes = "held-out notes" if tag == "heldout" else "training notes"
    cents, dist = float(metrics[f"{tag}_pitch_median_abs_cents"]), float(metrics[f"{tag}_mrstft"])
    sine = metrics.get(f"{tag}_mrstft_sine")
    scale = f"; a plain sine at their pitch and loudness scores {sine:.2f}" if isinstance(sine, (int, float)) else ""
    return [f"  pitch error on {notes} {cents_words(cents)} cents (median: the synth is given each note's pitch, so "
            "this catches a timbre heard an octave or a fifth off)",
            f"  spectral distance to the {notes} {dist:.2f} (lower is better{scale})"]


def summary_lines(metrics: dict[str, float | str], minutes: float | None = None) -> list[str]:
    """What `train synth` prints under "wrote PACK": the two scores (pitch error in cents, spectral distance) in
    words (:func:`score_lines`), how the distance compares with a plain sine's, the steps and seconds trained, and
    what to try next when it is poor (``minutes``: the run's --minutes); a first line when no note was held out to
    score them."""
    tag = str(metrics.get("eval_set", "heldout"))
    lines = [] if tag == "heldout" else [f"  no held-out notes ({no_holdout_words(metrics)}): the figures below are "
                                         "on training notes"]
    dist, sine = float(metrics[f"{tag}_mrstft"]), metrics.get(f"{tag}_mrstft_sine")
    verdict = sine_verdict(dist, sine)
    lines += score_lines(metrics, tag) + ([f"  {verdict}"] if verdict else []) + \
        [f"  trained {count_words(int(metrics['train_steps']), 'step')} in {metrics['train_seconds']:g} s"]
    if isinstance(metrics.get("envelope"), str):         # the envelope the pack plays, fitted from the notes
        lines.append(f"  envelope {metrics['envelope']}")
    level = level_summary(metrics.get("playing_level"))
    if level:
        lines.append(f"  {level}")
    if metrics.get("stopped_early"):
        lines.append(f"  stopped early ({metrics['stopped_early']}): the pack holds what was trained by then")
    many = many_held_words(metrics.get("held_out_by_instrument"))
    if many:
        lines.append(f"  {many}")
    if isinstance(sine, (int, float)) and dist >= NEAR_SINE * sine:
        limit = Limit(steps=int(metrics["train_steps"]), minutes=minutes,
                      stopped_early=bool(metrics.get("stopped_early")), default_minutes=SYNTH_MINUTES,
                      by=stop_word(metrics.get("stopped_early")))
        lines += next_block([limit_words(limit), "more notes per instrument: every few semitones over the range you "
                             "play, at a few loudnesses", seed_words("notes")],
                            "the synth sounds little like your notes yet; to get closer, try:")
    return lines


HELD_SHARE_SAID = 3 / 8     # a held-out share from this up is said: halfway from the quarter the pitch rule holds
#                            out of notes spread over all twelve pitches to the half it holds out of notes every whole
#                            tone on odd MIDI numbers (p60 QA: 37 of 82, rhodes trained on 9 of its 19)
HELD_EXCESS_SAID = 4        # ... and only this many notes or more over a quarter: 3 of 8 is a small set's chance


def many_held_words(counts: Any) -> str:
    """Words for a split that held out far more than the rule means to (``counts``: instrument -> [held out, notes],
    the metrics' ``held_out_by_instrument``): "37 of your 82 notes (45%) were held out to score the synth and not
    trained (...; rhodes trained on 9 of its 19); for the pack you will play, train again with --no-holdout ..."; ""
    for a share under :data:`HELD_SHARE_SAID` or within :data:`HELD_EXCESS_SAID` notes of a quarter."""
    if not isinstance(counts, dict) or not counts:
        return ""
    rows = {k: v for k, v in counts.items() if isinstance(v, list) and len(v) == 2}
    held, total = sum(v[0] for v in rows.values()), sum(v[1] for v in rows.values())
    if not total or held < HELD_SHARE_SAID * total or held - total / 4 < HELD_EXCESS_SAID:
        return ""
    from trainer.synth.heldout import held_pitch_words
    worst = sorted(((v[0] / v[1], k) for k, v in rows.items() if v[1] and v[0] >= HELD_SHARE_SAID * v[1]),
                   reverse=True)[:3]
    shown = "; ".join(f"{k} trained on {rows[k][1] - rows[k][0]} of its {rows[k][1]}" for _s, k in worst)
    return (f"{held} of your {total} notes ({100 * held / total:.0f}%) were held out to score the synth and not "
            f"trained: the rule holds out every {held_pitch_words(last='and')}, a quarter of notes spread over all "
            f"twelve pitches, and your notes fall on them more often" + (f" ({shown})" if shown else "") +
            "; for the pack you will play, train again with --no-holdout (every note trained; the scores are "
            "then on training notes)")


def level_summary(level: Any) -> str:
    """The pack's playing level after training (trainer.synth.pipeline.playing_level's record) in words: "playing
    level: +19.5 dB, notes at velocity 100 peak at -6.0 dBFS (median), as the factory synth's (your recordings:
    -25.5 dBFS; set in 8.6 s after training, outside --minutes)"; with --keep-level the recordings' own level and how
    to set it; "" where there is none (a failure was warned of)."""
    if not isinstance(level, dict) or "peak_dbfs" not in level:
        return ""
    velocity, target = level.get("velocity", 100), level.get("target_peak_dbfs", TARGET_PEAK_DBFS)
    took = f"{level['seconds']:g} s after training, outside --minutes" if "seconds" in level else "after training"
    if level.get("kept"):
        return (f"playing level: your recordings' own (--keep-level): notes at velocity {velocity} peak at "
                f"{level['peak_dbfs']:.1f} dBFS (median; the factory synth's {target:g} dBFS; measured in {took}); "
                f"hatbox pack level PACK sets the factory synth's")
    return (f"playing level: {level['level_db']:+.1f} dB, notes at velocity {velocity} peak at "
            f"{level['peak_dbfs']:.1f} dBFS (median), as the factory synth's (it played "
            f"{level['was_peak_dbfs']:.1f} dBFS before; set in {took}; --keep-level keeps your recordings' level)")


def no_holdout_words(metrics: dict[str, Any]) -> str:
    """Why a synth's figures are on training notes: --no-holdout, or the reason training gave (``no_holdout_why``,
    trainer.synth.train.no_holdout_why: an instrument's only note stays in training, no note is a C#, F or A, ...);
    for a pack trained before that reason was kept, the rule, which holds whatever the reason was (it said "these
    notes have none" to notes with an A among them: QA of the fifty-fourth stop)."""
    if metrics.get("no_holdout"):
        return "--no-holdout: every note was trained on"
    why = metrics.get("no_holdout_why")
    if isinstance(why, str) and why:
        return why
    from trainer.synth.heldout import held_pitch_words
    return (f"every {held_pitch_words(last='and')} is held out to score the synth, unless that would leave an "
            "instrument, or the whole set, too few notes to train on")


def sine_verdict(dist: float, sine: object) -> str:
    """How the spectral distance ``dist`` compares with a plain sine's (``sine``; "" when not measured): "well under
    a plain sine's (0.19 of it): the synth has learned the timbres' spectra", or "close to a plain sine's (0.62 of
    it): poor, ..." from :data:`NEAR_SINE` up."""
    if not isinstance(sine, (int, float)) or isinstance(sine, bool) or sine <= 0:
        return ""
    share = dist / sine
    if share >= 1:
        return f"that is no better than a plain sine ({share:.2g}x its distance): poor, the synth has not learned " \
               "the timbres yet"
    if share >= NEAR_SINE:
        return f"that is close to a plain sine's ({share:.2f} of it): poor, the synth has learned little of the " \
               "timbres yet"
    return f"that is well under a plain sine's ({share:.2f} of it): the synth has learned the timbres' spectra"




def play(args: argparse.Namespace) -> int:
    from device.audio import audiofile
    from device.audio.protect import box_output, lin_to_db
    from device.audio.synth import midi_events, render_midi
    from export.pack import read_pack
    from hatbox.errors import file_state, stopped_writing
    from hatbox.text import audio_bar, close_progress_bars
    corners = parse_corners(args.corners) if args.corners is not None else None
    xy = parse_xy(args.xy)                                   # the cheap checks first: options, paths, MIDI
    audiofile.check_output(args.out, args.force)
    events = midi_events(args.midi, args.rate)
    check_length(args.midi, args.tail, args.max_minutes)
    pack = read_pack(args.pack)
    from device.validate import check_box_plays
    check_box_plays(pack, doing="played", kept="nothing was written")
    if corners is not None:                                  # names as the pack spells them
        corners = pack_spellings(corners, pack.manifest.extras.get("names") or [])
    played = {int(m["note"]) for _, m in events if m.get("op") == "note_on" and int(m.get("velocity", 0)) > 0}
    far = range_warning(played, corners or default_corners(pack.manifest.extras.get("names") or []),
                        pack.manifest.extras.get("pitch_ranges"))
    if far:
        print(f"warning: {far}", file=sys.stderr, flush=True)
    before = file_state(args.out)
    try:
        raw = render_midi(pack, args.midi, rate=args.rate, block=args.block, corners=corners, xy=xy,
                          tail_s=args.tail, warn=lambda text: print(f"warning: {text}", file=sys.stderr, flush=True),
                          bar=lambda n, rate: audio_bar(n, rate, "playing"))
        audio, reduced_db = box_output(raw, args.rate, args.block)     # the box's output stage, as it would play
        audiofile.write(args.out, audio, args.rate)
    except KeyboardInterrupt as exc:
        close_progress_bars()
        raise stopped_writing(exc, "play", args.out, before) from None
    limited = f"; the box's limiter took up to {reduced_db:.1f} dB off the peaks" if reduced_db > 0.05 else ""
    peak = float(abs(raw).max()) if raw.size else 0.0
    print(f"wrote {args.out} ({len(audio) / args.rate:.2f} s, peak {lin_to_db(peak):.1f} dBFS "
          f"before the box's output limiter{limited})")
    print("  " + pad_words(corners or default_corners(pack.manifest.extras.get("names") or []), xy,
                           moved=args.xy != "0,0"))
    return 0


FAR_SEMITONES = 12         # a note this far past an instrument's trained range is warned of


def range_warning(played: set[int], corners: list[str], ranges: Any) -> str | None:
    """A warning for the MIDI notes ``played`` that lie more than :data:`FAR_SEMITONES` past the trained range of
    every corner timbre (the pack's extras ``pitch_ranges``; packs from before 2026-12-04 have none: None), e.g.
    "notes C1 (24) and E7 (100) lie over an octave outside what flute, oboe were trained on (G3-D5): they may not
    sound like them"; None when none does (a pack trained on 55..72 played 24 and 100 without a word before)."""
    from device.notes import note_name
    if not isinstance(ranges, dict) or not played:
        return None
    spans = [ranges[c] for c in dict.fromkeys(corners) if isinstance(ranges.get(c), list) and len(ranges[c]) == 2]
    if not spans:
        return None
    lo, hi = min(int(s[0]) for s in spans), max(int(s[1]) for s in spans)
    far = sorted(p for p in played if p < lo - FAR_SEMITONES or p > hi + FAR_SEMITONES)
    if not far:
        return None
    shown = [f"{note_name(p)} ({p})" for p in far[:6]]
    listed = (", ".join(shown[:-1]) + " and " + shown[-1] if len(shown) > 1 else shown[0]) + \
        (f" and {len(far) - 6} more" if len(far) > 6 else "")
    who = ", ".join(dict.fromkeys(c for c in corners if c in ranges))
    return (f"{'notes' if len(far) > 1 else 'note'} {listed} {'lie' if len(far) > 1 else 'lies'} over an octave "
            f"outside what {who} {'were' if len(spans) > 1 else 'was'} trained on ({note_name(lo)}-{note_name(hi)}): "
            f"{'they' if len(far) > 1 else 'it'} may not sound like {'them' if len(spans) > 1 else 'it'}")


def default_corners(names: list[Any]) -> list[str]:
    """The corners a synth pack starts with (device.audio.synth: its first four timbres, repeated when fewer)."""
    return [str(names[i % len(names)]) for i in range(4)] if names else []


def pad_words(corners: list[str], xy: list[tuple[float, float, float]], moved: bool = False) -> str:
    """What `hatbox play` played: the corners' timbres and the pad position (or path), e.g. "corners A clarinet,
    B flute, C oboe, D cello; pad at 0,0 (A alone)"."""
    named = ", ".join(f"{c} {n}" for c, n in zip("ABCD", corners))
    if len(xy) > 1:
        where = f"pad moving over {len(xy)} points ({xy[0][0]:g} s to {xy[-1][0]:g} s)"
    else:
        x, y = xy[0][1], xy[0][2]
        corner = {(0.0, 0.0): "A", (1.0, 0.0): "B", (0.0, 1.0): "C", (1.0, 1.0): "D"}.get((x, y))
        moves = "" if moved else "; --xy moves it"       # ``moved``: the position was given, not the default
        where = f"pad at {x:g},{y:g}" + (f" ({corner} alone{moves})" if corner else "")
    return f"corners {named}; {where}"


def pack_spellings(corners: list[str], names: list[Any]) -> list[str]:
    """Each of the timbre names ``corners`` typed for ``play --corners`` as the pack ``names`` spells it: an exact
    name first (an older pack may hold Flute and flute), then one in another Unicode form (``Flöte`` typed NFC for a
    pack that kept a Mac's NFD folder name), then one in another case; as typed when none matches (the synth names
    what the pack has)."""
    import unicodedata

    def key(name: str) -> str:
        return unicodedata.normalize("NFC", name)
    exact = {str(n) for n in names}
    composed = {key(str(n)): str(n) for n in names}
    folded = {key(str(n)).casefold(): str(n) for n in names}
    return [c if c in exact else composed.get(key(c)) or folded.get(key(c).casefold(), c) for c in corners]


def parse_corners(text: str) -> list[str]:
    """'A,B,C,D' -> four timbre names, each stripped of surrounding spaces; HatboxError unless there are
    exactly four non-empty names (whether the pack has them is checked by the synth)."""
    from hatbox.errors import HatboxError
    names = [c.strip() for c in text.split(",")]
    if len(names) != 4 or not all(names):
        raise HatboxError(f"--corners {text!r}: expected four timbre names separated by commas, e.g. "
                          f"flute,trumpet,violin,clarinet", hint="`hatbox pack inspect PACK` lists the "
                                                                "pack's timbres")
    return names


def midi_seconds(path: str) -> float:
    """The length of a (readable, type 0 or 1) MIDI file in seconds: the time of its last message, meta
    messages such as end_of_track included, as the offline renderer counts it."""
    import mido
    return float(mido.MidiFile(path).length)


def check_length(midi: str, tail_s: float, max_minutes: float) -> None:
    """HatboxError, before anything is rendered, when ``midi`` plus ``tail_s`` is longer than ``max_minutes``."""
    from hatbox.errors import HatboxError
    seconds = midi_seconds(midi) + tail_s
    if seconds > max_minutes * 60.0:
        raise HatboxError(f"{midi} would render {duration_words(seconds)} of audio (the file's length plus --tail "
                          f"{tail_s:g} s), more than the limit of {max_minutes:g} minutes",
                          hint=f"give --max-minutes {math.ceil(seconds / 60.0)} to render it anyway (it is held "
                               f"in memory: about 0.6 MB a second at 48 kHz), or check the file's last event")


_XY_HELP = "give X,Y (e.g. 0.5,0.5), a path 't:x,y;t:x,y' (seconds) or a file of 't x y' lines"


def parse_xy(text: str) -> list[tuple[float, float, float]]:
    """'X,Y' | 't:x,y;t:x,y;...' | a file of 't x y' lines -> [(t s, x, y)] sorted by time.

    Strict: every point is three finite numbers, t >= 0 seconds, x and y within 0..1; a file's lines
    may be blank or comments (#), anything else is an error naming the line."""
    from hatbox.errors import HatboxError
    path = Path(text)
    try:
        is_file, exists = path.is_file(), path.exists()
    except (OSError, ValueError):             # a long 't:x,y;...' path is no file name (ENAMETOOLONG)
        is_file = exists = False
    if is_file:
        return _xy_points(_xy_file_rows(path), f"--xy {text}")
    if exists:
        raise HatboxError(f"--xy {text} is not a file", hint=_XY_HELP)
    if not ("," in text or ":" in text or re.fullmatch(r"[\s\d.+\-eE]+", text)):
        raise HatboxError(f"--xy {text}: no such file", hint=_XY_HELP)
    timed = ":" in text
    parts = [p.strip() for p in text.split(";") if p.strip()]
    if not parts or (not timed and len(parts) > 1):
        raise HatboxError(f"--xy {text!r}: expected X,Y or 't:x,y;...'", hint=_XY_HELP)
    rows = []
    for i, part in enumerate(parts, 1):
        t, xy = part.split(":", 1) if ":" in part else ("0", part)
        fields = [t, *xy.split(",")]
        if len(fields) != 3 or (timed and ":" not in part) or ":" in xy:
            raise HatboxError(f"--xy {text!r}: point {i} {part!r} is not {'t:x,y' if timed else 'X,Y'}",
                              hint=_XY_HELP)
        rows.append((f"point {i} {part!r}", fields))
    return _xy_points(rows, f"--xy {text!r}")


def _xy_file_rows(path: Path) -> list[tuple[str, list[str]]]:
    """(where, fields) for every non-blank, non-comment line of an XY path file."""
    from hatbox.errors import HatboxError
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise HatboxError(f"--xy {path}: cannot read: {exc.strerror or exc}") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16"
    else:
        codec = "utf-8-sig"
    try:
        lines = data.decode(codec).splitlines()
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise HatboxError(f"--xy {path} line {line}: not UTF-8 text", hint="save the file as plain UTF-8 text") from None
    rows = []
    for n, line in enumerate(lines, 1):
        body = line.split("#", 1)[0].strip()
        if not body:
            continue
        fields = body.replace(",", " ").split()
        if len(fields) != 3:
            raise HatboxError(f"--xy {path} line {n}: expected 't x y' (3 numbers), got {line.strip()!r}",
                              hint="one point per line: seconds, x (0..1), y (0..1); '#' starts a comment")
        rows.append((f"line {n} {line.strip()!r}", fields))
    if not rows:
        raise HatboxError(f"--xy {path} holds no 't x y' lines",
                          hint="one point per line: seconds, x (0..1), y (0..1); '#' starts a comment")
    return rows


def _xy_points(rows: list[tuple[str, list[str]]], what: str) -> list[tuple[float, float, float]]:
    from hatbox.errors import HatboxError
    pts = []
    for where, fields in rows:
        try:
            t, x, y = (float(f) for f in fields)
        except ValueError:
            raise HatboxError(f"{what} {where}: not numbers", hint=_XY_HELP) from None
        if not (math.isfinite(t) and t >= 0):
            raise HatboxError(f"{what} {where}: time {fields[0]} must be a number of seconds >= 0", hint=_XY_HELP)
        if not (0 <= x <= 1 and 0 <= y <= 1):
            raise HatboxError(f"{what} {where}: position {fields[1]},{fields[2]} must be within 0..1",
                              hint=_XY_HELP)
        pts.append((t, x, y))
    return sorted(pts)

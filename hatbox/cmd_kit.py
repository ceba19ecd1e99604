"""`hatbox box-kit`: which sample each MIDI note plays on the box's sampler (device/kit.py, device/api/kit_routes.py).

    hatbox box-kit                              # the kit: note, name, file, tag, library
    hatbox box-kit --from LIBRARY               # a note per tag of a tagged library (GM drum notes for drum words,
                                                # a drum word's family filled: hats 42/46/44, toms, cymbals...)
    hatbox box-kit --from LIBRARY --loop pad,bass --no-loop break    # these tags loop (or not) whatever their length
    hatbox box-kit --map C2 kit/Kick.wav --library LIBRARY [--loop]
    hatbox box-kit --unmap C2                   # or --clear: every note
    hatbox box-kit --latch C3,D3                # these loops latch: a tap starts one, the next tap stops it
    hatbox box-kit --no-loop C2                 # C2 plays its file once per strike (what --latch made loop too)
    hatbox box-kit --choke C6,C#6               # these notes cut each other (hats on a keyboard's notes)
    hatbox box-kit --choke-default F#2          # its choke back to General MIDI's (the hi-hats 42/44/46)
"""
from __future__ import annotations

import argparse
import contextlib
import shlex
import sys
import unicodedata
from typing import Any

from device.notes import note_name, parse_note
from hatbox.box_client import _box_reply, _call, _client, asked, safe_text
from hatbox.kit_source import check_kit_source
from hatbox.library_find import find_library
from hatbox.cmd_remote import _common, confirm, target
from hatbox.errors import HatboxError
from hatbox.kit_options import choke_groups, choke_words, group_of, hats_left, in_hat_group, kit_chokes, \
    kit_loops, no_loop_notes, note_list, note_names, option_lines, options_asked  # noqa: F401 (as before the split)
from hatbox.kit_words import deleted_error, hand_set, hot_lines, long_lines, note_words, older_box_lines, \
    replaced_lines, seen_notes, silenced_lines, unlatched_by_map, unplaced_lines, was_lines
from hatbox.library_fixes import sampler_warnings
from hatbox.text import count_words, them


def note_arg(text: str) -> int:
    """argparse type: a MIDI note by number or name."""
    try:
        return parse_note(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def describe(kit: dict[str, Any]) -> list[str]:
    """`hatbox box-kit`'s lines for ``GET /kit``'s answer."""
    notes = kit.get("notes") or []
    if not notes:
        return ["the kit is empty: no note plays a sample",
                "  make one from a tagged library: hatbox box-kit --from LIBRARY (hatbox box-library lists them)"
                ] + silenced_lines(kit)
    lines = []
    ids_of: dict[str, set[str]] = {}                     # a name two libraries share is said with each one's id
    for n in notes:
        ids_of.setdefault(str(n.get("library_name") or n["library"]), set()).add(str(n["library"]))
    for n in notes:
        what = f"{n['name']:>4} ({n['note']:>3})  {safe_text(n['file'])}"
        extra = [f"tag {safe_text(n['tag'])}"] if n.get("tag") else []
        extra += (["loop, latched"] if n.get("latch") else ["loop"]) if n.get("loop") else []
        extra += [choke_words(n["choke"])] if isinstance(n.get("choke"), int) else []
        name = str(n.get("library_name") or n["library"])
        extra += [f"library {safe_text(name)}" + (f" ({safe_text(n['library'])})" if len(ids_of[name]) > 1 else "")]
        lines.append(f"{what}  ({', '.join(extra)})" + ("  MISSING: its library or file is gone" if n.get("missing")
                                                        else ""))
    lines.append(f"{count_words(len(notes), 'note')}: play {them(len(notes))} from a MIDI keyboard or drum pads on "
                 "the box (or OSC /hatbox/note_on/sampler NOTE VELOCITY: the kit alone, the synth quiet)")
    if kit.get("loading"):
        lines.append(f"the box is still loading its kit ({safe_text(kit['loading'])}): a note plays once it is loaded")
    return lines + silenced_lines(kit)


def box_kit(args: argparse.Namespace) -> int:
    """List the box's kit, make it from a library, set or clear notes."""
    mapped, warned, after = _checked(args), [], []
    with _client(*target(args)) as c, _box_reply("a kit call"):
        if args.source is not None:
            made = _from_library(c, args)
            if made is None:                          # answered no: nothing made (with --json: exit 1)
                return 1 if args.json else 0
            if args.json:                             # the JSON printed: nothing more to say
                return 0
            kit, after = made[0], made_lines(*made, typed=args.source, loop=tag_list(args.loop),
                                             no_loop=tag_list(args.no_loop), counts=_tag_counts(c, made[1]),
                                             files_of=_files_of(c, made[1]))
        elif mapped is not None:
            note, file = mapped
            library, before = _library(c, args.library, file), asked(c, "/kit")
            kit = _call(c, "PUT", f"/kit/notes/{note}", json={"library": library, "file": file,
                                                               "loop": args.loop is True})
            _say(was_lines(kit, before) + unlatched_by_map(before, kit, note))
            warned = sampler_warnings(c, _kept_file(kit, note, file))
        elif _options_asked(args):
            kit, after = set_options(c, args)
        elif args.unmap is not None:
            kit = _call(c, "DELETE", f"/kit/notes/{args.unmap}")
        elif args.clear:
            _call(c, "DELETE", "/kit", expect=None)
            print("the kit is empty now: no note plays a sample")
            return 0
        else:
            kit = _call(c, "GET", "/kit")
            if args.json:                             # for scripts: the box's own answer, GET /kit (and the empty)
                from hatbox.listing import print_json
                print_json(with_empty(kit))
                return 0
        cut = sampler_bypassed(c)
    for line in describe(kit) + hot_lines(kit) + cut:     # a sample over full scale the limiter squashes: said
        print(line)
    for text in warned:                          # the sampler's word on the file mapped (a loop cut at 60 s...)
        print(f"warning: {safe_text(text)}")
    _say(after)                                  # --from: long files played once, the drum pads that play nothing
    return 0


OPTIONS = ("latch", "no_latch", "choke", "no_choke", "choke_default")   # box-kit's options of kit notes (PATCH)


def _options_asked(args: argparse.Namespace) -> bool:
    """Whether box-kit was given options of kit notes (--no-loop NOTE: without --from, where it names tags)."""
    return any(getattr(args, name, None) for name in OPTIONS) or no_loop_notes(args) is not None


def set_options(client: Any, args: argparse.Namespace) -> tuple[dict[str, Any], list[str]]:
    """--latch/--no-latch/--choke/--no-choke: each note's options set (PATCH /kit/notes/NOTE, one note at a time); the
    kit after, and the lines said after it.  A box of an older version (no such route: 405; --choke-default not taken,
    the first note's group left as it was) is said so.  A refusal after the first note is said with the notes already
    set (p51 final read: a 404 said "nothing was changed" of a kit whose earlier notes were)."""
    before = _call(client, "GET", "/kit")
    asked = options_asked(args, before)
    kit: dict[str, Any] = {}
    done: list[int] = []
    for note, options in sorted(asked.items(), key=lambda item: (not item[1].get("choke_default"), item[0])):
        try:
            kit = _patched(client, note, options)
        except HatboxError as exc:
            if not done:
                raise
            raise partly_set(exc, done) from None
        done.append(note)
    return kit, option_lines(asked, kit_chokes(before), kit_loops(before))


def _patched(client: Any, note: int, options: dict[str, Any]) -> dict[str, Any]:
    """PATCH /kit/notes/NOTE ``options``: the kit after.  HatboxError for a box of an older version: no such route
    (405), or a --choke-default it ignored (the note's group is not General MIDI's after; its latch, asked with it,
    is set then, and said so)."""
    from hatbox.box_client import BoxRefused
    try:
        kit = _call(client, "PATCH", f"/kit/notes/{note}", json=options)
    except BoxRefused as exc:
        if exc.status != 405:               # (405: no PATCH of a kit note, a box from before the fifty-first stop)
            raise
        raise HatboxError("the box is of an older version: it takes no --latch or --choke (a loop plays while "
                          "held, or while the sustain pedal is down; General MIDI's hi-hats 42/44/46 choke)",
                          hint="install the same hatbox version on the box") from None
    if options.get("loop") is False and kit_loops(kit).get(note, (False, False))[0]:   # (an older box ignored it)
        raise HatboxError(f"the box is of an older version: it takes no --no-loop NOTE; {note_name(note)} still loops",
                          hint=f"hatbox box-kit --map {note_name(note)} FILE --library LIBRARY (no --loop) plays its "
                               "file once per strike")
    if options.get("choke_default") and kit_chokes(kit).get(note) is not None:     # (an older box ignored it)
        latched = "latch" in options
        raise HatboxError("the box is of an older version: it takes no --choke-default; " + (
            f"{note_name(note)}'s latch was set, its choke group left as it was" if latched else "nothing was changed"),
            hint="install the same hatbox version on the box (or hatbox box-kit --no-choke NOTE)")
    return kit


def partly_set(exc: HatboxError, done: list[int]) -> HatboxError:
    """``exc`` (a note's PATCH refused) said with the notes ``done`` already set as asked before it: the box's "nothing
    was changed" is true of that note only."""
    said = exc.message.replace(": nothing was changed", "").replace("; nothing was changed", "")
    return HatboxError(f"{said}; {note_names(done)} {'was' if len(done) == 1 else 'were'} already set as asked (the "
                       "notes after it were left as they were)",
                       hint=exc.hint or "hatbox box-kit lists each note's latch and choke group")


def sampler_bypassed(client: Any) -> list[str]:
    """"warning: sampler bypassed: its notes play nothing (bypassed over OSC from 192.0.2.7 at 14:05; ...)"
    when the box's ``GET /bypass`` says so (p48 QA: a stranger's OSC bypassed it and box-kit listed its notes as
    playable); [] when it plays, or the box does not say (one from before the route)."""
    from hatbox.status_report import bypass_line
    said = asked(client, "/bypass", list) or []
    sampler = next((b for b in said if isinstance(b, dict) and b.get("slot") == "sampler"), {})
    if sampler.get("bypassed") is not True:
        return []
    if sampler.get("fault"):
        return ["warning: the box bypassed the sampler for bad output: its notes play nothing (hatbox status says why)"]
    said_by = (sampler.get("set_by"), sampler.get("set_from"), sampler.get("set_ago_s"))
    return [f"warning: {bypass_line('sampler', *said_by)}"]


def _checked(args: argparse.Namespace) -> tuple[int, str] | None:
    """``args`` checked before the box is asked anything (a HatboxError for options that do not go together): the
    note and file of --map, None without it."""
    if args.library and args.map is None and args.source is None:
        raise HatboxError("--library goes with --map", hint="hatbox box-kit --map C2 kit/Kick.wav --library LIBRARY")
    if args.yes and args.source is None:
        raise HatboxError("--yes goes with --from", hint="hatbox box-kit --from LIBRARY --yes")
    _checked_loops(args)
    _checked_options(args)
    from hatbox.listing import refuse_json
    refuse_json(args.json, {"--map": args.map, "--unmap": args.unmap, "--clear": args.clear},
                "hatbox box-kit --json (or --from LIBRARY --json)")
    if args.map is None:
        return None
    try:
        return parse_note(args.map[0]), args.map[1]
    except ValueError as exc:
        raise HatboxError(f"--map: {exc}", hint="e.g. hatbox box-kit --map C2 kit/Kick.wav") from None


def _checked_options(args: argparse.Namespace) -> None:
    """--latch/--no-latch/--choke/--no-choke/--choke-default go with one another only, and name a note once each
    for its latch and its choke (HatboxError otherwise)."""
    if not _options_asked(args):
        return
    if args.source is not None or args.map is not None or args.unmap is not None or args.clear or args.json:
        raise HatboxError("--latch, --no-latch, --no-loop NOTE, --choke, --no-choke and --choke-default change notes "
                          "already in the kit: give them alone", hint="hatbox box-kit --latch C3 --choke C6,C#6")
    both = set(note_list(args.latch, "latch")) & set(note_list(args.no_latch, "no_latch")) \
        if args.latch and args.no_latch else set()
    if both:
        raise HatboxError(f"--latch and --no-latch both name {note_names(sorted(both))}")
    once = set(note_list(no_loop_notes(args), "no_loop")) & set(note_list(args.latch, "latch")) \
        if args.latch and no_loop_notes(args) else set()
    if once:
        raise HatboxError(f"--latch and --no-loop both name {note_names(sorted(once))}: a latch is a loop's (--latch "
                          "makes a note loop, --no-loop plays it once)")
    chokes = [("choke", n) for text in args.choke or [] for n in note_list(text, "choke")] + \
        [(name, n) for name in ("no_choke", "choke_default") if getattr(args, name, None)
         for n in note_list(getattr(args, name), name)]
    twice = sorted({n for _, n in chokes if sum(m == n for _, m in chokes) > 1})
    if twice:
        raise HatboxError(f"--choke, --no-choke and --choke-default name {note_names(twice)} more than once: give each "
                          "note one choke", hint="hatbox box-kit --choke C6,C#6 --no-choke F#2")


def _checked_loops(args: argparse.Namespace) -> None:
    """--loop alone goes with --map; --loop TAG[,TAG] with --from (HatboxError otherwise); --no-loop names tags with
    --from, notes of the kit without (:func:`_checked_options`)."""
    if args.loop is not None and args.map is None and args.source is None:
        raise HatboxError("--loop goes with --map (or --from LIBRARY --loop TAG)",
                          hint="hatbox box-kit --map C3 loops/break.wav --library LIB --loop")
    if args.map is not None and isinstance(args.loop, str):
        raise HatboxError(f"--loop with --map takes no tag ({args.loop!r} given)",
                          hint="hatbox box-kit --map C3 loops/break.wav --loop (tags to loop go with --from)")
    if args.source is not None and args.loop is True:
        raise HatboxError("--loop with --from names the tags to loop", hint=f"e.g. hatbox box-kit --from "
                          f"{shlex.quote(safe_text(args.source))} --loop pad,bass")


def tag_list(text: str | bool | None) -> list[str]:
    """The tags of --loop/--no-loop ("pad,bass" -> ["pad", "bass"]; none given: [])."""
    return [t.strip() for t in text.split(",") if t.strip()] if isinstance(text, str) else []


def _tag_counts(client: Any, library: str) -> Any:
    """The box's files per tag of ``library`` (GET /libraries/ID/tags), None when it does not answer."""
    from urllib.parse import quote
    return asked(client, f"/libraries/{quote(library, safe='')}/tags")


def _files_of(client: Any, library: str) -> Any:
    """``files_of(tag, n)``: the first ``n`` (at most 200) files of ``tag`` in ``library`` as the box lists them (GET
    /libraries/ID/tags/TAG), None when it does not answer."""
    from urllib.parse import quote

    def files(tag: str, n: int) -> list[str] | None:
        got = asked(client, f"/libraries/{quote(library, safe='')}/tags/{quote(tag, safe='')}?limit={min(n, 200)}",
                    list)
        return None if got is None else [str(f["path"]) for f in got if isinstance(f, dict) and "path" in f]
    return files


def made_lines(kit: dict[str, Any], library: str, typed: str = "", loop: list[str] | None = None,
               no_loop: list[str] | None = None, counts: Any = None, files_of: Any = None) -> list[str]:
    """What `box-kit --from` says after the kit of ``library`` (its id; ``typed``: as the producer named it): its long
    files that play once, drum notes holding long files (hatbox.kit_words.long_lines; ``loop``/``no_loop``: the tags
    --loop/--no-loop named), a box too old for --loop, and the drum pads that play nothing, those only of a kit with
    half or more of its words drum words (p49 QA: a library of loops got 25 lines' worth of empty drum notes), and the
    producer's own words' files on no note (``counts``: the box's files per tag; hatbox.kit_words.unplaced_lines),
    first the words that moved to another note or are new against the kit replaced (hatbox.kit_words.moved_lines)
    and those on one file only (one_file_lines: a typo? p53 QA)."""
    from hatbox.kit_words import drum_kit, moved_lines, one_file_lines
    drums = drum_kit(kit)            # half or more of its words GM drum words (p50 FF: not one of boom/tss/clap/weird)
    empty = empty_lines(kit, library) if drums else []
    loop, no_loop = loop or [], no_loop or []
    return moved_lines(kit) + one_file_lines(kit, counts, typed or library) + \
        long_lines(kit, typed or library, loop, no_loop) + older_box_lines(kit, bool(loop or no_loop)) + \
        unplaced_lines(kit, counts, typed or library, files_of) + empty


def _from_library(c: Any, args: argparse.Namespace) -> tuple[dict[str, Any], str] | None:
    """`box-kit --from LIBRARY`: the kit made from the library (POST /kit/from-library) and the library's id, the
    kit's first lines said (with --json: the box's answer with ``empty_drum_notes`` printed instead); None when the
    producer answered no to replacing a kit of other samples (nothing sent).  With --json that "the kit was not
    replaced" goes to stderr, as the question does: stdout holds JSON or nothing, and the command exits 1 (a script
    sees no kit was made)."""
    libraries = _call(c, "GET", "/libraries", expect=list)
    check_kit_source(c, libraries, args.source)     # not another laptop's whole library by a name (p57 QA_D 10)
    lib = _find(c, args.source, libraries)
    lid = str(lib["id"])
    request: dict[str, Any] = {"library": lib["id"]}
    request.update({k: tag_list(v) for k, v in (("loop", args.loop), ("no_loop", args.no_loop)) if tag_list(v)})
    seen: dict[str, Any] | None = None        # --yes asks nothing: the box's answer says which notes were by hand
    if not args.yes:
        seen = _call(c, "GET", "/kit")
        with contextlib.redirect_stdout(sys.stderr) if args.json else contextlib.nullcontext():
            if not _may_replace(seen, lid):
                return None
        request["seen"] = seen_notes(seen)     # the box refuses (409) when the kit changed since
    kit = _made_from(c, request, lib)
    if args.json:                             # for scripts: the box's answer, and the drum notes left empty
        from hatbox.listing import print_json
        print_json(with_empty(kit))
        return kit, lid
    print(f"kit made from library {safe_text(lid)} ('{safe_text(lib.get('name', ''))}'): a note per "
          "tag, a drum word's family of General MIDI notes (hihat: closed, open, pedal...)")
    _say(replaced_lines(kit, lid, None if seen is None else [(n.get("note"), n.get("file"))
                                                              for n in hand_set(seen, lid)]))
    return kit, lid


def kit_notes(kit: dict[str, Any]) -> list[int]:
    """The notes a kit answer (GET /kit, POST /kit/from-library) lists as playing (not missing)."""
    return [n["note"] for n in kit.get("notes") or [] if isinstance(n, dict) and isinstance(n.get("note"), int)
            and not n.get("missing")]


def with_empty(kit: dict[str, Any]) -> dict[str, Any]:
    """``kit`` (the box's answer) with ``empty_drum_notes``: the General MIDI drum notes (35-59, what a drum module
    sends) that play nothing, each {"note", "name", "drum"} ("drum": "side stick"); the box's own keys as they are."""
    from device.kit_families import GM_DRUM_WORDS, empty_drum_notes
    from device.notes import note_name
    return {**kit, "empty_drum_notes": [{"note": n, "name": note_name(n), "drum": GM_DRUM_WORDS[n]}
                                        for n in empty_drum_notes(kit_notes(kit))]}


def empty_lines(kit: dict[str, Any], library: str | None = None) -> list[str]:
    """`box-kit --from`'s lines for the drum module's pads that play nothing: "empty: 37 side stick, 39 clap, ..."
    and how to set one, its example on the first of them (p48 QA: "--map 37 kit/Sidestick.wav" was said of a kit
    whose 37 played; no file is made up, as one on the kit would move); ``library``: the id the kit was made of
    (None: the example names none); [] when every drum note 35-59 plays."""
    from device.kit_families import empty_drum_notes, empty_words
    empty = empty_drum_notes(kit_notes(kit))
    if not empty:
        return []
    lib = f" --library {shlex.quote(safe_text(library))}" if library else ""
    listing = f"hatbox box-library {shlex.quote(safe_text(library))}" if library else "hatbox box-library LIBRARY"
    return [f"drum notes (General MIDI, what a drum module sends) that play nothing: empty: {empty_words(empty)}",
            f"  set one by hand: hatbox box-kit --map NOTE FILE{lib} (e.g. --map {empty[0]} FILE: FILE a file of the "
            f"library no note plays yet; {listing} --tag TAG lists a tag's files)"]


def _kept_file(kit: dict[str, Any], note: int, typed: str) -> str:
    """The file note ``note`` plays as the box keeps it (its answer): a name typed decomposed (a Mac's paste) is
    kept composed, and the sampler's warnings name it so; ``typed`` when the answer does not say."""
    kept = next((n.get("file") for n in kit.get("notes") or [] if isinstance(n, dict) and n.get("note") == note), None)
    return kept if isinstance(kept, str) else typed


def _made_from(client: Any, request: dict[str, Any], lib: dict[str, Any]) -> dict[str, Any]:
    """POST /kit/from-library ``request`` for library ``lib`` (its entry in GET /libraries); a 404 for it once the
    box no longer lists it (another laptop, or the panel, deleted it while the question was open) said as that:
    "library kitB was deleted by 'laptopB' (DATE); the kit is as it was" (hatbox.kit_words.deleted_error)."""
    from hatbox.box_client import BoxRefused
    try:
        return _call(client, "POST", "/kit/from-library", json=request)
    except BoxRefused as exc:
        if exc.status != 404 or _listed(client, str(lib["id"])):
            raise
        raise deleted_error(exc, lib) from None


def _listed(client: Any, library: str) -> bool:
    """Whether the box still lists library ``library`` (True when it cannot say: its 404 is then said as it is)."""
    libraries = asked(client, "/libraries", list)
    return libraries is None or any(isinstance(i, dict) and i.get("id") == library for i in libraries)


def _say(lines: list[str]) -> None:
    for line in lines:
        print(line)


def _may_replace(kit: dict[str, Any], library: str) -> bool:
    """Whether `box-kit --from` may replace ``kit`` (GET /kit) with a kit of ``library``: at once when it holds no note
    of another library nor one set by hand (kit QA of the fortieth stop: a hand-made kit went without a word; p49:
    two `--map ... --loop` notes of the same library went so too; the panel asks twice); else the answer to a
    question on the terminal (HatboxError when there is none to read: --yes)."""
    hand = hand_set(kit, library)
    other = [n for n in kit.get("notes") or [] if n.get("library") != library and n not in hand]
    if not other and not hand:
        return True
    held = [f"{count_words(len(other), 'note')} of other samples"] if other else []
    held += [f"{count_words(len(hand), 'note')} set by hand"] if hand else []
    named = other + hand
    shown = ", ".join(note_words(n, library if n in hand else None) for n in named[:3]) + (
        ", ..." if len(named) > 3 else "")
    return confirm(f"the kit holds {' and '.join(held)} ({shown}): replace the whole kit?", "the kit was not replaced",
                   "pass --yes to replace it without asking")


def _library(client: Any, given: str | None, file: str = "") -> str:
    """The id of the library ``given`` names (for a JSON body, so not URL-quoted); with none given, the box's only
    library, or the only one holding ``file`` (p52 QA1: with three libraries, a file only one held was refused
    "which library is the file in?"); HatboxError otherwise."""
    libraries = _call(client, "GET", "/libraries", expect=list)
    if given:
        return str(_find(client, given, libraries)["id"])
    if len(libraries) == 1:
        return str(libraries[0]["id"])
    holding = _holding(client, libraries, file) if libraries and file else []
    if len(holding) == 1:
        return str(holding[0]["id"])
    if not libraries:
        raise HatboxError("the box holds no library", hint="send one: hatbox push-library FOLDER")
    names = ", ".join(safe_text(str(i.get("name") or i.get("id"))) for i in holding)
    raise HatboxError(f"which library is the file in? {names} each hold {safe_text(file)}: give --library" if holding
                      else f"which library is the file in? none of the box's {len(libraries)} libraries lists "
                      f"{safe_text(file)} (a path inside a library, as box-library lists it): give --library",
                      hint="hatbox box-library lists them")


def _holding(client: Any, libraries: list[dict[str, Any]], file: str) -> list[dict[str, Any]]:
    """Those of ``libraries`` (GET /libraries) whose files (GET /libraries/ID, kept at upload) hold ``file``, a path
    inside a library as box-library lists it (NFC; a library the box does not answer for: not counted)."""
    from urllib.parse import quote
    from hatbox.library_path import library_files
    want = unicodedata.normalize("NFC", file.replace("\\", "/").removeprefix("./"))
    out = []
    for info in libraries:
        read = library_files(client, quote(str(info.get("id")), safe=""))
        if read is not None and want in {unicodedata.normalize("NFC", h) for h in read[1]}:
            out.append(info)
    return out


def _find(client: Any, given: str, libraries: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The library ``given`` names (GET /libraries, or ``libraries`` read already; hatbox.cmd_box_library
    find_library); one the box deleted lately is said with who deleted it and when, as `box-library` says it (p46:
    `box-kit --from LIB` of a library another laptop deleted said only "the box has no library 'LIB'")."""
    from hatbox.errors import NotOnBox
    from hatbox.library_owners import deleted_library_error
    from hatbox.library_uploading import uploading_error
    try:
        return find_library(_call(client, "GET", "/libraries", expect=list) if libraries is None else libraries,
                            given)
    except NotOnBox as exc:             # still being uploaded: said so (p50 FC)
        raise uploading_error(client, given, lambda: deleted_library_error(client, given, exc)) from None


def register(cli: Any) -> None:
    p = cli.command("box-kit", "which sample each MIDI note plays on the box: list the kit, make it from a tagged "
                               "library, set or clear a note", box_kit)
    g = p.add_mutually_exclusive_group()
    g.add_argument("--from", dest="source", metavar="LIBRARY",
                   help="make the kit from a tagged library on the box: each tag gets a note (General MIDI's drum "
                        "notes for drum words: kick C2/36, snare D2/38, hihat F#2/42...; your own words from C4/60 "
                        "up), played by the tag's most confident sample; a drum word fills its family with more of "
                        "its files (hihat 42 closed, 46 open, 44 pedal; toms 41-50 low to high; cymbal 49 crash, 51 "
                        "ride...; a file named crash, ride, open... goes to its note); says the drum notes 35-59 "
                        "left empty (in a kit with drum words); says long files that play once; replaces the kit")
    g.add_argument("--map", nargs=2, metavar=("NOTE", "FILE"),
                   help="let NOTE (a number or a name such as C2) play FILE, a path inside the library as "
                        "box-library lists it")
    g.add_argument("--unmap", type=note_arg, metavar="NOTE", help="let NOTE play nothing")
    g.add_argument("--clear", action="store_true", help="empty the kit")
    p.add_argument("--library", metavar="LIBRARY", help="with --map: the library (id or name) the file is in "
                                                       "(default: the box's only library)")
    p.add_argument("--loop", nargs="?", const=True, default=None, metavar="TAG[,TAG]",
                   help="with --map: the sample loops while the note is held; with --from: these tags' notes loop "
                        "(else a producer's own word loops when its files are mostly over 1.5 s long, and loop, "
                        "break, groove always)")
    p.add_argument("--no-loop", dest="no_loop", metavar="TAG[,TAG]|NOTE[,NOTE]",
                   help="with --from: these tags' notes play once, whatever their length or name; alone: these "
                        "notes of the kit play their file once per strike (no loop, no latch: a one-shot --latch "
                        "made loop)")
    p.add_argument("--latch", metavar="NOTE[,NOTE]",
                   help="these notes' loops latch: a tap (a note-on) starts one, the next stops it, letting go does "
                        "nothing (makes a one-shot note loop: --no-loop NOTE gives the one-shot back); kept in the "
                        "kit")
    p.add_argument("--no-latch", dest="no_latch", metavar="NOTE[,NOTE]",
                   help="these notes' loops play while held again (or while the sustain pedal is down); a one-shot "
                        "--latch made loop still loops: --no-loop NOTE plays it once per strike")
    p.add_argument("--choke", action="append", metavar="NOTE,NOTE[,NOTE]",
                   help="these notes cut each other (a choke group: an open hat stopped by the closed one), kept in "
                        "the kit; again for another group (General MIDI's hi-hats 42/44/46 choke unless set)")
    p.add_argument("--no-choke", dest="no_choke", metavar="NOTE[,NOTE]", help="these notes cut no other note")
    p.add_argument("--choke-default", dest="choke_default", metavar="NOTE[,NOTE]",
                   help="these notes' choke back to General MIDI's (the hi-hats 42/44/46 cut each other, other notes "
                        "nothing)")
    p.add_argument("--yes", action="store_true", help="with --from: replace a kit of other samples (or notes set by "
                                                       "hand) without asking")
    p.add_argument("--json", action="store_true", help="print the box's answer as JSON (for scripts): the kit "
                                                       "(GET /kit, or with --from the kit made), with "
                                                       "empty_drum_notes: the drum notes 35-59 that play nothing")
    _common(p)

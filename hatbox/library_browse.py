"""`hatbox box-library ID --like PATH` and `--play PATH`: a library on the box browsed from the laptop, "more like
this" (GET /libraries/{id}/similar) and an audition on the box's speakers (POST /libraries/{id}/play), as the
panel's Library page offers them; and `--json`, the box's own answers for scripts."""
from __future__ import annotations

import argparse
from typing import Any

from hatbox.box_client import _call, safe_text
from hatbox.errors import HatboxError
from hatbox.listing import footer, heading, print_json

JSON_HELP = ("print the box's own answer as JSON (for scripts): without ID the libraries; with ID "
             "{\"library\": ..., \"tags\": {tag: files}}; with --tag, --unsure, --untagged or --like the files")


def like(client: Any, lid: str, path: str, k: int) -> int:
    """Print the ``k`` files of library ``lid`` (quoted for the URL) that sound most like ``path``, closest first,
    each with how alike (1 = the same, to the tagger's ear)."""
    hits = _call(client, "GET", f"/libraries/{lid}/similar", expect=list, params={"path": path, "k": k})
    if not hits:
        footer(f"no other file of the library to compare {safe_text(path)} with")
        return 0
    heading(f"more like {safe_text(path)} (closest first; 1.00 = the same to the tagger's ear):")
    for hit in hits:
        print(f"  {hit['score']:.2f}  {safe_text(hit['path'])}")
    return 0


def play(client: Any, lid: str, path: str) -> int:
    """Audition ``path`` of library ``lid`` on the box (a new audition replaces the one still sounding)."""
    _call(client, "POST", f"/libraries/{lid}/play", json={"path": path, "velocity": 100}, expect=None)
    print(f"playing {safe_text(path)} on the box")
    return 0


def check_json(args: argparse.Namespace) -> None:
    """Refuse --json with an option that changes the library rather than lists it (HatboxError, before the box is
    asked)."""
    acts = {"--fix": args.fix, "--play": args.play, "--export-fixes": args.export_fixes, "--delete": args.delete,
            "--retag": args.retag, "--cancel": args.cancel, "--wait": args.wait}
    given = [name for name, value in acts.items() if value]
    if args.json and given:
        raise HatboxError(f"--json goes with the listings, not with {given[0]}",
                          hint="hatbox box-library [ID [--tag TAG | --unsure | --untagged | --like PATH]] --json")


def json_answer(client: Any, lid: str, args: argparse.Namespace) -> int:
    """`box-library ID ... --json`: the box's answer to the listing asked, as JSON on stdout; a list of files cut at
    -k (``[{path, score, corrected}]`` for --tag and --like, ``[{path, margin, guesses, ...}]`` for --unsure,
    ``[{path, best_guess, score}]`` for --untagged), or ``{"library": GET /libraries/ID, "tags": {tag: files}}``."""
    from urllib.parse import quote
    base = f"/libraries/{lid}"
    if args.tag:
        answer: Any = _call(client, "GET", f"{base}/tags/{quote(args.tag, safe='')}", expect=list,
                            params={"limit": args.k})
    elif args.unsure:
        answer = _call(client, "GET", f"{base}/unsure", expect=list, params={"k": args.k})
    elif args.untagged:
        answer = _call(client, "GET", f"{base}/untagged", expect=list)[:args.k]
    elif args.like:
        answer = _call(client, "GET", f"{base}/similar", expect=list, params={"path": args.like, "k": args.k})
    else:
        answer = {"library": _call(client, "GET", base), "tags": dict(_call(client, "GET", f"{base}/tags"))}
    print_json(answer)
    return 0

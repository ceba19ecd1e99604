"""`hatbox box-library ID --like PATH` and `--play PATH`: a library on the box browsed from the laptop, "more like
this" (GET /libraries/{id}/similar) and an audition on the box's speakers (POST /libraries/{id}/play), as the
panel's Library page offers them; and `--json`, the box's own answers for scripts."""
from __future__ import annotations

import argparse
import sys
from typing import Any

from hatbox import listing_json
from hatbox.box_client import _call, asked, safe_text
from hatbox.errors import HatboxError
from hatbox.listing import (by_count, cut_line, footer, heading, like_line, like_words, none_heading, none_line,
                            print_json, refuse_json)

JSON_HELP = ("print the box's own answer as JSON (for scripts): without ID the libraries; with ID "
             "{\"library\": ..., \"tags\": {tag: files}}; with --tag, --unsure, --untagged or --like the files")




def like_lines(hits: list[dict[str, Any]], path: str) -> None:
    """Print ``hits``, the files of a library that sound most like ``path`` (GET /libraries/{id}/similar), closest
    first, each with its closeness (0-100: 100 = the same to the tagger's ear, 0 = no more alike than the
    library's middle file), or its cosine (1 = the same) where the box gives none (null, or an older box)."""
    from device.library.closeness import alike_text
    if not hits:
        footer(f"no other file of the library to compare {safe_text(path)} with")
        return
    near = [hit.get("closeness") for hit in hits]
    words = like_words(near, older_box=all("closeness" not in hit for hit in hits))
    heading(f"more like {safe_text(path)} (closest first; {words}):")
    for hit, n in zip(hits, near):
        print(like_line(alike_text(n if isinstance(n, int) else None, float(hit["score"])), safe_text(hit["path"])))


def play(client: Any, lid: str, path: str) -> int:
    """Audition ``path`` of library ``lid`` on the box (a new audition replaces the one still sounding)."""
    _call(client, "POST", f"/libraries/{lid}/play", json={"path": path, "velocity": 100}, expect=None)
    print(f"playing {safe_text(path)} on the box")
    return 0


def check_json(args: argparse.Namespace) -> None:
    """Refuse --json with an option that changes the library rather than lists it (HatboxError, before the box is
    asked): hatbox.listing.refuse_json, every listing command's rule (an option given an empty value is given)."""
    acts = {"--fix": args.fix, "--play": args.play, "--export-fixes": args.export_fixes, "--delete": args.delete,
            "--retag": args.retag, "--cancel": args.cancel, "--wait": args.wait}
    refuse_json(args.json, acts, "hatbox box-library [ID [--tag TAG | --unsure | --untagged | --like PATH]] --json",
                what="listings")


TEXT_K = 50             # files a text listing shows without -k (a --json one: every file)
TOTAL_HEADER = "X-Total-Count"      # a listing's count in all (device/api/paging.py: not imported, it needs fastapi)
PAGES = {"tag": ("limit", 10000), "unsure": ("k", 1000), "like": ("k", 1000)}    # each route's most at once


def asked_listing(client: Any, lid: str, args: argparse.Namespace) -> tuple[str, Any]:
    """Which listing `box-library ID` asks ("tag", "unsure", "untagged", "like", else "library") and the box's answer
    to it, for its lines (hatbox/cmd_box_library.py): the first -k (its caller's default :data:`TEXT_K`) files under a
    tag or like a file, the least sure, every untagged file (the lines count those cut at -k), or ``{"library": GET
    /libraries/ID, "tags": {tag: files}}``."""
    which, answer, total = _listing(client, lid, args, args.k)
    if which in PAGES and total is None and args.k is not None and len(answer) < args.k:
        print(first_only(len(answer)), file=sys.stderr)     # a box that cannot page gave one page, under -k
    return which, answer


def _listing(client: Any, lid: str, args: argparse.Namespace, want: int | None) -> tuple[str, Any, int | None]:
    """:func:`asked_listing`'s listing, ``want`` files of it (None: every one, asked a page at a time of a box that
    pages, p47), and how many the whole listing holds (None: not known, :func:`paged`)."""
    base = f"/libraries/{lid}"
    if args.tag:
        return ("tag", *_tag_hits(client, lid, args.tag, want))
    if args.unsure:
        return ("unsure", *paged(client, f"{base}/unsure", "unsure", want))
    if args.untagged:
        every = Untagged(_untagged(client, f"{base}/untagged"))
        return "untagged", every, len(every)          # every box answers them all
    if args.like:
        return ("like", *paged(client, f"{base}/similar", "like", want, {"path": args.like}))
    return "library", {"library": _call(client, "GET", base), "tags": dict(_call(client, "GET", f"{base}/tags"))}, 0


OLDER_BOX = "this box (an older hatbox)"      # such a box in the notes, here and in hatbox/library_fixes.py
NO_NONES = (f"note: {OLDER_BOX} does not list the files you marked as none of the words (it keeps no such "
            "correction): these are the files its tagger left untagged; install this hatbox version on the box to "
            "keep and list them")


def refused_parameter(exc: BaseException, name: str) -> bool:
    """Whether ``exc`` is a box's refusal of the query parameter ``name`` as unknown: a box older than the parameter
    answers 400 "unknown query parameter 'offset' (accepted: limit)" (device/api/app.py strict_query, since
    e2177bf6); hatbox/cmd_logs.py asks it for ``file`` (one rule for the box's words)."""
    from hatbox.box_client import BoxRefused
    return isinstance(exc, BoxRefused) and exc.status == 400 and f"unknown query parameter '{name}'" in str(exc)


def _untagged(client: Any, path: str) -> list[Any]:
    """GET ``path`` (a library's /untagged) with ``nones`` (the files corrected to none of the words too, p49); a box
    from before it, which refuses ``nones``, is asked again without it and :data:`NO_NONES` said on stderr."""
    try:
        return _call(client, "GET", path, expect=list, params={"nones": "true"})
    except HatboxError as exc:
        if not refused_parameter(exc, "nones"):
            raise
    print(NO_NONES, file=sys.stderr)
    return _call(client, "GET", path, expect=list)


def first_only(n: int) -> str:
    """The note for a listing that a box which cannot page (:func:`paged`) cut at its one page of ``n`` files."""
    return f"note: {OLDER_BOX} lists the first {n} only: install this hatbox version on the box to list more"


class Untagged(list):
    """GET /libraries/{id}/untagged's files the tagger left under no tag (the list), and apart (``nones``) those the
    producer corrected to none of the words (the box's ``none`` rows, p49; an older box sends none)."""

    def __init__(self, rows: list[Any]) -> None:
        super().__init__(r for r in rows if not (isinstance(r, dict) and r.get("none")))
        self.nones = [r for r in rows if isinstance(r, dict) and r.get("none")]


def say_nones(answer: Any) -> None:
    """Print :func:`none_lines` of ``answer`` (nothing for none)."""
    for line in none_lines(answer):
        print(line)


def none_lines(answer: Any) -> list[str]:
    """`box-library ID --untagged`'s lines for the files corrected to none of the words, after the others, as the
    laptop's `library query --untagged` says them ("none of the words, yours (1):"); [] for none."""
    nones = getattr(answer, "nones", [])
    if not nones:
        return []
    lines = [none_heading(len(nones))]
    for u in nones:
        guess = safe_text(str(u.get("best_guess") or ""))
        said = f"the tagger's best guess {guess} {float(u.get('score') or 0):.2f}" if guess else \
            "not tagged by the tagger"
        lines.append(none_line(said, safe_text(str(u.get("path")))))
    return lines


def paged(client: Any, path: str, which: str, want: int | None,
          params: dict[str, Any] | None = None) -> tuple[list[Any], int | None]:
    """The first ``want`` files (None: every one) of the listing GET ``path`` answers, asked a page at a time
    (:data:`PAGES`: ``offset`` and the ``X-Total-Count`` header, device/api/paging.py), and how many it holds in all;
    an older box is asked once, its count known only when it gave fewer than asked (else None): one from before
    paging (p47) either ignores ``offset`` (no header) or refuses it as unknown (a 400, :func:`_page` asks again
    without it).  The box builds the listing again for each page, so a file tagged or corrected between two
    pages moves the rows (p47 review: one file twice, another never): a file already read is not kept twice, and a
    count that changes between pages starts the reading over, once; changed again, it is said on stderr."""
    items, total, steady = _pages(client, path, which, want, params)
    if steady:
        return items, total
    items, total, steady = _pages(client, path, which, want, params)
    if not steady:
        print(f"note: {CHANGED}", file=sys.stderr)
    return items, total


CHANGED = "the listing changed while it was read: run it again"


def _pages(client: Any, path: str, which: str, want: int | None,
           params: dict[str, Any] | None) -> tuple[list[Any], int | None, bool]:
    """One reading of :func:`paged`'s listing, page by page: its files (none twice: a row of a path already read is
    dropped), its count, and whether the count stayed the same from page to page."""
    name, size = PAGES[which]
    items: list[Any] = []
    seen: set[str] = set()
    read, first = 0, None           # rows the box gave (the next offset); the count its first page said
    while True:
        ask = size if want is None else min(size, want - len(items))
        got, total = _page(client, path, {**(params or {}), name: ask, "offset": read})
        read += len(got)
        items += _new_rows(got, seen)
        if total is None:
            return items, len(items) if len(got) < ask else None, True
        first = total if first is None else first
        if total != first:
            return items, total, False
        if len(got) < ask or read >= total or (want is not None and len(items) >= want):
            return items[:want] if want is not None else items, total, True


def _new_rows(rows: list[Any], seen: set[str]) -> list[Any]:
    """The rows of ``rows`` whose ``path`` is not in ``seen`` (added to it); a row without a path is kept."""
    new = []
    for row in rows:
        key = row.get("path") if isinstance(row, dict) else None
        if isinstance(key, str):
            if key in seen:
                continue
            seen.add(key)
        new.append(row)
    return new


def _page(client: Any, path: str, params: dict[str, Any]) -> tuple[list[Any], int | None]:
    """One page of a listing (a JSON array, asked and checked by box_client._call) and its ``X-Total-Count``; the
    first page of a box that refuses ``offset`` (:func:`refused_parameter`: one from before paging) is asked again
    without it, and its count is not known (None: such a box sends one page only)."""
    try:
        return _one_page(client, path, params)
    except HatboxError as exc:
        if params.get("offset") or not refused_parameter(exc, "offset"):
            raise
    return _one_page(client, path, {k: v for k, v in params.items() if k != "offset"})[0], None


def _one_page(client: Any, path: str, params: dict[str, Any]) -> tuple[list[Any], int | None]:
    """:func:`_page`'s one request."""
    seen = _Seen(client)
    body = _call(seen, "GET", path, expect=list, params=params)
    total = seen.response.headers.get(TOTAL_HEADER, "") if seen.response is not None else ""
    return body, int(total) if total.isdigit() else None


class _Seen:
    """``client`` (an httpx.Client), keeping the last response it got, for its headers."""

    def __init__(self, client: Any) -> None:
        self.client, self.response = client, None

    @property
    def base_url(self) -> Any:
        return self.client.base_url

    def request(self, *args: Any, **kw: Any) -> Any:
        self.response = self.client.request(*args, **kw)
        return self.response


ROWS = {"tag": listing_json.box_tag_row, "unsure": listing_json.box_unsure_row,
        "untagged": listing_json.box_untagged_row, "like": listing_json.box_like_row}


def json_answer(client: Any, lid: str, args: argparse.Namespace) -> int:
    """`box-library ID ... --json`: the listing asked, as JSON on stdout: every file without -k (the box asked a page
    at a time), the first -k with it, said on stderr when that is not all (hatbox.listing_json.say_cut); each file a
    row of hatbox.listing_json, the shape `hatbox library query --json` prints (``[{path, score, yours, corrected,
    by, by_you}]`` for --tag, ``[{path, score, closeness, yours}]`` for --like (closeness: the text's figure),
    ``[{path, margin, guesses: [{tag, score}], exclusive, in_doubt}]`` for --unsure, ``[{path, best_guess, score,
    none, yours}]`` for --untagged: the files marked none of the words last (the box's ``none`` rows, as the text
    lists them apart: "none of the words, yours (1)"; p53 QA: the JSON dropped them), ``none``/``yours`` true),
    or ``{"library": ..., "tags": {tag: files}}``."""
    which, answer, total = _listing(client, lid, args, args.k)
    if which == "library":
        print_json(answer)
        return 0
    rows = [ROWS[which](row) for row in answer]
    if which == "untagged":         # those marked none of the words too (p53), last; -k of both (p53 review)
        rows += [listing_json.box_untagged_row(row, none=True) for row in getattr(answer, "nones", [])]
        total = len(rows)
        rows = rows[:args.k]
    print_json(rows)
    if total is None or total > len(rows):
        listing_json.say_cut(len(rows), total)
    return 0


def _tag_hits(client: Any, lid: str, tag: str, want: int | None) -> tuple[list[dict[str, Any]], int | None]:
    """The first ``want`` files (None: all) of library ``lid`` (quoted for the URL) carrying ``tag`` (GET
    .../tags/TAG, :func:`paged`) and how many carry it (None: not known); none yet while the library is being tagged,
    also from a box that answers a tag no file carries yet with a 404 ("not one of this library's tags ()") or a
    library with no tag database yet with a 409 (p45 duo QA)."""
    from urllib.parse import quote

    from hatbox.box_client import BoxRefused
    from hatbox.library_owners import with_fixers
    try:
        hits, total = paged(client, f"/libraries/{lid}/tags/{quote(tag, safe='')}", "tag", want)
    except BoxRefused as exc:
        if exc.status not in (404, 409) or _state(client, lid).get("state") != "tagging":
            raise
        return [], 0
    return with_fixers(client, lid, list(hits)), total


def _state(client: Any, lid: str) -> dict[str, Any]:
    """Library ``lid``'s record (GET /libraries/ID); {} when the box does not answer it."""
    return asked(client, f"/libraries/{lid}") or {}


def tagging_words(lib: dict[str, Any]) -> str:
    """"the library is being tagged (16 of 770)" ("finishing" at its last file)."""
    progress = lib.get("progress") if isinstance(lib.get("progress"), dict) else {}
    done, total = progress.get("done"), progress.get("total")
    if not isinstance(done, int) or not isinstance(total, int):
        return "the library is being tagged"
    return f"the library is being tagged ({'finishing' if total and done >= total else f'{done} of {total}'})"


def tag_list_note(client: Any, lid: str, tag: str, shown: int, k: int | None = None) -> None:
    """After `box-library ID --tag TAG -k K` listed ``shown`` files: that no file carries the tag (and which tags
    there are), or that the list stops at -k (how many there are: said only when ``shown`` reached ``k``, since the
    count is read a moment after the list and a library being tagged may have more by then: p45 regression QA, "the
    first 17 of 22" of a list -k 50 did not cut); while the library is being tagged, one answer saying so (p45 duo
    QA: "not one of this library's tags ()" at 0 of 17, then "the library's tags: none yet")."""
    lib = _state(client, lid)
    typed, tagging = safe_text(str(lib.get("id") or lid)), lib.get("state") == "tagging"
    counts = _tag_counts(client, lid) if tagging else _call(client, "GET", f"/libraries/{lid}/tags")
    if tagging and shown == 0:
        used = [safe_text(t) for t, k in by_count(counts) if k]
        so_far = f" (its tags so far: {', '.join(used[:8])}{', ...' if len(used) > 8 else ''})" if used else ""
        footer(f"{tagging_words(lib)}: no file tagged '{safe_text(tag)}' yet{so_far}; try again when it is done "
               f"(hatbox box-library {typed} --wait follows it), or list the tags so far: hatbox box-library {typed}")
        return
    n = counts.get(tag, 0) if isinstance(counts.get(tag, 0), int) else 0
    going = f"; {tagging_words(lib)}: more may come" if tagging else ""
    if shown == 0:
        used = ", ".join(safe_text(t) for t, k in by_count(counts) if k) or "none"
        footer(f"no file carries '{safe_text(tag)}' (the library's tags: {used})")
    elif n > shown and (k is None or shown >= k):
        footer(cut_line(shown, n) + going)
    elif going:
        footer(going.removeprefix("; "))


def _tag_counts(client: Any, lid: str) -> dict[str, int]:
    """GET /libraries/ID/tags of a library being tagged: {} while it has no tag database yet (the box's 409)."""
    return asked(client, f"/libraries/{lid}/tags") or {}

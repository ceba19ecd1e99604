"""How a tagging on the box ended, as the laptop says it (hatbox/cmd_box_library.py): `--wait`'s error for one that
did not end done (:func:`tagging_not_done`), whether its results' long-file count can be said
(:func:`long_count_true`), and what `box-library ID --cancel` says (:func:`stop_words`).  Moved out of
hatbox/box_words.py (the words of a library's corrections) in p51 MF1."""
from __future__ import annotations

from typing import Any

from hatbox.box_client import safe_text
from hatbox.library_packs import Names, pack_said


def tagging_not_done(body: dict[str, Any]) -> tuple[str, str]:
    """(error, hint) of `--wait` for library ``body``'s tagging that ended otherwise than done: its state, how far it
    got and the box's why; the hint says `--retag` only where the box's words do not already (p51 QA: "tag it again:
    ... --retag" twice, the box's DIED words and this hint)."""
    lid, error = safe_text(str(body["id"])), safe_text(str(body.get("error") or ""))
    progress = body.get("progress") if isinstance(body.get("progress"), dict) else {}
    done, total = progress.get("done"), progress.get("total")
    at = f" at {done} of {total}" if isinstance(done, int) and isinstance(total, int) and 0 < done < total else ""
    logs = "hatbox box-logs shows the box's side"
    hint = logs if "--retag" in error else f"tag it again: hatbox box-library {lid} --retag ({logs})"
    return f"the tagging of library {lid} {safe_text(str(body['state']))}{at}" + (f": {error}" if error else ""), hint


def long_count_true(results: dict[str, Any]) -> bool:
    """Whether a tagging's ``results`` count no more long files than files tagged: an older box's tagger counted a
    long file as it decoded it, before the pack's scores, so the files a pack then gave NaN for were counted and it
    said "1 of 0 files tagged are over 2 s" (p51 QA).  device.library.tag counts one only once its scores are kept
    (p51 M4); this check stays for the boxes from before."""
    long, tagged = results.get("long_files"), results.get("tagged")
    return not isinstance(long, int) or not isinstance(tagged, int) or long <= tagged


def stop_words(body: dict[str, Any], names: Names | None = None) -> str:
    """What `box-library ID --cancel` says of library ``body``'s tagging (the box's record as the stop was asked): it
    stops after the file it is on (the box's tagging looks at the stop before each file; p51 QA: "after the batch of
    files it is on (a few dozen)" was not so, and the files tagged between the push and the stop were read as tagged
    after it), how far it was, and what it keeps: a re-tag's stop keeps every file's old tags."""
    lid, old = safe_text(str(body["id"])), body.get("tags_from")
    progress = body.get("progress") if isinstance(body.get("progress"), dict) else {}
    at = f"it was at {progress.get('done', '?')} of {progress.get('total', '?')}"
    again = f"to go on later from where it stops: hatbox box-library {lid} --retag"
    if old:
        new = pack_said(body["tagger"], names) if body.get("tagger") else "the new tagger"
        return (f"re-tagging with {new} stops after the file it "
                f"is on ({at}); every file keeps its tags from {pack_said(old, names)} (a re-tag's tags replace them "
                f"only once it has gone through the whole library; {again})")
    return f"tagging stops after the file it is on ({at}); the files tagged so far keep their tags ({again})"

"""``POST /packs/prune``: delete, in one call, the pack versions nothing on the box can reach (`hatbox box-pack
--prune`).

Every push of a new version keeps the ones before it; a roll back reaches only the last :data:`device.store
.HISTORY_LEN` of each slot.  After the year QA's 173 pushes, 157 versions served nothing, and deleting them one by one
cost ~2 s each (a listing and a DELETE per pack).  A pack is kept when it is active, in a slot's history (a roll back
reaches it), what a MIDI program plays now (a mapping by name: only the newest; device/prune_plan.py), tagging a
library or named by one as its tagger, or one of the ``keep`` newest of its kind and name (device/versions.py); the
rest go.  Each kept pack is answered with its reason (``kept_packs``: device/prune_plan.py), and ``history`` keeps only
that many roll-back steps of each slot (p44 regression QA: auditioned versions stayed forever as roll-back steps);
the steps it lets go are answered (``history_dropped``) and, with ``dry_run`` false, dropped before the deletes.
``dry_run`` (the default) says what would go and deletes nothing; a call with ``ids`` (those a dry run
listed) deletes only those of them that may still go, so what is deleted is what the person was shown.  Only a
prune that deletes is a change in the box's change log (p53 QA: `box-logs --changes` listed each dry run).
"""
from __future__ import annotations

from typing import Any, Optional

from fastapi import FastAPI, Request
from pydantic import BaseModel, Field

from device.api.errors import _errors
from device.api.slot_routes import device_of
from device.api.state import box_of, say_in_log
from device.midi_programs import PROGRAMS_FILE, load_programs
from device.prune_plan import plan as prune_plan, program_keeps
from device.store import HISTORY_LEN
from hatbox.text import size_words     # as `hatbox box-pack` says a pack's size


class PruneRequest(BaseModel):
    keep: int = Field(1, ge=0, le=1000, description="keep the newest this many of each kind and name as well")
    dry_run: bool = Field(True, description="say what would go, delete nothing")
    ids: Optional[list[str]] = Field(None, max_length=100000, description="delete only these (of what may go): the "
                                     "ids a dry run listed; left out: all that may go")
    history: Optional[int] = Field(None, ge=0, le=HISTORY_LEN, description="keep only this many roll-back steps "
                                   "of each slot (the most recent); left out: every step, as before")


class PrunedPack(BaseModel):
    id: str
    kind: str
    name: str
    version: str
    size: int


class KeptPack(PrunedPack):
    why: str = Field(description="why it stays: active, program 3, library kit's tagger, newest, roll back 2 (its "
                     "step back in its slot: history 2 or more keeps it)")


class HistoryStep(BaseModel):
    slot: str
    id: str
    step: int = Field(description="1: what a roll back goes back to first")


class PruneResult(BaseModel):
    dry_run: bool
    packs: list[PrunedPack] = Field(description="deleted (or, in a dry run, that would be), by name, newest first")
    bytes: int = Field(description="their pack files' bytes: what is (or would be) freed")
    kept: int = Field(description="packs that stay on the box")
    kept_bytes: int
    message: str
    kept_packs: list[KeptPack] = Field([], description="each pack that stays, with why")
    history_dropped: list[HistoryStep] = Field([], description="the roll-back steps `history` lets go (dropped, "
                                               "or in a dry run would be), newest first")


def kept_by_others(request: Request, packs: list[dict[str, Any]]) -> dict[str, str]:
    """The packs the store's own pointer does not keep but the box needs, each with why: what a MIDI program plays
    now ("program 3", "program 0, follows the newest 'drive'"), or a library's tagger ("library kit's tagger")."""
    switcher = getattr(request.app.state, "programs", None)
    box = box_of(request)
    entries = switcher.programs.listed() if switcher is not None else \
        list(load_programs(box.store.root / PROGRAMS_FILE)[0].values())
    kept = program_keeps(entries, packs)            # what each program plays now (p45: not a by-name one's first)
    for lib in box.libraries.list():
        if lib.get("tagger"):
            kept.setdefault(str(lib["tagger"]), f"library {lib.get('name') or lib.get('id')}'s tagger")
    return kept


def _words(n: int, size: int, dry_run: bool, kept: int, dropped: int) -> str:
    """What a prune did (or would do), in one line."""
    steps = f" ({dropped} roll-back step{'s' if dropped != 1 else ''} {'would go' if dry_run else 'dropped'})" \
        if dropped else ""
    if n == 0:
        return (f"nothing to delete{steps}: each of the {kept} packs is active, reachable by a roll back, played by a "
                "MIDI program, a library's tagger, or among the newest of its name (each is answered with why it "
                "stays)")
    verb = "would free" if dry_run else "freed"
    return f"{n} pack{'s' if n != 1 else ''} {'would go' if dry_run else 'deleted'}: {verb} {size_words(size)}{steps}"


def _log_words(words: str, plan: list[dict[str, Any]], dropped: bool, dry_run: bool) -> str:
    """The change log's line of a prune ("packs prune: 2 packs deleted: freed 72 KiB (ID, ID)"); "" (no line) for
    one that changed nothing: a dry run, or nothing deleted and no roll-back step dropped (p53 QA: `box-logs
    --changes` listed dry runs as changes)."""
    if dry_run or not (plan or dropped):
        return ""
    return f"packs prune: {words}" + (f" ({', '.join(str(m['id']) for m in plan)})" if plan else "")


def _fields(model: Any, meta: dict[str, Any], **more: Any) -> Any:
    return model(**{k: meta[k] for k in model.model_fields if k not in more}, **more)


def _add_prune_routes(app: FastAPI, auth: Any) -> None:
    @app.post("/packs/prune", response_model=PruneResult, dependencies=[auth], responses=_errors(401, 422, 500))
    def prune_packs(request: Request, body: PruneRequest) -> PruneResult:
        box = box_of(request)
        # no push or activation between the plan and the deletes, and no library picks a tagger meanwhile (p53 M2)
        with box.install_lock, box.libraries.starting:
            others = kept_by_others(request, box.store.list())
            if not body.dry_run and body.history is not None:     # the steps go first, then the plan of what is left
                dropped = box.store.trim_history(body.history)
                plan, kept, _ = prune_plan(box.store, others, body.keep)
            else:
                plan, kept, dropped = prune_plan(box.store, others, body.keep, body.history)
            if body.ids is not None:
                wanted = set(body.ids)
                kept += [(m, "not listed") for m in plan if m["id"] not in wanted]
                plan = [m for m in plan if m["id"] in wanted]
            if not body.dry_run and plan:
                done = set(box.store.delete_many([str(m["id"]) for m in plan], by=device_of(request)))
                plan = [m for m in plan if m["id"] in done]
        size = sum(int(m.get("size") or 0) for m in plan)
        totals = box.store.totals()
        n_kept = totals["packs"] - (len(plan) if body.dry_run else 0)
        steps = [HistoryStep(slot=k, id=pid, step=body.history + i + 1) for k, ids in dropped.items()
                 for i, pid in enumerate(ids)] if body.history is not None else []
        words = _words(len(plan), size, body.dry_run, n_kept, len(steps))
        say_in_log(request, _log_words(words, plan, bool(steps) and not body.dry_run, body.dry_run))
        return PruneResult(dry_run=body.dry_run, packs=[_fields(PrunedPack, m) for m in plan], bytes=size,
                           kept=n_kept, kept_bytes=totals["pack_bytes"] - (size if body.dry_run else 0),
                           message=words, kept_packs=[_fields(KeptPack, m, why=why) for m, why in kept],
                           history_dropped=steps)

"""One spelling of note names for the trainer, the CLI and the panel (device/notes.py)."""
import ast
from pathlib import Path

from device.notes import note_name

ROOT = Path(__file__).resolve().parents[1]


def test_note_names_round_to_the_nearest_note() -> None:
    assert [note_name(p) for p in (60, 61, 69.4, 69.6, 21, 0, 127)] == ["C4", "C#4", "A4", "A#4", "A0", "C-1", "G9"]


def test_no_module_spells_note_names_itself() -> None:
    """The panel and the synth trainer each had their own note_name: only device/notes.py defines one."""
    owners = []
    for path in (p for top in sorted(ROOT.iterdir()) if top.is_dir() and top.name not in (".venv", "tests")
                 for p in top.rglob("*.py")):    # not walked into .venv (50,000 files): 23 s of a loaded CI run
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "note_name" not in text:                  # cannot define it: not parsed (parsing all took 4-7 s)
            continue
        tree = ast.parse(text)
        owners += [str(path.relative_to(ROOT)) for node in ast.walk(tree)
                   if isinstance(node, ast.FunctionDef) and node.name == "note_name"]
    assert owners == ["device/notes.py"]

"""p52 L: the words a tagging keeps for a file the pack gave NaN for (device.library.tag's NAN_SCORES) and the words
the box counts pack faults by (device.api.library_tagging's PACK_FAULT) have one definition
(device/library/pack_fault.py): the box matched a hand-made copy of them, which a reworded NAN_SCORES would have left
counting nothing.  The box's tagging module still loads no onnxruntime for them."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _strings(tree: ast.Module) -> list[str]:
    """The string literals of a module, its docstrings left out (words about the words are no copy of them)."""
    docs = {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body
            and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs]


def _modules_spelling(words: str) -> list[str]:
    """The modules of device/ and hatbox/ with a string literal (not a docstring) that holds ``words``."""
    found = []
    for path in sorted(p for top in ("device", "hatbox") for p in (ROOT / top).rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if words in text and any(words in s for s in _strings(ast.parse(text))):
            found.append(path.relative_to(ROOT).as_posix())
    return found


def test_the_pack_fault_words_are_spelt_in_one_module() -> None:
    from device.api import library_tagging
    from device.library import pack_fault
    assert _modules_spelling(pack_fault.PACK_FAULT) == ["device/library/pack_fault.py"]
    assert library_tagging.PACK_FAULT is pack_fault.PACK_FAULT


def test_the_reason_a_nan_file_keeps_holds_what_the_box_counts() -> None:
    from device.api.library_tagging import PACK_FAULT, pack_fault
    from device.library import pack_fault as words, tag
    # pack_fault.py keeps the one definition: tag.py re-exports it, tag_batch.flush writes it in a failed file's reason
    assert tag.NAN_SCORES is words.NAN_SCORES and PACK_FAULT in tag.NAN_SCORES
    nan = ["kit/a.wav", tag.NAN_SCORES]
    assert "gave no usable scores (NaN) for 2 of the 3 files" in pack_fault({"tagged": 1, "failed": [nan, nan]},
                                                                            "tagger-x", "lib-a", False)


def test_importing_the_box_s_tagging_loads_no_onnxruntime() -> None:
    code = ("import sys, device.api.library_tagging, device.library.pack_fault; "
            "print(sorted(m for m in ('onnxruntime', 'device.library.tag', 'torch') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "[]", (done.stdout, done.stderr)

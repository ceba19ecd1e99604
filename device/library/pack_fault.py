"""A tagger pack's fault, in the words a tagging keeps for a file the pack gave NaN for (:data:`NAN_SCORES`, in its
report's failed files: device/library/tag_batch.py ``flush``) and the box counts such files by (:data:`PACK_FAULT`,
within them: device/api/library_tagging.py, which must not load onnxruntime through device.library.tag).  One
definition of the words, light to import (fifty-second stop: the box matched a copy of them by hand)."""
from __future__ import annotations

PACK_FAULT = "a fault of the pack"      # what the box looks for in a failed file's reason
# a file the tagger gave NaN for: its samples were checked finite and the clip is scaled to one level, so the fault
# is the pack's (QA: "its samples overflow the network" blamed quiet samples peaking at 0.005)
NAN_SCORES = (f"the tagger pack gave no usable scores for it (NaN): {PACK_FAULT}, not of the sample; try another "
              "tagger pack, or train it again")

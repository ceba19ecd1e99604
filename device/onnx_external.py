"""A model.onnx that keeps tensor data outside itself (external data: ``location`` /etc/passwd, ``../..``, a file
name in the working folder) is refused before onnxruntime is handed it: onnxruntime would look the path up and read
the file (p48 QA; its review found a Constant's ``sparse_value`` read ``secret.bin`` from the working folder).

Every TensorProto a model holds is looked at: the graph's initializers, its sparse initializers' values and indices,
each node attribute's tensor (``t``, a Constant's ``value``), tensors, sparse tensor (``sparse_value``) and sparse
tensors, in every subgraph (If, Loop, Scan bodies), in the model's functions (their nodes and their attributes'
defaults) and in its training graphs.  Torch-free; onnx is imported only for model bytes that may hold external data.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from hatbox.errors import PackError

EXTERNAL = 1            # onnx.TensorProto.EXTERNAL (said here so that this module does not import onnx)


def model_tensors(model: Any) -> Iterator[Any]:
    """Every TensorProto of ``model`` (an onnx.ModelProto), as the module docstring lists them."""
    yield from graph_tensors(model.graph)
    for function in model.functions:
        yield from graph_tensors(function)
        yield from _attribute_tensors(getattr(function, "attribute_proto", ()))
    for training in getattr(model, "training_info", ()):
        for graph in (training.initialization, training.algorithm):
            yield from graph_tensors(graph)


def graph_tensors(graph: Any) -> Iterator[Any]:
    """Every TensorProto of ``graph`` (a GraphProto, or a FunctionProto: nodes only) and of its subgraphs."""
    yield from getattr(graph, "initializer", ())
    for sparse in getattr(graph, "sparse_initializer", ()):
        yield from (sparse.values, sparse.indices)
    for node in graph.node:
        yield from _attribute_tensors(node.attribute)


def _attribute_tensors(attributes: Iterable[Any]) -> Iterator[Any]:
    """The TensorProtos that node attributes hold (dense and sparse), and those of the subgraphs they hold."""
    for attr in attributes:
        yield from ([attr.t] if attr.HasField("t") else [])
        yield from attr.tensors
        sparse = list(attr.sparse_tensors) + ([attr.sparse_tensor] if attr.HasField("sparse_tensor") else [])
        for one in sparse:
            yield from (one.values, one.indices)
        for sub in list(attr.graphs) + ([attr.g] if attr.HasField("g") else []):
            yield from graph_tensors(sub)


def is_external(tensor: Any) -> bool:
    """Whether ``tensor`` (a TensorProto) keeps its data outside the model (its data location, or any entry)."""
    return tensor.data_location == EXTERNAL or len(tensor.external_data) > 0


def check_self_contained(model: Any) -> None:
    """PackError (check "onnx") when a tensor of ``model`` (an onnx.ModelProto) keeps its data outside model.onnx
    (external data: /etc/passwd, ``../..``, a file name), before onnxruntime looks it up (p48 QA)."""
    for tensor in model_tensors(model):
        if is_external(tensor):
            raise PackError(f"model.onnx refers to external data ({tensor.name or 'a tensor without a name'}); "
                            "packs must be self-contained", check="onnx")


# The bytes that end an external-data entry's key "location" as protobuf writes it (StringStringEntryProto field 1):
# its length 8 as one byte, or as a longer varint, which parsers read the same and which ends in 0.  Every entry
# has one of them (the tag before may be written longer too); a name or a text that merely holds the word
# ("location_gain": its length 13 before it) does not, so such a model is not parsed (p57 R5: a 35 MiB model's
# parse, holding the GIL, kept a 1 ms probe thread waiting 41 ms).
ENTRY_KEYS = (b"\x08location", b"\x00location")
WINDOW = 1 << 20         # bytes searched per step (:func:`mentions`): well under 1 ms holding the GIL


def mentions(data: bytes, key: bytes, window: int = WINDOW) -> bool:
    """Whether ``key`` occurs in ``data``, searched ``window`` bytes at a time (windows overlap by len(key) - 1,
    so a key across two windows is found): between windows other threads get the GIL (p57 F9: searching a 35 MiB
    model whole held it 14 ms, and the engine's audio thread waited)."""
    step = max(1, window)
    return any(data.find(key, at, at + step + len(key) - 1) >= 0 for at in range(0, max(len(data), 1), step))


def may_refer_outside(data: bytes) -> bool:
    """Whether model bytes may hold an external-data entry (:data:`ENTRY_KEYS`, searched a window at a time:
    :func:`mentions`); False: they hold none."""
    return any(mentions(data, key) for key in ENTRY_KEYS)


def refuse_external_data(data: bytes) -> None:
    """:func:`check_self_contained` of model bytes, for every device.audio.runtime.make_session (the laptop's render
    and tag make theirs before the box's checks run); bytes that are not ONNX are left to onnxruntime.  Bytes that
    cannot hold an external-data entry (:func:`may_refer_outside`) are not parsed (nor is onnx imported: 1.4 s)."""
    if may_refer_outside(data):
        _refuse_parsed(data)


def _refuse_parsed(data: bytes) -> None:
    """:func:`check_self_contained` of model bytes, parsed whole (holding the GIL: a 35 MiB model's parse kept a 1 ms
    probe thread waiting 41 ms)."""
    import onnx
    try:
        model = onnx.load_model_from_string(data)
    except Exception:  # noqa: BLE001 - protobuf raises several types; onnxruntime says what is wrong in its words
        return
    check_self_contained(model)

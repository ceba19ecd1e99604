"""The pack contract: manifest, reader/validator (torch-free) and ONNX building (torch, lazily)."""

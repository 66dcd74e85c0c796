"""What the golden-case scripts share: writing a safetensors file without the safetensors package (the build
machines' torch may come without it), and running the reference in float64 for the expected outputs. Float tensors are
stored as F32, integer ones (HF's index buffers such as position_ids) as I64; offsets are relative to the data section,
which starts 8-byte aligned."""
import contextlib
import json
import struct

import numpy as np
import torch


def save_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        integer = not t.dtype.is_floating_point
        a = np.ascontiguousarray(t.detach().cpu().numpy().astype(np.int64 if integer else np.float32))
        b = a.tobytes()
        header[name] = {"dtype": "I64" if integer else "F32", "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    hjson = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hjson += b" " * ((8 - len(hjson) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hjson)))
        f.write(hjson)
        for b in blobs:
            f.write(b)


@contextlib.contextmanager
def precision(dtype):
    """float64: new tensors default to double and the reference's explicit float32 casts become float64 casts."""
    old_default, old_f32, old_float = torch.get_default_dtype(), torch.float32, torch.Tensor.float
    torch.set_default_dtype(dtype)
    if dtype == torch.float64:
        torch.float32 = torch.float64
        torch.Tensor.float = lambda self, *a, **k: self.double()
    try:
        yield
    finally:
        torch.set_default_dtype(old_default)
        torch.float32 = old_f32
        torch.Tensor.float = old_float

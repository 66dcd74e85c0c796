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


def tiny_sao_config():
    """A fresh copy of the tiny Stable Audio Open config the stable-audio-tools cases start from (2-layer DiT of
    width 64, a 2-level Oobleck VAE, T5 prompt tokens as inputs, seconds conditioning)."""
    return {
        "model_type": "diffusion_cond", "sample_size": 1024, "sample_rate": 44100, "audio_channels": 2,
        "model": {
            "pretransform": {"type": "autoencoder", "iterate_batch": True, "config": {
                "encoder": {"type": "oobleck", "config": {"in_channels": 2, "channels": 4, "c_mults": [1, 2],
                                                          "strides": [2, 4], "latent_dim": 16, "use_snake": True}},
                "decoder": {"type": "oobleck", "config": {"out_channels": 2, "channels": 4, "c_mults": [1, 2],
                                                          "strides": [2, 4], "latent_dim": 8, "use_snake": True,
                                                          "final_tanh": False}},
                "bottleneck": {"type": "vae"}, "latent_dim": 8, "downsampling_ratio": 8, "io_channels": 2}},
            "conditioning": {"configs": [
                {"id": "prompt", "type": "t5", "config": {"t5_model_name": "t5-base", "max_length": 128}},
                {"id": "seconds_start", "type": "number", "config": {"min_val": 0, "max_val": 512}},
                {"id": "seconds_total", "type": "number", "config": {"min_val": 0, "max_val": 512}}],
                "cond_dim": 64},
            "diffusion": {"diffusion_objective": "v", "cross_attention_cond_ids": ["prompt", "seconds_start", "seconds_total"],
                          "global_cond_ids": ["seconds_start", "seconds_total"], "type": "dit",
                          "config": {"io_channels": 8, "embed_dim": 64, "depth": 2, "num_heads": 2, "cond_token_dim": 64,
                                     "global_cond_dim": 128, "project_cond_tokens": False,
                                     "transformer_type": "continuous_transformer", "global_cond_type": "prepend"}},
            "io_channels": 8}}

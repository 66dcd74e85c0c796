#!/usr/bin/env python3
"""Makes the stable-audio-tools DiT golden cases for options the shared set does not cover, under
models/src/test/resources/golden/sat_*/ (format and `dit_forward` component of models/src/test/resources/golden/README.md).

Reference: Stability-AI/stable-audio-tools (its stable_audio_tools package on the path, from `git archive HEAD
stable_audio_tools`), built by its own factory (`create_model_from_config`) and run through its own conditioned
wrapper, with einops and einops-exts from their sources. Runs on Debian 12's python3-torch 1.13 or on torch 2 (both give
the same cases); 1.13 lacks a few torch 2 names the reference imports, and the shims below supply them:
  - F.scaled_dot_product_attention: the textbook formula softmax(q k^T / sqrt(d)) v (the reference's fallback
    when neither flash-attn nor FlexAttention is used, which is the path these cases take);
  - torch.compile (identity), torch.backends.cuda.sdp_kernel and torch.nn.attention.flex_attention (unused);
  - huggingface_hub, k_diffusion, tqdm, safetensors, torchaudio, alias_free_torch and transformers as empty stand-ins
    (reference_stand_ins.py, shared with make_sao_cases.py): nothing here downloads,
    samples or reads a checkpoint, and the T5 conditioner's language model is never run (its last hidden state
    is an input of the case; the conditioner's own proj_out and mask are applied to it, as its forward does).

Cases:
  sat_dit_sinusoidal_prepend  use_sinusoidal_emb (scaled sinusoidal absolute positions, its learnt scale moved
                              off its initial value) with the global condition prepended as a token, so the
                              positions count that token; 2 heads of 32, prompt tokens projected to the DiT's
                              width, 100 latent frames, batch 2, cfg 1
  sat_dit_sinusoidal_cfg      the same option with adaLN global conditioning, and prompt tokens as Longplay's
                              trained model has them: as wide as a head, not projected (one key/value head for
                              4 query heads of 16); rotary off, odd length (77 frames), cfg 4.5 batched against zeroed conditioning

Run (SAT_DIR and VEND_DIR: two empty scratch folders of your choice):
      git --git-dir=<stable-audio-tools mirror> archive HEAD stable_audio_tools | tar -x -C "$SAT_DIR"
      git --git-dir=<einops mirror> archive HEAD einops | tar -x -C "$VEND_DIR"
      git --git-dir=<einops-exts mirror> archive HEAD einops_exts | tar -x -C "$VEND_DIR"
      apt-get install python3-torch python3-packaging
      PYTHONPATH="$SAT_DIR:$VEND_DIR" /usr/bin/python3 tools/golden/make_sat_dit_cases.py [out_dir]
"""
import copy
import json
import math
import os
import sys

import torch
import torch.nn.functional as F


def _sdpa(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    s = (q @ k.transpose(-2, -1)) * (scale if scale is not None else 1.0 / math.sqrt(q.shape[-1]))
    if is_causal:
        n, m = s.shape[-2], s.shape[-1]
        s = s.masked_fill(torch.ones(n, m, dtype=torch.bool).triu(m - n + 1), float("-inf"))
    if attn_mask is not None:
        s = s.masked_fill(~attn_mask, float("-inf")) if attn_mask.dtype == torch.bool else s + attn_mask
    return torch.softmax(s, dim=-1) @ v


if not hasattr(F, "scaled_dot_product_attention"):
    F.scaled_dot_product_attention = _sdpa
if not hasattr(torch, "compile"):
    torch.compile = lambda f=None, **kw: f if f is not None else (lambda g: g)
import torch.backends.cuda  # noqa: E402
import torch.utils.checkpoint  # noqa: E402,F401  (the reference calls it without importing it)
if not hasattr(torch.backends.cuda, "sdp_kernel"):
    torch.backends.cuda.sdp_kernel = lambda **kw: None
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_stand_ins as stand_ins  # noqa: E402  (beside this script)

stand_ins.module("torch.nn.attention")
stand_ins.module("torch.nn.attention.flex_attention", flex_attention=None)
stand_ins.module("k_diffusion")
stand_ins.install_common()

from stable_audio_tools.models.factory import create_model_from_config  # noqa: E402

from golden_io import precision, save_safetensors, tiny_sao_config  # noqa: E402  (beside this script)


BASE = tiny_sao_config()
BASE["model"]["conditioning"]["configs"][0]["config"]["max_length"] = 32
BASE["model"]["diffusion"]["config"].update({"project_cond_tokens": True, "use_sinusoidal_emb": True})


def randomise(model, gen):
    # Every parameter non-trivial (the reference zero-inits branch outputs; norms get gains near 1), small
    # enough to keep activations in range through the layers.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 1 and ("gamma" in name or name.endswith("norm.weight")):
                p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=gen))
            elif name.endswith("pos_emb.scale"):
                p.fill_(0.37)  # off dim ** -0.5, so a runtime that ignores the stored scale fails
            else:
                fan_in = p.shape[1] * (p.shape[2] if p.dim() > 2 else 1) if p.dim() > 1 else 16
                p.copy_(torch.randn(p.shape, generator=gen) / math.sqrt(fan_in))


def make_case(out_dir, name, config, frames, cfg_scale, seed, description):
    gen = torch.Generator().manual_seed(seed)
    model = create_model_from_config(config).eval()
    randomise(model, gen)
    dit = model.model.model
    assert dit.transformer.use_sinusoidal_emb, "the reference did not take use_sinusoidal_emb"
    batch, n_tokens = 2, 5
    io = config["model"]["diffusion"]["config"]["io_channels"]
    inputs = {
        "x": torch.randn(batch, io, frames, generator=gen),
        "t": torch.tensor([0.83, 0.21]),
        "prompt_hidden": torch.randn(batch, n_tokens, 768, generator=gen),
        "prompt_mask": torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], dtype=torch.float32),
        "seconds_start": torch.tensor([0.0, 3.5]),
        "seconds_total": torch.tensor([11.0, 47.0]),
    }
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    # expected output: the reference in float64 on the float32 weights and inputs; a float32 run says how much of the
    # tolerance float32 arithmetic alone spends
    results = {}
    for dtype in (torch.float64, torch.float32):
        with precision(dtype), torch.no_grad():
            m = create_model_from_config(config).eval()
            m.load_state_dict(state)
            results[dtype] = forward(m, {k: v.to(dtype) for k, v in inputs.items()}, cfg_scale)
    v, v32 = results[torch.float64], results[torch.float32]
    assert v.dtype == torch.float64
    tolerance = {"atol": 2e-4, "rtol": 1e-4}
    spent = ((v32.double() - v).abs().max() / (tolerance["atol"] + tolerance["rtol"] * v.abs().max())).item()
    d = os.path.join(out_dir, name)
    os.makedirs(d, exist_ok=True)
    save_safetensors(os.path.join(d, "model.safetensors"), state)
    save_safetensors(os.path.join(d, "inputs.safetensors"), inputs)
    save_safetensors(os.path.join(d, "outputs.safetensors"), {"v": v})
    with open(os.path.join(d, "model_config.json"), "w") as f:
        json.dump(config, f)
    with open(os.path.join(d, "case.json"), "w") as f:
        json.dump({"component": "dit_forward", "cfg_scale": cfg_scale, "description": description,
                   "tolerance": tolerance}, f, indent=1)
    print(f"{name}: v {tuple(v.shape)}, |v| max {v.abs().max().item():.3f}, std {v.std().item():.3f}; "
          f"float32 run spends {spent:.3f} of the tolerance")


def forward(model, inputs, cfg_scale):
    cond = {}
    t5 = model.conditioner.conditioners["prompt"]
    mask = inputs["prompt_mask"].to(torch.bool)
    # T5Conditioner.forward after its language model: proj_out, then zero the padded tokens
    cond["prompt"] = (t5.proj_out(inputs["prompt_hidden"]) * mask.unsqueeze(-1).float(), mask)
    for key in ("seconds_start", "seconds_total"):
        cond[key] = model.conditioner.conditioners[key](inputs[key].tolist(), device="cpu")
    return model(inputs["x"], inputs["t"], cond, cfg_scale=cfg_scale, batch_cfg=True)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "models/src/test/resources/golden"
    torch.manual_seed(0)
    make_case(out, "sat_dit_sinusoidal_prepend", BASE, 100, 1.0, 20261206,
              "dit_forward with use_sinusoidal_emb: x + scale * [sin, cos](pos * inv_freq) after the global token is "
              "prepended (positions count it); 2 heads of 32, prompt tokens projected to the DiT's width; cfg 1")
    c = copy.deepcopy(BASE)
    dc = c["model"]["diffusion"]["config"]
    # prompt tokens as Longplay's trained model has them: one head wide, not projected, so one key/value head serves 4
    c["model"]["conditioning"]["cond_dim"] = 16
    dc.update({"embed_dim": 64, "num_heads": 4, "cond_token_dim": 16, "project_cond_tokens": False,
               "global_cond_dim": 32, "global_cond_type": "adaLN", "rotary_pos_emb": False})
    make_case(out, "sat_dit_sinusoidal_cfg", c, 77, 4.5, 20261207,
              "dit_forward with use_sinusoidal_emb, adaLN global conditioning, no rotary positions; 4 heads of 16 "
              "and one key/value head in cross-attention (16-wide prompt tokens, not projected); cfg 4.5 batched "
              "against zeroed conditioning")


if __name__ == "__main__":
    main()

"""Writes models/src/test/resources/torch/clap-laion.pt: a torch.save checkpoint shaped like laion_clap's releases
({"epoch", "state_dict": OrderedDict of module.text_branch.* ..., "optimizer": {...}}), holding the text branch of the
golden CLAP case, plus a few tensors that exercise the reader (a transposed view, float16, bfloat16, int64, a shared
storage). The Java reader must return every tensor equal to torch's own view of it.

Run with python3 (torch 2.x); no arguments.
"""
import collections
import pathlib

import torch
from safetensors.torch import load_file

root = pathlib.Path(__file__).resolve().parents[2]
hf = load_file(str(root / "models/src/test/resources/golden/clap_text_features/clap/model.safetensors"))
sd = collections.OrderedDict()
for k, v in hf.items():
    if not k.startswith("text_") or k.endswith("_ids"):
        continue
    laion = "module." + k.replace("text_model.", "text_branch.") \
        .replace("text_projection.linear1", "text_projection.0") \
        .replace("text_projection.linear2", "text_projection.2")
    sd[laion] = v
g = torch.Generator().manual_seed(3)
base = torch.randn(4, 6, generator=g)
sd["extra.transposed"] = base.t()                 # a strided view of a shared storage
sd["extra.row"] = base[2]                         # an offset into the same storage
sd["extra.half"] = torch.randn(3, 5, generator=g).half()
sd["extra.bf16"] = torch.randn(7, generator=g).bfloat16()
sd["extra.long"] = torch.arange(5, dtype=torch.int64)
sd["extra.param"] = torch.nn.Parameter(torch.randn(2, 2, generator=g))
ckpt = {"epoch": 45, "state_dict": sd,
        "optimizer": {"state": {0: {"step": 10, "exp_avg": torch.zeros(2)}}, "param_groups": [{"lr": 1e-4, "betas": (0.9, 0.99)}]}}
out = root / "models/src/test/resources/torch/clap-laion.pt"
torch.save(ckpt, str(out))
# What Java must read, densely: safetensors needs contiguous, float16/bf16 kept as they are.
from safetensors.torch import save_file
save_file({k: v.detach().contiguous() for k, v in sd.items() if k.startswith("extra.")},
          str(root / "models/src/test/resources/torch/clap-laion-extra.safetensors"))
print("wrote", out, out.stat().st_size, "bytes")

"""Writes models/src/test/resources/torch/tiny-model.ckpt: the embedded tiny model's weights saved by torch.save in
the layout of the model.ckpt files that Stability AI's Hugging Face repos ship beside model.safetensors
({"state_dict": {...}} with the same keys). A folder holding only that file must generate exactly what the
safetensors folder generates.

Run with python3 after `./longplay demo` has made the embedded model:
  python3 tools/golden/make_model_ckpt.py ~/.cache/longplay/models/longplay-tiny-random-v1
"""
import collections
import pathlib
import sys

import torch
from safetensors.torch import load_file

root = pathlib.Path(__file__).resolve().parents[2]
src = pathlib.Path(sys.argv[1]).expanduser() / "model.safetensors"
sd = collections.OrderedDict(sorted(load_file(str(src)).items()))
out = root / "models/src/test/resources/torch/tiny-model.ckpt"
torch.save({"state_dict": sd, "global_step": 0}, str(out))
print("wrote", out, out.stat().st_size, "bytes from", src)

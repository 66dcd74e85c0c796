#!/usr/bin/python3
"""Makes the T5 encoder golden cases under models/src/test/resources/golden/.

What it makes: case folders in the format of models/src/test/resources/golden/README.md, component "t5_encoder",
each from a tiny randomly initialised Hugging Face T5EncoderModel on CPU (eval mode, dropout 0), its float32
weights and inputs stored, its expected output computed in float64 (every explicit float32 cast of the reference
widened, save the relative-position bucket formula, which stays the reference's float32 arithmetic):
  t5_relu        - ReLU feed-forward as t5-base (d_model 32, d_kv 8, 4 heads, d_ff 64, 2 layers,
                   vocab 100, 32 buckets, max distance 128); model.safetensors holds the full
                   state_dict (shared.weight and its tied copy encoder.embed_tokens.weight).
  t5_gated_gelu  - gated-gelu as T5 v1.1 / Flan-T5 (d_model 40, d_kv 16, 2 heads, d_ff 96, 3 layers,
                   vocab 120, 16 buckets, max distance 12, so that sequence length 16 reaches the
                   clamped far buckets); model.safetensors as save_pretrained writes it (tied copy left out).
  t5_odd_buckets - 39 relative-position buckets, max distance 49 (one ReLU layer, sequence 24): distance 21 lies on
                   a bucket boundary that the reference's float32 formula decides (see main()). Made with
                   transformers 5.18.0 and torch 2.13 (pip wheels; their T5 bucket code is the same):
                   python3 tools/golden/make_t5_cases.py models/src/test/resources/golden t5_odd_buckets
                   (the optional second argument names the cases to make, comma-separated).
Each folder: case.json, config.json (config.to_dict()), model.safetensors (HF key names),
inputs.safetensors (input_ids, attention_mask as float32 [2, N]; row 1 padded with id 0 and mask 0
at the end), outputs.safetensors (last_hidden_state [2, N, d_model]).

Reference: Hugging Face transformers (modeling_t5.py), made with transformers 5.18.0 on torch 2.13 CPU (pip
wheels: transformers and its dependencies, installed with --no-deps one by one where the index lacks one); the
weights and inputs are those transformers v4.33.2 (commit 6da93f5580e109fad5f7b523cf2b6e8a5bafb623) on Debian's
torch 1.13 made, which the older route below still makes.

How to run (nothing here is committed but this script and its output): in a torch 2 venv with transformers,
  PYTHONPATH=tools/golden V/bin/python tools/golden/make_t5_cases.py [output_dir] [case,case]
or, the older route:
  apt-get install python3-torch python3-numpy python3-packaging python3-filelock python3-requests \
      python3-tqdm python3-yaml python3-regex python3-typing-extensions
  # a checkout of transformers v4.33.2 in $HF and of huggingface_hub v0.16.4 in $HUB
  PYTHONPATH=$HF/src:$HUB/src /usr/bin/python3 tools/golden/make_t5_cases.py [output_dir]

Stub: transformers/__init__ imports transformers.dependency_versions_check, which checks the installed
versions of its pip dependencies through package metadata. safetensors and tokenizers are not installed
(tokenizers is skipped when absent, safetensors is not), and huggingface_hub comes from a source checkout
without metadata, so the check would fail. The script puts an empty module in its place in sys.modules
(with a no-op dep_version_check, which only the deepspeed and Trainer code calls) before importing
transformers. It only checks versions; it computes nothing, so the T5 math is untouched.
Stub: transformers/pytorch_utils.py imports storage_ptr and storage_size from safetensors.torch at
module level (to tell tied tensors apart when saving or sharding). The safetensors package (Rust) is not
available, so the script writes a two-function safetensors/torch.py into its own temp dir. Without
package metadata transformers still reports safetensors as unavailable, and neither function is called
by the forward pass, so the T5 math is untouched.
Safetensors files are written by golden_io.py beside this script (8-byte LE header length, JSON header, raw LE data).
"""
import contextlib
import copy
import json
import os
import sys
import tempfile
import types

import torch

_versions_check = types.ModuleType("transformers.dependency_versions_check")
_versions_check.dep_version_check = lambda pkg, hint=None: None  # used only by deepspeed / trainer code
sys.modules["transformers.dependency_versions_check"] = _versions_check

try:  # a torch environment with the safetensors package needs no stand-in
    import safetensors.torch  # noqa: F401
except ImportError:
    _STUBS = tempfile.mkdtemp(prefix="t5golden_stubs_")
    os.makedirs(os.path.join(_STUBS, "safetensors"))
    with open(os.path.join(_STUBS, "safetensors", "__init__.py"), "w") as _f:
        _f.write("# stub: only safetensors.torch.storage_ptr / storage_size, see make_t5_cases.py\n")
    with open(os.path.join(_STUBS, "safetensors", "torch.py"), "w") as _f:
        _f.write("import torch\n\n\n"
                 "def storage_ptr(tensor):\n"
                 "    return tensor.storage().data_ptr()\n\n\n"
                 "def storage_size(tensor):\n"
                 "    return tensor.storage().size() * tensor.element_size()\n")
    sys.path.insert(0, _STUBS)

import transformers  # noqa: E402
from transformers import T5Config, T5EncoderModel  # noqa: E402
from transformers.models.t5 import modeling_t5  # noqa: E402

from golden_io import precision, save_safetensors  # noqa: E402  (beside this script)

_FLOAT32, _TENSOR_FLOAT = torch.float32, torch.Tensor.float


@contextlib.contextmanager
def _true_float32():
    """Undoes precision(float64)'s widening for a while: the names float32 and .float() mean float32 again."""
    widened, widened_float = torch.float32, torch.Tensor.float
    torch.float32, torch.Tensor.float = _FLOAT32, _TENSOR_FLOAT
    try:
        yield
    finally:
        torch.float32, torch.Tensor.float = widened, widened_float


_bucket = modeling_t5.T5Attention._relative_position_bucket


def _bucket_as_the_reference(*args, **kwargs):
    # the reference decides buckets with a float32 log, truncated; the float64 run keeps exactly that arithmetic
    with _true_float32():
        return _bucket(*args, **kwargs)


modeling_t5.T5Attention._relative_position_bucket = staticmethod(_bucket_as_the_reference)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "models/src/test/resources/golden")


def randomise(model, gen):
    """Seeded weights that keep activations O(1): HF's own init is far smaller than a trained model."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("layer_norm.weight"):
                p.copy_(1.0 + 0.1 * torch.randn(p.shape, generator=gen))
            elif name == "shared.weight":
                p.copy_(torch.randn(p.shape, generator=gen))
            elif name.endswith("relative_attention_bias.weight"):
                p.copy_(0.5 * torch.randn(p.shape, generator=gen))
            else:  # Linear [out, in]
                p.copy_(torch.randn(p.shape, generator=gen) / p.shape[1] ** 0.5)


def make_case(name, cfg_kwargs, seq_len, valid_second_row, seed, tied_copy, description, only=None):
    if only and name not in only:
        return
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    config = T5Config(dropout_rate=0.0, **cfg_kwargs)
    model = T5EncoderModel(config).to(torch.float32).eval()
    randomise(model, gen)

    ids = torch.randint(2, config.vocab_size, (2, seq_len), generator=gen)
    mask = torch.ones(2, seq_len, dtype=torch.long)
    mask[1, valid_second_row:] = 0
    ids[1, valid_second_row:] = config.pad_token_id
    # expected output: the reference in float64 on the float32 weights (every explicit float32 cast widened, save the
    # bucket formula's); a float32 run says how much of the tolerance float32 arithmetic alone spends
    tolerance = {"atol": 1e-4, "rtol": 1e-4}
    with torch.no_grad():
        hidden32 = model(input_ids=ids, attention_mask=mask).last_hidden_state
        with precision(torch.float64):
            hidden = copy.deepcopy(model).double()(input_ids=ids, attention_mask=mask).last_hidden_state
    assert hidden.dtype == torch.float64
    spent = ((hidden32.double() - hidden).abs().max()
             / (tolerance["atol"] + tolerance["rtol"] * hidden.abs().max())).item()

    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    sd = model.state_dict()
    if not tied_copy:
        sd = {k: v for k, v in sd.items() if k != "encoder.embed_tokens.weight"}
    save_safetensors(os.path.join(d, "model.safetensors"), sd)
    save_safetensors(os.path.join(d, "inputs.safetensors"),
                     {"input_ids": ids.to(torch.float32), "attention_mask": mask.to(torch.float32)})
    save_safetensors(os.path.join(d, "outputs.safetensors"), {"last_hidden_state": hidden})
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(config.to_dict(), f, indent=2, sort_keys=True)
        f.write("\n")
    case = {
        "component": "t5_encoder",
        "tolerance": tolerance,
        "description": description,
        "reference": "transformers %s T5EncoderModel, torch %s, CPU, eval; float64 on the float32 weights, the "
                     "relative-position buckets in the reference's float32" % (transformers.__version__,
                                                                               torch.__version__),
    }
    with open(os.path.join(d, "case.json"), "w") as f:
        json.dump(case, f, indent=2)
        f.write("\n")
    print("%s: last_hidden_state %s, max|ref| %.4f; float32 run spends %.3f of the tolerance"
          % (name, tuple(hidden.shape), hidden.abs().max().item(), spent))


def main():
    torch.set_num_threads(1)
    only = sys.argv[2].split(",") if len(sys.argv) > 2 else None
    make_case("t5_relu",
              dict(vocab_size=100, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_heads=4,
                   relative_attention_num_buckets=32, relative_attention_max_distance=128,
                   feed_forward_proj="relu"),
              seq_len=12, valid_second_row=7, seed=1234, tied_copy=True, only=only,
              description="T5EncoderModel (ReLU feed-forward, as t5-base) on input_ids [2, 12] with "
                          "attention_mask (row 1 padded after 7 tokens); output last_hidden_state [2, 12, 32], "
                          "padded positions included. Weights: config.json + model.safetensors (HF key names).")
    make_case("t5_gated_gelu",
              dict(vocab_size=120, d_model=40, d_kv=16, d_ff=96, num_layers=3, num_heads=2,
                   relative_attention_num_buckets=16, relative_attention_max_distance=12,
                   feed_forward_proj="gated-gelu"),
              seq_len=16, valid_second_row=10, seed=4321, tied_copy=False, only=only,
              description="T5EncoderModel (gated-gelu, gelu_new, as T5 v1.1 / Flan-T5) on input_ids [2, 16] with "
                          "attention_mask (row 1 padded after 10 tokens); output last_hidden_state [2, 16, 40], "
                          "padded positions included. Max distance 12 < 16 reaches the clamped buckets. "
                          "model.safetensors has shared.weight only (no tied encoder.embed_tokens.weight).")
    # 39 buckets (19 a direction, 9 exact) and max distance 49: distance 21 lies exactly on a bucket boundary
    # (log(21/9) / log(49/9) * 10 = 5); the reference's formula (a float32 log over a double constant) lands on 5.0 and
    # truncates to bucket 14 of a direction; other orders of the same arithmetic (the float32 quotient's log widened
    # to double, 4.9999995) land just below and give 13. The sequence of 24 reaches it in both directions;
    # the reference's vectorised and scalar float32 logs agree there.
    make_case("t5_odd_buckets",
              dict(vocab_size=90, d_model=32, d_kv=8, d_ff=64, num_layers=1, num_heads=4,
                   relative_attention_num_buckets=39, relative_attention_max_distance=49,
                   feed_forward_proj="relu"),
              seq_len=24, valid_second_row=24, seed=3939, tied_copy=False,
              description="T5EncoderModel (ReLU, one layer) with an odd bucket count (39) and max distance 49 on "
                          "input_ids [2, 24] (no padding); output last_hidden_state [2, 24, 32]. Distance 21 is "
                          "a bucket boundary (log(21/9) / log(49/9) * 10 = 5): the reference's float32 log formula, "
                          "truncated, puts it in bucket 14 of a direction; other orders of the arithmetic land just below 5 "
                          "and give 13, so a runtime that computes the buckets otherwise fails the case.",
              only=only)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Times the reference (stable-audio-tools) DiT step and Oobleck decode, for comparison with `./longplay bench`.

Not run in CI. Random float32 weights on CPU (PyTorch's default init, like Longplay's uniform +-1/sqrt(fan_in)), no T5: the DiT gets random cross-attention tokens of the
shape the conditioners would give (max_length prompt tokens + one per number conditioner, cond_dim wide)
and a random global embedding. Prints JSON with the keys of `./longplay bench` (best of --repeat after a
warm-up).

  ditStepSeconds    one DiffusionTransformer.forward with cfg_scale 7 (batched CFG, B = 1 -> 2)
  vaeDecodeSeconds  one decode of the latent (AudioAutoencoder.decode: VAE bottleneck + OobleckDecoder,
                    unchunked, as generate_diffusion_cond does), weight norm folded away

Setup (nothing of this is committed to Longplay):
  * a stable-audio-tools checkout:  git clone https://github.com/Stability-AI/stable-audio-tools /tmp/sat
  * einops (not packaged by Debian): git clone https://github.com/arogozhnikov/einops /tmp/einops
      and pass --einops /tmp/einops (or put it on PYTHONPATH)
  * torch and numpy, e.g. Debian's python3-torch (1.13) and python3-numpy. Debian's torch calls the system
    BLAS: install libopenblas0-pthread, or matmuls go to the netlib reference BLAS (5-10x slower).
Modules the timed code never calls (torchaudio, k_diffusion, safetensors, flash_attn, flex attention,
the conditioners and samplers) are stubbed so the checkout imports without them. torch < 2.0 has no
F.scaled_dot_product_attention: it is then given the plain math form (softmax(q k^T / sqrt(d)) v), the
same algorithm torch 2.x uses on CPU without its fused kernel.

Example:
  /usr/bin/python3 tools/bench_reference.py --repo /tmp/sat --einops /tmp/einops \
      --config models/src/main/resources/dev/longplay/models/bench/sao-1.0.json --seconds 2 --threads 2 --repeat 3
"""
import argparse
import importlib
import json
import math
import os
import sys
import time
import types


class _Stub(types.ModuleType):
    """A module whose every attribute is a harmless placeholder (for imports the timed code never uses)."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _Stub(f"{self.__name__}.{name}")

    def __call__(self, *a, **k):
        return self

    def __mro_entries__(self, bases):
        return (object,)


def _stub(name):
    if name in sys.modules:
        return
    try:
        importlib.import_module(name)
    except Exception:
        sys.modules[name] = _Stub(name)


def _package(name, path):
    # Register a package without running its __init__ (which imports the whole training stack).
    m = types.ModuleType(name)
    m.__path__ = [path]
    sys.modules[name] = m


def import_reference(repo):
    import torch
    import torch.nn.functional as F

    for name in ["torchaudio", "torchaudio.transforms", "alias_free_torch", "safetensors", "safetensors.torch",
                 "k_diffusion", "tqdm"]:
        _stub(name)
    if not hasattr(F, "scaled_dot_product_attention"):  # torch < 2.0
        def sdpa(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False):
            assert attn_mask is None and not is_causal
            w = torch.matmul(q, k.transpose(-2, -1)).mul_(1.0 / math.sqrt(q.shape[-1]))
            return torch.matmul(w.softmax(dim=-1), v)
        F.scaled_dot_product_attention = sdpa
    try:
        import torch.nn.attention.flex_attention  # noqa: F401  (torch >= 2.5)
    except Exception:
        _package("torch.nn.attention", "")
        sys.modules["torch.nn.attention.flex_attention"] = _Stub("torch.nn.attention.flex_attention")
    if not hasattr(torch.backends.cuda, "sdp_kernel"):
        torch.backends.cuda.sdp_kernel = _Stub("sdp_kernel")

    sat = os.path.join(repo, "stable_audio_tools")
    _package("stable_audio_tools", sat)
    _package("stable_audio_tools.models", os.path.join(sat, "models"))
    _package("stable_audio_tools.inference", os.path.join(sat, "inference"))
    # Only used by other classes in autoencoders.py.
    for name in ["stable_audio_tools.inference.sampling", "stable_audio_tools.inference.utils",
                 "stable_audio_tools.inference.generation", "stable_audio_tools.models.diffusion",
                 "stable_audio_tools.models.factory", "stable_audio_tools.models.conditioners"]:
        sys.modules[name] = _Stub(name)
    dit = importlib.import_module("stable_audio_tools.models.dit")
    ae = importlib.import_module("stable_audio_tools.models.autoencoders")
    bottleneck = importlib.import_module("stable_audio_tools.models.bottleneck")
    return dit, ae, bottleneck


def best_of(fn, repeat, sync=lambda: None):
    fn()  # warm-up
    sync()
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        sync()  # CUDA runs asynchronously: wait for the work, not just its launch
        best = min(best, time.perf_counter() - t0)
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repo", required=True, help="stable-audio-tools checkout")
    ap.add_argument("--einops", help="einops checkout (if not on PYTHONPATH)")
    ap.add_argument("--config", required=True, help="model_config.json (diffusion_cond, DiT + Oobleck)")
    ap.add_argument("--seconds", type=float, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cfg-scale", type=float, default=7.0)
    ap.add_argument("--skip-vae", action="store_true")
    ap.add_argument("--skip-dit", action="store_true")
    ap.add_argument("--device", default="cpu", help="cpu or cuda (the GPU runs: tools/gpu/, docs/gpu.md)")
    ap.add_argument("--dtype", default="fp32", choices=["fp32", "fp16", "bf16"], help="weights and activations")
    ap.add_argument("--steps", type=int, default=0,
                    help="also report steps x DiT step + decode as the seconds a generation takes (sampler overhead left out)")
    args = ap.parse_args()
    if args.einops:
        sys.path.insert(0, args.einops)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # before torch loads its BLAS
        os.environ.setdefault(var, str(args.threads))

    import torch
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    dit_mod, ae_mod, bn_mod = import_reference(args.repo)

    dev = torch.device(args.device)
    dtype = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}[args.dtype]
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    if dev.type == "cuda":
        torch.cuda.reset_peak_memory_stats()
    cfg = json.load(open(args.config))
    model = cfg["model"]
    pt = model["pretransform"]["config"]
    ratio = pt["downsampling_ratio"]
    latent_dim = pt["latent_dim"]
    frames = math.ceil(args.seconds * cfg["sample_rate"] / ratio)
    out = {"model": os.path.basename(args.config), "seconds": args.seconds, "threads": args.threads,
           "latentFrames": frames, "torch": torch.__version__, "device": str(dev), "dtype": args.dtype}
    if dev.type == "cuda":
        out["gpu"] = torch.cuda.get_device_name(dev)

    with torch.inference_mode():
        x = torch.randn(1, latent_dim, frames, device=dev, dtype=dtype)
        if not args.skip_dit:
            dcfg = dict(model["diffusion"]["config"])
            dcfg.setdefault("diffusion_objective", model["diffusion"].get("diffusion_objective", "v"))
            dit = dit_mod.DiffusionTransformer(**dcfg).eval().to(dev, dtype)
            cond = model["conditioning"]
            tokens = sum(c["config"].get("max_length", 128) if c["type"] == "t5" else 1
                         for c in cond["configs"] if c["id"] in model["diffusion"].get("cross_attention_cond_ids", []))
            kw = {"cfg_scale": args.cfg_scale, "use_checkpointing": False}  # checkpointing is for training
            if dcfg.get("cond_token_dim", 0) > 0:
                kw["cross_attn_cond"] = torch.randn(1, tokens, dcfg["cond_token_dim"], device=dev, dtype=dtype)
                out["crossTokens"] = tokens
            if dcfg.get("global_cond_dim", 0) > 0:
                kw["global_embed"] = torch.randn(1, dcfg["global_cond_dim"], device=dev, dtype=dtype)
            t = torch.tensor([0.7], device=dev, dtype=dtype)
            out["ditStepSeconds"] = best_of(lambda: dit(x, t, **kw), args.repeat, sync)
            del dit
        if not args.skip_vae:
            dec = pt["decoder"]["config"]
            decoder = ae_mod.OobleckDecoder(**dec).eval()
            for m in decoder.modules():
                if hasattr(m, "weight_g"):
                    torch.nn.utils.remove_weight_norm(m)
            decoder = decoder.to(dev, dtype)
            bottleneck = bn_mod.VAEBottleneck() if pt.get("bottleneck", {}).get("type") == "vae" else None

            def decode():
                z = bottleneck.decode(x) if bottleneck is not None else x
                return decoder(z)
            out["vaeDecodeSeconds"] = best_of(decode, args.repeat, sync)
    if args.steps and "ditStepSeconds" in out:
        out["steps"] = args.steps
        out["generationSeconds"] = args.steps * out["ditStepSeconds"] + out.get("vaeDecodeSeconds", 0.0)
    if dev.type == "cuda":
        out["peakGpuBytes"] = torch.cuda.max_memory_allocated(dev)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

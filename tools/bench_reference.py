#!/usr/bin/env python3
"""Times the reference (stable-audio-tools) on random weights, for comparison with `./longplay bench`.

Not run in CI. The model is built by the reference's own factory (create_diffusion_cond_from_config: DiTWrapper,
AutoencoderPretransform) from a model_config.json, with PyTorch's default random init, except the conditioner:
no T5 is loaded. Instead the conditioning tensors are random, of the shapes the conditioners would give
(max_length prompt tokens + one token per number conditioner, cond_dim wide; masks all ones), and are handed to
the reference the way its generate_diffusion_cond(conditioning_tensors=...) accepts them. Weight norm in the
autoencoder is folded away (as a converted checkpoint has it, and as Longplay runs it). Prints JSON with the keys
of `./longplay bench` (median of --repeat after one warm-up; --repeat 0: the one cold run).

  ditStepSeconds     one DiTWrapper forward with the conditioning bound, as the sampler calls it: batched CFG
                     (B = 1 -> 2) when the CFG scale is not 1
  vaeDecodeSeconds   one pretransform.decode of the latent (VAE bottleneck + OobleckDecoder, as
                     generate_diffusion_cond does it)
  generationSeconds  --generation: one whole generate_diffusion_cond (noise, the reference's sampler with its
                     schedule and CFG, decode) with the given conditioning tensors
  generationEstimateSeconds  without --generation but with --steps: steps x DiT step + decode
  peakGpuMiB         the peak of the device's used memory (cudaMemGetInfo, polled from a thread every ~2 ms
                     during all of the above) minus the level before the model was built: what Longplay's
                     bench reports under the same name. maxMemoryAllocatedMiB / maxMemoryReservedMiB: torch's
                     own allocator peaks (absolute, weights included).

Sampler defaults follow the published profiles (as Longplay's SamplingDefaults): v objective (SAO 1.0):
dpmpp-3m-sde, CFG 7, sigma 0.3..500, rho 1; rf_denoiser (SAO small): pingpong, no CFG. DPM-Solver++ SDE
samplers draw their noise from k-diffusion's Brownian tree, which needs torchsde; without torchsde (or with
--sde-noise gaussian) the noise is independent Gaussian draws per step, which is what Longplay does (same cost
class: one randn_like per step). The JSON says which ("sdeNoise").

The SAO small shape: its published config leaves project_cond_tokens at the reference's default (true), so
the 768-wide prompt tokens are projected to the 1024-wide DiT before cross-attention and q, k and v all have
8 heads. With project_cond_tokens false (as models/.../bench/sao-small.json had it until 2026-11-25), k and v
have 768 / 128 = 6 heads against 8 query heads, 8 is not a multiple of 6, and the reference's grouped-query
repeat (repeat_interleave by 8 // 6 = 1) leaves them unequal: its scaled_dot_product_attention call fails on
every torch version (and flash_attn would refuse 8 vs 6 heads too). Nothing needs patching in the reference.

Where the reference imports modules the timed code never calls (torchaudio, alias_free_torch, einops_exts,
flash_attn-free paths, the training stack), they are stubbed so the sources import on a bare torch install;
einops and k-diffusion are pure Python and are looked for on PYTHONPATH, then under --einops / --k-diffusion,
then next to --repo (tools/gpu/bundle.sh puts both there). torch < 2.0 has no F.scaled_dot_product_attention:
it is then given the plain math form (softmax(q k^T / sqrt(d)) v).

Examples:
  python3 tools/bench_reference.py --repo "$SAT_DIR" --einops "$EINOPS_DIR" \
      --config models/src/main/resources/dev/longplay/models/bench/sao-1.0.json --seconds 2 --threads 2 --repeat 3
  python3 tools/bench_reference.py --repo gpu-run/app/reference/stable-audio-tools --device cuda --dtype fp16 \
      --config models/src/main/resources/dev/longplay/models/bench/sao-1.0.json --seconds 47 --steps 100 --generation
"""
import argparse
import importlib
import json
import math
import os
import sys
import threading
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
    """The real module if it imports, else a stub. Returns True when it is a stub."""
    if name in sys.modules:
        return isinstance(sys.modules[name], _Stub)
    try:
        importlib.import_module(name)
        return False
    except Exception:
        sys.modules[name] = _Stub(name)
        return True


def _package(name, path):
    # Register a package without running its __init__ (which imports the whole training stack).
    m = types.ModuleType(name)
    m.__path__ = [path]
    sys.modules[name] = m


def _progress_module():
    """tqdm when installed (the reference's samplers draw their progress bars with it), else a silent stand-in."""
    try:
        importlib.import_module("tqdm")
        importlib.import_module("tqdm.auto")
        return
    except Exception:
        pass
    m = types.ModuleType("tqdm")
    m.trange = lambda *a, **k: range(*a)
    m.tqdm = lambda it=None, *a, **k: it
    sys.modules["tqdm"] = m
    sys.modules["tqdm.auto"] = m


def _find_source(explicit, repo, dirname, package):
    """A pure-Python dependency: installed, or at --option, or beside the reference checkout."""
    try:
        importlib.import_module(package)
        return "installed"
    except Exception:
        pass
    for root in [explicit, os.path.join(os.path.dirname(os.path.abspath(repo)), dirname)]:
        if root and os.path.isdir(os.path.join(root, package)):
            sys.path.insert(0, root)
            return root
    return None


def import_reference(repo, kdiff_root, sde_noise):
    """Imports the reference's model and inference modules; returns them and a description of the SDE noise."""
    import torch
    import torch.nn.functional as F

    for name in ["torchaudio", "torchaudio.transforms", "alias_free_torch", "safetensors", "safetensors.torch",
                 "einops_exts", "packaging", "packaging.version"]:
        _stub(name)
    _progress_module()
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
    if not hasattr(torch.backends.cuda, "sdp_kernel"):  # removed in newer torch; only UNet blocks use it
        torch.backends.cuda.sdp_kernel = _Stub("sdp_kernel")

    # k-diffusion: only sampling, external and utils are used; its __init__ pulls in training and evaluation.
    if kdiff_root == "installed":
        no_torchsde = False  # its full import succeeded, torchsde included
    elif kdiff_root is not None:
        for name in ["scipy", "scipy.integrate", "torchdiffeq", "PIL", "PIL.Image", "torchvision",
                     "torchvision.transforms", "torchvision.transforms.functional", "wandb"]:
            _stub(name)
        no_torchsde = _stub("torchsde")
        _package("k_diffusion", os.path.join(kdiff_root, "k_diffusion"))
        for name in ["utils", "sampling", "external"]:
            setattr(sys.modules["k_diffusion"], name, importlib.import_module("k_diffusion." + name))
    if kdiff_root is None:
        sys.modules["k_diffusion"] = _Stub("k_diffusion")
        sde = "none (k-diffusion not found: v-objective generation unavailable)"
    elif no_torchsde or sde_noise == "gaussian":
        sys.modules["k_diffusion"].sampling.BrownianTreeNoiseSampler = _GaussianNoiseSampler
        sde = "gaussian (" + ("torchsde not installed" if no_torchsde else "--sde-noise gaussian") + ")"
    else:
        sde = "brownian tree (torchsde)"

    sat = os.path.join(repo, "stable_audio_tools")
    _package("stable_audio_tools", sat)
    for sub in ["models", "inference", "data"]:
        _package("stable_audio_tools." + sub, os.path.join(sat, sub))
    mods = types.SimpleNamespace()
    mods.diffusion = importlib.import_module("stable_audio_tools.models.diffusion")
    mods.generation = importlib.import_module("stable_audio_tools.inference.generation")
    mods.transformer = importlib.import_module("stable_audio_tools.models.transformer")
    return mods, sde


class _GaussianNoiseSampler:
    """k-diffusion's BrownianTreeNoiseSampler interface, drawing independent N(0, 1) noise at each call."""

    def __init__(self, x, sigma_min, sigma_max, seed=None, transform=None):
        self.x = x

    def __call__(self, sigma, sigma_next):
        import torch
        return torch.randn_like(self.x)


class GpuMemoryWatch:
    """Peak of the device's used memory (total - free, cudaMemGetInfo) over the run, polled from a thread,
    minus the level when watching started: the same measure as Longplay's GpuMemoryWatch."""

    def __init__(self, device, interval_s=0.002):
        import torch
        self.torch = torch
        self.device = device
        self.interval = interval_s
        self.baseline = self._used()  # also creates the CUDA context, so it is part of the baseline on both sides
        self.peak = self.baseline
        self.running = True
        self.thread = threading.Thread(target=self._poll, name="gpu-memory-watch", daemon=True)
        self.thread.start()

    def _used(self):
        free, total = self.torch.cuda.mem_get_info(self.device)
        return total - free

    def _poll(self):
        while self.running:
            self.peak = max(self.peak, self._used())
            time.sleep(self.interval)

    def restart_peak(self):
        """Forgets the peak so far (not the baseline): for a transient that the other side does not have."""
        self.peak = self._used()

    def stop(self):
        self.running = False
        self.thread.join(1.0)
        self.peak = max(self.peak, self._used())
        return max(0, self.peak - self.baseline) >> 20


CPU_SECONDS = {}


def timed(fn, repeat, sync, part=None):
    """Median of `repeat` runs after a warm-up (the machine's load varies); with repeat 0 the one (cold) run."""
    t0 = time.perf_counter()
    c0 = time.process_time()
    fn()
    sync()
    if repeat <= 0:
        if part is not None:
            CPU_SECONDS[part + "CpuSeconds"] = time.process_time() - c0
        return time.perf_counter() - t0
    runs = []
    cpu = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        c0 = time.process_time()
        fn()
        sync()  # CUDA runs asynchronously: wait for the work, not just its launch
        runs.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    runs.sort()
    cpu.sort()
    if part is not None:  # the process's CPU time (all threads), median over the same runs
        CPU_SECONDS[part + "CpuSeconds"] = cpu[len(cpu) // 2] if len(cpu) % 2 else (cpu[len(cpu) // 2 - 1] + cpu[len(cpu) // 2]) / 2
    mid = len(runs) // 2
    return runs[mid] if len(runs) % 2 else (runs[mid - 1] + runs[mid]) / 2


def conditioning_tensors(model_cfg, dev, dtype, torch):
    """Random stand-ins for what the conditioners would return: {id: (tensor [1, tokens, cond_dim], mask)}."""
    cond = model_cfg["conditioning"]
    diff = model_cfg["diffusion"]
    wanted = set(diff.get("cross_attention_cond_ids", [])) | set(diff.get("global_cond_ids", []))
    out = {}
    tokens = 0
    for c in cond["configs"]:
        if c["id"] not in wanted:
            continue
        n = c["config"].get("max_length", 128) if c["type"] in ("t5", "clap_text") else 1
        out[c["id"]] = (torch.randn(1, n, cond["cond_dim"], device=dev, dtype=dtype),
                        torch.ones(1, n, device=dev, dtype=torch.bool))
        if c["id"] in diff.get("cross_attention_cond_ids", []):
            tokens += n
    return out, tokens


def fold_weight_norm(module, torch):
    for m in module.modules():
        if hasattr(m, "weight_g") or hasattr(m, "parametrizations"):
            try:
                torch.nn.utils.remove_weight_norm(m)
            except Exception:
                try:
                    torch.nn.utils.parametrize.remove_parametrizations(m, "weight")
                except Exception:
                    pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repo", required=True, help="stable-audio-tools checkout")
    ap.add_argument("--einops", help="einops checkout (if not installed; default: beside --repo)")
    ap.add_argument("--k-diffusion", dest="kdiff", help="k-diffusion checkout (if not installed; default: beside --repo)")
    ap.add_argument("--config", required=True, help="model_config.json (diffusion_cond, DiT + Oobleck)")
    ap.add_argument("--seconds", type=float, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cfg-scale", type=float, default=None,
                    help="default: 7 for the v objective (SAO 1.0), 1 (no CFG) for rectified flow (SAO small)")
    ap.add_argument("--skip-vae", action="store_true", help="do not time the decode")
    ap.add_argument("--skip-dit", action="store_true", help="do not time the DiT step")
    ap.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N (the GPU runs: tools/gpu/, docs/gpu.md)")
    ap.add_argument("--dtype", default="fp32", choices=["fp32", "fp16", "bf16"],
                    help="weights and activations of the DiT and the autoencoder")
    ap.add_argument("--steps", type=int, default=0, help="sampler steps (for --generation, or the estimate)")
    ap.add_argument("--generation", action="store_true",
                    help="also time one whole generate_diffusion_cond with --steps (default: the profile's)")
    ap.add_argument("--sampler", help="default: dpmpp-3m-sde (v objective) or pingpong (rectified flow)")
    ap.add_argument("--sigma-min", type=float, default=0.3)
    ap.add_argument("--sigma-max", type=float, default=500.0)
    ap.add_argument("--profile", action="store_true",
                    help="print torch.profiler's per-op table of one DiT step (after the timed runs) to stderr")
    ap.add_argument("--sde-noise", choices=["auto", "gaussian"], default="auto",
                    help="auto: k-diffusion's Brownian tree when torchsde is installed, else Gaussian")
    args = ap.parse_args()
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):  # before torch loads its BLAS
        os.environ.setdefault(var, str(args.threads))
    _find_source(args.einops, args.repo, "einops", "einops")
    kdiff_root = _find_source(args.kdiff, args.repo, "k-diffusion", "k_diffusion")

    # The reference prints on import and in generate_diffusion_cond: keep stdout for the JSON alone
    json_out, sys.stdout = sys.stdout, sys.stderr
    import torch
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    ref, sde = import_reference(args.repo, kdiff_root, args.sde_noise)

    dev = torch.device(args.device)
    if dev.type == "cuda" and dev.index is None:
        dev = torch.device("cuda", torch.cuda.current_device())
    dtype = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}[args.dtype]
    sync = (lambda: torch.cuda.synchronize(dev)) if dev.type == "cuda" else (lambda: None)
    cfg = json.load(open(args.config))
    model_cfg = cfg["model"]
    objective = model_cfg["diffusion"].get("diffusion_objective", "v")
    rf = objective in ("rectified_flow", "rf_denoiser")
    cfg_scale = args.cfg_scale if args.cfg_scale is not None else (1.0 if rf else 7.0)
    sampler = args.sampler or ("pingpong" if rf else "dpmpp-3m-sde")
    pt = model_cfg["pretransform"]["config"]
    ratio = pt["downsampling_ratio"]
    frames = math.ceil(args.seconds * cfg["sample_rate"] / ratio)
    out = {"model": os.path.basename(args.config), "seconds": args.seconds, "threads": args.threads,
           "latentFrames": frames, "torch": torch.__version__, "device": str(dev), "dtype": args.dtype,
           "cfgScale": cfg_scale, "loadAverageStart": round(os.getloadavg()[0], 2)}
    if dev.type == "cuda":
        out["gpu"] = torch.cuda.get_device_name(dev)
    out["attention"] = "flash_attn" if getattr(ref.transformer, "flash_attn_func", None) is not None \
        else "scaled_dot_product_attention"

    # generate_diffusion_cond switches these off before sampling; set them for every timed part alike
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = False

    watch = GpuMemoryWatch(dev) if dev.type == "cuda" else None
    if dev.type == "cuda":
        torch.cuda.reset_peak_memory_stats(dev)
    # The reference's own factory; the conditioner (T5 weights, a download) is left out: tensors come instead.
    ref.diffusion.create_multi_conditioner_from_conditioning_config = lambda *a, **k: None
    # Built on the GPU itself where there is one (random init of 1.2 B parameters on the CPU takes a while);
    # a float type other than fp32 is a cast after the fp32 init, and that transient fp32 copy is not counted.
    on_device = dev.type == "cuda" and hasattr(torch, "get_default_device")
    if on_device:
        with torch.device(dev):
            model = ref.diffusion.create_diffusion_cond_from_config(cfg)
    else:
        model = ref.diffusion.create_diffusion_cond_from_config(cfg)
    fold_weight_norm(model.pretransform, torch)
    model = model.eval().requires_grad_(False).to(dev, dtype)
    if on_device and dtype != torch.float32:
        torch.cuda.synchronize(dev)
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats(dev)
        watch.restart_peak()

    with torch.inference_mode():
        cond, tokens = conditioning_tensors(model_cfg, dev, dtype, torch)
        out["crossTokens"] = tokens
        x = torch.randn(1, model.io_channels, frames, device=dev, dtype=dtype)
        if not args.skip_dit:
            inputs = model.get_conditioning_inputs(cond)
            t = torch.tensor([0.7], device=dev, dtype=dtype)
            out["ditStepSeconds"] = timed(
                lambda: model.model(x, t, **inputs, cfg_scale=cfg_scale, batch_cfg=True, rescale_cfg=True),
                args.repeat, sync, "ditStep")
            if args.profile:
                with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
                    model.model(x, t, **inputs, cfg_scale=cfg_scale, batch_cfg=True, rescale_cfg=True)
                print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=30), file=sys.stderr)
        if not args.skip_vae:
            out["vaeDecodeSeconds"] = timed(lambda: model.pretransform.decode(x), args.repeat, sync, "vaeDecode")
        if args.generation:
            steps = args.steps or (8 if rf else 100)
            kwargs = dict(steps=steps, cfg_scale=cfg_scale, conditioning_tensors=cond, batch_size=1,
                          sample_size=frames * ratio, seed=0, device=dev, sampler_type=sampler)
            if not rf:
                kwargs.update(sigma_min=args.sigma_min, sigma_max=args.sigma_max, rho=1.0)
                out["sdeNoise"] = sde if "sde" in sampler else "none"
            out["generationSeconds"] = timed(lambda: ref.generation.generate_diffusion_cond(model, **kwargs),
                                             args.repeat, sync, "generation")
            out["steps"] = steps
            out["sampler"] = sampler
        elif args.steps and "ditStepSeconds" in out:
            out["steps"] = args.steps
            out["generationEstimateSeconds"] = args.steps * out["ditStepSeconds"] + out.get("vaeDecodeSeconds", 0.0)
    out.update(CPU_SECONDS)
    out["loadAverageEnd"] = round(os.getloadavg()[0], 2)
    if watch is not None:
        out["peakGpuMiB"] = watch.stop()
        out["maxMemoryAllocatedMiB"] = torch.cuda.max_memory_allocated(dev) >> 20
        out["maxMemoryReservedMiB"] = torch.cuda.max_memory_reserved(dev) >> 20
    print(json.dumps(out, indent=2), file=json_out)


if __name__ == "__main__":
    main()

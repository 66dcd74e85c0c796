#!/usr/bin/env python3
"""Makes the Stable Audio Open golden cases (the components of the format in models/src/test/resources/golden/README.md:
vae_decode, vae_encode, number_conditioner, int_conditioner, dit_forward, sample, style_transfer) under models/src/test/resources/golden/,
with each tiny model stored once under _models/<name>/ and named by the cases that use it (case.json "model_dir").

Reference: Stability-AI/stable-audio-tools (its stable_audio_tools package, from `git archive HEAD stable_audio_tools`)
built by its own factory (`create_model_from_config`); the samplers are its own sample_k / sample_rf over
crowsonkb/k-diffusion's sampling.py and external.py (VDenoiser), loaded from their source files. Nothing else of
k-diffusion is imported; the modules it imports at the top but these samplers never call (scipy.integrate,
torchdiffeq, torchsde, tqdm, its utils beyond append_dims) are stand-ins, as are the stable-audio-tools imports that
nothing here reaches (huggingface_hub, safetensors, torchaudio, alias_free_torch, einops_exts, transformers: the T5
conditioner's language model is never run; its last hidden state is an input of the case, and the conditioner's own
proj_out and mask are applied to it as its forward does).

Recorded noise instead of random draws: the reference draws noise with torch.randn_like (the VAE bottleneck's sample,
the ping-pong sampler's re-noising) and k-diffusion's BrownianTreeNoiseSampler (the SDE samplers); while a case runs,
those are replaced by the case's recorded tensors, taken in order.

Precision: the weights and inputs are float32 values (what the files store); the expected outputs are the reference
run in float64 (default dtype float64, the model in double, and the reference's explicit float32 casts for layer norm
and rotary embeddings widened to float64), stored as float32. The script also runs every case in float32 and prints
how much of each case's tolerance that run spends against the float64 result (it should be a small fraction).

Every case with an input-level mutation is also checked against the bug it exists to catch: the reference run with
that bug put in (MUTATIONS) must miss the case by more than 10 tolerances; the script prints by how many.

Run ($SCRATCH: any scratch folder outside the repository):
      mkdir -p $SCRATCH/sat $SCRATCH/kd
      git --git-dir=<stable-audio-tools mirror> archive HEAD stable_audio_tools | tar -x -C $SCRATCH/sat
      git --git-dir=<k-diffusion mirror> archive HEAD k_diffusion | tar -x -C $SCRATCH/kd
      python3 -m venv $SCRATCH/venv && $SCRATCH/venv/bin/pip install torch numpy einops packaging
      PYTHONPATH=$SCRATCH/sat $SCRATCH/venv/bin/python tools/golden/make_sao_cases.py $SCRATCH/kd [out_dir]
"""
import contextlib
import copy
import importlib.util
import itertools
import json
import math
import os
import sys

import torch
import torch.nn.functional as F
import torch.utils.checkpoint  # noqa: F401  (the reference calls it without importing it)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from golden_io import precision, save_safetensors, tiny_sao_config  # noqa: E402
import reference_stand_ins as stand_ins  # noqa: E402


def _install_stand_ins(kd_root):
    stand_ins.install_common()
    stand_ins.any_name("einops_exts")
    stand_ins.any_name("scipy").integrate = stand_ins.any_name("scipy.integrate")
    stand_ins.any_name("torchdiffeq")
    stand_ins.any_name("torchsde")
    # k-diffusion: the package's own sampling.py and external.py; utils only for the one helper they call
    kd = stand_ins.module("k_diffusion")
    kd.__path__ = []

    def append_dims(x, n):
        return x[(...,) + (None,) * (n - x.ndim)]

    kd.utils = stand_ins.module("k_diffusion.utils", append_dims=append_dims)
    for name in ("sampling", "external"):
        spec = importlib.util.spec_from_file_location("k_diffusion." + name,
                                                      os.path.join(kd_root, "k_diffusion", name + ".py"))
        mod = importlib.util.module_from_spec(spec)
        sys.modules["k_diffusion." + name] = mod
        spec.loader.exec_module(mod)
        setattr(kd, name, mod)


@contextlib.contextmanager
def recorded_noise(randn_like=(), sde=()):
    """torch.randn_like returns `randn_like` in order; k-diffusion's Brownian tree sampler returns `sde` in order."""
    import k_diffusion
    draws, sde_draws = list(randn_like), list(sde)
    old_randn_like, old_tree = torch.randn_like, k_diffusion.sampling.BrownianTreeNoiseSampler

    def next_draw(x, *a, **k):
        t = draws.pop(0)
        assert t.shape == x.shape, (t.shape, x.shape)
        return t.to(x.dtype)

    class Recorded:
        def __init__(self, x, *a, **k):
            pass

        def __call__(self, sigma, sigma_next):
            return sde_draws.pop(0)

    torch.randn_like = next_draw
    k_diffusion.sampling.BrownianTreeNoiseSampler = Recorded
    try:
        yield
        assert not draws and not sde_draws, f"unused recorded noise: {len(draws)} + {len(sde_draws)}"
    finally:
        torch.randn_like = old_randn_like
        k_diffusion.sampling.BrownianTreeNoiseSampler = old_tree


BASE = tiny_sao_config()


def configs():
    adaln = copy.deepcopy(BASE)
    # one layer each where a second would only repeat what sao_tiny's two layers cover (keeps the set small)
    adaln["model"]["diffusion"]["config"].update({"global_cond_type": "adaLN", "depth": 1})
    rf = copy.deepcopy(BASE)
    rf["model"]["diffusion"]["diffusion_objective"] = "rf_denoiser"
    rf["model"]["diffusion"]["config"].update({"attn_kwargs": {"qk_norm": "ln"}, "depth": 1})
    return {"sao_tiny": BASE, "sao_tiny_adaln": adaln, "sao_tiny_rf": rf}


def key_configs():
    # a key class and a tempo number beside the prompt, as `train --key-conditioner --tempo-conditioner` adds them;
    # made from their own generator so that the cases above keep their values
    key = copy.deepcopy(BASE)
    key["model"]["conditioning"]["configs"] += [
        {"id": "key", "type": "int", "config": {"min_val": 0, "max_val": 24}},
        {"id": "bpm", "type": "number", "config": {"min_val": 0, "max_val": 240}}]
    key["model"]["diffusion"]["cross_attention_cond_ids"] += ["key", "bpm"]
    return {"sao_tiny_key": key}


GAIN = 0.5


def randomise(model, gen):
    # Every parameter non-trivial (the reference zero-inits branch outputs; norms get gains near 1), small enough to
    # keep activations in range through the layers; then rounded to float32, the values the files store.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 1 and ("gamma" in name or name.endswith("norm.weight")):
                v = 1.0 + 0.1 * torch.randn(p.shape, generator=gen)
            else:
                fan_in = p.shape[1] * (p.shape[2] if p.dim() > 2 else 1) if p.dim() > 1 else 16
                v = GAIN * torch.randn(p.shape, generator=gen) / math.sqrt(fan_in)
            p.copy_(v.float())


def build(config, state=None):
    from stable_audio_tools.models.factory import create_model_from_config
    model = create_model_from_config(copy.deepcopy(config)).eval()
    if state is not None:
        model.load_state_dict(state)
    return model.to(torch.get_default_dtype())


def conditioning(model, inputs):
    dt = torch.get_default_dtype()
    cond = {}
    t5 = model.conditioner.conditioners["prompt"]
    mask = inputs["prompt_mask"].to(torch.bool)
    # T5Conditioner.forward after its language model: proj_out, then zero the padded tokens
    cond["prompt"] = (t5.proj_out(inputs["prompt_hidden"].to(dt)) * mask.unsqueeze(-1).to(dt), mask)
    for key in ("seconds_start", "seconds_total", "bpm"):
        if key in model.conditioner.conditioners:
            cond[key] = model.conditioner.conditioners[key](inputs[key].tolist(), device="cpu")
    if "key" in model.conditioner.conditioners:
        cond["key"] = model.conditioner.conditioners["key"]([int(v) for v in inputs["key"].tolist()], device="cpu")
    return cond


# ---- the components, as the reference computes them ----

def run_vae_decode(model, spec, inputs):
    return {"audio": model.pretransform.decode(inputs["latents"].to(torch.get_default_dtype()))}


def run_vae_encode(model, spec, inputs):
    dt = torch.get_default_dtype()
    enc = model.pretransform.model.encoder(inputs["audio"].to(dt))
    mean, scale = enc.chunk(2, dim=1)
    from stable_audio_tools.models.bottleneck import vae_sample
    with recorded_noise(randn_like=[inputs["noise"]]):
        latents, _ = vae_sample(mean, scale)
    return {"encoder_out": enc, "mean": mean, "stdev": F.softplus(scale) + 1e-4, "latents": latents}


def run_number(model, spec, inputs):
    emb, mask = model.conditioner.conditioners[spec["conditioner_id"]](inputs["values"].tolist(), device="cpu")
    return {"embedding": emb, "mask": mask}


def run_int(model, spec, inputs):
    ints = [int(v) for v in inputs["values"].tolist()]
    emb, mask = model.conditioner.conditioners[spec["conditioner_id"]](ints, device="cpu")
    return {"embedding": emb, "mask": mask}


def run_dit(model, spec, inputs):
    dt = torch.get_default_dtype()
    return {"v": model(inputs["x"].to(dt), inputs["t"].to(dt), conditioning(model, inputs), cfg_scale=spec["cfg_scale"],
                       batch_cfg=True)}


def run_sample(model, spec, inputs, init_audio=None):
    from stable_audio_tools.inference.sampling import sample_k, sample_rf
    dt = torch.get_default_dtype()
    cond_inputs = model.get_conditioning_inputs(conditioning(model, inputs))
    out = {}
    init = None
    if init_audio is not None:
        with recorded_noise(randn_like=[inputs["encode_noise"]]):
            init = model.pretransform.encode(init_audio.to(dt))
        out["init_latents"] = init
    noise = inputs["noise"].to(dt)
    kw = dict(cfg_scale=spec["cfg_scale"], batch_cfg=True, rescale_cfg=True, device="cpu", **cond_inputs)
    if model.diffusion_objective == "rf_denoiser":
        with recorded_noise(randn_like=list(inputs["step_noises"])):
            latents = sample_rf(model.model, noise, init_data=init, steps=spec["steps"], sampler_type=spec["sampler"],
                                sigma_max=spec["sigma_max"], **kw)
    else:
        sigma_max = spec["init_noise_level"] if init_audio is not None else spec["sigma_max"]
        sde = list(inputs["sde_noises"]) if "sde_noises" in inputs else []
        with recorded_noise(sde=[n.to(dt) for n in sde]):
            latents = sample_k(model.model, noise, init, steps=spec["steps"], sampler_type=spec["sampler"],
                               sigma_min=spec["sigma_min"], sigma_max=sigma_max, rho=spec["rho"], **kw)  # eta: k-diffusion's default 1
    out["latents"] = latents
    out["audio"] = model.pretransform.decode(latents)
    return out


def run_style_transfer(model, spec, inputs):
    return run_sample(model, spec, inputs, init_audio=inputs["init_audio"])


RUNNERS = {"vae_decode": run_vae_decode, "vae_encode": run_vae_encode, "number_conditioner": run_number,
           "int_conditioner": run_int,
           "dit_forward": run_dit, "sample": run_sample, "style_transfer": run_style_transfer}

DIT_DESC = ("v = wrapper(x, t, cond): prompt = proj_out(prompt_hidden) * prompt_mask (the T5 conditioner after T5), "
            "number conditioners for seconds_start/seconds_total; cross-attention tokens = [prompt, seconds_start, "
            "seconds_total], global = cat(seconds_start, seconds_total); batched CFG against zeroed conditioning")
SAMPLE_DESC = ("generate_diffusion_cond: sigmas = polyexponential(steps, sigma_min, sigma_max, rho) then 0; x = noise * "
               "sigmas[0]; k-diffusion sampler on VDenoiser(wrapper) with CFG; SDE noise for step i is sde_noises[i] "
               "(used in order, one per non-final step); outputs the final latents and audio = pretransform.decode(latents)")


def cases(gen):
    def randn(*shape):
        return torch.randn(*shape, generator=gen, dtype=torch.float32)

    def cond(batch):
        mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], dtype=torch.float32)[:batch]
        return {"prompt_hidden": randn(batch, 5, 768), "prompt_mask": mask,
                "seconds_start": torch.tensor([0.0, 3.5][:batch]), "seconds_total": torch.tensor([11.0, 47.0][:batch])}

    frames = 128
    tol4, tol3 = {"atol": 1e-4, "rtol": 1e-4}, {"atol": 1e-3, "rtol": 1e-3}
    dit_tol = {"atol": 2e-4, "rtol": 1e-4}
    dit_in = lambda: {"x": randn(2, 8, frames), "t": torch.tensor([0.83, 0.21]), **cond(2)}  # noqa: E731
    sample_spec = {"steps": 8, "cfg_scale": 7.0, "sigma_min": 0.3, "sigma_max": 500.0, "rho": 1.0}
    yield "vae_decode", "sao_tiny", {"component": "vae_decode", "description":
                                     "audio = pretransform.decode(latents) (Oobleck decoder, scale 1.0)",
                                     "tolerance": tol4}, {"latents": randn(1, 8, frames)}
    yield "vae_encode", "sao_tiny", {"component": "vae_encode", "description":
                                     "encoder_out = encoder(audio); mean, scale = chunk(encoder_out, 2, dim=1); "
                                     "stdev = softplus(scale) + 1e-4; latents = noise * stdev + mean",
                                     "tolerance": tol4}, {"audio": 0.5 * randn(1, 2, frames * 8), "noise": randn(1, 8, frames)}
    values = [0.0, 3.5, 47.0, 600.0]
    yield "number_conditioner", "sao_tiny", {"component": "number_conditioner", "conditioner_id": "seconds_total",
                                             "values": values, "description":
                                             "embedding[b,1,cond_dim] of clamped, normalised values",
                                             "tolerance": tol4}, {"values": torch.tensor(values)}
    yield "dit_forward_cfg1", "sao_tiny", {"component": "dit_forward", "cfg_scale": 1.0, "description": DIT_DESC,
                                           "tolerance": dit_tol}, dit_in()
    yield "dit_forward_cfg6", "sao_tiny", {"component": "dit_forward", "cfg_scale": 6.0, "description": DIT_DESC,
                                           "tolerance": dit_tol}, dit_in()
    yield "dit_forward_adaln_cfg6", "sao_tiny_adaln", {"component": "dit_forward", "cfg_scale": 6.0, "description":
                                                       "as dit_forward_cfg6, with global_cond_type adaLN",
                                                       "tolerance": dit_tol}, dit_in()
    yield "sample_dpmpp_2m", "sao_tiny", {"component": "sample", "sampler": "dpmpp-2m", **sample_spec, "eta": 0.0,
                                          "description": SAMPLE_DESC, "tolerance": tol3}, \
        {**cond(1), "noise": randn(1, 8, frames)}
    yield "sample_dpmpp_3m_sde", "sao_tiny", {"component": "sample", "sampler": "dpmpp-3m-sde", **sample_spec,
                                              "eta": 1.0, "description": SAMPLE_DESC, "tolerance": tol3}, \
        {**cond(1), "noise": randn(1, 8, frames), "sde_noises": randn(7, 1, 8, frames)}
    yield "sample_rf_pingpong", "sao_tiny_rf", {
        "component": "sample", "sampler": "pingpong",
        "note": "model as SAO small: rf_denoiser objective, LayerNorm on q and k (attn_kwargs.qk_norm = ln)",
        "diffusion_objective": "rf_denoiser", "steps": 8, "cfg_scale": 1.0, "sigma_max": 1.0,
        "description": "sample_rf: logsnr = linspace(-6, 2, steps+1); t = sigmoid(-logsnr), t[0] = 1, t[-1] = 0; "
                       "x = noise; each step: denoised = x - t[i] * model(x, t[i]); x = (1 - t[i+1]) * denoised + "
                       "t[i+1] * step_noises[i]", "tolerance": tol3}, \
        {**cond(1), "noise": randn(1, 8, frames), "step_noises": randn(8, 1, 8, frames)}
    yield "style_transfer", "sao_tiny", {
        "component": "style_transfer", "sampler": "dpmpp-3m-sde", "steps": 8, "cfg_scale": 7.0, "init_noise_level": 3.0,
        "sigma_min": 0.3, "rho": 1.0, "eta": 1.0,
        "description": "init latents = vae_encode(init_audio, noise=encode_noise); sigma_max = init_noise_level; "
                       "x = init_latents + noise * sigmas[0]; then as in sample_dpmpp_3m_sde", "tolerance": tol3}, \
        {**cond(1), "init_audio": 0.5 * randn(1, 2, frames * 8), "noise": randn(1, 8, frames),
         "encode_noise": randn(1, 8, frames), "sde_noises": randn(7, 1, 8, frames)}


def key_cases(gen):
    def randn(*shape):
        return torch.randn(*shape, generator=gen, dtype=torch.float32)

    tol4 = {"atol": 1e-4, "rtol": 1e-4}
    values = [0.0, 5.0, 24.0, 30.0, -2.0]
    yield "int_conditioner", "sao_tiny_key", {"component": "int_conditioner", "conditioner_id": "key",
                                              "values": values, "description":
                                              "embedding[b,1,cond_dim] = int_embedder.weight[clamp(value, min, max)]",
                                              "tolerance": tol4}, {"values": torch.tensor(values)}
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], dtype=torch.float32)
    yield "dit_forward_key_cfg6", "sao_tiny_key", {
        "component": "dit_forward", "cfg_scale": 6.0, "description": "as dit_forward_cfg6, with a key int conditioner "
        "and a bpm number conditioner after the seconds' tokens", "tolerance": {"atol": 2e-4, "rtol": 1e-4}}, \
        {"x": randn(2, 8, 128), "t": torch.tensor([0.83, 0.21]), "prompt_hidden": randn(2, 5, 768),
         "prompt_mask": mask, "seconds_start": torch.tensor([0.0, 3.5]), "seconds_total": torch.tensor([11.0, 47.0]),
         "key": torch.tensor([22.0, 7.0]), "bpm": torch.tensor([97.0, 0.0])}


def _key_ignored(spec, inputs):
    return spec, {**inputs, "key": torch.zeros_like(inputs["key"])}


def _no_cfg(spec, inputs):
    return {**spec, "cfg_scale": 1.0}, inputs


def _all_prompt_tokens(spec, inputs):
    return spec, {**inputs, "prompt_mask": torch.ones_like(inputs["prompt_mask"])}


def _sde_noise_reversed(spec, inputs):
    return spec, {**inputs, "sde_noises": inputs["sde_noises"].flip(0)}


def _step_noise_shifted(spec, inputs):
    return spec, {**inputs, "step_noises": inputs["step_noises"].roll(1, 0)}


def _init_audio_ignored(spec, inputs):
    return spec, {**inputs, "init_audio": torch.zeros_like(inputs["init_audio"])}


def _encode_noise_ignored(spec, inputs):
    return spec, {**inputs, "noise": torch.zeros_like(inputs["noise"])}


# The bug each case exists to catch, put into the reference's run: the mutated result must miss the case (the
# script prints by how many tolerances). vae_decode and number_conditioner have no input-level mutation here; the
# Java tests cover them (ChunkedDecoderTest, AudioAutoencoderLoadTest's strict loading).
MUTATIONS = {
    "vae_encode": [("encode noise ignored (latents = mean)", _encode_noise_ignored)],
    "dit_forward_cfg1": [("padded prompt tokens not masked", _all_prompt_tokens)],
    "dit_forward_cfg6": [("CFG ignored", _no_cfg)],
    "dit_forward_adaln_cfg6": [("CFG ignored", _no_cfg)],
    "dit_forward_key_cfg6": [("key ignored", _key_ignored)],
    "sample_dpmpp_2m": [("CFG ignored", _no_cfg)],
    "sample_dpmpp_3m_sde": [("SDE noise drawn in another order", _sde_noise_reversed), ("CFG ignored", _no_cfg)],
    "sample_rf_pingpong": [("step noise drawn in another order", _step_noise_shifted)],
    "style_transfer": [("init audio ignored", _init_audio_ignored), ("SDE noise drawn in another order",
                                                                     _sde_noise_reversed)],
}


def worst_ratio(out, ref, tol):
    worst = 0.0
    for k, r in ref.items():
        err = (out[k].double() - r.double()).abs().max().item()
        worst = max(worst, err / (tol["atol"] + tol["rtol"] * r.abs().max().item()))
    return worst


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: make_sao_cases.py <k-diffusion source root> [out_dir]")
    _install_stand_ins(sys.argv[1])
    out = sys.argv[2] if len(sys.argv) > 2 else "models/src/test/resources/golden"
    gen = torch.Generator().manual_seed(20261207)
    key_gen = torch.Generator().manual_seed(20261208)
    states = {}
    for name, config in {**configs(), **key_configs()}.items():
        with precision(torch.float32):
            model = build(config)
            randomise(model, key_gen if name in key_configs() else gen)
            states[name] = {k: v.detach().clone().float() for k, v in model.state_dict().items()}
        d = os.path.join(out, "_models", name)
        os.makedirs(d, exist_ok=True)
        save_safetensors(os.path.join(d, "model.safetensors"), states[name])
        with open(os.path.join(d, "model_config.json"), "w") as f:
            json.dump(config, f, indent=1)
    all_configs = {**configs(), **key_configs()}
    for case, model_name, spec, inputs in itertools.chain(cases(gen), key_cases(key_gen)):
        runner = RUNNERS[spec["component"]]
        results = {}
        for dtype in (torch.float64, torch.float32):
            with precision(dtype), torch.no_grad():
                model = build(all_configs[model_name], states[model_name])
                results[dtype] = {k: v.detach() for k, v in runner(model, spec, inputs).items()}
        ref = results[torch.float64]
        assert all(v.dtype == torch.float64 for v in ref.values()), {k: v.dtype for k, v in ref.items()}
        d = os.path.join(out, case)
        os.makedirs(d, exist_ok=True)
        for stale in ("model.safetensors", "model_config.json"):
            if os.path.exists(os.path.join(d, stale)):
                os.remove(os.path.join(d, stale))
        spec = {"component": spec["component"], "model_dir": "../_models/" + model_name,
                **{k: v for k, v in spec.items() if k != "component"}}
        save_safetensors(os.path.join(d, "inputs.safetensors"), inputs)
        save_safetensors(os.path.join(d, "outputs.safetensors"), ref)
        with open(os.path.join(d, "case.json"), "w") as f:
            json.dump(spec, f, indent=1)
        shapes = ", ".join(f"{k} {tuple(v.shape)} max {v.abs().max().item():.3g}" for k, v in ref.items())
        print(f"{case}: {shapes}; float32 run spends {worst_ratio(results[torch.float32], ref, spec['tolerance']):.3f} "
              f"of the tolerance")
        for what, mutate in MUTATIONS.get(case, []):
            m_spec, m_inputs = mutate(spec, inputs)
            with precision(torch.float32), torch.no_grad():
                model = build(all_configs[model_name], states[model_name])
                off = worst_ratio(runner(model, m_spec, m_inputs), ref, spec["tolerance"])
            print(f"  with {what}: {off:.1f} tolerances off")
            assert off > 10, f"{case} does not catch '{what}'"


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Makes the Stable Audio 3 golden cases under models/src/test/resources/golden/sa3_*/.

Reference: Stability-AI/stable-audio-3 @ 636f906 (its stable_audio_3 package on PYTHONPATH, e.g. from
`git archive HEAD stable_audio_3`), run with torch 2.13.0+cpu and transformers 5.18.0 (the reference pins
torch 2.7.1; every op used here is plain float32 CPU math whose results do not depend on that).
No flash-attn: the reference then takes its SDPA fallback, where the padding mask zeroes the values of
padded positions (keys stay in the softmax) -- the cases capture exactly that path.

Stub: the reference imports torchaudio (Resample in pretransforms, transforms in data/utils) at module
level; nothing here calls it, so empty modules stand in for it.

Cases (format of models/src/test/resources/golden/README.md; model.safetensors keys as the full checkpoint has them:
model.model.* for the DiT, conditioner.conditioners.<id>.* for the conditioners):
  sa3_dit_forward       small-like DiT (adaLN, rms norms, rms qk-norm, 4 memory tokens, expo timestep
                        features, local_add_cond, partial rotary 32 of 64), batch 2, padding mask, cfg 1
  sa3_dit_forward_diff  medium-like (differential attention, 2 heads of 48), batch 2, padding mask, cfg 6
                        with full APG (apg_scale 1) against zeroed cross-attention tokens
  sa3_dit_forward_logsnr  one block, timestep_features_logsnr (t -> normalised clamped log-SNR before the features)
  sa3_t5gemma           tiny T5GemmaEncoderModel (2 layers), input ids with attention mask -> last_hidden_state;
                        transformers' default SDPA attention, as the reference's from_pretrained gets it, which
                        ignores attn_logit_softcapping (only the eager path applies it)
  sa3_sample_pingpong   8-step ping-pong on the small-like DiT from conditioner inputs: prompt hidden
                        states (T5Gemma last_hidden_state) -> proj_out + learned padding embedding;
                        seconds_total -> NumberConditioner (expo); inpaint mask + masked input as local_add_cond;
                        schedule linspace(1, 0, 9) through the default LogSNRShift(rate 0, -6.2, 2.0);
                        step noises given explicitly (the reference's torch.randn_like is replaced by them, in order)
  schedules             ../sa3/schedules.json: build_schedule for every distribution shift type (not a case folder)
  sa3_dit_lora          the small-like DiT with two stacked LoRA files (lora at 0.7, dora-rows at 1.3, same target modules) applied
                        by the reference's load_and_apply_loras / set_lora_strength, run in float64; lora_0/1.safetensors

Run (SA3_REF: a checkout of Stability-AI/stable-audio-3; a Python with torch 2.x and transformers):
      PYTHONPATH="$SA3_REF" python3 tools/golden/make_sa3_cases.py [out_dir [case ...]]
"""
import json
import math
import os
import sys
import types

import torch
from transformers import T5GemmaConfig, T5GemmaEncoderModel  # before the torchaudio stub (it probes torchaudio)


def _stub(name):
    m = types.ModuleType(name)

    def ga(n):
        if n.startswith('__'):
            raise AttributeError(n)
        return type(n, (), {})
    m.__getattr__ = ga
    sys.modules[name] = m
    return m


_ta = _stub('torchaudio')
_ta.transforms = _stub('torchaudio.transforms')
_ta.functional = _stub('torchaudio.functional')

from safetensors.torch import save_file  # noqa: E402
from stable_audio_3.models.diffusion import DiTWrapper  # noqa: E402
from stable_audio_3.models.conditioners import NumberConditioner, Conditioner  # noqa: E402
from stable_audio_3.inference import sampling  # noqa: E402
from stable_audio_3.inference.sampling import build_schedule  # noqa: E402
from stable_audio_3.inference.distribution_shift import LogSNRShift  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), '..', '..', 'models', 'src', 'test', 'resources', 'golden')

IO = 8            # latent channels (SAME has 256)
COND = 48         # conditioning width (768 in the released models)
T5_DIM = 40       # T5Gemma hidden size (768 in t5gemma-b-b-ul2)
SR = 44100
DS = 4096


def dit_config(differential, embed_dim, heads, depth):
    return {
        "io_channels": IO, "patch_size": 1, "embed_dim": embed_dim, "depth": depth, "num_heads": heads,
        "cond_token_dim": COND, "global_cond_dim": COND,
        "global_cond_type": "adaLN", "timestep_features_type": "expo", "timestep_features_dim": 32,
        "num_memory_tokens": 4, "local_add_cond_dim": IO + 1, "norm_type": "rms_norm",
        "attn_kwargs": {"qk_norm": "rms", "differential": differential},
        "ff_kwargs": {"mult": 2},
    }


def model_config(dit_cfg):
    return {
        "model_type": "diffusion_cond", "sample_rate": SR, "sample_size": 5292032, "audio_channels": 2,
        "model": {
            "io_channels": IO,
            "pretransform": {"type": "autoencoder", "config": {"latent_dim": IO, "downsampling_ratio": DS,
                                                               "io_channels": 2}},
            "conditioning": {
                "cond_dim": COND,
                "configs": [
                    {"id": "prompt", "type": "t5gemma",
                     "config": {"model_name": "google/t5gemma-b-b-ul2", "max_length": 256,
                                "padding_mode": "learned", "subfolder": "t5gemma-b-b-ul2"}},
                    {"id": "seconds_total", "type": "number",
                     "config": {"min_val": 0, "max_val": 384, "fourier_features_type": "expo"}},
                ],
            },
            "diffusion": {
                "type": "dit", "diffusion_objective": "rf_denoiser",
                "cross_attention_cond_ids": ["prompt", "seconds_total"],
                "global_cond_ids": ["seconds_total"],
                "local_add_cond_ids": ["inpaint_mask", "inpaint_masked_input"],
                "mask_padding_attention": True, "use_effective_length_for_schedule": True,
                "config": dit_cfg,
            },
        },
    }


def randomize(module, gen, std=0.3):
    # Zero-initialised layers (outputs, adaLN, local embed) would hide whole paths: draw every parameter.
    with torch.no_grad():
        for name, p in module.named_parameters():
            if name.endswith('gamma') or name.endswith('weight') and p.dim() == 1:
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=gen))
            else:
                p.copy_(std * torch.randn(p.shape, generator=gen) / math.sqrt(max(1, p.shape[-1] if p.dim() > 1 else 4)) * 4)


def write_case(name, spec, config, state, inputs, outputs, model_dir=None):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    if model_dir:  # the model is stored once, in the folder of the case named (relative to this one)
        spec = {"component": spec["component"], "model_dir": model_dir, **spec}
        for stale in ('model_config.json', 'model.safetensors'):
            if os.path.exists(os.path.join(d, stale)):
                os.remove(os.path.join(d, stale))
    with open(os.path.join(d, 'case.json'), 'w') as f:
        json.dump(spec, f, indent=2)
    if not model_dir:
        with open(os.path.join(d, 'model_config.json'), 'w') as f:
            json.dump(config, f, indent=2)
        save_file({k: v.detach().float().contiguous() for k, v in state.items()}, os.path.join(d, 'model.safetensors'))
    save_file({k: v.detach().float().contiguous() for k, v in inputs.items()}, os.path.join(d, 'inputs.safetensors'))
    save_file({k: v.detach().float().contiguous() for k, v in outputs.items()}, os.path.join(d, 'outputs.safetensors'))
    size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
    print(name, size, 'bytes')
    assert size < 2_000_000


def build_dit(cfg, seed, std=0.3):
    gen = torch.Generator().manual_seed(seed)
    dit = DiTWrapper(diffusion_objective="rf_denoiser", **cfg).eval()
    randomize(dit, gen, std)
    return dit


def padding_mask(seconds, headroom_sec, t_len):
    eff = torch.tensor([math.ceil(int(s * SR) / DS) for s in seconds])
    valid = (eff + int(headroom_sec * SR / DS)).clamp(max=t_len)
    return torch.arange(t_len)[None, :] < valid[:, None]


def dit_case(name, differential, embed_dim, heads, depth, cfg_scale, seed, **extra):
    cfg = dit_config(differential, embed_dim, heads, depth)
    cfg.update(extra)
    dit = build_dit(cfg, seed)
    g = torch.Generator().manual_seed(seed + 1)
    b, t_len, n = 2, 24, 7
    x = torch.randn(b, IO, t_len, generator=g)
    t = torch.tensor([0.83, 0.21])
    cross = torch.randn(b, n, COND, generator=g)
    glob = torch.randn(b, COND, generator=g)
    local = torch.randn(b, IO + 1, t_len, generator=g)
    pm = padding_mask([1.0, 1.5], 0.5, t_len)  # valid 16 and 22 of 24
    state = {"model.model." + k: v.detach().clone() for k, v in dit.model.state_dict().items()}  # float32

    def forward(dtype):
        with torch.no_grad():
            return dit.to(dtype).model(x.to(dtype), t.to(dtype), cross_attn_cond=cross.to(dtype),
                                       global_embed=glob.to(dtype), local_add_cond=local.to(dtype), padding_mask=pm,
                                       cfg_scale=cfg_scale, apg_scale=1.0)
    # the expected output: the reference in float64 on the float32 weights and inputs. Its explicit float32 steps
    # stay float32 (as the reference runs them in any dtype): the exponential timestep features' phases
    # (t * f * 2 pi, thousands of radians) are only float32-exact, and widening them moves v by ~10 tolerances.
    v32, v = forward(torch.float32), forward(torch.float64)
    spent = ((v32.double() - v).abs().max() / (1e-4 + 1e-4 * v.abs().max())).item()
    print(f"{name}: a float32 run spends {spent:.3f} of the tolerance")
    spec = {
        "component": "sa3_dit_forward", "cfg_scale": cfg_scale, "apg_scale": 1.0,
        "tolerance": {"atol": 1e-4, "rtol": 1e-4},
        "description": "SA3 DiffusionTransformer.forward(x, t, cross_attn_cond, global_embed, local_add_cond, "
                       "padding_mask) -> v; cross_attn_cond and global_embed are conditioner outputs; "
                       "padding_mask as 0/1 floats (1 = valid)" + (", CFG with full APG against zeroed cross tokens"
                                                                    if cfg_scale != 1 else ""),
        "reference": "stable-audio-3 636f906, torch " + torch.__version__ + ", float64 CPU on the float32 weights and "
                     "inputs, SDPA path (no flash-attn)",
    }
    write_case(name, spec, model_config(cfg), state,
               {"x": x, "t": t, "cross_attn_cond": cross, "global_embed": glob, "local_add_cond": local,
                "padding_mask": pm.float()},
               {"v": v})


def t5gemma_case():
    torch.manual_seed(7)
    enc = dict(vocab_size=96, hidden_size=T5_DIM, intermediate_size=72, num_hidden_layers=2, num_attention_heads=2,
               num_key_value_heads=2, head_dim=16, query_pre_attn_scalar=16, attn_logit_softcapping=50.0,
               final_logit_softcapping=30.0, rms_norm_eps=1e-6, sliding_window=4096,
               hidden_activation='gelu_pytorch_tanh', rope_parameters={"rope_type": "default", "rope_theta": 10000.0})
    config = T5GemmaConfig(encoder=enc, decoder=enc, vocab_size=96, is_encoder_decoder=False)
    model = T5GemmaEncoderModel(config).eval()
    gen = torch.Generator().manual_seed(8)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 1:  # Gemma RMSNorm weights (applied as 1 + w)
                p.copy_(0.3 * torch.randn(p.shape, generator=gen))
            else:
                p.copy_(torch.randn(p.shape, generator=gen) / math.sqrt(p.shape[-1]) * (3.0 if 'embed' not in name else 1.0))
    ids = torch.randint(4, 96, (2, 10), generator=gen)
    mask = torch.ones(2, 10, dtype=torch.long)
    mask[1, 6:] = 0
    ids[1, 6:] = 0
    with torch.no_grad():
        hidden = model(input_ids=ids, attention_mask=mask)["last_hidden_state"]
    spec = {"component": "sa3_t5gemma", "tolerance": {"atol": 1e-4, "rtol": 1e-4},
            "description": "T5GemmaEncoderModel(input_ids, attention_mask) -> last_hidden_state [2, 10, 40]; "
                           "row 1 padded (id 0, mask 0) after 6 tokens. config.json is the HF config. Default (SDPA) "
                           "attention as the reference loads it: attn_logit_softcapping is NOT applied on that path.",
            "reference": "transformers 5.18.0 T5GemmaEncoderModel, torch " + torch.__version__ + ", float32 CPU"}
    d = os.path.join(OUT, 'sa3_t5gemma')
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, 'config.json'), 'w') as f:
        json.dump(config.to_dict(), f, indent=2, default=str)
    write_case('sa3_t5gemma', spec, config.to_dict(), model.state_dict(),
               {"input_ids": ids, "attention_mask": mask}, {"last_hidden_state": hidden})
    os.remove(os.path.join(d, 'model_config.json'))


def sample_case(steps=8):
    cfg = dit_config(False, 64, 1, 2)
    dit = build_dit(cfg, 11, 0.06)  # small weights: keeps 8 steps of a random model in a sane range
    gen = torch.Generator().manual_seed(12)
    prompt_cond = Conditioner(T5_DIM, COND, padding_mode="learned")
    seconds_cond = NumberConditioner(COND, 0, 384, fourier_features_type="expo")
    randomize(prompt_cond, gen)
    randomize(seconds_cond, gen)
    t_len, n, seconds, headroom = 24, 9, 1.0, 0.5
    hidden = torch.randn(1, n, T5_DIM, generator=gen)
    pmask = torch.zeros(1, n)
    pmask[0, :5] = 1
    inpaint_mask = torch.ones(1, 1, t_len)
    inpaint_mask[..., 4:9] = 0
    source = torch.randn(1, IO, t_len, generator=gen)
    masked = source * inpaint_mask
    noise = torch.randn(1, IO, t_len, generator=gen)
    step_noises = torch.randn(steps, 1, IO, t_len, generator=gen)
    with torch.no_grad():
        prompt = prompt_cond.apply_padding(prompt_cond.proj_out(hidden), pmask.bool())
        sec, _ = seconds_cond([seconds], device='cpu')
        cross = torch.cat([prompt, sec], dim=1)
        glob = sec.squeeze(1)
        local = torch.cat([inpaint_mask, masked], dim=1)
        pm = padding_mask([seconds], headroom, t_len)
        sigmas = build_schedule(steps, 1.0, LogSNRShift(rate=0, anchor_logsnr=-6.2, logsnr_end=2.0),
                                effective_seq_len=None, fallback_seq_len=t_len)
        it = iter(step_noises)
        real_randn_like = torch.randn_like
        sampling.torch.randn_like = lambda x: next(it).to(x.dtype)
        try:
            latents = sampling.sample_flow_pingpong(dit, noise.clone(), sigmas, disable_tqdm=True,
                                                    cross_attn_cond=cross, global_cond=glob, local_add_cond=local,
                                                    padding_mask=pm, cfg_scale=1.0, apg_scale=1.0)
        finally:
            sampling.torch.randn_like = real_randn_like
    spec = {"component": "sa3_sample", "steps": steps, "seconds_total": seconds, "headroom_seconds": headroom,
            "tolerance": {"atol": 2e-4, "rtol": 2e-4},
            "description": "prompt = proj_out(prompt_hidden) with learned padding_embedding where prompt_mask is 0; "
                           "sec = NumberConditioner(seconds_total) (expo); cross = [prompt, sec], global = sec; "
                           "local_add_cond = cat(inpaint_mask, inpaint_masked_input); padding mask = "
                           "t < ceil(int(seconds*44100)/4096) + int(headroom*44100/4096); "
                           "sigmas = LogSNRShift(rate 0, -6.2, 2.0) of linspace(1, 0, steps+1); ping-pong from "
                           "x = noise, fresh noise at step i = step_noises[i] (the last one is multiplied by t = 0)",
            "reference": "stable-audio-3 636f906 sample_flow_pingpong, torch " + torch.__version__ + ", float32 CPU"}
    state = {"model.model." + k: v for k, v in dit.model.state_dict().items()}
    state.update({"conditioner.conditioners.prompt." + k: v for k, v in prompt_cond.state_dict().items()})
    state.update({"conditioner.conditioners.seconds_total." + k: v for k, v in seconds_cond.state_dict().items()})
    write_case('sa3_sample_pingpong', spec, model_config(cfg), state,
               {"prompt_hidden": hidden, "prompt_mask": pmask, "seconds_total": torch.tensor([seconds]),
                "inpaint_mask": inpaint_mask, "inpaint_masked_input": masked, "noise": noise,
                "step_noises": step_noises},
               {"sigmas": sigmas, "latents": latents})


def lora_case():
    """Two stacked adapters on the small-like DiT through the reference's own loader: a rank-2 `lora` on the
    attention projections of layer 0 (include filter) at strength 0.7, then a rank-2 `dora-rows` on every Linear
    and Conv1d at strength 1.3; the adapter parameters drawn at random (trained ones would be too)."""
    import tempfile
    from torch import nn
    from stable_audio_3.models.lora import add_lora, LoRAParametrization, set_lora_strength, save_lora_safetensors
    from stable_audio_3.models.lora.loader import load_and_apply_loras
    from functools import partial
    cfg = dit_config(False, 64, 1, 2)
    # Both adapters target the same modules: the reference's stacking renames the N-th file's keys to
    # parametrization index N, which only lands where every earlier adapter registered too (elsewhere the later
    # adapter silently stays at its initialisation).
    targets = ["layers.0", "layers.1.ff", "to_cond_embed"]
    specs = [("lora", 2, 4.0, targets, 0.7), ("dora-rows", 2, 2.0, targets, 1.3)]
    tmp = tempfile.mkdtemp()
    paths = []
    for i, (kind, rank, alpha, include, _) in enumerate(specs):
        donor = build_dit(cfg, 1)
        lcfg = {nn.Linear: {"weight": partial(LoRAParametrization.from_linear, rank=rank, lora_alpha=alpha, adapter_type=kind)},
                nn.Conv1d: {"weight": partial(LoRAParametrization.from_conv1d, rank=rank, lora_alpha=alpha, adapter_type=kind)}}
        add_lora(donor, lcfg, include=include)
        gen = torch.Generator().manual_seed(40 + i)
        sd = {}
        with torch.no_grad():
            for k, v in donor.state_dict().items():
                if '.parametrizations.weight.0.' in k and not k.endswith('lora_dropout_mask'):
                    if k.endswith('magnitude'):
                        v = v * (1 + 0.2 * torch.randn(v.shape, generator=gen))
                    else:
                        v = 0.3 * torch.randn(v.shape, generator=gen)
                    sd[k] = v.contiguous()
        path = os.path.join(tmp, f"lora_{i}.safetensors")
        save_lora_safetensors(sd, {"adapter_type": kind, "rank": rank, "alpha": alpha, "include": include}, path)
        paths.append(path)

    class Holder(nn.Module):
        def __init__(self, dit):
            super().__init__()
            self.model = dit
            self.conditioner = nn.Module()
    dit = build_dit(cfg, 1)
    base_state = {"model.model." + k: v.clone() for k, v in dit.model.state_dict().items()}
    # float64: this CPU's float32 matmul with an inner size of 2 (B·A of rank 2) is only good to ~4e-4 relative,
    # which would dominate the comparison; the reference math itself is unchanged
    dit = dit.double()
    holder = Holder(dit)
    load_and_apply_loras(holder, paths, "diffusion_cond")
    for i, spec in enumerate(specs):
        set_lora_strength(holder, spec[4], lora_index=i)
    g = torch.Generator().manual_seed(2)
    b, t_len, n = 1, 16, 5
    x = torch.randn(b, IO, t_len, generator=g)
    t = torch.tensor([0.6])
    cross = torch.randn(b, n, COND, generator=g)
    glob = torch.randn(b, COND, generator=g)
    local = torch.randn(b, IO + 1, t_len, generator=g)
    with torch.no_grad():
        v = dit.model(x.double(), t.double(), cross_attn_cond=cross.double(), global_embed=glob.double(),
                      local_add_cond=local.double())
    v = v.float()
    spec = {"component": "sa3_dit_lora", "loras": [{"file": f"lora_{i}.safetensors", "strength": sp[4]}
                                                    for i, sp in enumerate(specs)],
            "tolerance": {"atol": 1e-4, "rtol": 1e-4},
            "description": "v = DiT(x, t, cross_attn_cond, global_embed, local_add_cond) after load_and_apply_loras "
                           "with the listed files in order and set_lora_strength(strength, lora_index=i)",
            "reference": "stable-audio-3 636f906 lora loader, torch " + torch.__version__ + ", float64 CPU (inputs and "
                         "weights are float32 values)"}
    # the base model is sa3_dit_forward's (same config and seed): stored once, there
    write_case('sa3_dit_lora', spec, model_config(cfg), base_state,
               {"x": x, "t": t, "cross_attn_cond": cross, "global_embed": glob, "local_add_cond": local}, {"v": v},
               model_dir='../sa3_dit_forward')
    import shutil
    for i, p in enumerate(paths):
        shutil.copy(p, os.path.join(OUT, 'sa3_dit_lora', f"lora_{i}.safetensors"))


def schedules():
    """sa3/schedules.json: build_schedule for each distribution shift the reference has, at a few sequence lengths
    and sigma_max values (what Sa3Schedule / DistributionShift must reproduce)."""
    from stable_audio_3.models.diffusion import ConditionedDiffusionModelWrapper as W
    options = [None, {"type": "logsnr", "rate": 1.0}, {"type": "logsnr", "rate": 0.5, "anchor_logsnr": -5.0},
               {"type": "full"}, {"type": "full", "base_shift": 0.3, "max_shift": 1.5},
               {"type": "flux", "alpha_min": 1.0, "alpha_max": 6.93}, {"type": "none"}]
    cases = []
    for opt in options:
        shift = LogSNRShift(rate=0, anchor_logsnr=-6.2, logsnr_end=2.0) if opt is None else W._create_dist_shift(opt)
        for seq_len in [11, 323, 2000, 5000]:
            for steps, sigma_max in [(8, 1.0), (50, 1.0), (8, 0.6)]:
                t = build_schedule(steps, sigma_max, shift, effective_seq_len=seq_len)
                cases.append({"options": opt, "seq_len": seq_len, "steps": steps, "sigma_max": sigma_max,
                              "t": [float(v) for v in t]})
    d = os.path.join(OUT, '..', 'sa3')
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, 'schedules.json'), 'w') as f:
        json.dump({"reference": "stable-audio-3 636f906 build_schedule, torch " + torch.__version__ + " float32",
                   "cases": cases}, f, indent=0)
    print('schedules', len(cases))


if __name__ == '__main__':
    torch.set_num_threads(1)
    only = sys.argv[2:]  # optional case names
    for name, make in [('sa3_dit_forward', lambda: dit_case('sa3_dit_forward', False, 64, 1, 2, 1.0, 1)),
                       ('sa3_dit_forward_diff', lambda: dit_case('sa3_dit_forward_diff', True, 96, 2, 1, 6.0, 3)),
                       ('sa3_dit_forward_logsnr', lambda: dit_case('sa3_dit_forward_logsnr', False, 64, 1, 1, 1.0, 5,
                                                                   timestep_features_logsnr=True)),
                       ('sa3_t5gemma', t5gemma_case), ('sa3_sample_pingpong', sample_case),
                       ('sa3_dit_lora', lora_case), ('schedules', schedules)]:
        if not only or name in only:
            make()

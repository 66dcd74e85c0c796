"""Makes the SAME autoencoder (Stable Audio 3) golden cases under models/src/test/resources/golden/.

Reference: Stability-AI/stable-audio-3 at commit 636f906 (SA3_REF: a checkout of it), run with torch 2.13 CPU
(the reference pins torch 2.7.1 - nothing used here changed):
  python3 tools/golden/make_sa3_same_cases.py "$SA3_REF" models/src/test/resources/golden

Tiny random models built by the reference factory (create_autoencoder_from_config) from a full SA3
model_config.json whose `model.pretransform.config` is the SAME section (tiny sizes). All parameters are
re-drawn at random (the reference zero-initialises attention/FF outputs, which would hide them).
Paths and noises:
- flash-attn is absent, so attention is the reference's plain SDPA fallback. For sliding windows the
  reference then tries flex_attention, then its "chunked-halo" band-masked SDPA; the script switches
  flex_attention off so the exact band-masked SDPA path is the one run.
- mask_noise is 0 (no noise on the learned new tokens) and the bottleneck has noise_regularize false
  (no decode noise): both are inference-time noises the Java port leaves out.
- Stubs: torchaudio (absent; only used for resampling not run here) and the stable_audio_3 package
  __init__ (which would import the whole pipeline) are replaced by empty modules.
Cases (components sa3_same_decode: latents -> audio, sa3_same_encode: audio -> latents):
  sa3_same_s_decode / sa3_same_s_encode - SAME-S shape: fixed attention chunks with midpoint shift,
     DyT norms, differential attention, sinusoidal FF in the decoder's last blocks.
  sa3_same_l_decode / sa3_same_l_encode - SAME-L shape: sliding-window attention, RMSNorm (dyt false),
     k=3 conv mappings, no midpoint shift.
  sa3_same_s_decode_chunked - pretransform decode with chunked=true over 300 latents (3 chunks, the last
     end-anchored), chunk 128 / overlap 32.
  sa3_same_s_encode_chunked - the same model's chunked encode of 300 latents' worth of audio.
"""
import json, os, sys, types
import torch
from safetensors.torch import save_file

ref, out_root = sys.argv[1], sys.argv[2]
sys.modules['torchaudio'] = types.ModuleType('torchaudio')
ta_t = types.ModuleType('torchaudio.transforms'); ta_t.Resample = object
sys.modules['torchaudio.transforms'] = ta_t; sys.modules['torchaudio'].transforms = ta_t
for name in ['stable_audio_3', 'stable_audio_3.inference', 'stable_audio_3.data']:
    m = types.ModuleType(name); m.__path__ = [os.path.join(ref, *name.split('.'))]; sys.modules[name] = m
au = types.ModuleType('stable_audio_3.inference.audio_utils'); au.prepare_audio = None
sys.modules['stable_audio_3.inference.audio_utils'] = au
import stable_audio_3.models.transformer as tr
tr.flex_attention_available = False
assert tr.flash_attn_func is None
from stable_audio_3.factory import create_pretransform_from_config


def same_config(kind, chunk_size=8):
    common = dict(channels=8, c_mults=[1, 2], strides=[2, 4], transformer_depths=[2, 4], dim_heads=8,
                  latent_dim=6, differential=True, mask_noise=0.0, ff_mult=3)
    if kind == 's':
        extra = dict(chunk_size=chunk_size, chunk_midpoint_shift=True, dyt=True, conv_mapping=False)
        dec_sin = [0, 3]
    else:
        extra = dict(sliding_window=[2, 1], dyt=False, conv_mapping=True)
        dec_sin = [1, 2]
    enc = dict(common, in_channels=32, **extra)
    dec = dict(common, out_channels=32, sinusoidal_blocks=dec_sin, **extra)
    return {
        "encoder": {"type": "same", "config": enc},
        "decoder": {"type": "same", "config": dec},
        "bottleneck": {"type": "soft_norm", "config": {"dim": 6, "auto_scale": True, "noise_regularize": False}},
        "pretransform": {"type": "patched", "config": {"channels": 2, "patch_size": 16}},
        "latent_dim": 6, "downsampling_ratio": 128, "io_channels": 2,
    }


def build(kind, chunked, seed, chunk_size=8):
    model_cfg = {"model_type": "diffusion_cond", "sample_rate": 44100, "audio_channels": 2,
                 "model": {"pretransform": {"type": "autoencoder", "chunked": chunked, "config": same_config(kind, chunk_size)}}}
    torch.manual_seed(seed)
    pt = create_pretransform_from_config(model_cfg["model"], 44100).eval()
    with torch.no_grad():
        for n, p in pt.named_parameters():
            if n.endswith('alpha'):
                p.copy_(0.5 + torch.rand_like(p))
            elif n.endswith('running_std'):
                p.fill_(1.7)
            elif n.endswith('gamma') or n.endswith('weight_g') or n.endswith('scaling_factor'):
                p.copy_(1 + 0.2 * torch.randn_like(p))
            else:
                p.copy_(torch.randn_like(p) / max(1, p.shape[-1]) ** 0.5)
    sd = {('pretransform.' + k): v.detach().clone().contiguous() for k, v in pt.state_dict().items()}
    return model_cfg, pt, sd


def write(name, component, desc, model_cfg, sd, inputs, outputs, tol=(2e-4, 2e-4), model_dir=None):
    d = os.path.join(out_root, name); os.makedirs(d, exist_ok=True)
    spec = {"component": component}
    if model_dir:  # the model is stored once, in the folder of the first case that uses it
        spec["model_dir"] = model_dir
        for stale in ('model_config.json', 'model.safetensors'):
            if os.path.exists(os.path.join(d, stale)):
                os.remove(os.path.join(d, stale))
    spec.update({"description": desc, "tolerance": {"atol": tol[0], "rtol": tol[1]}})
    json.dump(spec, open(os.path.join(d, 'case.json'), 'w'), indent=2)
    if not model_dir:
        json.dump(model_cfg, open(os.path.join(d, 'model_config.json'), 'w'), indent=2)
        save_file(sd, os.path.join(d, 'model.safetensors'))
    save_file({k: v.contiguous() for k, v in inputs.items()}, os.path.join(d, 'inputs.safetensors'))
    save_file({k: v.float().contiguous() for k, v in outputs.items()}, os.path.join(d, 'outputs.safetensors'))
    print(name, {k: tuple(v.shape) for k, v in outputs.items()})


def ratio(out, ref, tol=(2e-4, 2e-4)):
    """max |out - ref| in units of the case's tolerance."""
    return ((out.double() - ref.double()).abs().max() / (tol[0] + tol[1] * ref.double().abs().max())).item()


def run64(pt, fn, x):
    """The reference in float64 on the float32 weights and inputs (the outputs are stored as float32)."""
    pt.double()  # in place: the state dict written is a float32 copy taken before
    with torch.no_grad():
        return fn(pt, x.double())


torch.set_num_threads(1)
for kind, seed in [('s', 1), ('l', 2)]:
    cfg, pt, sd = build(kind, False, seed)
    g = torch.Generator().manual_seed(seed + 10)
    lat = torch.randn(1, 6, 20, generator=g)
    audio = run64(pt, lambda m, x: m.decode(x), lat)
    write(f'sa3_same_{kind}_decode', 'sa3_same_decode',
          'audio = pretransform.decode(latents) (SoftNorm decode without noise, SAME decoder, unpatchify)', cfg, sd,
          {'latents': lat}, {'audio': audio})
    wav = 0.5 * torch.randn(2, 2, 128 * 18, generator=g)
    z = run64(pt, lambda m, x: m.encode(x), wav)
    write(f'sa3_same_{kind}_encode', 'sa3_same_encode',
          'latents = pretransform.encode(audio) (patchify, SAME encoder, SoftNorm encode), batch 2', cfg, sd,
          {'audio': wav}, {'latents': z}, model_dir=f'../sa3_same_{kind}_decode')

# Chunked (tiled) decode and encode: 128-latent tiles with overlap 32 at 0, 96 and, anchored to the end, 301 - 128 =
# 173, which lies off the attention-chunk grid at every level of the model (the chunks are 8 tokens, shifted by 4
# in alternate layers), so a tile's attention chunks are not the whole signal's: decoding or encoding the signal in
# one piece misses the case by far (printed below), while tiling it as the reference does passes it.
LATENTS = int(os.environ.get("SA3_CHUNKED_LATENTS", "300"))
CHUNK = int(os.environ.get("SA3_CHUNK", "12"))
cfg, pt, sd = build('s', True, 3, CHUNK)
lat = torch.randn(1, 6, LATENTS, generator=torch.Generator().manual_seed(33))
audio = run64(pt, lambda m, x: m.decode(x), lat)
whole = run64(pt, lambda m, x: m.decode(x, chunked=False), lat)
print(f'decode: untiled result is {ratio(whole, audio):.1f} tolerances off the tiled one')
assert ratio(whole, audio) > 10
write('sa3_same_s_decode_chunked', 'sa3_same_decode',
      f'audio = pretransform.decode(latents) with chunked decode of {LATENTS} latents (128-latent chunks, overlap 32, '
      'last chunk end-anchored at 173, off the attention-chunk grid, half overlaps trimmed); decoding in one piece '
      'fails the case', cfg, sd, {'latents': lat}, {'audio': audio})

wav = 0.5 * torch.randn(1, 2, 128 * LATENTS, generator=torch.Generator().manual_seed(34))
z = run64(pt, lambda m, x: m.encode(x), wav)
whole = run64(pt, lambda m, x: m.model.encode_audio(x, chunked=False) / m.scale, wav)
print(f'encode: untiled result is {ratio(whole, z):.1f} tolerances off the tiled one')
assert ratio(whole, z) > 10
write('sa3_same_s_encode_chunked', 'sa3_same_encode',
      f'latents = pretransform.encode(audio) with chunked encode of {LATENTS} latents\' worth (128-latent tiles, '
      'overlap 32, last tile end-anchored at 173, off the attention-chunk grid, half overlaps trimmed); encoding in '
      'one piece fails the case', cfg, sd, {'audio': wav}, {'latents': z}, model_dir='../sa3_same_s_decode_chunked')

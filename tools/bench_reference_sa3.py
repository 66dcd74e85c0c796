#!/usr/bin/env python3
"""Times the reference (stable-audio-3) DiT step, 8-step ping-pong sampling and SAME decode, for comparison with
`./longplay bench --model sa3-small-random`.

Not run in CI. The model is the one of models/src/main/resources/dev/longplay/models/bench/sa3-small.json
(sa3-sm-music's DiT and SAME-S sizes) built by the reference's own classes with PyTorch's random init, float32
on CPU, no T5Gemma: the DiT gets random cross-attention tokens of the shape the conditioners give (max_length
prompt tokens + 1 seconds token, cond_dim wide), a random global embedding, zero inpainting conditioning and the
padding mask of the clip's valid length -- the inputs Sa3Bench gives Longplay's DiT. Prints JSON with the keys
of `./longplay bench` (best of --repeat after one warm-up; --repeat 0: one cold run).

  ditStepSeconds   one DiffusionTransformer.forward (cfg 1, as the post-trained models sample)
  samplingSeconds  sample_flow_pingpong over build_schedule(steps, 1, LogSNRShift) -- the reference's default shift
  decodeSeconds    pretransform.decode of the whole latent canvas (SoftNorm, SAME-S decoder, unpatchify; the
                   config's chunked flag, false)
  clipSeconds      samplingSeconds + decodeSeconds
  ...CpuSeconds    process CPU time of the same part over all its runs (one with --repeat 0): on a shared machine
                   the wall time mostly measures the other jobs, the CPU time much less so

Setup (nothing of this is committed to Longplay; SA3_REF is any empty folder, PYTHON a Python with torch):
  git clone https://github.com/Stability-AI/stable-audio-3 "$SA3_REF"
  "$PYTHON" tools/bench_reference_sa3.py --ref "$SA3_REF" \\
      --config models/src/main/resources/dev/longplay/models/bench/sa3-small.json --seconds 30 --threads 2
torch >= 2.7 (the reference pins 2.7.1; the timings in docs/benchmarks.md used 2.13 CPU). flash-attn is absent on CPU, so attention is the
reference's SDPA fallback. Modules the timed path never calls are stubbed: torchaudio (resampling in
pretransforms/data) and the package __init__s (which would import the whole pipeline, T5Gemma and the Hub client).
"""
import argparse
import json
import math
import os
import sys
import time
import types


def import_reference(ref):
    ta = types.ModuleType('torchaudio')
    ta_t = types.ModuleType('torchaudio.transforms')
    ta_t.Resample = object
    ta.transforms = ta_t
    ta_f = types.ModuleType('torchaudio.functional')
    ta.functional = ta_f
    sys.modules.update({'torchaudio': ta, 'torchaudio.transforms': ta_t, 'torchaudio.functional': ta_f})
    for name in ['stable_audio_3', 'stable_audio_3.inference', 'stable_audio_3.data']:
        m = types.ModuleType(name)
        m.__path__ = [os.path.join(ref, *name.split('.'))]
        sys.modules[name] = m
    au = types.ModuleType('stable_audio_3.inference.audio_utils')
    au.prepare_audio = None
    sys.modules['stable_audio_3.inference.audio_utils'] = au
    from stable_audio_3.models.diffusion import DiTWrapper
    from stable_audio_3.factory import create_pretransform_from_config
    from stable_audio_3.inference import sampling
    from stable_audio_3.inference.distribution_shift import LogSNRShift
    return DiTWrapper, create_pretransform_from_config, sampling, LogSNRShift


def best_of(fn, repeat, out, key):
    """out[key + 'Seconds'] = best wall time; out[key + 'CpuSeconds'] = process CPU time over all runs of it
    (one with --repeat 0), which a machine shared with other jobs inflates less than the wall time."""
    c0 = time.process_time()
    if repeat <= 0:
        t0 = time.perf_counter()
        fn()
        best = time.perf_counter() - t0
    else:
        fn()  # warm-up
        best = float('inf')
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t0)
    out[key + 'Seconds'] = best
    out[key + 'CpuSeconds'] = time.process_time() - c0
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--ref', required=True, help='folder holding the stable_audio_3 package')
    ap.add_argument('--config', required=True, help='SA3 model_config.json (DiT + SAME pretransform)')
    ap.add_argument('--seconds', type=float, default=30)
    ap.add_argument('--steps', type=int, default=8)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--repeat', type=int, default=0)
    ap.add_argument('--skip-decode', action='store_true')
    args = ap.parse_args()
    for var in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS'):
        os.environ.setdefault(var, str(args.threads))

    import torch
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    DiTWrapper, create_pretransform, sampling, LogSNRShift = import_reference(args.ref)

    cfg = json.load(open(args.config))
    model = cfg['model']
    sr = cfg['sample_rate']
    ratio = model['pretransform']['config']['downsampling_ratio']
    dcfg = model['diffusion']['config']
    # the latent canvas and valid length as Longplay's Sa3Bench (and the reference's generate) size them
    frames = min(math.ceil((args.seconds + 6.0) * sr / ratio), cfg['sample_size'] // ratio)
    valid = min(math.ceil(int(args.seconds * sr) / ratio) + int(6.0 * sr / ratio), frames)
    out = {'model': os.path.basename(args.config), 'seconds': args.seconds, 'threads': args.threads,
           'latentFrames': frames, 'validFrames': valid, 'torch': torch.__version__}

    t0 = time.perf_counter()
    dit = DiTWrapper(diffusion_objective='rf_denoiser', **dcfg).eval()
    out['loadSeconds'] = time.perf_counter() - t0
    prompt_len = next(c['config'].get('max_length', 128) for c in model['conditioning']['configs']
                      if c['id'] == 'prompt')
    g = torch.Generator().manual_seed(2)
    cross = torch.randn(1, prompt_len + 1, dcfg['cond_token_dim'], generator=g)
    glob = torch.randn(1, dcfg['global_cond_dim'], generator=g)
    local = torch.zeros(1, dcfg['local_add_cond_dim'], frames)
    pm = torch.arange(frames)[None, :] < valid
    x = torch.randn(1, dcfg['io_channels'], frames, generator=g)
    t = torch.tensor([0.7])
    sigmas = sampling.build_schedule(args.steps, 1.0, LogSNRShift(rate=0, anchor_logsnr=-6.2, logsnr_end=2.0),
                                     effective_seq_len=None, fallback_seq_len=valid)
    with torch.inference_mode():
        best_of(lambda: dit.model(x, t, cross_attn_cond=cross, global_embed=glob, local_add_cond=local,
                                  padding_mask=pm, cfg_scale=1.0), args.repeat, out, 'ditStep')
        out['steps'] = args.steps
        best_of(lambda: sampling.sample_flow_pingpong(
            dit, x.clone(), sigmas, disable_tqdm=True, cross_attn_cond=cross, global_cond=glob,
            local_add_cond=local, padding_mask=pm, cfg_scale=1.0), args.repeat, out, 'sampling')
        if not args.skip_decode:
            del dit
            pt = create_pretransform(model, sr).eval()
            best_of(lambda: pt.decode(x), args.repeat, out, 'decode')
            out['clipSeconds'] = out['samplingSeconds'] + out['decodeSeconds']
            out['clipCpuSeconds'] = out['samplingCpuSeconds'] + out['decodeCpuSeconds']
    try:
        import resource
        out['peakRssMiB'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    except Exception:
        pass
    print(json.dumps(out, indent=2))


if __name__ == '__main__':
    main()

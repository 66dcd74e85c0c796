#!/usr/bin/env bash
# Longplay against the reference implementation (stable-audio-tools) on the CPU: the two sides run one after the
# other, alternated, round after round, on the same config, thread count and random weights; then one markdown table
# of medians (over rounds; each run itself reports the median of its --repeat timed calls after a warm-up), with the
# CPU model, the threads, both libtorch versions and the load average. Wall seconds and the process's CPU seconds
# (all threads) are both reported: on a shared machine the CPU seconds are the fairer comparison.
#
#   tools/bench-vs-reference.sh --sat DIR [--k-diffusion DIR] [--venv DIR] [--shape sao-small] [--seconds 11]
#                               [--steps 8] [--threads 2] [--rounds 3] [--repeat 3] [--gen-repeat 1] [--out DIR]
#                               [--no-generation] [--no-decode]
#
#   --sat          a stable-audio-tools checkout (not part of Longplay, never committed)
#   --k-diffusion  a k-diffusion checkout (default: beside --sat, or installed); einops comes from the venv
#   --venv         the reference's Python virtual environment, made here when missing with pip from the machine's
#                  configured index or wheel folders (torch 2.x CPU, numpy, einops, ...) (default:
#                  ${XDG_CACHE_HOME:-$HOME/.cache}/longplay/reference-venv)
#   --repeat       timed calls of the DiT step and the decode per run, after one warm-up (0: one cold call)
#   --gen-repeat   the same for the whole generation (each run's DiT step too)
#   --out          where the runs' JSON files go (default: a new temporary folder); rounds already there count
#                  too, so a second call adds rounds to the first's table (--rounds 0: only print the table)
#
# Parts: DiT step (one network evaluation as the sampler calls it; no CFG for SAO small), VAE decode of the clip's
# latent (Longplay: its windowed decode, one pass where the clip fits a window; the reference: its unchunked one), and a whole generation of --steps steps
# (Longplay: the prompt through its T5 + sampling + decode; the reference: generate_diffusion_cond with random
# conditioning tensors, no T5). Longplay's DiT step and generation also run with --precision int8.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sat="" kdiff="" venv="${XDG_CACHE_HOME:-$HOME/.cache}/longplay/reference-venv" shape="sao-small" seconds=11 steps=8
threads=2 rounds=3 repeat=3 gen_repeat=1 out="" generation=1 decode=1
while [ $# -gt 0 ]; do
    case "$1" in
        --sat) sat="$2"; shift 2 ;;
        --k-diffusion) kdiff="$2"; shift 2 ;;
        --venv) venv="$2"; shift 2 ;;
        --shape) shape="$2"; shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        --steps) steps="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        --repeat) repeat="$2"; shift 2 ;;
        --gen-repeat) gen_repeat="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --no-generation) generation=0; shift ;;
        --no-decode) decode=0; shift ;;
        -h|--help) sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench-vs-reference: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
[ -n "$sat" ] && [ -d "$sat/stable_audio_tools" ] || {
    echo "bench-vs-reference: --sat must name a stable-audio-tools checkout (with stable_audio_tools/ in it)" >&2; exit 2; }
config="$root/models/src/main/resources/dev/longplay/models/bench/$shape.json"
[ -f "$config" ] || { echo "bench-vs-reference: no benchmark shape $shape ($config)" >&2; exit 2; }
out="${out:-$(mktemp -d)}"
mkdir -p "$out"

if [ ! -x "$venv/bin/python" ]; then
    echo "bench-vs-reference: making the reference's virtual environment in $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q torch numpy einops tqdm packaging safetensors scipy >&2
fi

# both sides get libtorch's huge-page allocation, which ./longplay turns on by default (the reference's torch reads
# the same variable): the comparison is of the code, not of one side's allocator setting
export THP_MEM_ALLOC_ENABLE="${THP_MEM_ALLOC_ENABLE:-1}"
ref_args=(--repo "$sat" --config "$config" --seconds "$seconds" --threads "$threads")
[ -n "$kdiff" ] && ref_args+=(--k-diffusion "$kdiff")
export LONGPLAY_JAVA_OPTS="${LONGPLAY_JAVA_OPTS:-} -Dai.djl.pytorch.num_threads=$threads -Dai.djl.pytorch.num_interop_threads=1"
longplay() { nice "$root/longplay" bench --model "$shape-random" --seconds "$seconds" "$@"; }
reference() { nice "$venv/bin/python" "$root/tools/bench_reference.py" "${ref_args[@]}" "$@"; }

"$root/longplay" --help >/dev/null   # builds the project first when needed, outside the timed runs
done_before=$(find "$out" -maxdepth 1 -name 'longplay-fp32-parts-*.json' | wc -l)
for r in $(seq $((done_before + 1)) $((done_before + rounds))); do
    echo "bench-vs-reference: round $r of $((done_before + rounds)) (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    skip_lp=() skip_ref=()
    [ "$decode" = 1 ] || { skip_lp=(--skip-decode); skip_ref=(--skip-vae); }
    longplay --repeat "$repeat" --skip-generation "${skip_lp[@]}" > "$out/longplay-fp32-parts-$r.json"
    reference --repeat "$repeat" "${skip_ref[@]}" > "$out/reference-fp32-parts-$r.json"
    longplay --repeat "$repeat" --skip-generation --skip-decode --precision int8 > "$out/longplay-int8-parts-$r.json"
    if [ "$generation" = 1 ]; then
        reference --repeat "$gen_repeat" --skip-dit --skip-vae --generation --steps "$steps" \
            > "$out/reference-fp32-gen-$r.json"
        longplay --repeat "$gen_repeat" --skip-decode --steps "$steps" > "$out/longplay-fp32-gen-$r.json"
        longplay --repeat "$gen_repeat" --skip-decode --steps "$steps" --precision int8 \
            > "$out/longplay-int8-gen-$r.json"
    fi
done

python3 - "$out" "$threads" "$seconds" "$steps" <<'EOF'
import glob, json, os, statistics, sys
out, threads, seconds, steps = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
runs = {}
for path in sorted(glob.glob(os.path.join(out, "*.json"))):
    side, precision, kind, _ = os.path.basename(path)[:-5].split("-")
    runs.setdefault((side, precision, kind), []).append(json.load(open(path)))

def values(side, precision, key):
    # the step and decode from the parts runs; the generation from the generation runs (whose step is cold)
    kind = "gen" if key.startswith("generation") else "parts"
    return [r[key] for r in runs.get((side, precision, kind), []) if key in r]

def cell(side, precision, key):
    v = values(side, precision, key)
    if not v:
        return "—", None
    med = statistics.median(v)
    spread = f" ({min(v):.2f}–{max(v):.2f})" if len(v) > 1 else ""
    return f"{med:.2f}{spread}", med

cpu = "unknown CPU"
for line in open("/proc/cpuinfo"):
    if line.startswith("model name"):
        cpu = line.split(":", 1)[1].strip()
        break
loads = [r[k] for rs in runs.values() for r in rs for k in ("loadAverageStart", "loadAverageEnd") if k in r]
engine = next((r["engine"] for rs in runs.values() for r in rs if "engine" in r), "?")
torch = next((r["torch"] for rs in runs.values() for r in rs if "torch" in r), "?")
rounds = max(len(v) for v in runs.values())
print(f"CPU: {cpu}, {os.cpu_count()} cores; {threads} intra-op threads, 1 inter-op, both sides. "
      f"Longplay: DJL 0.36 on {engine}; reference: stable-audio-tools on torch {torch}. "
      f"{seconds} s clip; medians over {rounds} alternated rounds (min–max in brackets); "
      f"load average during the runs {min(loads):.1f}–{max(loads):.1f} (1 min); "
      f"THP_MEM_ALLOC_ENABLE={os.environ.get('THP_MEM_ALLOC_ENABLE', '0')} on both sides." if loads else "")
print()
print("| part | Longplay fp32 (s) | Longplay int8 (s) | reference fp32 (s) | fp32 ratio | int8 ratio |")
print("|---|---:|---:|---:|---:|---:|")
rows = [("DiT step, wall", "ditStepSeconds"), ("DiT step, CPU", "ditStepCpuSeconds"),
        ("VAE decode, wall", "vaeDecodeSeconds"), ("VAE decode, CPU", "vaeDecodeCpuSeconds"),
        (f"generation ({steps} steps + decode), wall", "generationSeconds"),
        (f"generation ({steps} steps + decode), CPU", "generationCpuSeconds")]
for name, key in rows:
    lf, lfm = cell("longplay", "fp32", key)
    li, lim = cell("longplay", "int8", key)
    rf, rfm = cell("reference", "fp32", key)
    if lfm is None and lim is None and rfm is None:
        continue
    ratio = lambda a: f"{a / rfm:.2f}" if a is not None and rfm else "—"
    print(f"| {name} | {lf} | {li} | {rf} | {ratio(lfm)} | {ratio(lim)} |")
print()
print("Ratios: Longplay / reference fp32 (below 1: Longplay faster). Longplay's generation includes its T5 pass; "
      "the reference's gets its conditioning tensors directly. JSON of every run: " + out)
EOF

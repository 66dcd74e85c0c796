#!/usr/bin/env bash
# Longplay against the reference (stable-audio-tools) on the same GPU in one run, random weights, and the table
# for docs/gpu.md. Run on the GPU host from the repository root, with gpu-bundle/ copied there (docs/gpu.md):
#
#   tools/gpu/bench.sh [OUT_DIR]        # default: $OUT, else gpu-bench/
#
# Each row runs `tools/gpu/run.sh bench ...` (Longplay) and `python3 tools/bench_reference.py ...` (the reference
# from the bundle's reference/ folder) with the same model shape, clip length, steps, CFG and float type:
#
#   sao10-47s-fp32     SAO 1.0 shape, 47 s, 100 steps dpmpp-3m-sde, CFG 7: whole generation (+ DiT step, decode)
#   sao10-47s-fp16     the same in fp16
#   small-11s-fp32     SAO small shape, 11 s, 8 ping-pong steps, no CFG: whole generation
#   dit-285s-fp32      SAO 1.0 DiT at 4 min 45 s: one DiT step (CFG, batch 2) and peak GPU memory, no decode
#   dit-285s-fp16      the same in fp16
#   small-11s-fp16     SAO small in fp16
#   sao10-47s-bf16     SAO 1.0 in bf16
#
# in that order (most wanted first; BENCH_ROWS picks and orders) within a time budget (BENCH_BUDGET), so that a
# run of limited length on a GPU host still measures the rows that matter most. A side that fails or runs out of time is reported as such in the table; the other rows still
# run. Every JSON, log and status goes to gpu-run/bench/ and, as one archive, to OUT_DIR/bench-results.tgz, with
# gpu-bench.md (the markdown table for docs/gpu.md) and machine.txt beside it.
# `python3 tools/gpu/bench_table.py A.tgz B.tgz` makes one table of several runs' results.
#
# Environment:
#   BENCH_ROWS="a b ..."      only these rows (names above)
#   BENCH_BUDGET=540          seconds for everything; a side that would start with < 45 s left is skipped
#   BENCH_SIDE_TIMEOUT=240    seconds for one side of one row
#   BENCH_FIRST_TIMEOUT=420   seconds for a Longplay side that first writes its random-weight model
#   BENCH_REPEAT=1            timed repetitions after the warm-up, both sides
#   BENCH_TINY=1              proof run on a machine without a GPU: --device cpu, Longplay's tiny model and its
#                             config for the reference, 0.5 s clips (1 s for the "285 s" rows), 2 steps, no repeat
#   BENCH_TINY=shapes         the same but with the real SAO shapes (slow on a small CPU: pick rows)
#   PYTHON=python3            the Python with torch (also for run.sh)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-${OUT:-$root/gpu-bench}}"
work="${LONGPLAY_GPU_WORK:-$root/gpu-run}"
keep="$work/bench"
py="${PYTHON:-python3}"
export PYTHON="$py"
budget="${BENCH_BUDGET:-540}"
side_timeout="${BENCH_SIDE_TIMEOUT:-240}"
repeat="${BENCH_REPEAT:-1}"
tiny="${BENCH_TINY:-0}"
rows="${BENCH_ROWS:-sao10-47s-fp32 sao10-47s-fp16 small-11s-fp32 dit-285s-fp32 dit-285s-fp16 small-11s-fp16 sao10-47s-bf16}"
bench_dir="models/src/main/resources/dev/longplay/models/bench"
ref_repo="$work/app/reference/stable-audio-tools"
start=$SECONDS

say() { echo "gpu/bench: $*" >&2; }
mkdir -p "$out" "$keep"
rm -f "$keep"/*  # this run's rows only; tools/gpu/bench_table.py joins the folders of several runs
# Every JSON, log and status of the run travels back from the host as one archive (few files to copy; rewritten
# after each side, so a run cut short still returns what it measured), beside the table and the machine's
# description.
publish() {
    tar -C "$keep" -czf "$out/bench-results.tgz.part" . 2>/dev/null && mv -f "$out/bench-results.tgz.part" "$out/bench-results.tgz"
    cp -f "$keep/machine.txt" "$out/" 2>/dev/null
    [ ! -f "$keep/gpu-bench.md" ] || cp -f "$keep/gpu-bench.md" "$out/"
    return 0
}

device=cuda
if [ "$tiny" != 0 ]; then
    device=cpu
    repeat=0
fi

# --- the machine, once ----------------------------------------------------------------------------------
{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    "$py" -c 'import torch; print("torch:", torch.__version__, "cuda:", torch.version.cuda, "cudnn:", torch.backends.cudnn.version());
print("gpu:", torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none")' 2>&1
    command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader \
        | sed 's/^/nvidia-smi: /'
    echo "cpu: $(nproc) cores"
    [ -f "$root/gpu-bundle/BUNDLE.txt" ] && sed 's/^/bundle: /' "$root/gpu-bundle/BUNDLE.txt"
    echo "repository: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "mode: device=$device repeat=$repeat tiny=$tiny"
} > "$keep/machine.txt" 2>&1
cat "$keep/machine.txt" >&2

# Unpack the bundle and build the JNI before any row (minutes the first time; counted in the budget).
if ! "$root/tools/gpu/run.sh" info > "$keep/run-info.txt" 2>&1; then
    say "tools/gpu/run.sh info failed: Longplay's side of every row will fail (see run-info.txt)"
fi
cat "$keep/run-info.txt" >&2
publish

# --- one row ---------------------------------------------------------------------------------------------
# row name -> model, reference config, seconds, steps, precision, kind (gen: whole generation; dit: step + memory)
describe() {
    case "$1" in
        sao10-47s-*)  echo "sao-1.0-random sao-1.0.json 47 100 ${1##*-} gen" ;;
        small-11s-*)  echo "sao-small-random sao-small.json 11 8 ${1##*-} gen" ;;
        dit-285s-*)   echo "sao-1.0-random sao-1.0.json 285 100 ${1##*-} dit" ;;
        *) return 1 ;;
    esac
}

left() { echo $((budget - (SECONDS - start))); }

# runs one side with a time limit (LIMIT, else BENCH_SIDE_TIMEOUT); writes NAME.json (stdout), NAME.log
# (stderr) and NAME.status
side() {
    local name="$1"; shift
    local remaining limit rc side_timeout="${LIMIT:-$side_timeout}"
    remaining=$(left)
    if [ "$remaining" -lt 45 ]; then
        echo "skipped: time budget (${budget} s) spent" > "$keep/$name.status"
        say "$name: skipped (budget)"
        return
    fi
    limit=$((remaining < side_timeout ? remaining : side_timeout))
    say "$name: $* (limit ${limit} s)"
    local t0=$SECONDS
    timeout --kill-after=10 "$limit" "$@" > "$keep/$name.json" 2> "$keep/$name.log"
    rc=$?
    if [ $rc -eq 0 ] && "$py" -c 'import json,sys; json.load(open(sys.argv[1]))' "$keep/$name.json" 2>/dev/null; then
        echo "ok in $((SECONDS - t0)) s" > "$keep/$name.status"
    elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
        echo "failed: timed out after ${limit} s" > "$keep/$name.status"
    else
        # the last line that looks like an error says most
        local why
        why="$(grep -E 'Error|Exception|error:|failed|must' "$keep/$name.log" | grep -v 'NNPACK' | tail -1 | cut -c1-200)"
        echo "failed (exit $rc): ${why:-see $name.log}" > "$keep/$name.status"
    fi
    say "$name: $(cat "$keep/$name.status")"
    publish
}

for row in $rows; do
    spec="$(describe "$row")" || { say "unknown row $row"; continue; }
    read -r model config seconds steps precision kind <<<"$spec"
    if [ "$tiny" != 0 ]; then
        case "$kind" in gen) seconds=0.5 ;; dit) seconds=1 ;; esac
        steps=2
        if [ "$tiny" != shapes ]; then
            model=tiny
            config=../tiny/model_config.json
        fi
    fi
    echo "$row $model $config $seconds $steps $precision $kind" > "$keep/$row.row"
    lp=(bench --model "$model" --seconds "$seconds" --steps "$steps" --repeat "$repeat" --device "$device"
        --precision "$precision")
    ref=(--repo "$ref_repo" --config "$root/$bench_dir/$config" --seconds "$seconds" --steps "$steps"
         --repeat "$repeat" --device "$device" --dtype "$precision" --threads "$(nproc)")
    if [ "$kind" = dit ]; then
        lp+=(--skip-generation --skip-decode)
        ref+=(--skip-vae)
    else
        ref+=(--generation)
    fi
    # The first Longplay run of a random shape writes its model (SAO 1.0: 4.9 GB) before timing anything.
    first=""
    case "$model" in
        *-random) [ -f "${XDG_CACHE_HOME:-$HOME/.cache}/longplay/models/bench-${model%-random}-random/model.safetensors" ] \
            || first="${BENCH_FIRST_TIMEOUT:-420}" ;;
    esac
    LIMIT="$first" side "$row.longplay" "$root/tools/gpu/run.sh" "${lp[@]}"
    side "$row.reference" "$py" "$root/tools/bench_reference.py" "${ref[@]}"
done

# --- the table -------------------------------------------------------------------------------------------
"$py" "$root/tools/gpu/bench_table.py" "$keep" > "$keep/gpu-bench.md" 2> "$keep/table.log" \
    || say "the table could not be made (table.log)"
publish
cat "$keep/gpu-bench.md" >&2 2>/dev/null
say "done in $((SECONDS - start)) s; results in $out"

#!/usr/bin/env python3
"""Makes the markdown table of tools/gpu/bench.sh runs from their folders (ROW.row, ROW.{longplay,reference}.json
and .status, machine.txt) or the bench-results.tgz archives of those folders that a run on the GPU host leaves in its output folder.
Prints markdown for docs/gpu.md. Standard library only.

  python3 tools/gpu/bench_table.py FOLDER|ARCHIVE [...]   # a row found in several: the last one's

Several folders: the results of runs on different (fresh) machines, e.g. the rows a first run had no time for,
run by a second one with BENCH_ROWS.
"""
import glob
import json
import os
import sys
import tarfile
import tempfile


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except Exception:
        return None


def status(folder, name):
    try:
        with open(os.path.join(folder, name + ".status")) as f:
            return f.read().strip().replace("|", "\\|")  # an error message must not end the table cell
    except OSError:
        return "not run"


def fmt(v, digits=3):
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


_scratch = []  # the temporary folders of unpacked archives, kept until exit


def unpacked(arg):
    """A folder as it is; a .tgz archive extracted into a temporary folder (removed at exit)."""
    if os.path.isdir(arg):
        return arg
    scratch = tempfile.TemporaryDirectory()
    _scratch.append(scratch)
    with tarfile.open(arg, "r:gz") as tar:
        for member in tar.getmembers():
            # only plain files straight under the archive's root: bench.sh writes nothing else
            name = os.path.normpath(member.name)
            if member.isfile() and os.sep not in name and not name.startswith(".."):
                with tar.extractfile(member) as src, open(os.path.join(scratch.name, name), "wb") as dst:
                    dst.write(src.read())
    return scratch.name


def main():
    folders = [unpacked(a) for a in sys.argv[1:]] or ["."]
    order = ["sao10-47s-fp32", "sao10-47s-fp16", "sao10-47s-bf16", "small-11s-fp32", "small-11s-fp16",
             "dit-285s-fp32", "dit-285s-fp16"]
    rows = {}
    where = {}
    for folder in folders:
        for path in glob.glob(os.path.join(folder, "*.row")):
            with open(path) as f:
                name, model, config, seconds, steps, precision, kind = f.read().split()
            rows[name] = dict(model=model, config=config, seconds=float(seconds), steps=int(steps),
                              precision=precision, kind=kind)
            where[name] = folder
    names = [n for n in order if n in rows] + sorted(n for n in rows if n not in order)

    machine = []
    for folder in folders:
        try:
            with open(os.path.join(folder, "machine.txt")) as f:
                machine += [line.rstrip() for line in f if line.strip() and line.rstrip() not in machine]
        except OSError:
            pass

    print("Measured by `tools/gpu/bench.sh` (random weights; both sides in the same run on the same machine):")
    print()
    for line in machine:
        print(f"    {line}")
    print()
    print("| Case | Precision | Timed | Longplay (s) | Reference (s) | Longplay / reference "
          "| Peak GPU MiB, Longplay | Peak GPU MiB, reference |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    targets = []
    for n in names:
        r = rows[n]
        folder = where[n]
        lp = load(os.path.join(folder, n + ".longplay.json"))
        ref = load(os.path.join(folder, n + ".reference.json"))
        key = "generationSeconds" if r["kind"] == "gen" else "ditStepSeconds"
        what = (f"generation, {r['steps']} steps" if r["kind"] == "gen" else "one DiT step (no decode)")
        shape = "SAO 1.0" if "1.0" in r["model"] or "sao-1.0" in r["config"] else (
            "SAO small" if "small" in r["model"] else r["model"])
        lt = lp.get(key) if lp else None
        rt = ref.get(key) if ref else None
        ratio = f"{lt / rt:.2f}x" if lt and rt else "–"
        lcell = fmt(lt) if lp else status(folder, n + ".longplay")
        rcell = fmt(rt) if ref else status(folder, n + ".reference")
        print(f"| {shape} {r['seconds']:g} s | {r['precision']} | {what} | {lcell} | {rcell} | {ratio} "
              f"| {fmt(lp.get('peakGpuMiB') if lp else None)} | {fmt(ref.get('peakGpuMiB') if ref else None)} |")
        if n.startswith("sao10-47s") and lt and r["seconds"] == 47 and r["steps"] == 100:
            verdict = []
            if rt:
                verdict.append(f"{'meets' if lt <= rt else 'misses'} <= 1.0x the reference ({lt / rt:.2f}x)")
            verdict.append(f"{'meets' if lt <= 2.0 else 'misses'} <= 2 s ({lt:.2f} s)")
            targets.append(f"- {shape} 47 s, 100 steps, {r['precision']}: " + "; ".join(verdict))
    print()
    if not targets and any(n.startswith("sao10-47s") for n in names):
        print("Targets: not judged (no row at 47 s and 100 steps: a scaled-down proof run).")
        print()
    if targets:
        print("Targets (issue: <= 1.0x the reference's time; 47 s at 100 steps in <= 2 s on an H100):")
        print()
        print("\n".join(targets))
        print()

    print("Details (seconds; best of the timed repetitions after one warm-up):")
    print()
    print("| Case | Side | DiT step | Decode | Generation | Peak GPU MiB | Allocator peak MiB (reserved) "
          "| Attention | Status |")
    print("|---|---|---:|---:|---:|---:|---:|---|---|")
    for n in names:
        folder = where[n]
        for side in ("longplay", "reference"):
            j = load(os.path.join(folder, f"{n}.{side}.json")) or {}
            alloc = j.get("maxMemoryReservedMiB")
            attention = j.get("attention", "–")
            if side == "reference" and j.get("sdeNoise") and j.get("sdeNoise") != "none":
                attention += f"; SDE noise: {j['sdeNoise']}"
            if side == "longplay" and j.get("target"):
                attention += f"; {j['target']}"
            print(f"| {n} | {side} | {fmt(j.get('ditStepSeconds'))} | {fmt(j.get('vaeDecodeSeconds'))} "
                  f"| {fmt(j.get('generationSeconds'))} | {fmt(j.get('peakGpuMiB'))} | {fmt(alloc)} "
                  f"| {attention} | {status(folder, f'{n}.{side}')} |")


if __name__ == "__main__":
    main()

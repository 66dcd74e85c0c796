#!/usr/bin/env bash
# Makes gpu-bundle/: everything a bare GPU host (Python torch, no JDK, no network) needs to run Longplay,
# packed into one archive that tools/gpu/run.sh unpacks there. Run on the build machine (JDK 17, Maven):
#
#   tools/gpu/bundle.sh            # -> gpu-bundle/longplay-gpu.tar.xz (+ BUNDLE.txt), gpu-golden/golden.tar.xz
#
# Two folders because a device call carries at most 64 MiB with the repository (~22 MiB): the bundle (~25 MiB)
# is all a call needs to run Longplay; the golden cases (~9 MiB) travel with it for the golden check (docs/gpu.md's
# call 1 carries both). The end of this script adds up both loads and fails when one is over.
#
# The archive holds:
#   jre/        a jlink runtime with only the modules the jars need (its include/ has jni.h for the JNI build)
#   app/        longplay.jar and its lib/ jars, without DJL's bundled CPU libtorch and without other
#               platforms' native libraries
#   djl/        DJL 0.36.0's PyTorch JNI C++ sources (Apache-2.0, with LICENSE and NOTICE) and the javac -h
#               header of PyTorchLibrary, so run.sh can build libdjl_torch.so against the host's libtorch
#   reference/  stable-audio-tools' Python sources, with einops and k-diffusion beside them (for
#               tools/gpu/bench.sh's side-by-side timing through tools/bench_reference.py)
#
# Inputs that are not in this repository: a bare git mirror of DJL ($DJL_GIT, default
# /work/.mirror/deepjavalibrary+djl/repo; `git clone --bare https://github.com/deepjavalibrary/djl` makes one) and
# of stable-audio-tools ($SAT_GIT, default /work/.mirror/Stability-AI+stable-audio-tools/repo), einops ($EINOPS_GIT)
# and k-diffusion ($KDIFF_GIT), likewise under /work/.mirror/.
# LONGPLAY_SKIP_BUILD=1 reuses server/target as it is.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$root/gpu-bundle}"
golden_out="${2:-$root/gpu-golden}"
djl_git="${DJL_GIT:-/work/.mirror/deepjavalibrary+djl/repo}"
djl_tag="${DJL_TAG:-v0.36.0}"
sat_git="${SAT_GIT:-/work/.mirror/Stability-AI+stable-audio-tools/repo}"
einops_git="${EINOPS_GIT:-/work/.mirror/arogozhnikov+einops/repo}"
kdiff_git="${KDIFF_GIT:-/work/.mirror/crowsonkb+k-diffusion/repo}"
golden="${LONGPLAY_GOLDEN_DIR:-$root/models/src/test/resources/golden}"

say() { echo "bundle: $*" >&2; }
die() { echo "bundle: $*" >&2; exit 1; }
for tool in jlink jdeps javac zip tar xz git; do
    command -v "$tool" >/dev/null || die "$tool is needed (JDK 17, zip, xz, git)"
done
[ -d "$djl_git" ] || die "no DJL git mirror at $djl_git (set DJL_GIT)"
git --git-dir="$djl_git" rev-parse -q --verify "$djl_tag^{commit}" >/dev/null || die "$djl_git has no $djl_tag"
[ -d "$sat_git" ] || die "no stable-audio-tools git mirror at $sat_git (set SAT_GIT)"
[ -d "$einops_git" ] || die "no einops git mirror at $einops_git (set EINOPS_GIT)"
[ -d "$kdiff_git" ] || die "no k-diffusion git mirror at $kdiff_git (set KDIFF_GIT)"
[ -f "$golden/README.md" ] || die "no golden cases at $golden (set LONGPLAY_GOLDEN_DIR)"

if [ "${LONGPLAY_SKIP_BUILD:-0}" != 1 ]; then
    # The default build (as ./longplay makes it); the CPU libtorch jar is simply not copied below, and a
    # Class-Path entry that names a missing jar is ignored by the JVM. Building with -Pcuda here instead
    # would leave server/target unusable for ./longplay on this machine.
    say "building (mvn package)"
    (cd "$root" && mvn -B -ntp -q -DskipTests package) || die "the Maven build failed"
fi
jar="$root/server/target/longplay.jar"
[ -f "$jar" ] || die "no $jar"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/app/lib"

# --- jars: exactly the manifest's Class-Path, minus DJL's CPU libtorch -----------------------------------
cp "$jar" "$stage/app/"
classpath="$(unzip -p "$jar" META-INF/MANIFEST.MF | tr -d '\r' | sed -e ':a;N;$!ba;s/\n //g' \
    | sed -n 's/^Class-Path: //p')"
for entry in $classpath; do
    case "$entry" in */pytorch-native-*) continue ;; esac
    cp "$root/server/target/$entry" "$stage/app/lib/" || die "missing $entry"
done
# Native libraries for other platforms are dead weight on a linux-x86_64 host (they are most of the size).
slim() { # jar, then zip patterns to delete
    local j="$stage/app/lib/$1"; shift
    [ -f "$j" ] || return 0
    zip -q -d "$j" "$@" >/dev/null 2>&1 || true
}
for j in "$stage"/app/lib/tokenizers-*.jar; do slim "$(basename "$j")" 'native/lib/linux-aarch64/*' 'native/lib/osx-*' 'native/lib/win-*'; done
# run.sh always builds the JNI for the host's libtorch and DJL loads that one first: the prebuilt ones (for
# libtorch 2.7.1) are dead weight too.
for j in "$stage"/app/lib/pytorch-jni-*.jar; do slim "$(basename "$j")" 'jnilib/*'; done
for j in "$stage"/app/lib/sqlite-jdbc-*.jar; do
    keep_out=$(unzip -Z1 "$j" 'org/sqlite/native/*' | grep -v '^org/sqlite/native/Linux/x86_64/' | grep -v '/$' || true)
    [ -z "$keep_out" ] || zip -q -d "$j" $keep_out >/dev/null
done
for j in "$stage"/app/lib/jna-*.jar; do
    keep_out=$(unzip -Z1 "$j" 'com/sun/jna/*/libjnidispatch*' | grep -v '^com/sun/jna/linux-x86-64/' || true)
    [ -z "$keep_out" ] || zip -q -d "$j" $keep_out >/dev/null
done

# Jars are stored, not deflated: the archive is xz-packed at the end, and xz over deflated entries gains almost
# nothing (stored: 16 -> 9 MB in the archive). The manifest stays the first entry.
store() { # jar
    local j="$1" d
    d="$(mktemp -d)"
    (cd "$d" && unzip -q "$j" && rm "$j" \
        && { [ ! -f META-INF/MANIFEST.MF ] || zip -q -0 -X "$j" META-INF/MANIFEST.MF; } \
        && zip -q -0 -X -r "$j" . -x META-INF/MANIFEST.MF) || die "could not repack $j"
    rm -rf "$d"
}
for j in "$stage"/app/longplay.jar "$stage"/app/lib/*.jar; do store "$j"; done

# --- a minimal Java runtime ----------------------------------------------------------------------------
cp_list="$(ls "$stage"/app/lib/*.jar | paste -sd:)"
# (longplay.jar as the root: jdeps follows its references through the class path)
modules="$(jdeps --ignore-missing-deps --multi-release 17 --print-module-deps --class-path "$cp_list" \
    "$stage/app/longplay.jar")"
[ -n "$modules" ] || die "jdeps found no modules"
# jdeps sees static references only: jdk.unsupported (sun.misc.Unsafe, used reflectively by JNA, Jackson and
# Gson) and jdk.zipfs are added by hand. java.desktop is kept: DJL's api, JNA and JavaOSC reference it.
modules="$modules,jdk.unsupported,jdk.zipfs"
say "jlink modules: $modules"
# Headers are kept on purpose (no --no-header-files): include/jni.h is what the JNI build on the host needs.
# --compress=0: xz packs the runtime's raw class files far tighter than jlink's zip (28 -> 17 MB in the archive).
jlink --add-modules "$modules" --strip-debug --no-man-pages --compress=0 --output "$stage/jre"
find "$stage/jre" -name '*.so' -exec strip --strip-unneeded {} + 2>/dev/null || true

# --- DJL's PyTorch JNI sources and the generated JNI header ---------------------------------------------
mkdir -p "$stage/djl" "$stage/djl-java"
git --git-dir="$djl_git" archive "$djl_tag" LICENSE NOTICE \
    engines/pytorch/pytorch-native/src/main/native api/src/main/native | tar -x -C "$stage/djl"
# bfloat16 through the JNI (docs/gpu.md): the marker tells run.sh that the JNI it builds maps bf16
(cd "$stage/djl" && git apply -p1 "$root/tools/gpu/jni/bfloat16.patch") || die "tools/gpu/jni/bfloat16.patch does not apply"
touch "$stage/djl/BFLOAT16"
git --git-dir="$djl_git" archive "$djl_tag" engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni \
    | tar -x -C "$stage/djl-java"
javac -d "$stage/djl-java/classes" -h "$stage/djl/include" \
    "$stage/djl-java/engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java"
rm -rf "$stage/djl-java"
[ -f "$stage/djl/include/ai_djl_pytorch_jni_PyTorchLibrary.h" ] || die "javac -h made no PyTorchLibrary header"
echo "$djl_tag $(git --git-dir="$djl_git" rev-parse "$djl_tag^{commit}")" > "$stage/djl/VERSION"

# --- golden cases (their own archive) and the reference's sources ---------------------------------------
rm -rf "$golden_out"
mkdir -p "$golden_out"
# Most cases share one model file: identical files become hard links, which tar stores once (12 -> 9 MB), so
# that this archive, the bundle and the repository fit one device call together (docs/gpu.md, call 2).
golden_stage="$stage/golden-stage"
mkdir -p "$golden_stage"
cp -r "$golden" "$golden_stage/golden"
chmod -R u+w "$golden_stage"
(cd "$golden_stage" && prev="" && find golden -type f | sort | xargs sha256sum | sort -s -k1,1 \
    | while read -r sum file; do
        if [ "$sum" = "$prev" ]; then ln -f "$first" "$file"; else prev="$sum"; first="$file"; fi
    done)
tar -C "$golden_stage" -cf - golden | xz -T0 -6 > "$golden_out/golden.tar.xz"
rm -rf "$golden_stage"
mkdir -p "$stage/reference/stable-audio-tools"
git --git-dir="$sat_git" archive HEAD LICENSE stable_audio_tools | tar -x -C "$stage/reference/stable-audio-tools"
find "$stage/reference" -type f ! -name '*.py' ! -name '*.json' ! -name LICENSE -delete
git --git-dir="$sat_git" rev-parse HEAD > "$stage/reference/stable-audio-tools/COMMIT"
# The reference's pure-Python dependencies that a bare torch install lacks (tools/bench_reference.py finds them
# beside the reference): einops (its layers) and k-diffusion (its v-objective samplers). MIT, LICENSE kept.
for dep in "einops:$einops_git:einops" "k-diffusion:$kdiff_git:k_diffusion"; do
    IFS=: read -r name git_dir package <<<"$dep"
    mkdir -p "$stage/reference/$name"
    git --git-dir="$git_dir" archive HEAD LICENSE "$package" | tar -x -C "$stage/reference/$name"
    rm -rf "$stage/reference/$name/$package/tests"
    git --git-dir="$git_dir" rev-parse HEAD > "$stage/reference/$name/COMMIT"
done

# --- pack -----------------------------------------------------------------------------------------------
{
    echo "longplay $(git -C "$root" rev-parse HEAD)$(git -C "$root" diff --quiet HEAD -- models osc server pom.xml || echo ' (with uncommitted changes)')"
    echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) with $(java -version 2>&1 | head -1)"
    echo "jlink modules: $modules"
    echo "djl: $(cat "$stage/djl/VERSION")"
    echo "stable-audio-tools: $(cat "$stage/reference/stable-audio-tools/COMMIT")"
    echo "einops: $(cat "$stage/reference/einops/COMMIT"); k-diffusion: $(cat "$stage/reference/k-diffusion/COMMIT")"
} > "$stage/BUNDLE.txt"
say "packing (xz; about a minute)"
rm -rf "$out"
mkdir -p "$out"
tar -C "$stage" -cf - . | xz -T0 -9 > "$out/longplay-gpu.tar.xz"
cp "$stage/BUNDLE.txt" "$out/BUNDLE.txt"
(cd "$out" && sha256sum longplay-gpu.tar.xz > longplay-gpu.tar.xz.sha256)
say "unpacked: $(du -sh "$stage" | cut -f1); archive: $(du -h "$out/longplay-gpu.tar.xz" | cut -f1) in $out"
# One device call carries the repository's files and the carried folders, at most 64 MiB together: gpu-bundle/
# alone, or with gpu-golden/ (docs/gpu.md's call 1). Fail here, not on the device.
tree=$(git -C "$root" ls-files -z | (cd "$root" && xargs -0 cat 2>/dev/null) | wc -c)
untracked=$(git -C "$root" ls-files -z --others --exclude-standard | (cd "$root" && xargs -0 -r cat 2>/dev/null) | wc -c)
bundle=$(du -cb "$out"/* | tail -1 | cut -f1)
golden_size=$(du -cb "$golden_out"/* | tail -1 | cut -f1)
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
say "repository files: $(mib "$tree") tracked, $(mib "$untracked") untracked; bundle $(mib "$bundle"); golden $(mib "$golden_size")"
limit=$((64 * 1048576))
alone=$((tree + untracked + bundle))
with_golden=$((alone + golden_size))
say "a device call carries: gpu-bundle $(mib "$alone"), gpu-bundle and gpu-golden $(mib "$with_golden") of 64 MiB"
[ "$alone" -le "$limit" ] || die "gpu-bundle with the repository is over the 64 MiB a device call carries"
[ "$with_golden" -le "$limit" ] || die "gpu-bundle and gpu-golden with the repository are over 64 MiB: carry gpu-golden in a call of its own (with gpu-bundle left on the warm machine) or shrink the repository"

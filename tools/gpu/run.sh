#!/usr/bin/env bash
# Runs Longplay on a bare GPU host (Python torch installed, no JDK, no network) from gpu-bundle/ (made by
# tools/gpu/bundle.sh on a build machine). Run from the repository root:
#
#   tools/gpu/run.sh golden-check [DIR] [--device cuda --precision fp16]
#                                           # default DIR: gpu-golden/golden.tar.xz, unpacked
#   tools/gpu/run.sh info                   # host torch, flavour, JNI, Java: what would be used
#   tools/gpu/run.sh jni                    # only find or build libdjl_torch.so
#   tools/gpu/run.sh <longplay command> ... # e.g. generate --prompt "..." --out a.wav; bench --model ...; serve
#
# What it does, once per bundle and torch version (cached under $LONGPLAY_GPU_WORK, default gpu-run/):
#   1. unpacks gpu-bundle/longplay-gpu.tar.xz (Java runtime, jars, DJL's JNI sources, golden cases);
#   2. asks the host's Python (PYTHON, default python3) for torch's version, lib folder, CUDA version and C++ ABI;
#   3. builds DJL's PyTorch JNI (libdjl_torch.so) against that libtorch with CMake (tools/gpu/jni), and puts it
#      where DJL looks first for a JNI library: $DJL_CACHE_DIR/pytorch/<version>-<flavour>-linux-x86_64/
#      0.36.0-libdjl_torch.so (DJL's LibUtils.findJniLibrary; PYTORCH_VERSION and PYTORCH_FLAVOR name the folder);
#   4. runs the bundle's java with PYTORCH_LIBRARY_PATH=<torch>/lib, offline.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bundle="${LONGPLAY_GPU_BUNDLE:-$root/gpu-bundle}"
golden_archive="${LONGPLAY_GPU_GOLDEN:-$root/gpu-golden/golden.tar.xz}"
work="${LONGPLAY_GPU_WORK:-$root/gpu-run}"
py="${PYTHON:-python3}"
djl_api_version=0.36.0

say() { echo "gpu/run: $*" >&2; }
die() { echo "gpu/run: $*" >&2; exit 1; }

# --- 1. unpack ------------------------------------------------------------------------------------------
unpack() {
    local archive="$bundle/longplay-gpu.tar.xz"
    if [ ! -f "$archive" ] && [ -f "$work/app/.bundle" ]; then
        # a later run on the same host without the archive: what an earlier run unpacked is still there
        app="$work/app"
        java="$app/jre/bin/java"
        return
    fi
    [ -f "$archive" ] || die "no $archive: make it with tools/gpu/bundle.sh on a machine with JDK 17 and Maven"
    local want have=""
    want="$(cut -d' ' -f1 "$archive.sha256" 2>/dev/null || stat -c %s-%Y "$archive")"
    [ -f "$work/app/.bundle" ] && have="$(cat "$work/app/.bundle")"
    if [ "$want" != "$have" ]; then
        say "unpacking $archive"
        rm -rf "$work/app"
        mkdir -p "$work/app"
        if command -v xz >/dev/null && tar --version >/dev/null 2>&1; then
            tar -xJf "$archive" -C "$work/app"
        else
            "$py" -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$archive" "$work/app"
        fi
        echo "$want" > "$work/app/.bundle"
    fi
    app="$work/app"
    java="$app/jre/bin/java"
    [ -x "$java" ] || die "no Java runtime in the bundle ($java)"
}

# --- 2. the host's torch --------------------------------------------------------------------------------
probe_torch() {
    local out
    out="$("$py" - <<'EOF'
import glob, os, sys
import torch
d = os.path.dirname(torch.__file__)
cuda = torch.version.cuda or ""
# DJL loads every library in torch/lib by name; the test and Python-binding libraries there cannot be loaded
# on their own (they need libpython or are test fixtures), so everything but libtorch's core is excluded.
core = {"libc10.so", "libtorch_cpu.so", "libtorch.so", "libc10_cuda.so", "libtorch_cuda.so",
        "libtorch_global_deps.so", "libgomp.so.1", "libcaffe2_nvrtc.so", "libfbgemm.so"}
skip = sorted({os.path.basename(p) for p in glob.glob(os.path.join(d, "lib", "**", "*.so*"), recursive=True)} - core)
# JNA in DJL looks for an unversioned libcudart.so to count GPUs; a pip CUDA torch has only versioned ones.
cudart = ""
if cuda:
    roots = [os.path.dirname(os.path.dirname(d))] + ["/usr/local/cuda/lib64", "/usr/local/cuda/targets/x86_64-linux/lib"]
    for r in roots:
        hits = sorted(glob.glob(os.path.join(r, "nvidia", "**", "libcudart.so*"), recursive=True)) or \
               sorted(glob.glob(os.path.join(r, "libcudart.so*")))
        if hits:
            cudart = hits[-1]
            break
print("TORCH_FULL_VERSION=" + torch.__version__)
print("TORCH_VERSION=" + torch.__version__.split("+")[0])
print("TORCH_DIR=" + d)
print("TORCH_LIB=" + os.path.join(d, "lib"))
print("TORCH_CUDA=" + cuda)
print("TORCH_ABI=" + str(int(torch._C._GLIBCXX_USE_CXX11_ABI)))
print("TORCH_EXCLUDE=" + ",".join(skip))
print("TORCH_CUDART=" + cudart)
print("TORCH_GPUS=" + str(torch.cuda.device_count() if cuda else 0))
print("TORCH_GPU_NAME=" + (torch.cuda.get_device_name(0) if cuda and torch.cuda.device_count() else ""))
EOF
)" || die "no torch in $py (set PYTHON to the Python that has torch)"
    eval "$(printf '%s\n' "$out" | sed -e "s/'/'\\\\''/g" -e "s/=\(.*\)/='\1'/")"
    if [ -n "$TORCH_CUDA" ]; then
        flavor="cu$(echo "$TORCH_CUDA" | cut -d. -f1)$(echo "$TORCH_CUDA" | cut -d. -f2)"
    else
        flavor=cpu
    fi
    [ -f "$TORCH_LIB/libtorch.so" ] || die "no libtorch.so in $TORCH_LIB"
    [ -f "$TORCH_DIR/include/torch/script.h" ] || [ -d "$TORCH_DIR/include/torch" ] \
        || die "torch at $TORCH_DIR has no C++ headers (include/); the JNI cannot be built against it"
}

# --- 3. DJL's JNI for this libtorch ---------------------------------------------------------------------
ensure_jni() {
    cache="$work/djl-cache"
    jni="$cache/pytorch/$TORCH_VERSION-$flavor-linux-x86_64/$djl_api_version-libdjl_torch.so"
    # Keyed by the exact torch build too: a different torch of the same version gets its own JNI.
    local key="$TORCH_FULL_VERSION $TORCH_DIR $djl_api_version$([ -f "$app/djl/BFLOAT16" ] && echo " bf16")"
    if [ -f "$jni" ] && [ "$(cat "$jni.key" 2>/dev/null)" = "$key" ]; then
        return
    fi
    command -v cmake >/dev/null || die "cmake is needed to build DJL's JNI for torch $TORCH_VERSION"
    local build="$work/jni-build/$TORCH_VERSION-$flavor"
    local gen=()
    command -v ninja >/dev/null && gen=(-G Ninja)
    say "building DJL's PyTorch JNI against torch $TORCH_FULL_VERSION ($TORCH_LIB); a few minutes"
    rm -rf "$build"
    mkdir -p "$(dirname "$build")"
    local std ok=""
    # libtorch's headers need C++17; newer ones may ask for C++20.
    for std in 17 20; do
        if cmake -S "$root/tools/gpu/jni" -B "$build" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release \
                -DDJL_SRC="$app/djl" -DDJL_JNI_HEADER_DIR="$app/djl/include" -DJNI_HOME="$app/jre" \
                -DTORCH_DIR="$TORCH_DIR" -DTORCH_CXX11_ABI="$TORCH_ABI" -DTORCH_CXX_STANDARD="$std" \
                >"$build.log" 2>&1 \
            && cmake --build "$build" -j "$(nproc)" >>"$build.log" 2>&1; then
            ok=1
            break
        fi
        say "C++$std build failed (log: $build.log)"
        rm -rf "$build"
    done
    [ -n "$ok" ] || { tail -40 "$build.log" >&2; die "could not build DJL's JNI (full log: $build.log)"; }
    mkdir -p "$(dirname "$jni")"
    cp "$build/libdjl_torch.so" "$jni.tmp" && mv "$jni.tmp" "$jni"
    echo "$key" > "$jni.key"
    say "JNI ready: $jni"
}

# --- 4. Java with DJL pointed at the host's libtorch ----------------------------------------------------
setup_env() {
    export PYTORCH_LIBRARY_PATH="$TORCH_LIB"
    export PYTORCH_VERSION="$TORCH_VERSION"
    export PYTORCH_FLAVOR="$flavor"
    export PYTORCH_LIBRARY_EXCLUSION="$TORCH_EXCLUDE"
    export DJL_CACHE_DIR="$cache"
    export DJL_OFFLINE=true
    export OPT_OUT_TRACKING=true
    java_opts=(-Dai.djl.offline=true -Dlongplay.home="$root")
    # the JNI was built from sources with tools/gpu/jni/bfloat16.patch applied: --precision bf16 is safe
    [ -f "$app/djl/BFLOAT16" ] && java_opts+=(-Dlongplay.jni.bfloat16=true)
    if [ -n "$TORCH_CUDART" ]; then
        mkdir -p "$work/cudart"
        ln -sf "$TORCH_CUDART" "$work/cudart/libcudart.so"
        java_opts+=(-Djna.library.path="$work/cudart")
    fi
    # shellcheck disable=SC2206
    java_opts+=(${LONGPLAY_JAVA_OPTS:-})
}

longplay() {
    "$java" "${java_opts[@]}" -jar "$app/app/longplay.jar" "$@" \
        2> >(grep --line-buffered -v 'Could not initialize NNPACK' >&2)
}

cmd="${1:-info}"
[ $# -gt 0 ] && shift
unpack
probe_torch
case "$cmd" in
    info)
        ensure_jni
        setup_env
        echo "torch $TORCH_FULL_VERSION at $TORCH_DIR (flavour $flavor, C++11 ABI $TORCH_ABI, GPUs: $TORCH_GPUS $TORCH_GPU_NAME)"
        echo "JNI $jni"
        "$java" -version 2>&1 | head -1
        ;;
    jni)
        ensure_jni
        ;;
    golden-check)
        ensure_jni
        setup_env
        # no folder among the arguments (only options such as --device cuda --precision fp16): the set copied with gpu-golden/
        local_dir=""
        for a in "$@"; do [ -d "$a" ] && local_dir="$a"; done
        if [ -z "$local_dir" ]; then
            if [ -f "$golden_archive" ]; then
                rm -rf "$work/golden"
                mkdir -p "$work/golden"
                tar -xJf "$golden_archive" -C "$work/golden"
            fi
            [ -d "$work/golden" ] || die "no $golden_archive (copy gpu-golden/ to this host, or give a folder)"
            set -- "$work/golden/$(ls "$work/golden" | head -1)" "$@"
        fi
        longplay golden-check "$@"
        ;;
    *)
        ensure_jni
        setup_env
        longplay "$cmd" "$@"
        ;;
esac

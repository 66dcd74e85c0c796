#!/usr/bin/env bash
# The Windows build, made and checked on Linux: cross-builds the VST3, the standalone and the test host with
# Debian's MinGW-w64 (cmake/mingw-w64-x86_64.cmake), checks that the binaries need no MinGW runtime DLLs, and
# runs the Windows test host under wine (headless: wine's null display driver) against the Windows VST3 and the
# Longplay server on loopback (a Linux process; wine's Winsock reaches it like any socket):
#   - offline bounce at 44.1 kHz/480 (the clip's own rate: sample for sample) and 48 kHz/512 (resampled): silent
#     before PPQ 4, the server's clip from the first sample at PPQ 4, latency 0, the saved state plays the same;
#   - a one-bar loop locked to the bar grid at 120 and 90 BPM;
#   - input capture: 2 bars of a known input reach the server exactly, the style-transfer clip plays from a bar;
#   - JUCE's PNG and JPEG formats, which this build implements with Windows' codecs (win/WicImageFormats.cpp);
#   - the standalone starts and keeps running for 8 s (under Xvfb: it opens a window).
# The same test host code and assertions as the Linux runs in ci-test.sh. The server must serve the tiny
# 44.1 kHz model (the loop check compares sample for sample).
#
#   windows-test.sh <work dir> <server url> <server data dir>
# Needs LONGPLAY_TOKEN_FILE (the server's token) in the environment, as the plugin does.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$1"; server="$2"; data="$3"
build="${LONGPLAY_WIN_BUILD_DIR:-$here/build-win}"
jobs="${LONGPLAY_PLUGIN_JOBS:-2}"
for tool in x86_64-w64-mingw32-g++-posix x86_64-w64-mingw32-objdump wine; do
    command -v "$tool" >/dev/null || { echo "skip ($tool not installed: Debian packages mingw-w64, wine, wine64)"; exit 0; }
done

t0=$(date +%s)
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_TOOLCHAIN_FILE="$here/cmake/mingw-w64-x86_64.cmake" >/dev/null
cmake --build "$build" -j"$jobs" --target LongplayTestHost Longplay_VST3 Longplay_Standalone
echo "Windows cross-build: $(( $(date +%s) - t0 )) s"

art="$build/Longplay_artefacts/Release"
vst3="$art/VST3/Longplay.vst3"
# JUCE 7.0.5's Windows VST3 host opens the module file inside the bundle (what its folder scan finds), not the folder.
vst3dll="$vst3/Contents/x86_64-win/Longplay.vst3"
standalone="$art/Standalone/Longplay.exe"
testhost="$build/LongplayTestHost_artefacts/Release/LongplayTestHost.exe"

echo "== the Windows binaries are PE32+ x86-64 and need only Windows' own DLLs"
for bin in "$vst3dll" "$standalone" "$testhost"; do
    [ -f "$bin" ] || { echo "FAIL missing $bin"; exit 1; }
    head="$(x86_64-w64-mingw32-objdump -f "$bin")"
    grep -q 'file format pei-x86-64' <<<"$head" || { echo "$head"; echo "FAIL $bin is not a 64-bit Windows binary"; exit 1; }
    dlls="$(x86_64-w64-mingw32-objdump -p "$bin" | sed -n 's/^\s*DLL Name: //p' | tr 'A-Z' 'a-z' | sort -u)"
    runtime="$(grep -E '^(libstdc\+\+|libgcc|libwinpthread|lib.*\.dll$)' <<<"$dlls" || true)"
    [ -z "$runtime" ] || { echo "FAIL $(basename "$bin") needs MinGW runtime DLLs: $runtime"; exit 1; }
    echo "ok   $(basename "$bin"): $(tr '\n' ' ' <<<"$dlls")"
done
exports="$(x86_64-w64-mingw32-objdump -p "$vst3dll" | sed -n '/^\[Ordinal\/Name Pointer\] Table/,/^$/p')"
grep -qw GetPluginFactory <<<"$exports" || { echo "$exports"; echo "FAIL the VST3 does not export GetPluginFactory"; exit 1; }
echo "ok   the VST3 exports GetPluginFactory"

# Windows paths for the same files: a fresh prefix maps drive Z: to the Linux root.
winpath() { local p="${1//\//\\}"; printf 'Z:%s' "$p"; }

# A fresh wine prefix of our own.
export WINEPREFIX="$work/wineprefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY
mkdir -p "$WINEPREFIX"
cleanup_wine() { wineserver -k 2>/dev/null || true; }
trap cleanup_wine EXIT
# Booted on a display when there is one: wine sets up its display settings then. A prefix booted with none fails
# DXGI's CreateDXGIFactory in its first windowed program, and JUCE 7.0.5 (VBlankDispatcher) does not check that
# call's result: the standalone crashes on a null pointer. Real Windows always has DXGI.
xvfb=()
command -v xvfb-run >/dev/null && xvfb=(xvfb-run -a)
"${xvfb[@]}" wineboot -i >"$work/wineboot.log" 2>&1 || { cat "$work/wineboot.log"; echo "FAIL wineboot"; exit 1; }
echo "wine $(wine --version 2>/dev/null) prefix ready ($(( $(date +%s) - t0 )) s)"

# The standalone opens a real window: wine's X11 driver on Xvfb (wine's null driver creates no top-level windows).
echo "== windows: the standalone under wine (Xvfb)"
if command -v xvfb-run >/dev/null; then
    rc=0
    LONGPLAY_CLIP_CACHE="$(winpath "$work/cache-standalone")" timeout 8 xvfb-run -a wine "$standalone" \
        >"$work/standalone.log" 2>&1 || rc=$?
    wineserver -k 2>/dev/null || true
    [ "$rc" = 124 ] || { cat "$work/standalone.log"; echo "FAIL the Windows standalone exited early ($rc)"; exit 1; }
    echo "ok   the Windows standalone ran for 8 s under wine"
else
    echo "skip (xvfb-run not installed)"
fi

# The test host has no window: wine's null display driver, no X server.
wine reg add 'HKCU\Software\Wine\Drivers' /v Graphics /d null /f >/dev/null

run_win() {  # name, then the test host's arguments
    local name="$1"; shift
    local cache="$work/cache-$name"
    mkdir -p "$cache"
    echo "== windows: $name (LongplayTestHost.exe under wine)"
    LONGPLAY_URL="$server" LONGPLAY_CLIP_CACHE="$(winpath "$cache")" LONGPLAY_TOKEN_FILE="$(winpath "$LONGPLAY_TOKEN_FILE")" \
        wine "$testhost" "$@" --server "$server" --cache "$(winpath "$cache")"
}
t1=$(date +%s)
echo "== windows: PNG and JPEG through Windows' codecs (the MinGW build's juce_graphics)"
wine "$testhost" images
run_win offline-44k1 offline --format VST3 --plugin "$(winpath "$vst3dll")" --rate 44100 --block 480
run_win offline-48k offline --format VST3 --plugin "$(winpath "$vst3dll")" --rate 48000 --block 512
run_win loop loop --format VST3 --plugin "$(winpath "$vst3dll")"
run_win capture capture --format VST3 --plugin "$(winpath "$vst3dll")" --uploads "$(winpath "$data/uploads")"
echo "Windows test host runs under wine: $(( $(date +%s) - t1 )) s"
echo "windows: all checks passed ($(( $(date +%s) - t0 )) s in all)"

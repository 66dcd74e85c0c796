#!/usr/bin/env bash
# The plugin in a real DAW: Ardour 7 (Debian's ardour), headless through its Lua session tool on the Dummy
# backend. For each format (VST3, LV2): a session at 44.1 kHz (the clip's own rate, so the comparison can be
# sample for sample) with 1024-frame cycles and Ardour's default 120 BPM 4/4 map; a track with the plugin;
# Generate; the session exported over a range that starts mid-bar (PPQ 1.3); the take must be silent up to
# the next bar (PPQ 4) and from its first sample hold the server's clip sample for sample (correlation >= 0.99,
# max error <= 1e-4, every 1024-frame block at lag 0), silent after; the master must be silent while the
# transport is stopped; the session is saved, reopened and exported again: the same take, bit for bit.
#
#   ardour-test.sh <build dir> <server url> <work dir>
# Needs LONGPLAY_TOKEN_FILE (the server's token) in the environment, as the plugin does.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="$1"; server="$2"; work="$3"
art="$build/Longplay_artefacts/Release"
testhost="$build/LongplayTestHost_artefacts/Release/LongplayTestHost"
command -v ardour7-lua >/dev/null || { echo "skip (ardour7-lua not installed: Debian package ardour)"; exit 0; }

rate=44100; block=1024; bpm=120
spb=$((rate * 60 / bpm))                      # samples per beat (exact at 44.1 kHz, 120 BPM)
start=$((spb * 13 / 10))                      # PPQ 1.3: mid-bar
end=$((start + rate * 5))
from=$((spb * 4 - start))                     # the take's index of the first sample of bar 2 (PPQ 4)

run_format() {
    local format="$1"
    local dir="$work/$format"
    mkdir -p "$dir/home/.vst3" "$dir/xdg/ardour7/export" "$dir/cache" "$dir/out"
    cp "$here/test/ardour/longplay-float.format" "$here/test/ardour/longplay-float.preset" "$dir/xdg/ardour7/export/"
    cp -r "$art/VST3/Longplay.vst3" "$dir/home/.vst3/"
    local report="$dir/report.txt"
    : >"$report"
    for phase in create reopen; do
        echo "-- Ardour, $format: $phase"
        HOME="$dir/home" XDG_CONFIG_HOME="$dir/xdg" XDG_CACHE_HOME="$dir/xdg-cache" \
        LV2_PATH="$art/LV2" LONGPLAY_CLIP_CACHE="$dir/cache" LONGPLAY_URL="$server" \
        LP_PHASE="$phase" LP_SESSION_DIR="$dir/session" LP_SESSION_NAME=longplay LP_FORMAT="$format" \
        LP_RATE="$rate" LP_BLOCK="$block" LP_START="$start" LP_END="$end" LP_OUT="$dir/out" LP_LABEL="$phase" \
        LP_CACHE="$dir/cache" LP_REPORT="$report" \
            timeout 600 ardour7-lua "$here/test/ardour/session.lua" >"$dir/ardour-$phase.log" 2>&1 \
            || { tail -40 "$dir/ardour-$phase.log"; cat "$report"; echo "FAIL Ardour ($format, $phase) did not finish"; exit 1; }
    done
    cat "$report"
    # Silence while stopped: Ardour's peak meter reads -inf dB (or below -200 dB) for a silent signal.
    while read -r key value; do
        [ "$key" = stopped_peak_db ] || continue
        awk -v v="$value" 'BEGIN { exit !(v == "-inf" || v + 0 < -200) }' \
            || { echo "FAIL $format: the master was not silent while stopped ($value dB)"; exit 1; }
        echo "ok   $format: silence while the transport is stopped ($value dB)"
    done <"$report"
    local clip id create_take reopen_take
    clip="$(ls -t "$dir/cache"/*.wav | head -1)"
    id="$(basename "$clip" .wav)"; id="${id#*-}"
    curl -fsS -o "$dir/server-clip.wav" "$server/v1/clips/$id"
    create_take="$(ls -t "$dir/out"/create*.wav | head -1)"
    reopen_take="$(ls -t "$dir/out"/reopen*.wav | head -1)"
    echo "-- $format: the take (export from sample $start) against the server's clip $id from take sample $from"
    "$testhost" compare --take "$create_take" --clip "$dir/server-clip.wav" --from "$from" --block "$block" \
        --same "$reopen_take"
}

for f in VST3 LV2; do run_format "$f"; done
echo "ardour: all checks passed"

#!/usr/bin/env bash
# The plugin in a real DAW: Ardour 7 (Debian's ardour), headless through its Lua session tool on the Dummy
# backend, at 44.1 kHz (the clip's own rate, so comparisons can be sample for sample) with 1024-frame cycles and
# Ardour's default 120 BPM 4/4 map, the plugin on a MIDI track. Two cases per format (LV2 and VST3;
# LONGPLAY_ARDOUR_FORMATS="LV2" or "VST3" runs one):
#   timeline: Generate (VST3) or a preset holding a clip the plugin made (LV2); the session exported over a range
#     that starts mid-bar (PPQ 1.3); the take must be silent up to the next bar (PPQ 4) and from its first sample
#     hold the server's clip sample for sample (correlation >= 0.99, max error <= 1e-4, every 1024-frame block at
#     lag 0), silent after; for the LV2 also: the parameters Ardour reads equal the plugin's defaults on insert,
#     then its saved state (after the preset, after reopening);
#   notes: the instrument: two slots hold two clips, a MIDI region plays gated notes on them ("Start at: next
#     beat"); each note's clip must start on the first sample of the beat at or after the note, at velocity/127
#     (slot 1's gain automated to -6 dB from beat 6), cut at the note-off, with silence between the notes.
# In both the master must be silent while the transport is stopped, and the session is saved, reopened and
# exported again: the same take, bit for bit.
#
#   ardour-test.sh <build dir> <server url> <work dir>
# Needs LONGPLAY_TOKEN_FILE (the server's token) in the environment, as the plugin does.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="$(cd "$1" && pwd)"; server="$2"
# Ardour finds a scanned VST3 by the hash of its module's path: the scanner and Ardour must see the same one.
work="$(mkdir -p "$3" && cd "$3" && pwd -P)"
art="$build/Longplay_artefacts/Release"
testhost="$build/LongplayTestHost_artefacts/Release/LongplayTestHost"
command -v ardour7-lua >/dev/null || { echo "skip (ardour7-lua not installed: Debian package ardour)"; exit 0; }

rate=44100; block=1024; bpm=120
spb=$((rate * 60 / bpm))                      # samples per beat (exact at 44.1 kHz, 120 BPM)
start=$((spb * 13 / 10))                      # PPQ 1.3: mid-bar
end=$((start + rate * 5))
from=$((spb * 4 - start))                     # the take's index of the first sample of bar 2 (PPQ 4)

# Runs Ardour twice on one session: create (new session, track, plugin, optional MIDI region, export, save),
# then reopen (load it, export again); checks the master was silent while stopped. Sets $dir, $report.
#   run_ardour <format> <case> <preset label or ""> <LV2_PATH> <export start> <export end> <notes or ""> <automation or "">
run_ardour() {
    local format="$1" case="$2" preset="$3" lv2path="$4" from_sample="$5" to_sample="$6" notes="$7" automate="$8"
    report="$dir/report.txt"
    : >"$report"
    for phase in create reopen; do
        echo "-- Ardour, $format, $case: $phase"
        HOME="$dir/home" XDG_CONFIG_HOME="$dir/xdg" XDG_CACHE_HOME="$dir/xdg-cache" \
        LV2_PATH="$lv2path" LP_PRESET="$preset" LONGPLAY_CLIP_CACHE="$dir/cache" LONGPLAY_URL="$server" \
        LP_PHASE="$phase" LP_SESSION_DIR="$dir/session" LP_SESSION_NAME=longplay LP_FORMAT="$format" \
        LP_RATE="$rate" LP_BLOCK="$block" LP_START="$from_sample" LP_END="$to_sample" LP_OUT="$dir/out-$phase" \
        LP_LABEL="$phase" LP_CACHE="$dir/cache" LP_REPORT="$report" LP_NOTES="$notes" LP_AUTOMATE="$automate" \
        LP_PARAMS="$dir/params.txt" LP_SLOTS="${ardour_slots:-0}" LP_SET="${ardour_set:-}" LP_SLOT_LIST="$dir/slots.txt" \
            timeout 600 ardour7-lua "$here/test/ardour/session.lua" >"$dir/ardour-$phase.log" 2>&1 \
            || { tail -40 "$dir/ardour-$phase.log"; cat "$report"; echo "FAIL Ardour ($format, $case, $phase) did not finish"; exit 1; }
    done
    cat "$report"
    # Silence while stopped: Ardour's peak meter reads -inf dB (or below -200 dB) for a silent signal.
    while read -r key value; do
        [ "$key" = stopped_peak_db ] || continue
        awk -v v="$value" 'BEGIN { exit !(v == "-inf" || v + 0 < -200) }' \
            || { echo "FAIL $format: the master was not silent while stopped ($value dB)"; exit 1; }
        echo "ok   $format, $case: silence while the transport is stopped ($value dB)"
    done <"$report"
}

# A fresh folder for one case: Ardour's config (the export format), a HOME holding the VST3 (scanned by
# Ardour's own scanner), the plugin's clip cache. Sets $dir.
prepare() {
    local format="$1" case="$2"
    dir="$work/$format-$case"
    mkdir -p "$dir/home/.vst3" "$dir/xdg/ardour7/export" "$dir/cache" "$dir/out-create" "$dir/out-reopen"
    cp "$here/test/ardour/longplay-float.format" "$here/test/ardour/longplay-float.preset" "$dir/xdg/ardour7/export/"
    # -p keeps the build's times: Ardour takes a scan cache (whose time is in whole seconds) as stale when the
    # module is newer, as a copy made in the same second as the scan would be.
    cp -rp "$art/VST3/Longplay.vst3" "$dir/home/.vst3/"
    # Ardour knows VST3 plugins from its scan cache; its Lua tool does not scan, so run Ardour's own scanner.
    if [ "$format" = VST3 ]; then
        HOME="$dir/home" XDG_CONFIG_HOME="$dir/xdg" XDG_CACHE_HOME="$dir/xdg-cache" LD_LIBRARY_PATH=/usr/lib/ardour7 \
            /usr/lib/ardour7/ardour-vst3-scanner -f "$dir/home/.vst3/Longplay.vst3" >"$dir/vst3-scan.log" 2>&1 \
            || { cat "$dir/vst3-scan.log"; echo "FAIL Ardour's VST3 scanner rejects the plugin"; exit 1; }
    fi
}

newest() { ls -t "$1"/*.wav | head -1; }

timeline_case() {
    local format="$1"
    prepare "$format" timeline
    local preset="" lv2path="$art/LV2"
    if [ "$format" = LV2 ]; then
        # The clip comes in a preset the plugin itself saved (the test host runs the plugin's code to make it),
        # as an LV2 user brings a sound in; the preset also sets the parameters (control ports) it holds.
        preset="Longplay test clip"
        LONGPLAY_URL="$server" LONGPLAY_CLIP_CACHE="$dir/cache" "$testhost" lv2preset --server "$server" --cache "$dir/cache" \
            --bundle "$dir/presets/longplay-test.lv2" --label "$preset" --seconds 2 --seed 5 --steps 8
        lv2path="$art/LV2:$dir/presets"
    fi
    run_ardour "$format" timeline "$preset" "$lv2path" "$start" "$end" "" ""
    # The parameters as Ardour reads them: the plugin's defaults when inserted, then what the plugin's own
    # state (saved by Ardour with the session, after the preset and the export) holds, also after reopening.
    local state
    state="$(ls -t "$dir"/session/plugins/*/state*/state.ttl 2>/dev/null | head -1 || true)"
    [ "$format" != LV2 ] || [ -n "$state" ] || { echo "FAIL no LV2 state saved with the session"; exit 1; }
    if [ "$format" = LV2 ]; then
        echo "-- $format: the parameters Ardour reads against the plugin's state"
        "$testhost" params --values "$dir/params.txt" --phase insert
        for phase in preset reopen; do
            "$testhost" params --values "$dir/params.txt" --phase "$phase" --lv2-state "$state"
        done
    fi
    local clip id
    clip="$(newest "$dir/cache")"
    id="$(basename "$clip" .wav)"; id="${id#*-}"
    curl -fsS -o "$dir/server-clip.wav" "$server/v1/clips/$id"
    echo "-- $format: the take (export from sample $start) against the server's clip $id from take sample $from"
    "$testhost" compare --take "$(newest "$dir/out-create")" --clip "$dir/server-clip.wav" --from "$from" --block "$block" \
        --same "$(newest "$dir/out-reopen")"
}

# The instrument: notes as "note velocity on off" with on/off in half beats (exact samples at 44.1 kHz, 120 BPM).
# Slot 1 (note 60) from beat 1.5 (starts on beat 2) to 3.5; slot 2 (note 61) exactly on beat 4 to 5.5; slot 1
# again from beat 6.25 (starts on beat 7) to 9.5. The clips are 2 s (4 beats) long, so every note is cut by its
# note-off.
notes_case() {
    local format="$1"
    prepare "$format" notes
    local preset="" lv2path="$art/LV2" ticks=1920 notes="" spec=() ardour_slots=0 ardour_set=""
    if [ "$format" = LV2 ]; then
        preset="Longplay test slots"
        LONGPLAY_URL="$server" LONGPLAY_CLIP_CACHE="$dir/cache" "$testhost" lv2preset --server "$server" --cache "$dir/cache" \
            --bundle "$dir/presets/longplay-slots.lv2" --label "$preset" --seconds 2 --seed 21 --steps 8 --slots 2 \
            --set "slotsOnly=1,quantum=1,slotMode=1" --slot-list "$dir/slots.txt"
        lv2path="$art/LV2:$dir/presets"
    else  # the plugin makes the clips in Ardour: Generate with "New clips to slot" 1, then 2
        ardour_slots=2
        ardour_set="Slots only=1;Start at=1;Slot notes=1"
    fi
    spec=("60 100 3 7" "61 64 8 11" "60 127 12.5 19")
    local voices=() n vel on off first_beat
    for s in "${spec[@]}"; do
        read -r n vel on off <<<"$s"
        notes+="$n,$vel,$(awk -v b="$on" -v t=$ticks 'BEGIN { printf "%d", b / 2 * t }'),$(awk -v b="$off" -v t=$ticks 'BEGIN { printf "%d", b / 2 * t }');"
        first_beat="$(awk -v b="$on" 'BEGIN { x = b / 2; printf "%d", (x == int(x)) ? x : int(x) + 1 }')"
        voices+=(--voice "$((first_beat * spb)),$(awk -v b="$off" -v s=$spb 'BEGIN { printf "%d", b / 2 * s }'),$dir/slot-$((n - 59)).wav,$(awk -v v="$vel" 'BEGIN { printf "%.9f", v / 127 }')")
    done
    # Slot 1's gain is automated from 0 dB to -6 dB on beat 6: the third note (beat 7) plays at -6 dB.
    voices[-1]="${voices[-1]%,*},$(awk 'BEGIN { printf "%.9f", 10 ^ (-6 / 20) }')"
    run_ardour "$format" notes "$preset" "$lv2path" 0 "$((spb * 10))" "$notes" "Slot 1 gain,$((spb * 6)),0,-6"
    local slot id
    while read -r slot id; do
        case "$id" in *.wav) id="$(basename "$id" .wav)"; id="${id#*-}" ;; esac  # a cache file: <hash>-<clip id>.wav
        curl -fsS -o "$dir/slot-$slot.wav" "$server/v1/clips/$id"
    done <"$dir/slots.txt"
    echo "-- $format: the MIDI region's notes against the slots' clips (${voices[*]})"
    "$testhost" notes --take "$(newest "$dir/out-create")" "${voices[@]}" --same "$(newest "$dir/out-reopen")"
}

run_format() {
    timeline_case "$1"
    notes_case "$1"
}

# Ardour's Lua session tool does not scan for plugins, but when its engine starts it reads the plugin caches
# (PluginManager::refresh with cache_only): the VST3 is found through the cache ardour-vst3-scanner wrote above.
for f in ${LONGPLAY_ARDOUR_FORMATS:-LV2 VST3}; do run_format "$f"; done
echo "ardour: all checks passed"

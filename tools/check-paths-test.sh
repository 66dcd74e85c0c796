#!/usr/bin/env bash
# Tests tools/check-paths.sh on throwaway repositories: each case plants one line in a tracked file and expects the
# check to fail (naming the file and line) or to pass. Run by ./longplay-test before the check itself.
set -uo pipefail
check="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/check-paths.sh"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
n=0
# The planted paths are spelt through variables so that this file holds no machine path itself.
H=/home R=/root W=/work

repo() { # a fresh git repository holding one tracked file with the given line
    local dir="$scratch/r$n" line="$1"
    mkdir -p "$dir/docs" "$dir/tools"
    git -C "$dir" init -q
    printf 'intro\n%s\n' "$line" > "$dir/docs/page.md"
    git -C "$dir" add docs/page.md
    echo "$dir"
}

expect() { # fail|pass, the line to plant
    local want="$1" line="$2" dir out rc
    n=$((n + 1))
    dir="$(repo "$line")"
    out="$("$check" "$dir" 2>&1)"; rc=$?
    if [ "$want" = fail ] && { [ $rc -eq 0 ] || ! grep -q 'docs/page.md:2:' <<<"$out"; }; then
        echo "check-paths-test: expected a failure at docs/page.md:2 for: $line (exit $rc)" >&2; failures=$((failures + 1))
    elif [ "$want" = pass ] && [ $rc -ne 0 ]; then
        echo "check-paths-test: expected a pass for: $line; got: $out" >&2; failures=$((failures + 1))
    fi
}

expect fail "the model is in $H/alice/models"
expect fail "run $R/venv/bin/python"
expect fail "#!$W/venv/bin/python"
expect fail "git --git-dir=$W/.mirror/x/repo archive HEAD"
expect fail 'git clone https://example.org/sat /tmp/sat'
expect fail 'PYTHONPATH=/tmp/sa3ref:/tmp/vend python3 x.py'
expect fail 'PYTHON=/opt/venv/bin/python'
expect fail 'train --dir /Users/bob/runs/x'
expect fail 'the ninth session'"'"'s model'
expect fail 'made in the 12th stretch of work'
expect fail 'a device call carries 64 MiB'
expect pass 'extracted into ~/.cache/longplay/djl, or $HOME/work/runs'
expect pass 'reads /proc/net/tcp and /dev/shm, JUCE from /usr/share/juce'
expect pass 'nats-server -js -sd /var/lib/longplay-nats'
expect pass 'sqlite unpacks into our cache rather than a shared /tmp.'
expect pass 'the page opens a console session; an Ardour session'
expect pass 'https://github.com/org/repo/tree/main/work/x'

# an allow-list entry lets one known line through, and only that one
n=$((n + 1)); dir="$(repo 'send "/tmp/clip-1.wav" as a string')"
printf 'docs/*\t"/tmp/clip-\n' > "$dir/tools/check-paths.allow"
"$check" "$dir" >/dev/null 2>&1 || { echo "check-paths-test: the allow-list did not let its line through" >&2; failures=$((failures + 1)); }
printf 'other line /tmp/scratchdir/x\n' >> "$dir/docs/page.md"
"$check" "$dir" >/dev/null 2>&1 && { echo "check-paths-test: the allow-list let another line through" >&2; failures=$((failures + 1)); }

# untracked files are not the repository's; a copy without .git is still checked
n=$((n + 1)); dir="$(repo 'clean')"
echo "$H/alice/x" > "$dir/notes.txt"
"$check" "$dir" >/dev/null 2>&1 || { echo "check-paths-test: an untracked file failed the check" >&2; failures=$((failures + 1)); }
rm -rf "$dir/.git" "$dir/notes.txt"; echo "see $R/x" >> "$dir/docs/page.md"
"$check" "$dir" >/dev/null 2>&1 && { echo "check-paths-test: a copy without .git was not checked" >&2; failures=$((failures + 1)); }

if [ "$failures" -gt 0 ]; then
    echo "check-paths-test: $failures failure(s)" >&2
    exit 1
fi
echo "check-paths-test: $n cases passed"

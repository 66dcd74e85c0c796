#!/usr/bin/env bash
# Fails when a tracked file names one machine's absolute paths (home folders, /root, /work, scratch folders
# under /tmp, a virtual environment under /opt) or dates something by the stretch of work that made it
# ("the ninth session's model") instead of a version. Tools take such paths as arguments or environment
# variables; docs use placeholders (DIR, $HF_HOME, ...). Cheap: ./longplay-test runs it first.
#
#   tools/check-paths.sh [ROOT]      # ROOT defaults to the repository this script is in
#
# Known legitimate uses are listed in tools/check-paths.allow, one per line: a file glob, a tab, and a fixed
# string that the offending line must contain (e.g. fake clip paths that OSC tests send as plain strings).
set -euo pipefail
root="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
cd "$root"
self="tools/check-paths.sh"
self_test="tools/check-paths-test.sh"   # its cases are such lines, on purpose
allow_file="tools/check-paths.allow"

# A path starts after a character that cannot be part of a longer path or a variable ($HOME/work is fine).
start='(^|[^A-Za-z0-9_.~$}/-])'
machine="${start}(/home/[a-z_][a-z0-9_.-]*|/root(/|[^A-Za-z0-9_.-]|$)|/work(/|[^A-Za-z0-9_.-]|$)|/Users/[A-Za-z]|/tmp/[A-Za-z0-9_][A-Za-z0-9_.-]*|/opt/[^ ]*venv|/scratch/)"
ordinal='(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|[0-9]+(st|nd|rd|th))'
process="\\b${ordinal} (session|stretch)|\\bdevice calls?\\b"

files() {
    if [ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$(pwd -P)" ]; then
        git ls-files -z
    else # a copy without .git: every file but build outputs
        find . -type f ! -path './.git/*' ! -path '*/target/*' ! -path '*/node_modules/*' ! -path '*/build/*' \
            -printf '%P\0'
    fi
}

allowed() { # file, line text
    local file="$1" text="$2" glob fixed
    [ -f "$allow_file" ] || return 1
    while IFS=$'\t' read -r glob fixed; do
        case "$glob" in ''|'#'*) continue ;; esac
        # shellcheck disable=SC2053 # the glob is meant to match as a pattern
        if [[ "$file" == $glob ]] && [[ "$text" == *"$fixed"* ]]; then return 0; fi
    done < "$allow_file"
    return 1
}

bad=0
while IFS= read -r hit; do
    file="${hit%%:*}"
    rest="${hit#*:}"
    text="${rest#*:}"
    [ "$file" = "$self" ] && continue
    [ "$file" = "$self_test" ] && continue
    [ "$file" = "$allow_file" ] && continue
    allowed "$file" "$text" && continue
    echo "check-paths: $hit" >&2
    bad=$((bad + 1))
done < <(files | xargs -0 -r grep -HnIiE -e "$machine" -e "$process" -- 2>/dev/null || true)

if [ "$bad" -gt 0 ]; then
    echo "check-paths: $bad line(s) name a machine's absolute path or date work by session; use an argument," \
        "an environment variable or a placeholder (or a version and date), or add a legitimate use to $allow_file" >&2
    exit 1
fi
echo "check-paths: no machine paths in $(files | tr -cd '\0' | wc -c) files"

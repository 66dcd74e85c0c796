#!/usr/bin/env bash
# Builds the JACK shim (longplay_jack.c) into the server's classes, from Maven's process-classes phase.
# Needs only gcc and the JDK's jni.h. Without gcc it says so and the server runs without JACK.
set -euo pipefail
out="$1"
java_home="$2"
src="$(dirname "$0")/longplay_jack.c"
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    echo "longplay_jack: not Linux x86-64; the server runs without JACK" >&2
    exit 0
fi
if ! command -v gcc >/dev/null; then
    echo "longplay_jack: no gcc; the server runs without JACK (apt-get install gcc libc6-dev)" >&2
    exit 0
fi
mkdir -p "$out"
if [ "$out/liblongplay_jack.so" -nt "$src" ]; then
    exit 0
fi
gcc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -Wno-unused-parameter -fPIC -shared \
    -I"$java_home/include" -I"$java_home/include/linux" \
    -o "$out/liblongplay_jack.so" "$src" -ldl

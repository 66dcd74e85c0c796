// Compiles the shared-memory ring's header as C++ (the build checks it under C++17 and C++23) and exercises
// its reader once (exit status 0: three frames read from a valid ring), so a header that only C accepts fails the build rather than a plugin that includes it.
#include "longplay_bridge.h"
#include <cstring>
#include <vector>

int main() {
    std::vector<unsigned char> mem(longplay_bridge_size(4, 2));
    auto* h = new (mem.data()) longplay_bridge_header{};
    h->magic = LONGPLAY_BRIDGE_MAGIC;
    h->version = LONGPLAY_BRIDGE_VERSION;
    h->channels = 2;
    h->capacity = 4;
    h->header_bytes = LONGPLAY_BRIDGE_HEADER_BYTES;
    LONGPLAY_BRIDGE_STORE(&h->write_pos, 3, release);
    float out[8];
    const int valid = longplay_bridge_valid(h, mem.size());
    const uint32_t n = longplay_bridge_read(h, out, 4);
    h->~longplay_bridge_header();
    return valid == 1 && n == 3 ? 0 : 1;
}

/*
 * longplay_bridge.h — the shared-memory audio ring between the Longplay server and a plugin instance.
 *
 * One ring per plugin instance. The server creates it (shm_open + ftruncate + mmap) when the instance attaches
 * (HTTP POST /v1/bridge/attach, or the OSC equivalent) and answers with its name, e.g. "/longplay-<instance>".
 * The plugin opens it with shm_open(name, O_RDWR, 0) and mmap(PROT_READ | PROT_WRITE, MAP_SHARED), checks the
 * header, and from then on copies frames from the ring into its host's buffers in processBlock: no system call,
 * lock or allocation on either side's audio path.
 *
 * Layout (little-endian, as the machine is; all offsets in bytes from the start of the mapping):
 *
 *   0    uint32  magic            LONGPLAY_BRIDGE_MAGIC ("LPBR" in memory)
 *   4    uint32  version          LONGPLAY_BRIDGE_VERSION
 *   8    uint32  sample_rate      frames per second of the audio in the ring (the host's rate, given at attach)
 *   12   uint32  channels         samples per frame (2: interleaved left, right)
 *   16   uint32  capacity         frames the ring holds; a power of two
 *   20   uint32  header_bytes     offset of the first frame (LONGPLAY_BRIDGE_HEADER_BYTES)
 *   24   ...     reserved, zero
 *   64   uint64  write_pos        frames written since creation (atomic; only the server writes it)
 *   128  uint64  read_pos         frames read since creation (atomic; only the plugin writes it)
 *   192  float32 frames[capacity * channels], interleaved
 *
 * Positions only grow (64 bits do not wrap in practice); frame n lives at index (n & (capacity - 1)).
 * write_pos and read_pos sit on their own 64-byte cache lines so the two sides do not false-share.
 *
 * Protocol (single producer = server, single consumer = plugin):
 *   producer: r = load_acquire(read_pos); free = capacity - (w - r); write frames [w, w + k) into the data;
 *             store_release(write_pos, w + k).
 *   consumer: w = load_acquire(write_pos); available = w - r; read frames [r, r + k) from the data;
 *             store_release(read_pos, r + k).
 * The release store publishes the frame data written before it; the acquire load makes it visible before the
 * frames are read (and, on the producer side, guarantees the consumer is done with the frames it overwrites).
 * When the ring runs dry the plugin outputs silence; nothing ever waits.
 */
#ifndef LONGPLAY_BRIDGE_H
#define LONGPLAY_BRIDGE_H

/*
 * C11 and C++ (17 or later) alike: the two positions are _Atomic uint64_t in C and std::atomic<uint64_t> in C++,
 * both a lock-free 64-bit word with the same layout and memory-order semantics on the platforms the server runs
 * on (checked below), so a C writer and a C++ reader share one ring.
 */
#ifdef __cplusplus
#include <atomic>
#include <cstddef>
#include <cstdint>
typedef std::atomic<uint64_t> longplay_bridge_pos;
#define LONGPLAY_BRIDGE_LOAD(p, order) (p)->load(std::memory_order_##order)
#define LONGPLAY_BRIDGE_STORE(p, v, order) (p)->store((v), std::memory_order_##order)
#define LONGPLAY_BRIDGE_STATIC_ASSERT static_assert
static_assert(std::atomic<uint64_t>::is_always_lock_free, "the ring positions must be lock-free");
static_assert(sizeof(std::atomic<uint64_t>) == sizeof(uint64_t), "an atomic position is one 64-bit word");
#else
#include <stdint.h>
#include <stdatomic.h>
#include <stddef.h>
typedef _Atomic uint64_t longplay_bridge_pos;
#define LONGPLAY_BRIDGE_LOAD(p, order) atomic_load_explicit((p), memory_order_##order)
#define LONGPLAY_BRIDGE_STORE(p, v, order) atomic_store_explicit((p), (v), memory_order_##order)
#define LONGPLAY_BRIDGE_STATIC_ASSERT _Static_assert
#endif

#define LONGPLAY_BRIDGE_MAGIC 0x5242504Cu /* 'L' 'P' 'B' 'R' as bytes in memory */
#define LONGPLAY_BRIDGE_VERSION 1u
#define LONGPLAY_BRIDGE_HEADER_BYTES 192u
#define LONGPLAY_BRIDGE_WRITE_POS_OFFSET 64u
#define LONGPLAY_BRIDGE_READ_POS_OFFSET 128u

typedef struct longplay_bridge_header {
    uint32_t magic;
    uint32_t version;
    uint32_t sample_rate;
    uint32_t channels;
    uint32_t capacity;
    uint32_t header_bytes;
    uint8_t reserved0[40];
    longplay_bridge_pos write_pos;
    uint8_t reserved1[56];
    longplay_bridge_pos read_pos;
    uint8_t reserved2[56];
} longplay_bridge_header;

LONGPLAY_BRIDGE_STATIC_ASSERT(sizeof(longplay_bridge_header) == LONGPLAY_BRIDGE_HEADER_BYTES, "header size");
LONGPLAY_BRIDGE_STATIC_ASSERT(offsetof(longplay_bridge_header, write_pos) == LONGPLAY_BRIDGE_WRITE_POS_OFFSET, "write_pos offset");
LONGPLAY_BRIDGE_STATIC_ASSERT(offsetof(longplay_bridge_header, read_pos) == LONGPLAY_BRIDGE_READ_POS_OFFSET, "read_pos offset");

/** Total size of a ring's mapping. */
static inline size_t longplay_bridge_size(uint32_t capacity, uint32_t channels) {
    return LONGPLAY_BRIDGE_HEADER_BYTES + (size_t)capacity * channels * sizeof(float);
}

/** The interleaved float32 frames after the header. */
static inline float *longplay_bridge_frames(longplay_bridge_header *h) {
    return (float *)((char *)h + h->header_bytes);
}

/** 1 if a mapped ring is one this header describes (check before anything else). */
static inline int longplay_bridge_valid(const longplay_bridge_header *h, size_t mapped_bytes) {
    return mapped_bytes >= LONGPLAY_BRIDGE_HEADER_BYTES && h->magic == LONGPLAY_BRIDGE_MAGIC
        && h->version == LONGPLAY_BRIDGE_VERSION && h->header_bytes == LONGPLAY_BRIDGE_HEADER_BYTES
        && h->channels > 0 && h->capacity > 0 && (h->capacity & (h->capacity - 1)) == 0
        && mapped_bytes >= longplay_bridge_size(h->capacity, h->channels);
}

/**
 * Consumer side, for processBlock: copies up to max_frames frames into dst (interleaved) and returns how many.
 * Real-time safe.
 */
static inline uint32_t longplay_bridge_read(longplay_bridge_header *h, float *dst, uint32_t max_frames) {
    uint64_t w = LONGPLAY_BRIDGE_LOAD(&h->write_pos, acquire);
    uint64_t r = LONGPLAY_BRIDGE_LOAD(&h->read_pos, relaxed);
    uint64_t available = w - r;
    uint32_t n = available < max_frames ? (uint32_t)available : max_frames;
    const float *frames = longplay_bridge_frames(h);
    uint32_t ch = h->channels;
    uint32_t mask = h->capacity - 1;
    for (uint32_t i = 0; i < n; i++) {
        const float *src = frames + (size_t)((r + i) & mask) * ch;
        for (uint32_t c = 0; c < ch; c++) {
            dst[(size_t)i * ch + c] = src[c];
        }
    }
    LONGPLAY_BRIDGE_STORE(&h->read_pos, r + n, release);
    return n;
}

#endif /* LONGPLAY_BRIDGE_H */

/*
 * Test reader for longplay_bridge.h: maps the ring the Java side created, checks the header against the expected
 * values, then reads `frames` frames and checks each one is (i, -i) for frame i: right content, no gap, no repeat.
 * Usage: bridge_reader NAME SAMPLE_RATE CHANNELS CAPACITY FRAMES. Prints "OK <frames>" and exits 0, or says why not.
 */
#define _POSIX_C_SOURCE 200809L
#include "longplay_bridge.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s NAME RATE CHANNELS CAPACITY FRAMES\n", argv[0]);
        return 2;
    }
    const char *name = argv[1];
    uint32_t rate = (uint32_t)atol(argv[2]), channels = (uint32_t)atol(argv[3]), capacity = (uint32_t)atol(argv[4]);
    uint64_t total = (uint64_t)atoll(argv[5]);
    int fd = shm_open(name, O_RDWR, 0);
    if (fd < 0) { perror("shm_open"); return 1; }
    struct stat st;
    if (fstat(fd, &st) != 0) { perror("fstat"); return 1; }
    void *map = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (map == MAP_FAILED) { perror("mmap"); return 1; }
    longplay_bridge_header *h = map;
    if (!longplay_bridge_valid(h, (size_t)st.st_size)) {
        fprintf(stderr, "invalid header: magic %08x version %u header_bytes %u\n", h->magic, h->version, h->header_bytes);
        return 1;
    }
    if (h->sample_rate != rate || h->channels != channels || h->capacity != capacity) {
        fprintf(stderr, "header says %u Hz, %u channels, %u frames\n", h->sample_rate, h->channels, h->capacity);
        return 1;
    }
    float buf[256 * 8];
    uint64_t got = 0;
    time_t deadline = time(NULL) + 30;
    while (got < total) {
        uint32_t n = longplay_bridge_read(h, buf, 256);
        if (n == 0) {
            if (time(NULL) > deadline) { fprintf(stderr, "timed out after %llu frames\n", (unsigned long long)got); return 1; }
            struct timespec pause = {0, 100000};
            nanosleep(&pause, NULL);
            continue;
        }
        for (uint32_t i = 0; i < n; i++, got++) {
            float want = (float)(got % 1000000);
            if (buf[i * channels] != want || buf[i * channels + 1] != -want) {
                fprintf(stderr, "frame %llu is (%f, %f), want (%f, %f)\n", (unsigned long long)got,
                        buf[i * channels], buf[i * channels + 1], want, -want);
                return 1;
            }
        }
    }
    printf("OK %llu\n", (unsigned long long)got);
    return 0;
}

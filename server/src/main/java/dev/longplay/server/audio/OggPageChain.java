package dev.longplay.server.audio;

import java.io.IOException;

/**
 * Checks that an Ogg file is an unbroken sequence of pages ending with an end-of-stream page, before any decoder
 * sees it: a file cut off anywhere, or with damage between pages, is refused with a clear message rather than
 * decoded in part (ffmpeg, which reads Opus here, would quietly decode what is left).
 */
final class OggPageChain {

    private OggPageChain() {
    }

    static void check(byte[] b, String name) throws IOException {
        int p = 0;
        boolean eos = false;
        while (p < b.length) {
            if (p + 27 > b.length) {
                throw truncated(name);
            }
            if (b[p] != 'O' || b[p + 1] != 'g' || b[p + 2] != 'g' || b[p + 3] != 'S' || b[p + 4] != 0) {
                throw new IOException(name + ": Ogg stream is damaged (no page where one should start, at byte " + p + ")");
            }
            eos = (b[p + 5] & 4) != 0;
            int segments = b[p + 26] & 0xFF;
            if (p + 27 + segments > b.length) {
                throw truncated(name);
            }
            int body = 0;
            for (int i = 0; i < segments; i++) {
                body += b[p + 27 + i] & 0xFF;
            }
            int next = p + 27 + segments + body;
            if (next > b.length) {
                throw truncated(name);
            }
            p = next;
        }
        if (!eos) {
            throw truncated(name);
        }
    }

    private static IOException truncated(String name) {
        return new IOException(name + ": Ogg file is truncated (it does not end with an end-of-stream page)");
    }
}

package dev.longplay.server.audio;

import java.io.IOException;

/**
 * Checks that an MP3 file is an unbroken chain of Layer III frames, each starting where the one before ends, from
 * the first frame to the end of the file (or to an ID3v1/APE/Lyrics tag there). JLayer, like most decoders, skips
 * whatever lies between frames to find the next sync word, so a damaged or cut-off file would otherwise decode into
 * noise or stop early without a word; walking the chain first turns both into a clear error.
 */
final class Mp3FrameChain {
    // kbit/s by [MPEG-1 ? 0 : 1][bitrate index], Layer III
    private static final int[][] BITRATES = {
            {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320},
            {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160}};
    // Hz by [version bits][rate index]; version bits 0 = MPEG-2.5, 2 = MPEG-2, 3 = MPEG-1
    private static final int[][] RATES = {{11025, 12000, 8000}, null, {22050, 24000, 16000}, {44100, 48000, 32000}};

    /** @param frames how many frames; @param end the offset just past the last frame (trailing tags start there) */
    record Chain(long frames, int end) {
    }

    private Mp3FrameChain() {
    }

    /** The frames; throws naming the offset where the chain breaks. */
    static Chain walk(byte[] b, String name) throws IOException {
        int p = id3v2End(b);
        while (p + 4 <= b.length && (b[p] & 0xFF) != 0xFF) {
            p++; // zero padding some taggers leave after the ID3v2 tag
        }
        long frames = 0;
        while (p < b.length) {
            int len = frameLength(b, p);
            if (len < 0) {
                if (frames > 0 && isTrailingTag(b, p)) {
                    return new Chain(frames, p);
                }
                throw new IOException(name + ": MP3 stream is damaged (no frame where one should start, at byte " + p
                        + " of " + b.length + ")");
            }
            if (p + len > b.length) {
                throw new IOException(name + ": MP3 file is truncated (its last frame is cut off)");
            }
            p += len;
            frames++;
        }
        if (frames == 0) {
            throw new IOException(name + ": no MP3 audio frames found");
        }
        return new Chain(frames, p);
    }

    static int id3v2End(byte[] b) {
        if (b.length >= 10 && b[0] == 'I' && b[1] == 'D' && b[2] == '3') {
            long size = ((b[6] & 0x7FL) << 21) | ((b[7] & 0x7F) << 14) | ((b[8] & 0x7F) << 7) | (b[9] & 0x7F);
            return (int) Math.min(b.length, 10 + size + ((b[5] & 0x10) != 0 ? 10 : 0));
        }
        return 0;
    }

    /** The length of the Layer III frame whose header is at {@code p}, or -1 if there is none. */
    static int frameLength(byte[] b, int p) {
        if (p + 4 > b.length || (b[p] & 0xFF) != 0xFF || (b[p + 1] & 0xE0) != 0xE0) {
            return -1;
        }
        int version = (b[p + 1] >> 3) & 3;
        int layer = (b[p + 1] >> 1) & 3;
        int bitrateIndex = (b[p + 2] >> 4) & 15;
        int rateIndex = (b[p + 2] >> 2) & 3;
        int padding = (b[p + 2] >> 1) & 1;
        if (version == 1 || layer != 1 || bitrateIndex == 0 || bitrateIndex == 15 || rateIndex == 3) {
            return -1; // reserved values, another layer, or free format (which has no length in its header)
        }
        int kbps = BITRATES[version == 3 ? 0 : 1][bitrateIndex];
        int rate = RATES[version][rateIndex];
        int perSlot = version == 3 ? 144 : 72;
        return perSlot * kbps * 1000 / rate + padding;
    }

    private static boolean isTrailingTag(byte[] b, int p) {
        return startsWith(b, p, "TAG") || startsWith(b, p, "APETAGEX") || startsWith(b, p, "LYRICSBEGIN")
                || startsWith(b, p, "ID3");
    }

    private static boolean startsWith(byte[] b, int p, String s) {
        if (p + s.length() > b.length) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (b[p + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}

package dev.longplay.server.audio;

/**
 * What the Xing/Info tag frame at the start of an MP3 says: how many audio frames follow and, in LAME's extension
 * of it (also written by ffmpeg), how many samples of encoder delay and end padding the encoder added.
 *
 * @param frames  audio frames after the tag frame, or 0 where the tag does not say
 * @param delay   encoder delay in samples (0 without the LAME extension)
 * @param padding end padding in samples (0 without the LAME extension)
 * @param lame    whether the LAME extension was present, and so the delay and padding are known
 */
record Mp3GaplessInfo(long frames, int delay, int padding, boolean lame) {

    /** Reads the tag of the file's first MPEG frame, or null if that frame is ordinary audio. */
    static Mp3GaplessInfo find(byte[] b) {
        int p = Mp3FrameChain.id3v2End(b);
        while (p + 4 <= b.length && !((b[p] & 0xFF) == 0xFF && (b[p + 1] & 0xE0) == 0xE0)) {
            p++; // the first frame sync, after any padding the tag left
        }
        if (p + 4 > b.length) {
            return null;
        }
        boolean mpeg1 = ((b[p + 1] >> 3) & 3) == 3;
        boolean mono = ((b[p + 3] >> 6) & 3) == 3;
        int tag = p + 4 + (mpeg1 ? (mono ? 17 : 32) : (mono ? 9 : 17));
        if (tag + 8 > b.length || !(ascii(b, tag, "Xing") || ascii(b, tag, "Info"))) {
            return null;
        }
        int flags = int32(b, tag + 4);
        int q = tag + 8;
        long frames = 0;
        if ((flags & 1) != 0) {
            if (q + 4 > b.length) {
                return null;
            }
            frames = Integer.toUnsignedLong(int32(b, q));
            q += 4;
        }
        q += ((flags & 2) != 0 ? 4 : 0) + ((flags & 4) != 0 ? 100 : 0) + ((flags & 8) != 0 ? 4 : 0);
        // The LAME extension: a 9-byte encoder name, then 12 bytes of other fields, then delay and padding (12 bits each).
        if (q + 24 <= b.length && (ascii(b, q, "LAME") || ascii(b, q, "Lavc") || ascii(b, q, "Lavf"))) {
            int v = ((b[q + 21] & 0xFF) << 16) | ((b[q + 22] & 0xFF) << 8) | (b[q + 23] & 0xFF);
            return new Mp3GaplessInfo(frames, v >>> 12, v & 0xFFF, true);
        }
        return new Mp3GaplessInfo(frames, 0, 0, false);
    }

    private static int int32(byte[] b, int p) {
        return ((b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
    }

    private static boolean ascii(byte[] b, int p, String s) {
        for (int i = 0; i < s.length(); i++) {
            if (b[p + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}

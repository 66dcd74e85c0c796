package dev.longplay.server.audio;

import java.io.IOException;

/**
 * Checks the IFF structure of an AIFF/AIFC file before it is decoded: every chunk inside the FORM, and the sound
 * data chunk (SSND) in particular, must be whole. Neither the JDK's reader nor ffmpeg refuses a file cut off
 * inside its samples; this does.
 */
final class AiffChunks {

    private AiffChunks() {
    }

    static void check(byte[] b, String name) throws IOException {
        long form = Integer.toUnsignedLong(int32(b, 4)) + 8;
        // One byte of slack: some writers count the pad byte after an odd-sized last chunk but leave it out.
        if (form > b.length + 1L) {
            throw new IOException(name + ": AIFF file is truncated (" + b.length + " of " + form + " bytes)");
        }
        form = Math.min(form, b.length);
        int p = 12;
        boolean sound = false;
        while (p + 8 <= form) {
            long size = Integer.toUnsignedLong(int32(b, p + 4));
            long end = p + 8 + size + (size & 1);
            if (p + 8 + size > form) {
                throw new IOException(name + ": AIFF file is damaged (a chunk runs past the end of the file)");
            }
            sound |= b[p] == 'S' && b[p + 1] == 'S' && b[p + 2] == 'N' && b[p + 3] == 'D';
            p = (int) Math.min(end, form);
        }
        if (!sound) {
            throw new IOException(name + ": AIFF file has no sound data chunk (SSND)");
        }
    }

    private static int int32(byte[] b, int p) {
        return ((b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
    }
}

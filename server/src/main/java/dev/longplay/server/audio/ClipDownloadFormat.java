package dev.longplay.server.audio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * The container a clip download is sent in: the stored WAV as it is, or FLAC made from it on request
 * ({@code ?format=flac}, or an {@code Accept} header that names audio/flac and not audio/wav before it).
 */
public enum ClipDownloadFormat {
    WAV, FLAC;

    /** @param formatParam the {@code format} query parameter, or null; @param accept the Accept header, or null */
    public static ClipDownloadFormat of(String formatParam, String accept) {
        if (formatParam != null) {
            return switch (formatParam.toLowerCase(Locale.ROOT)) {
                case "flac" -> FLAC;
                case "wav" -> WAV;
                default -> throw new IllegalArgumentException("format is wav or flac, not " + formatParam);
            };
        }
        if (accept == null) {
            return WAV;
        }
        // The first of the two that the client lists wins; a client that lists neither gets the stored WAV.
        String a = accept.toLowerCase(Locale.ROOT);
        int flac = Math.max(a.indexOf("audio/flac"), a.indexOf("audio/x-flac"));
        int wav = firstOf(a, "audio/wav", "audio/x-wav", "audio/wave", "audio/*", "*/*");
        return flac >= 0 && (wav < 0 || flac < wav) ? FLAC : WAV;
    }

    private static int firstOf(String s, String... needles) {
        int best = -1;
        for (String n : needles) {
            int i = s.indexOf(n);
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }

    /** A stored clip's WAV as FLAC: 16-bit for a 16-bit clip, else 24-bit (float clips lie within full scale). */
    public static byte[] flacOf(ByteBuffer wav, String name) throws IOException {
        WavReader.Audio a = WavReader.decode(wav, name);
        int bits = bitsOf(wav) == 16 ? 16 : 24;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FlacWriter.write(out, a.samples(), a.sampleRate(), bits);
        return out.toByteArray();
    }

    // bits per sample from the fmt chunk, which the clip writer puts first
    private static int bitsOf(ByteBuffer wav) {
        return wav.limit() >= 36 ? (wav.get(34) & 0xFF) | ((wav.get(35) & 0xFF) << 8) : 0;
    }
}

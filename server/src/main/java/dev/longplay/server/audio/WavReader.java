package dev.longplay.server.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * RIFF/WAVE (and RF64) reading: PCM 8/16/24/32-bit and IEEE float 32/64-bit (also WAVE_FORMAT_EXTENSIBLE), any
 * channel count, into planar float samples ({@code samples[channel][frame]}). Anything else is refused with a
 * message naming what was found. A data chunk shorter than its header says is refused as truncated, except where
 * the size is 0xFFFFFFFF (RF64 and streamed WAV, whose real size is not in the chunk header).
 */
public final class WavReader {

    /** Decoded audio: planar float samples in [-1, 1] for PCM, as stored for float files. */
    public record Audio(float[][] samples, int sampleRate) {
        public int channels() {
            return samples.length;
        }

        public int frames() {
            return samples.length == 0 ? 0 : samples[0].length;
        }
    }

    /** A WAV file whose sample encoding this reader does not decode (μ-law, ADPCM, …). */
    public static final class UnsupportedEncoding extends IOException {
        UnsupportedEncoding(String message) {
            super(message);
        }
    }

    private WavReader() {
    }

    public static Audio read(Path file) throws IOException {
        return decode(ByteBuffer.wrap(Files.readAllBytes(file)), file.toString());
    }

    /** Parses a WAV held in memory (an upload), with clear errors for anything it cannot read. */
    public static Audio decode(ByteBuffer bytes, String name) throws IOException {
        return decode(bytes, name, Long.MAX_VALUE);
    }

    /** As {@link #decode(ByteBuffer, String)}, refusing files of more than {@code maxSamples} samples in all. */
    public static Audio decode(ByteBuffer bytes, String name, long maxSamples) throws IOException {
        ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 12 || !(tag(b, 0, "RIFF") || tag(b, 0, "RF64")) || !tag(b, 8, "WAVE")) {
            throw new IOException(name + " is not a WAV file (no RIFF/WAVE header)");
        }
        int pos = 12;
        int fmtTag = -1;
        int channels = 0;
        int rate = 0;
        int bits = 0;
        while (pos + 8 <= b.limit()) {
            String id = new String(new byte[]{b.get(pos), b.get(pos + 1), b.get(pos + 2), b.get(pos + 3)});
            long size = Integer.toUnsignedLong(b.getInt(pos + 4));
            int body = pos + 8;
            if (id.equals("fmt ")) {
                if (size < 16 || body + 16 > b.limit()) {
                    throw new IOException(name + ": truncated fmt chunk");
                }
                fmtTag = b.getShort(body) & 0xFFFF;
                channels = b.getShort(body + 2) & 0xFFFF;
                rate = b.getInt(body + 4);
                bits = b.getShort(body + 14) & 0xFFFF;
                if (fmtTag == 0xFFFE && size >= 26) {
                    fmtTag = b.getShort(body + 24) & 0xFFFF; // WAVE_FORMAT_EXTENSIBLE: the sub-format's tag
                }
            } else if (id.equals("data")) {
                if (fmtTag < 0) {
                    throw new IOException(name + ": data chunk before fmt chunk");
                }
                if (size != 0xFFFF_FFFFL && size > b.limit() - body) {
                    throw new IOException(name + ": WAV file is truncated (the data chunk has " + (b.limit() - body)
                            + " of " + size + " bytes)");
                }
                long available = Math.min(size, b.limit() - body);
                return samples(b, body, available, fmtTag, channels, rate, bits, name, maxSamples);
            }
            pos = (int) Math.min(Integer.MAX_VALUE, body + size + (size & 1));
        }
        throw new IOException(name + ": no data chunk");
    }

    private static Audio samples(ByteBuffer b, int start, long length, int fmtTag, int channels, int rate, int bits,
                                 String name, long maxSamples) throws IOException {
        if (channels < 1 || channels > 64 || rate < 1000 || rate > 768000) {
            throw new IOException(name + ": unsupported layout (" + channels + " channels at " + rate + " Hz)");
        }
        boolean pcm = fmtTag == 1 && (bits == 8 || bits == 16 || bits == 24 || bits == 32);
        boolean flt = fmtTag == 3 && (bits == 32 || bits == 64);
        if (!pcm && !flt) {
            throw new UnsupportedEncoding(name + ": unsupported sample format (tag " + fmtTag + ", " + bits + " bits)");
        }
        int bytesPerSample = bits / 8;
        int frames = (int) Math.min(Integer.MAX_VALUE, length / ((long) bytesPerSample * channels));
        if ((long) frames * channels > maxSamples) {
            throw new AudioTooLongException(name + " holds more than " + maxSamples + " samples");
        }
        float[][] out = new float[channels][frames];
        int p = start;
        for (int i = 0; i < frames; i++) {
            for (int c = 0; c < channels; c++) {
                out[c][i] = sample(b, p, bits, flt);
                p += bytesPerSample;
            }
        }
        return new Audio(out, rate);
    }

    private static float sample(ByteBuffer b, int p, int bits, boolean flt) {
        if (flt) {
            return bits == 32 ? b.getFloat(p) : (float) b.getDouble(p);
        }
        return switch (bits) {
            case 8 -> ((b.get(p) & 0xFF) - 128) / 128f;
            case 16 -> b.getShort(p) / 32768f;
            case 24 -> ((b.get(p) & 0xFF) | ((b.get(p + 1) & 0xFF) << 8) | (b.get(p + 2) << 16)) / 8388608f;
            default -> b.getInt(p) / 2147483648f;
        };
    }

    private static boolean tag(ByteBuffer b, int at, String s) {
        for (int i = 0; i < 4; i++) {
            if (b.get(at + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}

package dev.longplay.server.audio;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * RIFF/WAVE reading and writing: PCM 16/24/32-bit and IEEE float 32-bit, any channel count, planar
 * float samples in memory ({@code samples[channel][frame]}). Writes go to a temp file renamed into place,
 * so a reader never sees half a clip.
 */
public final class WavFile {

    public enum Format {
        PCM16(16, 1), PCM24(24, 1), FLOAT32(32, 3);

        final int bits;
        final int tag;

        Format(int bits, int tag) {
            this.bits = bits;
            this.tag = tag;
        }

        public static Format parse(String s) {
            return switch (s.toLowerCase()) {
                case "16", "pcm16", "s16" -> PCM16;
                case "24", "pcm24", "s24" -> PCM24;
                case "32f", "f32", "float", "float32" -> FLOAT32;
                default -> throw new IllegalArgumentException("unknown WAV format '" + s + "' (16, 24 or float32)");
            };
        }
    }

    /** Decoded audio: planar float samples in [-1, 1] for PCM, as stored for float files. */
    public record Audio(float[][] samples, int sampleRate) {
        public int channels() {
            return samples.length;
        }

        public int frames() {
            return samples.length == 0 ? 0 : samples[0].length;
        }
    }

    private WavFile() {
    }

    public static void write(Path file, float[][] samples, int sampleRate, Format format) throws IOException {
        int channels = samples.length;
        int frames = channels == 0 ? 0 : samples[0].length;
        int bytesPerSample = format.bits / 8;
        long dataBytes = (long) frames * channels * bytesPerSample;
        if (dataBytes > 0xFFFFFFFFL - 44) {
            throw new IOException("clip too long for a WAV file (" + dataBytes + " bytes of audio)");
        }
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
            h.put("RIFF".getBytes()).putInt((int) (36 + dataBytes)).put("WAVE".getBytes());
            h.put("fmt ".getBytes()).putInt(16).putShort((short) format.tag).putShort((short) channels)
                    .putInt(sampleRate).putInt(sampleRate * channels * bytesPerSample)
                    .putShort((short) (channels * bytesPerSample)).putShort((short) format.bits);
            h.put("data".getBytes()).putInt((int) dataBytes);
            out.write(h.array());
            int chunkFrames = 8192;
            ByteBuffer buf = ByteBuffer.allocate(chunkFrames * channels * bytesPerSample).order(ByteOrder.LITTLE_ENDIAN);
            for (int start = 0; start < frames; start += chunkFrames) {
                buf.clear();
                int end = Math.min(frames, start + chunkFrames);
                for (int i = start; i < end; i++) {
                    for (float[] channel : samples) {
                        putSample(buf, channel[i], format);
                    }
                }
                out.write(buf.array(), 0, buf.position());
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void putSample(ByteBuffer buf, float v, Format format) {
        switch (format) {
            case FLOAT32 -> buf.putFloat(v);
            case PCM16 -> buf.putShort((short) Math.round(clip(v) * 32767f));
            case PCM24 -> {
                int s = Math.round(clip(v) * 8388607f);
                buf.put((byte) s).put((byte) (s >> 8)).put((byte) (s >> 16));
            }
        }
    }

    private static float clip(float v) {
        return v > 1f ? 1f : (v < -1f ? -1f : v);
    }

    public static Audio read(Path file) throws IOException {
        return decode(ByteBuffer.wrap(Files.readAllBytes(file)), file.toString());
    }

    /** Parses a WAV held in memory (an upload), with clear errors for anything it cannot read. */
    public static Audio decode(ByteBuffer bytes, String name) throws IOException {
        ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 12 || !tag(b, 0, "RIFF") || !tag(b, 8, "WAVE")) {
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
                long available = Math.min(size, b.limit() - body);
                return samples(b, body, available, fmtTag, channels, rate, bits, name);
            }
            pos = (int) Math.min(Integer.MAX_VALUE, body + size + (size & 1));
        }
        throw new IOException(name + ": no data chunk");
    }

    private static Audio samples(ByteBuffer b, int start, long length, int fmtTag, int channels, int rate, int bits,
                                 String name) throws IOException {
        if (channels < 1 || channels > 64 || rate < 1000 || rate > 768000) {
            throw new IOException(name + ": unsupported layout (" + channels + " channels at " + rate + " Hz)");
        }
        boolean pcm = fmtTag == 1 && (bits == 8 || bits == 16 || bits == 24 || bits == 32);
        boolean flt = fmtTag == 3 && (bits == 32 || bits == 64);
        if (!pcm && !flt) {
            throw new IOException(name + ": unsupported sample format (tag " + fmtTag + ", " + bits + " bits)");
        }
        int bytesPerSample = bits / 8;
        int frames = (int) Math.min(Integer.MAX_VALUE, length / ((long) bytesPerSample * channels));
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

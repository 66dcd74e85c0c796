package dev.longplay.server.clips;


import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes RIFF/WAVE: 16- or 24-bit PCM, or 32-bit IEEE float, interleaved.
 *
 * <p>Peaks: Stable Audio's decoder can output peaks near 2.0. Integer PCM would clip them hard, and many hosts clip
 * float files on import too, so a clip whose peak exceeds full scale is peak-normalised — one gain for the whole
 * clip, down to {@link #CEILING} — rather than limited sample by sample (no distortion, no pumping). The gain is
 * returned and recorded in the clip's metadata.
 */
public final class WavWriter {

    /** -0.1 dBFS: headroom for inter-sample peaks after conversion. */
    public static final double CEILING = 0.98855;

    /** @param peak the largest absolute sample before normalisation; @param gain the gain applied (1 if none) */
    public record Result(double peak, double gain, long dataBytes) {
    }

    private WavWriter() {
    }

    public static Result write(OutputStream out, float[][] audio, int sampleRate, OutputFormat format) throws IOException {
        int channels = audio.length;
        int frames = audio[0].length;
        double peak = 0;
        for (float[] ch : audio) {
            for (float v : ch) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("the audio contains NaN or infinite samples");
                }
                peak = Math.max(peak, Math.abs(v));
            }
        }
        double gain = peak > 1.0 ? CEILING / peak : 1.0;
        int bytesPerSample = format.bitsPerSample() / 8;
        long dataBytes = (long) frames * channels * bytesPerSample;
        boolean isFloat = format == OutputFormat.WAV_FLOAT32;
        int fmtSize = isFloat ? 18 : 16;
        long riffSize = 4 + (8 + fmtSize) + (isFloat ? 12 : 0) + 8 + dataBytes + (dataBytes & 1);
        if (riffSize > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("the clip is too long for a WAV file");
        }
        ByteBuffer header = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        header.put(ascii("RIFF")).putInt((int) riffSize).put(ascii("WAVE"));
        header.put(ascii("fmt ")).putInt(fmtSize)
                .putShort((short) (isFloat ? 3 : 1))
                .putShort((short) channels)
                .putInt(sampleRate)
                .putInt(sampleRate * channels * bytesPerSample)
                .putShort((short) (channels * bytesPerSample))
                .putShort((short) format.bitsPerSample());
        if (isFloat) {
            header.putShort((short) 0); // cbSize
            header.put(ascii("fact")).putInt(4).putInt(frames); // non-PCM formats carry a fact chunk
        }
        header.put(ascii("data")).putInt((int) dataBytes);
        out.write(header.array(), 0, header.position());

        ByteBuffer buf = ByteBuffer.allocate(channels * bytesPerSample * 4096).order(ByteOrder.LITTLE_ENDIAN);
        for (int f = 0; f < frames; f++) {
            for (int c = 0; c < channels; c++) {
                double v = audio[c][f] * gain;
                switch (format) {
                    case WAV_FLOAT32 -> buf.putFloat((float) v);
                    case WAV_PCM16 -> buf.putShort((short) quantise(v, 32767));
                    case WAV_PCM24 -> {
                        int s = quantise(v, 8_388_607);
                        buf.put((byte) s).put((byte) (s >> 8)).put((byte) (s >> 16));
                    }
                }
            }
            if (!buf.hasRemaining()) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
        }
        out.write(buf.array(), 0, buf.position());
        if ((dataBytes & 1) == 1) {
            out.write(0); // RIFF chunks are word-aligned
        }
        return new Result(peak, gain, dataBytes);
    }

    private static int quantise(double v, int fullScale) {
        long s = Math.round(v * fullScale);
        return (int) Math.max(-fullScale - 1, Math.min(fullScale, s));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}

package dev.longplay.server.audio;

import net.sourceforge.javaflacencoder.FLACEncoder;
import net.sourceforge.javaflacencoder.FLACOutputStream;
import net.sourceforge.javaflacencoder.StreamConfiguration;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes FLAC (16- or 24-bit), the format sample libraries ship, through javaFlacEncoder ({@code encodeSamples}
 * encodes in the calling thread).
 *
 * <p>Peaks above full scale are handled as the WAV writer handles them: one gain for the whole clip brings the peak
 * down to {@link #CEILING}, rather than clipping sample by sample; the gain is returned.
 */
public final class FlacWriter {
    /** -0.1 dBFS, the WAV writer's ceiling. */
    public static final double CEILING = 0.98855;
    private static final int BLOCK = 4096;

    /** @param peak the largest absolute sample before normalisation; @param gain the gain applied (1 if none) */
    public record Result(double peak, double gain) {
    }

    private FlacWriter() {
    }

    /** @param bits 16 or 24 */
    public static Result write(OutputStream out, float[][] audio, int sampleRate, int bits) throws IOException {
        if (bits != 16 && bits != 24) {
            throw new IllegalArgumentException("FLAC is written with 16 or 24 bits, not " + bits);
        }
        int channels = audio.length;
        if (channels < 1 || channels > 8) {
            throw new IllegalArgumentException("FLAC holds 1 to 8 channels, not " + channels);
        }
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
        int fullScale = (1 << (bits - 1)) - 1;

        FLACEncoder encoder = new FLACEncoder();
        StreamConfiguration config = new StreamConfiguration(channels, BLOCK, BLOCK, sampleRate, bits);
        if (!config.isValid() || !encoder.setStreamConfiguration(config)) {
            throw new IllegalArgumentException("FLAC cannot hold " + channels + " channels at " + sampleRate + " Hz");
        }
        // Encoded in memory, where the encoder can seek back to fill in STREAMINFO's length and MD5 at the end
        // (a forward-only stream would leave them blank, and players would not know the duration).
        SeekableBuffer flac = new SeekableBuffer();
        encoder.setOutputStream(flac);
        encoder.openFLACStream();
        int[] block = new int[BLOCK * channels];
        for (int start = 0; start < frames; start += BLOCK) {
            int n = Math.min(BLOCK, frames - start);
            int p = 0;
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < channels; c++) {
                    long s = Math.round(audio[c][start + i] * gain * fullScale);
                    block[p++] = (int) Math.max(-fullScale - 1, Math.min(fullScale, s));
                }
            }
            encoder.addSamples(block, n);
            encoder.encodeSamples(encoder.fullBlockSamplesAvailableToEncode(), false);
        }
        encoder.encodeSamples(encoder.samplesAvailableToEncode(), true);
        out.write(flac.bytes, 0, flac.size);
        out.flush();
        return new Result(peak, gain);
    }

    /** A growable byte array with a write position the encoder may move back. */
    private static final class SeekableBuffer implements FLACOutputStream {
        byte[] bytes = new byte[1 << 16];
        int size;
        private int pos;

        @Override
        public long seek(long to) {
            pos = (int) Math.max(0, Math.min(size, to));
            return pos;
        }

        @Override
        public int write(byte[] b, int off, int len) {
            ensure(pos + len);
            System.arraycopy(b, off, bytes, pos, len);
            pos += len;
            size = Math.max(size, pos);
            return len;
        }

        @Override
        public void write(byte b) {
            ensure(pos + 1);
            bytes[pos++] = b;
            size = Math.max(size, pos);
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public boolean canSeek() {
            return true;
        }

        @Override
        public long getPos() {
            return pos;
        }

        private void ensure(int n) {
            if (n > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(n, bytes.length * 2));
            }
        }
    }
}

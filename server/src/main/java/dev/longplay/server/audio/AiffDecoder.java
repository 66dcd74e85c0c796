package dev.longplay.server.audio;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * AIFF, and AIFC without compression, through the JDK's own reader ({@code javax.sound.sampled}): big-endian
 * integer PCM of 8 to 32 bits. Compressed AIFC (sowt, fl32, ulaw, …) the JDK refuses; {@link AudioFileReader}
 * passes those to ffmpeg.
 */
final class AiffDecoder {

    /** The JDK cannot read this AIFF variant. */
    static final class UnsupportedVariant extends IOException {
        UnsupportedVariant(String message) {
            super(message);
        }
    }

    private AiffDecoder() {
    }

    static DecodedAudio decode(byte[] bytes, String name, long maxSamples) throws IOException {
        AudioInputStream in;
        try {
            in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(bytes));
        } catch (UnsupportedAudioFileException e) {
            throw new UnsupportedVariant(name + ": this AIFF/AIFC variant needs ffmpeg (" + e.getMessage() + ")");
        }
        AudioFormat f = in.getFormat();
        int bits = f.getSampleSizeInBits();
        int channels = f.getChannels();
        if (f.getEncoding() != AudioFormat.Encoding.PCM_SIGNED || bits % 8 != 0 || bits < 8 || bits > 32
                || channels < 1 || channels > 64) {
            throw new UnsupportedVariant(name + ": AIFF sample format " + f + " needs ffmpeg");
        }
        int rate = Math.round(f.getSampleRate());
        if (rate < 1000 || rate > 768000) {
            throw new IOException(name + ": AIFF sample rate " + f.getSampleRate() + " Hz is out of range");
        }
        long declared = in.getFrameLength();
        int bytesPerSample = bits / 8;
        int frameBytes = bytesPerSample * channels;
        SampleAccumulator out = new SampleAccumulator(channels, maxSamples, name);
        byte[] buf = new byte[frameBytes * 4096];
        int filled = 0;
        int r;
        double scale = 1.0 / (1L << (bits - 1));
        boolean little = !f.isBigEndian();
        while ((r = in.read(buf, filled, buf.length - filled)) > 0) {
            filled += r;
            int frames = filled / frameBytes;
            out.reserve(frames);
            int p = 0;
            for (int i = 0; i < frames; i++) {
                for (int c = 0; c < channels; c++) {
                    out.put(c, i, (float) (integer(buf, p, bytesPerSample, little) * scale));
                    p += bytesPerSample;
                }
            }
            out.advance(frames);
            System.arraycopy(buf, p, buf, 0, filled - p);
            filled -= p;
        }
        if (declared != AudioSystem.NOT_SPECIFIED && out.frames() < declared) {
            throw new IOException(name + ": AIFF file is truncated (" + out.frames() + " of " + declared + " frames)");
        }
        if (out.frames() == 0) {
            throw new IOException(name + ": AIFF file holds no audio");
        }
        return new DecodedAudio(out.toArrays(), rate, AudioContainer.AIFF);
    }

    private static long integer(byte[] b, int p, int n, boolean little) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            int k = little ? n - 1 - i : i;
            v = (v << 8) | (b[p + k] & 0xFF);
        }
        return (v << (64 - 8 * n)) >> (64 - 8 * n); // sign-extend
    }
}

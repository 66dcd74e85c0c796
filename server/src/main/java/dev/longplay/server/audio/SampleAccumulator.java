package dev.longplay.server.audio;

import java.io.IOException;
import java.util.Arrays;

/**
 * Collects decoded frames into planar float arrays that grow as needed, refusing to grow past a cap so that a small
 * compressed file that decodes to hours of audio cannot exhaust memory.
 */
final class SampleAccumulator {
    private final float[][] channels;
    private final long maxFrames;
    private final String name;
    private int frames;

    /** @param maxSamples the most samples (frames × channels) this will hold */
    SampleAccumulator(int channelCount, long maxSamples, String name) {
        this.channels = new float[channelCount][4096];
        this.maxFrames = maxSamples / channelCount;
        this.name = name;
    }

    int channelCount() {
        return channels.length;
    }

    int frames() {
        return frames;
    }

    /** Makes room for {@code n} more frames; throws once the cap would be passed. */
    void reserve(int n) throws IOException {
        long needed = (long) frames + n;
        if (needed > maxFrames) {
            throw new AudioTooLongException(name + " decodes to more audio than can be used (at most "
                    + maxFrames * channels.length + " samples over all channels)");
        }
        if (needed > channels[0].length) {
            int size = (int) Math.min(Math.max(needed, (long) channels[0].length * 2), Math.min(maxFrames, Integer.MAX_VALUE - 8));
            for (int c = 0; c < channels.length; c++) {
                channels[c] = Arrays.copyOf(channels[c], size);
            }
        }
    }

    /** Sets one sample of a frame that {@link #reserve} made room for; {@code frame} counts from the current end. */
    void put(int channel, int frame, float value) {
        channels[channel][frames + frame] = value;
    }

    /** Commits {@code n} frames written with {@link #put}. */
    void advance(int n) {
        frames += n;
    }

    /** Drops frames from the end (codec padding). */
    void truncate(int newFrames) {
        frames = Math.max(0, Math.min(frames, newFrames));
    }

    /** Drops frames from the start (codec delay). */
    void dropStart(int n) {
        int k = Math.max(0, Math.min(frames, n));
        if (k > 0) {
            for (float[] ch : channels) {
                System.arraycopy(ch, k, ch, 0, frames - k);
            }
            frames -= k;
        }
    }

    float[][] toArrays() {
        float[][] out = new float[channels.length][];
        for (int c = 0; c < channels.length; c++) {
            out[c] = Arrays.copyOf(channels[c], frames);
        }
        return out;
    }
}

package dev.longplay.server.audio;

/**
 * Audio decoded from a file, at the file's own sample rate (the model pipeline resamples).
 *
 * @param samples    planar samples, {@code samples[channel][frame]}, all channels the same length; integer PCM is
 *                   scaled to [-1, 1), float and lossy sources are as decoded
 * @param sampleRate frames per second, as stored in the file
 * @param container  what was read, for messages and metadata
 */
public record DecodedAudio(float[][] samples, int sampleRate, AudioContainer container) {

    public int channels() {
        return samples.length;
    }

    public int frames() {
        return samples.length == 0 ? 0 : samples[0].length;
    }

    public double seconds() {
        return (double) frames() / sampleRate;
    }
}

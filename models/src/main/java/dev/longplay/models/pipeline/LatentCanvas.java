package dev.longplay.models.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.audio.Resampler;

import java.util.List;

/**
 * The audio and latent canvases every pipeline builds around its network: the given audio fitted to the model's
 * rate, channels and canvas length; planar audio to a [1, C, N] batch and back; which latent frames a request's
 * kept spans hold. Shared by {@link StableAudioPipeline} and the Stable Audio 3 pipeline so both read audio in and
 * out the same way.
 */
public final class LatentCanvas {

    private LatentCanvas() {
    }

    /**
     * The given audio resampled to {@code rate}, its channels matched to {@code channels} (a mono model hears the
     * mean of the given channels; a wider model repeats the last given channel), padded with silence or cut to
     * {@code frames}.
     */
    public static float[][] fit(GenerationParams.InitAudio init, int rate, int channels, int frames) {
        float[][] resampled = Resampler.resample(init.samples(), init.sampleRate(), rate);
        float[][] out = new float[channels][frames];
        for (int c = 0; c < channels; c++) {
            float[] src;
            if (resampled.length == channels) {
                src = resampled[c];
            } else if (channels == 1) {
                src = mean(resampled);
            } else {
                src = resampled[Math.min(c, resampled.length - 1)];
            }
            System.arraycopy(src, 0, out[c], 0, Math.min(frames, src.length));
        }
        return out;
    }

    /** Planar audio [C][N] as a batch of one, [1, C, N], in {@code gen}. */
    public static NDArray batch(NDManager gen, float[][] planar) {
        int c = planar.length;
        int n = planar[0].length;
        float[] flat = new float[c * n];
        for (int i = 0; i < c; i++) {
            System.arraycopy(planar[i], 0, flat, i * n, n);
        }
        return gen.create(flat, new Shape(1, c, n));
    }

    /** [1, C, N'] to [C][frames]: cut where the canvas was rounded up past the request, silence where N' falls short. */
    public static float[][] planar(NDArray audio, int frames) {
        return planar(audio, frames, Long.MAX_VALUE);
    }

    /** As {@link #planar(NDArray, int)}, and silent from {@code validSamples} on (padding decodes to garbage). */
    public static float[][] planar(NDArray audio, int frames, long validSamples) {
        int c = (int) audio.getShape().get(1);
        int n = (int) audio.getShape().get(2);
        float[] flat = audio.toFloatArray();
        float[][] out = new float[c][frames];
        int copy = (int) Math.min(Math.min(frames, n), validSamples);
        for (int i = 0; i < c; i++) {
            System.arraycopy(flat, i * n, out[i], 0, copy);
        }
        return out;
    }

    /** The kept spans in sample frames at {@code rate}, [start, end) each, rounded to the nearest frame. */
    public static int[][] spans(List<GenerationParams.TimeSpan> keep, int rate) {
        int[][] out = new int[keep.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new int[]{(int) Math.round(keep.get(i).start() * rate), (int) Math.round(keep.get(i).end() * rate)};
        }
        return out;
    }

    /**
     * [1, 1, latentFrames]: 1 where a kept span covers the latent frame's samples entirely, so frames straddling a
     * span's boundary are regenerated (and the kept audio is spliced back in sample-exact afterwards).
     */
    public static NDArray coveredKeepMask(NDManager gen, List<GenerationParams.TimeSpan> keep, int latentFrames,
                                          int rate, int ratio) {
        float[] m = new float[latentFrames];
        for (int[] s : spans(keep, rate)) {
            int first = (s[0] + ratio - 1) / ratio;
            int last = s[1] / ratio;  // exclusive
            for (int i = Math.max(0, first); i < Math.min(latentFrames, last); i++) {
                m[i] = 1f;
            }
        }
        return gen.create(m, new Shape(1, 1, latentFrames));
    }

    /**
     * [1, 1, latentFrames]: 1 where a kept span holds the latent frame's first sample and that sample is within
     * {@code seconds}; as a nearest-neighbour reading of a per-sample mask at the latent rate (Stable Audio 3's
     * reference builds its inpainting mask this way).
     */
    public static NDArray sampledKeepMask(NDManager gen, List<GenerationParams.TimeSpan> keep, double seconds,
                                          int latentFrames, int rate, int ratio) {
        long limit = (long) (seconds * rate);
        float[] m = new float[latentFrames];
        for (int i = 0; i < latentFrames; i++) {
            long s = (long) i * ratio;
            if (s >= limit) {
                continue;
            }
            for (GenerationParams.TimeSpan span : keep) {
                if (s >= (long) (span.start() * rate) && s < (long) (span.end() * rate)) {
                    m[i] = 1f;
                }
            }
        }
        return gen.create(m, new Shape(1, 1, latentFrames));
    }

    /** Seconds since {@code startNanos} ({@link System#nanoTime()}), for a generation's timings. */
    public static double secondsSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static float[] mean(float[][] x) {
        float[] m = new float[x[0].length];
        for (float[] ch : x) {
            for (int i = 0; i < m.length; i++) {
                m[i] += ch[i] / x.length;
            }
        }
        return m;
    }
}

package dev.longplay.models.sa3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * TEST-ONLY stand-in for the SAME autoencoder: a fixed random linear projection of each 4096-sample stereo patch
 * to a latent frame and its transpose back. It has SAME's interface and shapes, nothing of its sound.
 */
final class TestOnlyPatchCodec implements LatentCodec {

    private final NDManager manager = NDManager.newBaseManager();
    private final NDArray w;   // [channels·ratio, latentDim]
    private final int latentDim;
    private final int ratio;

    TestOnlyPatchCodec(int latentDim, int ratio, long seed) {
        this.latentDim = latentDim;
        this.ratio = ratio;
        java.util.Random r = new java.util.Random(seed);
        float[] v = new float[2 * ratio * latentDim];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() / Math.sqrt(2.0 * ratio) * 4);
        }
        w = manager.create(v, new Shape(2L * ratio, latentDim));
    }

    @Override
    public NDArray encode(NDArray audio) {
        long b = audio.getShape().get(0);
        long frames = audio.getShape().get(2) / ratio;
        NDArray patches = audio.reshape(b, 2, frames, ratio).transpose(0, 2, 1, 3).reshape(b, frames, 2L * ratio);
        return patches.matMul(w).transpose(0, 2, 1);
    }

    @Override
    public NDArray decode(NDArray latents) {
        long b = latents.getShape().get(0);
        long frames = latents.getShape().get(2);
        NDArray patches = latents.transpose(0, 2, 1).matMul(w.transpose()).div(8f);
        return patches.reshape(b, frames, 2, ratio).transpose(0, 2, 1, 3).reshape(b, 2, frames * ratio);
    }

    @Override
    public int sampleRate() {
        return 44100;
    }

    @Override
    public int audioChannels() {
        return 2;
    }

    @Override
    public int latentDim() {
        return latentDim;
    }

    @Override
    public int downsamplingRatio() {
        return ratio;
    }

    @Override
    public void close() {
        manager.close();
    }
}

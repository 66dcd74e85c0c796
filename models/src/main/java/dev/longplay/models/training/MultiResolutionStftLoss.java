package dev.longplay.models.training;

import dev.longplay.models.nn.TorchOwned;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The autoencoder's reconstruction loss, as in the Stable Audio Open paper (auraloss' multi-resolution STFT
 * loss): at each FFT size, spectral convergence {@code ||S - Ŝ||_F / ||S||_F} plus the mean absolute
 * difference of log magnitudes, averaged over sizes. Stereo is compared per channel and as mid/side, so the
 * image is reconstructed too. Sizes are those of the paper scaled to short clips at a low sample rate.
 */
public final class MultiResolutionStftLoss {

    private static final double EPS = 1e-7;
    /**
     * The log-magnitude term's floor, 60 dB under each clip's loudest bin (over all its channels, mid and side
     * included). Without it the near-silent bins of synthetic audio (digital silence, steep low-passes, the exact
     * zero side of a centred sound) outweigh everything audible: a reconstruction with -40 dB of added noise then
     * scores worse than one with its channels swapped, and training spends itself on the noise floor instead of
     * pitch and placement.
     */
    private static final double FLOOR_RATIO = 1e-3;

    private final int[] fftSizes;

    public MultiResolutionStftLoss(int... fftSizes) {
        if (fftSizes.length == 0) {
            throw new IllegalArgumentException("at least one FFT size");
        }
        this.fftSizes = fftSizes.clone();
    }

    // prediction, target: [B, C, L] -> scalar
    public NDArray apply(NDArray prediction, NDArray target) {
        NDArray p = channels(prediction);
        NDArray t = channels(target);
        NDArray total = null;
        for (int n : fftSizes) {
            NDArray term = atSize(p, t, n);
            total = total == null ? term : total.add(term);
        }
        return total.div(TorchOwned.scalar(total, fftSizes.length));
    }

    // [B, C, L] -> [B, C', L]: each channel, plus mid and side for stereo
    private static NDArray channels(NDArray x) {
        if (x.getShape().get(1) != 2) {
            return x;
        }
        NDArray left = x.get(":, 0:1, :");
        NDArray right = x.get(":, 1:2, :");
        NDArray half = TorchOwned.scalar(x, 0.5);
        return x.concat(left.add(right).mul(half), 1).concat(left.sub(right).mul(half), 1);
    }

    // p, t: [B, C', L]
    private static NDArray atSize(NDArray p, NDArray t, int n) {
        NDManager m = p.getManager();
        long b = t.getShape().get(0);
        long rows = t.getShape().get(1);
        long l = t.getShape().get(2);
        NDArray window = m.hanningWindow(n).toType(p.getDataType(), false);
        NDArray sp = magnitude(p.reshape(b * rows, l).stft(n, n / 4, true, window, false, false));
        NDArray st = magnitude(t.reshape(b * rows, l).stft(n, n / 4, true, window, false, false));
        // the EPS scalar in st's type: a double on a 0-dim sum would promote the whole loss to float64
        NDArray convergence = st.sub(sp).square().sum().sqrt()
                .div(st.square().sum().sqrt().add(TorchOwned.scalar(st, EPS)));
        // bins of a clip more than the dynamic range under its loudest target bin count as that floor
        NDArray floor = st.reshape(b, -1).max(new int[] {1}, true)
                .mul(TorchOwned.scalar(st, FLOOR_RATIO)).reshape(b, 1, 1, 1);
        NDArray clipsP = sp.reshape(b, rows, sp.getShape().get(1), sp.getShape().get(2));
        NDArray clipsT = st.reshape(b, rows, st.getShape().get(1), st.getShape().get(2));
        NDArray logMagnitude = clipsT.maximum(floor).log().sub(clipsP.maximum(floor).log()).abs().mean();
        return convergence.add(logMagnitude);
    }

    // real/imaginary pairs in the last dimension -> |S|
    private static NDArray magnitude(NDArray spectrum) {
        return spectrum.square().sum(new int[] {-1}).add(EPS).sqrt();
    }
}

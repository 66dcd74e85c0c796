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

    // [B, C, L] -> [B·C', L]: each channel, plus mid and side for stereo
    private static NDArray channels(NDArray x) {
        long b = x.getShape().get(0);
        long c = x.getShape().get(1);
        long l = x.getShape().get(2);
        NDArray flat = x.reshape(b * c, l);
        if (c != 2) {
            return flat;
        }
        NDArray left = x.get(":, 0, :");
        NDArray right = x.get(":, 1, :");
        NDArray half = TorchOwned.scalar(x, 0.5);
        return flat.concat(left.add(right).mul(half), 0).concat(left.sub(right).mul(half), 0);
    }

    private static NDArray atSize(NDArray p, NDArray t, int n) {
        NDManager m = p.getManager();
        NDArray window = m.hanningWindow(n).toType(p.getDataType(), false);
        NDArray sp = magnitude(p.stft(n, n / 4, true, window, false, false));
        NDArray st = magnitude(t.stft(n, n / 4, true, window, false, false));
        NDArray convergence = st.sub(sp).square().sum().sqrt().div(st.square().sum().sqrt().add(EPS));
        NDArray logMagnitude = st.log().sub(sp.log()).abs().mean();
        return convergence.add(logMagnitude);
    }

    // real/imaginary pairs in the last dimension -> |S|
    private static NDArray magnitude(NDArray spectrum) {
        return spectrum.square().sum(new int[] {-1}).add(EPS).sqrt();
    }
}

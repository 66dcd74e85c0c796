package dev.longplay.models.autoencoder;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.IValue;
import dev.longplay.models.nn.ScriptModule;
import dev.longplay.models.nn.ScriptSource;

/**
 * SnakeBeta at inference as one TorchScript call that walks the signal in tiles of about a megabyte:
 * {@code x + (sin(alpha·x)·√(1/beta))²}, which is the reference's {@code x + 1/beta·sin(alpha·x)²}.
 *
 * <p>Why: a decoder's activations are hundreds of megabytes (128 channels of an 11 s clip at 44.1 kHz: 248 MB), and
 * op by op the activation makes five passes over them, two into freshly allocated memory. Measured on a 2-core
 * CPU, those passes cost more than the sine itself. In tiles, every pass after the first reads what the one before
 * left in cache, and when the caller gives up its input the result overwrites it and allocates nothing of that size.
 *
 * <p>Invariants: the result equals the op-by-op form to a few float32 ulps (the square root moves the rounding);
 * {@code x} is unchanged unless {@code inPlace}; nothing is recorded for autograd, so training keeps the op-by-op
 * form. {@code -Dlongplay.snake=ops} selects the op-by-op form everywhere, to compare.
 */
final class SnakeKernel {

    /** The system property choosing the path: the tiled kernel (default) or {@code ops}. */
    static final String MODE_PROPERTY = "longplay.snake";

    /** Elements per tile: a megabyte of float32, inside a core's L2 on the CPUs measured. */
    static final int TILE_ELEMENTS = 1 << 18;

    private static final String CLASS = "TiledSnake";
    private static final String SOURCE = source();
    private static final boolean SELECTED = ScriptSource.fusedSelected(MODE_PROPERTY);

    private SnakeKernel() {
    }

    /** Whether {@code -Dlongplay.snake} leaves the tiled kernel selected (the default). */
    static boolean selected() {
        return SELECTED;
    }

    /**
     * x: [B, C, T] float32; alpha and rootInverseBeta: [1, C, 1]. Returns x itself, overwritten, when
     * {@code inPlace}; otherwise a new array in x's manager.
     */
    static NDArray apply(NDArray x, NDArray alpha, NDArray rootInverseBeta, boolean inPlace) {
        ScriptModule module = ScriptModule.compile(CLASS, SOURCE);
        IValue[] args = {
                IValue.from((PtNDArray) x), IValue.from((PtNDArray) alpha), IValue.from((PtNDArray) rootInverseBeta),
                IValue.from(inPlace)};
        try (IValue out = module.call("forward", args)) {
            if (inPlace) {
                return x;
            }
            return out.toTensor((PtNDManager) x.getManager());
        } finally {
            for (IValue a : args) {
                a.close();
            }
        }
    }

    private static String source() {
        ScriptSource s = new ScriptSource();
        s.classHeader(CLASS);
        s.line(1, "def forward(self: __torch__." + CLASS + ", x: Tensor, alpha: Tensor, root: Tensor, in_place: bool)"
                + " -> Tensor:");
        s.line(2, "return self.snake(x, alpha, root, in_place)");
        appendMethod(s, CLASS, 2);
        return s.toString();
    }

    /**
     * Appends method {@code snake(x, alpha, root, in_place)} of {@code className}, tiled along {@code timeDim} of x;
     * alpha and root must broadcast against x (for [B, C, T]: [1, C, 1]; for [B, T, C]: [C]).
     */
    static void appendMethod(ScriptSource s, String className, int timeDim) {
        s.line(1, "def snake(self: __torch__." + className + ", x: Tensor, alpha: Tensor, root: Tensor, in_place: bool)"
                + " -> Tensor:");
        s.line(2, "if in_place:");
        s.line(3, "out = x");
        s.line(2, "else:");
        s.line(3, "out = torch.empty_like(x)");
        s.line(2, "length = torch.size(x, " + timeDim + ")");
        s.line(2, "step = max(1, " + TILE_ELEMENTS + " // max(1, torch.numel(x) // max(1, length)))");
        s.line(2, "for start in range(0, length, step):");
        s.line(3, "n = min(step, length - start)");
        s.line(3, "xs = torch.narrow(x, " + timeDim + ", start, n)");
        // the periodic term in a tile of its own; the input tile is read again by the last pass
        s.line(3, "t = torch.mul(xs, alpha)");
        s.line(3, "t = torch.sin_(t)");
        s.line(3, "t = torch.mul_(t, root)");
        s.line(3, "o = torch.narrow(out, " + timeDim + ", start, n)");
        s.line(3, "o = torch.addcmul(xs, t, t, value=1, out=o)");
        s.line(2, "return out");
    }
}

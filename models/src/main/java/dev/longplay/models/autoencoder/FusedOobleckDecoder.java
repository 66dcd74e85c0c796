package dev.longplay.models.autoencoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.IValue;
import dev.longplay.models.nn.Conv1d;
import dev.longplay.models.nn.ConvTranspose1d;
import dev.longplay.models.nn.ScriptModule;
import dev.longplay.models.nn.ScriptSource;

import java.util.ArrayList;
import java.util.List;

/**
 * The whole {@link OobleckDecoder} at inference as one TorchScript call, its signal kept channels-last ([B, T, C])
 * from the latents to the audio.
 *
 * <p>Why channels-last: oneDNN's convolutions work on that layout; given the usual [B, C, T] they reorder every input
 * and output, which for a decoder's largest activations (hundreds of megabytes) costs about as much as a quarter of
 * the arithmetic. In [B, T, C] a convolution is a 2-D one over a [B, C, 1, T] view of the same memory, a 1×1 conv is a
 * matrix product, and a transposed conv is one matrix product ({@link ConvTranspose1d#phaseMatrix}) whose phases
 * interleave by a reshape, without the copy the [B, C, T] form needs. SnakeBeta runs tiled ({@link SnakeKernel}),
 * in place where its input is spent.
 *
 * <p>Invariants: the same function as {@link OobleckDecoder#forward} (to float32 rounding; {@code FusedDecoderTest}
 * compares them); the decoder's own weights are shared, not copied; nothing is recorded for autograd, so training and
 * reduced-precision weights keep the op-by-op decoder ({@link #unsupported} says why); the module is compiled once
 * per decoder shape. {@code -Dlongplay.decoder=ops} selects the op-by-op decoder, to compare.
 */
public final class FusedOobleckDecoder {

    /** The system property choosing how the decoder runs on a CPU: {@code fused} (default) or {@code ops}. */
    static final String MODE_PROPERTY = "longplay.decoder";

    private static final String CLASS = "FusedOobleck";
    private static final boolean SELECTED = ScriptSource.fusedSelected(MODE_PROPERTY);

    private final ScriptModule module;
    private final IValue weights;

    private FusedOobleckDecoder(ScriptModule module, IValue weights) {
        this.module = module;
        this.weights = weights;
    }

    /** Whether {@code -Dlongplay.decoder} leaves the fused decoder selected (the default). */
    static boolean selected() {
        return SELECTED;
    }

    /** Why {@code d} cannot run fused, or null when it can. */
    static String unsupported(OobleckDecoder d) {
        if (d.stem().weight().hasGradient()) {
            return "its weights are being trained";
        }
        if (d.stem().weight().getDataType() != DataType.FLOAT32) {
            return "its weights are " + d.stem().weight().getDataType() + ", not float32";
        }
        if (d.stem().weight().getDevice().isGpu()) {
            return "it runs on " + d.stem().weight().getDevice();
        }
        List<ChannelActivation> acts = new ArrayList<>(List.of(d.act()));
        for (DecoderBlock b : d.blocks()) {
            acts.add(b.act());
            if (b.upsample() instanceof TransposedUpsample t && t.conv().training()) {
                return "its weights are being trained";
            }
            for (ResidualUnit u : b.units()) {
                acts.add(u.act1());
                acts.add(u.act2());
            }
        }
        for (ChannelActivation a : acts) {
            if (a instanceof SnakeBeta s && s.training()) {
                return "its activations are being trained";
            }
        }
        return null;
    }

    /** The fused form of {@code d}, or null when {@link #unsupported} says why not; its weight list belongs to
     * {@code owner}. */
    static FusedOobleckDecoder build(OobleckDecoder d, NDManager owner) {
        if (unsupported(d) != null) {
            return null;
        }
        Writer w = new Writer();
        ScriptSource s = w.s;
        s.classHeader(CLASS);
        s.line(1, "def forward(self: __torch__." + CLASS + ", latents: Tensor, w: List[Tensor]) -> Tensor:");
        s.line(2, "x = torch.contiguous(torch.transpose(latents, 1, 2))");
        s.line(2, "x = " + w.conv("x", d.stem()));
        for (DecoderBlock b : d.blocks()) {
            s.line(2, "x = " + w.act("x", b.act(), true));   // x is the stem's or the last block's output: spent
            s.line(2, "x = " + w.upsample("x", b.upsample()));
            for (ResidualUnit u : b.units()) {
                s.line(2, "h = " + w.act("x", u.act1(), false));
                s.line(2, "h = " + w.conv("h", u.conv1()));
                s.line(2, "h = " + w.act("h", u.act2(), true));
                s.line(2, "h = " + w.conv("h", u.conv2()));
                s.line(2, "x = torch.add_(h, x)");
            }
        }
        s.line(2, "x = " + w.act("x", d.act(), true));
        s.line(2, "x = " + w.conv("x", d.head()));
        s.line(2, "x = torch.contiguous(torch.transpose(x, 1, 2))");
        if (d.config().finalTanh()) {
            s.line(2, "x = torch.tanh(x)");
        }
        s.line(2, "return x");
        helpers(s);
        ScriptModule module = ScriptModule.compile(CLASS, s.toString());
        IValue list = IValue.listFrom(w.tensors.toArray(PtNDArray[]::new));
        owner.attachInternal("fused-oobleck-" + System.identityHashCode(list), list);
        return new FusedOobleckDecoder(module, list);
    }

    /** latents: [B, latent_dim, T] float32 on the CPU -> audio [B, io, T·ratio], in the latents' manager. */
    NDArray forward(NDArray latents) {
        try (IValue in = IValue.from((PtNDArray) latents);
             IValue out = module.call("forward", in, weights)) {
            return out.toTensor((PtNDManager) latents.getManager());
        }
    }

    // x is [B, T, C] throughout; conv(), transposed() and nearest() view it as [B, C, 1, T] or [B, T, C·M]
    private static void helpers(ScriptSource s) {
        String self = "self: __torch__." + CLASS;
        s.line(1, "def conv(" + self + ", x: Tensor, weight: Tensor, bias: Optional[Tensor], padding: int, "
                + "dilation: int) -> Tensor:");
        s.line(2, "x4 = torch.permute(torch.unsqueeze(x, 1), [0, 3, 1, 2])");
        s.line(2, "y = torch.conv2d(x4, torch.unsqueeze(weight, 2), bias, [1, 1], [0, padding], [1, dilation], 1)");
        s.line(2, "return torch.squeeze(torch.permute(y, [0, 2, 3, 1]), 1)");
        // output sample q·s + r is phase r of frame q: the product's columns are [phase, channel], so the phases
        // interleave by reshaping [B, F, s·out] to [B, F·s, out]
        s.line(1, "def transposed(" + self + ", x: Tensor, m: Tensor, bias: Optional[Tensor], s: int, p: int, "
                + "k: int, taps: int) -> Tensor:");
        s.line(2, "n = torch.size(x, 0)");
        s.line(2, "length = torch.size(x, 1)");
        s.line(2, "frames = length + taps - 1");
        s.line(2, "if taps > 1:");
        s.line(3, "xp = torch.constant_pad_nd(x, [0, 0, taps - 1, taps - 1], 0.)");
        s.line(3, "shifts = annotate(List[Tensor], [])");
        s.line(3, "for j in range(taps):");
        s.line(4, "shifts.append(torch.narrow(xp, 1, j, frames))");
        s.line(3, "cols = torch.cat(shifts, 2)");
        s.line(2, "else:");
        s.line(3, "cols = x");
        s.line(2, "b = bias");
        s.line(2, "if b is not None:");
        s.line(3, "b = torch.reshape(b, [-1])");
        s.line(2, "z = torch.linear(cols, m, b)");
        s.line(2, "full = torch.reshape(z, [n, frames * s, -1])");
        s.line(2, "return torch.narrow(full, 1, p, (length - 1) * s - 2 * p + k)");
        // nearest repeat, then 'same' padding for the even kernel 2s: the smaller half on the left
        s.line(1, "def nearest(" + self + ", x: Tensor, weight: Tensor, bias: Optional[Tensor], s: int) -> Tensor:");
        s.line(2, "n = torch.size(x, 0)");
        s.line(2, "length = torch.size(x, 1)");
        s.line(2, "c = torch.size(x, 2)");
        s.line(2, "r = torch.reshape(torch.expand(torch.unsqueeze(x, 2), [n, length, s, c]), [n, length * s, c])");
        s.line(2, "r = torch.constant_pad_nd(r, [0, 0, s - 1, s], 0.)");
        s.line(2, "return self.conv(r, weight, bias, 0, 1)");
        SnakeKernel.appendMethod(s, CLASS, 1);
    }

    /** The source's body and the tensors it names: each tensor once, as {@code w[i]} in order of first use. */
    private static final class Writer {
        final ScriptSource s = new ScriptSource();
        final List<PtNDArray> tensors = new ArrayList<>();

        String ref(NDArray t) {
            if (t == null) {
                return "None";
            }
            tensors.add((PtNDArray) t);
            return "w[" + (tensors.size() - 1) + "]";
        }

        String conv(String x, Conv1d c) {
            if (c.stride() != 1) {
                throw new IllegalArgumentException("the Oobleck decoder has no strided convolutions");
            }
            return "self.conv(" + x + ", " + ref(c.weight()) + ", " + ref(c.bias()) + ", " + c.padding() + ", "
                    + c.dilation() + ")";
        }

        String act(String x, ChannelActivation a, boolean inPlace) {
            if (a instanceof SnakeBeta snake) {
                return "self.snake(" + x + ", torch.reshape(" + ref(snake.alpha()) + ", [-1]), torch.reshape("
                        + ref(snake.rootInverseBeta()) + ", [-1]), " + (inPlace ? "True" : "False") + ")";
            }
            return "torch.elu(" + x + ")";
        }

        String upsample(String x, Upsampler u) {
            if (u instanceof NearestUpsample n) {
                return "self.nearest(" + x + ", " + ref(n.conv().weight()) + ", " + ref(n.conv().bias()) + ", "
                        + n.stride() + ")";
            }
            ConvTranspose1d t = ((TransposedUpsample) u).conv();
            return "self.transposed(" + x + ", " + ref(t.phaseMatrix()) + ", " + ref(t.phaseBias()) + ", "
                    + t.stride() + ", " + t.padding() + ", " + t.kernel() + ", " + t.taps() + ")";
        }
    }
}

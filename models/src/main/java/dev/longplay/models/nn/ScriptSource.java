package dev.longplay.models.nn;

import java.util.Locale;

/**
 * TorchScript source written line by line for a {@link ScriptModule}, with the pieces every fused block stack shares:
 * the switch between fused and op-by-op blocks, and the int8 linear layers (packing and calling them).
 */
public final class ScriptSource {

    /** The system property choosing how DiT blocks run: {@code fused} (default) or {@code ops} (one DJL op at a time). */
    public static final String BLOCKS_PROPERTY = "longplay.dit";

    /** The TorchScript type of one packed int8 linear layer. */
    public static final String PACKED = "__torch__.torch.classes.quantized.LinearPackedParamsBase";

    private final StringBuilder b = new StringBuilder();

    /** Whether {@code -Dlongplay.dit} selects the fused blocks (the default). */
    public static boolean fusedBlocksSelected() {
        return fusedSelected(BLOCKS_PROPERTY);
    }

    /**
     * Whether system property {@code property} leaves a fused TorchScript path selected: every value but {@code ops}
     * (the op-by-op path, kept to compare the two) does, unset included.
     */
    public static boolean fusedSelected(String property) {
        String mode = System.getProperty(property, "fused").trim().toLowerCase(Locale.ROOT);
        return !mode.equals("ops");
    }

    /** Appends the opening of weightless module class {@code className}: no parameters, no buffers. */
    public ScriptSource classHeader(String className) {
        line(0, "class " + className + "(Module):");
        line(1, "__parameters__ = []");
        line(1, "__buffers__ = []");
        return line(1, "training : bool");
    }

    /** Appends one line at {@code indent} levels (two spaces each). */
    public ScriptSource line(int indent, String text) {
        b.append("  ".repeat(indent)).append(text).append('\n');
        return this;
    }

    /**
     * Appends method {@code pack_one(wt, bias)} of {@code className}: a float32 linear layer quantised to int8 per
     * output channel (symmetric) and packed for libtorch's dynamic int8 kernel (fbgemm on x86).
     */
    public ScriptSource packOneMethod(String className) {
        line(1, "def pack_one(self: __torch__." + className + ", wt: Tensor, bias: Optional[Tensor]) -> " + PACKED + ":");
        line(2, "scale = torch.to(torch.div(torch.clamp_min(torch.amax(torch.abs(wt), [1]), 1e-08), 127.0), 7)");
        line(2, "zero = torch.zeros([torch.size(wt, 0)], dtype=4)");
        line(2, "q = torch.quantize_per_channel(wt, scale, zero, 0, 12)");
        // the packed layer keeps the bias it is given: a copy, since the caller's may be a view of Java memory that is
        // freed once its array is closed
        line(2, "if bias is not None:");
        line(3, "return ops.quantized.linear_prepack(q, torch.clone(bias))");
        line(2, "return ops.quantized.linear_prepack(q, None)");
        return this;
    }

    /** The expression applying packed int8 layer {@code packed} to {@code x}, activations quantised per call. */
    public static String int8Linear(String x, String packed) {
        return "ops.quantized.linear_dynamic(" + x + ", " + packed + ", True)";
    }

    @Override
    public String toString() {
        return b.toString();
    }
}

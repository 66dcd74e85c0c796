package dev.longplay.models.nn;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/**
 * Which way a DiT's blocks run: through a fused stack (one TorchScript call per network evaluation, float32 or int8)
 * or one DJL op at a time, and why not fused. An int8 stack has released its float32 linear weights, so it is the only
 * path from then on, whatever {@code -Dlongplay.dit} says.
 *
 * @param <S> the model's fused stack
 */
public final class BlockPath<S extends BlockPath.Stack> {

    private static final Logger LOG = LoggerFactory.getLogger(BlockPath.class);

    /** A fused block stack. */
    public interface Stack {
        boolean int8();
    }

    private volatile S fused;       // null: op by op
    private volatile String missing = "not built";

    /**
     * Builds the fused stack unless {@code unsupported} (why it cannot be, or null) says otherwise or the build throws
     * (a libtorch without the ops); false, with the reason kept for {@link #describe}, when the blocks stay op by op.
     */
    public boolean fuse(String unsupported, Supplier<S> build) {
        if (unsupported != null) {
            missing = unsupported;
            return false;
        }
        try {
            fused = build.get();
            return true;
        } catch (RuntimeException e) {
            missing = "the TorchScript blocks did not load: " + e.getMessage();
            LOG.warn("DiT blocks run op by op: {}", missing);
            return false;
        }
    }

    /** As {@link #fuse} for int8, throwing {@link IllegalStateException} with the reason when it cannot. */
    public void quantize(String unsupported, Supplier<S> build) {
        if (!fuse(unsupported, build)) {
            throw new IllegalStateException("int8 DiT unavailable: " + missing);
        }
    }

    /** The stack for a network call: int8 always; float32 when {@code -Dlongplay.dit} selects it; else null. */
    public S forCall() {
        S f = fused;
        return f == null || (!f.int8() && !ScriptSource.fusedBlocksSelected()) ? null : f;
    }

    public boolean int8() {
        S f = fused;
        return f != null && f.int8();
    }

    /** For benchmark reports: {@code fused}, {@code fused int8}, or {@code ops} and why. */
    public String describe() {
        S f = fused;
        if (!ScriptSource.fusedBlocksSelected() && (f == null || !f.int8())) {
            return "ops (-D" + ScriptSource.BLOCKS_PROPERTY + "=ops)";
        }
        return f == null ? "ops (" + missing + ")" : f.int8() ? "fused int8" : "fused";
    }

    /** The blocks run op by op from now on (the path a fused stack is checked against); refused once int8. */
    public void opByOp() {
        if (int8()) {
            throw new IllegalStateException("an int8 DiT has released its float32 linear weights: load it again to"
                    + " run op by op");
        }
        fused = null;
        missing = "op by op requested";
    }
}

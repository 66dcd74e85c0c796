package dev.longplay.models.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Unmasked attention softmax(q·kᵀ/√Dh)·v through torch's fused {@code scaled_dot_product_attention} (flash /
 * memory-efficient kernels, on whatever device and in whatever float type q, k and v are), which DJL 0.36 does not
 * expose: a weightless TorchScript module calls it (see {@link SdpaArchive}), loaded once, on first use.
 *
 * <p>When the module cannot be loaded (a libtorch without the op) or the kernel refuses a device and type, one warning
 * says so and {@link BlockedAttention} computes the same attention. {@code -Dlongplay.attention=blocked} selects the
 * blocked path outright (to compare the two); the default is {@code fused}.
 */
public final class FusedAttention {

    /** The system property choosing the path: {@code fused} (default) or {@code blocked}. */
    public static final String MODE_PROPERTY = "longplay.attention";

    private static final Logger LOG = LoggerFactory.getLogger(FusedAttention.class);
    private static final boolean FUSED_SELECTED = fusedSelected(System.getProperty(MODE_PROPERTY));
    private static final FusedAttention SHARED = new FusedAttention(SdpaArchive::bytes);

    private final Supplier<byte[]> archive;
    private final Object loadLock = new Object();
    private final Map<String, Boolean> kindWorks = new ConcurrentHashMap<>();
    private volatile boolean loadTried;
    private volatile PtSymbolBlock module;
    private volatile String unavailableReason;

    /** For tests: an instance over another archive (the shared one uses {@link SdpaArchive#bytes()}). */
    FusedAttention(Supplier<byte[]> archive) {
        this.archive = archive;
    }

    /**
     * q: [B, H, N, Dh], k and v: [B, H, M, Dh] (as many heads as q: repeat grouped kv heads first) -> [B, H, N, Dh],
     * in q's manager and type.
     */
    public static NDArray attend(NDArray q, NDArray k, NDArray v) {
        return FUSED_SELECTED ? SHARED.compute(q, k, v)
                : BlockedAttention.attend(q, k, v, BlockedAttention.MAX_BLOCK_SCORES);
    }

    /** Which path attention takes, for benchmark reports: "fused", or "blocked" and why (loads the module). */
    public static String describe() {
        if (!FUSED_SELECTED) {
            return "blocked (-D" + MODE_PROPERTY + ")";
        }
        return SHARED.load() != null ? "fused" : "blocked (fused unavailable: " + SHARED.unavailableReason + ")";
    }

    NDArray compute(NDArray q, NDArray k, NDArray v) {
        if (!works(q, k, v)) {
            return BlockedAttention.attend(q, k, v, BlockedAttention.MAX_BLOCK_SCORES);
        }
        return run(q, k, v);
    }

    /** Why the module is unavailable, or null while it is (or has not been tried). */
    String unavailableReason() {
        return unavailableReason;
    }

    /**
     * Whether the fused path serves inputs like these: loads the module on first call; then, once per device and
     * type, a probe run on one-element slices of the inputs themselves (DJL 0.36 cannot make a tensor of every type
     * libtorch has, bfloat16 among them, but slicing works for all) decides.
     */
    boolean works(NDArray q, NDArray k, NDArray v) {
        if (load() == null) {
            return false;
        }
        String kind = q.getDevice() + "/" + q.getDataType();
        Boolean known = kindWorks.get(kind);
        if (known != null) {
            return known;
        }
        boolean ok;
        try (NDManager scratch = q.getManager().newSubManager()) {
            NDArray qs = q.get("0:1, 0:1, 0:1");
            NDArray ks = k.get("0:1, 0:1, 0:1");
            NDArray vs = v.get("0:1, 0:1, 0:1");
            qs.attach(scratch);
            ks.attach(scratch);
            vs.attach(scratch);
            run(qs, ks, vs).attach(scratch);
            ok = true;
        } catch (RuntimeException e) {
            ok = false;
            if (kindWorks.putIfAbsent(kind, false) == null) {
                LOG.warn("Fused attention does not run on {} in {} ({}); using blocked matmul attention there",
                        q.getDevice(), q.getDataType(), e.toString());
            }
        }
        kindWorks.putIfAbsent(kind, ok);
        return kindWorks.get(kind);
    }

    private NDArray run(NDArray q, NDArray k, NDArray v) {
        // the JNI call reads structure from array names ("a.b", "x[]"): pass unnamed views
        NDList in = new NDList(unnamed(q), unnamed(k), unnamed(v));
        // training = true only drops DJL's inference-mode guard: the caller's grad mode holds, so training works
        return IValueUtils.forward(module, in, true).singletonOrThrow();
    }

    private PtSymbolBlock load() {
        if (loadTried) {
            return module;
        }
        synchronized (loadLock) {
            if (!loadTried) {
                try {
                    // lives as long as the process: the module is shared by every caller and holds no tensors
                    PtNDManager manager = (PtNDManager) NDManager.newBaseManager(Device.cpu(), "PyTorch");
                    module = JniUtils.loadModule(manager, new ByteArrayInputStream(archive.get()), true, false);
                } catch (IOException | RuntimeException e) {
                    unavailableReason = e.toString();
                    LOG.warn("Fused attention is unavailable (the TorchScript scaled_dot_product_attention module did "
                            + "not load: {}); using blocked matmul attention instead", unavailableReason);
                }
                loadTried = true;
            }
        }
        return module;
    }

    private static NDArray unnamed(NDArray t) {
        return t.getName() == null ? t : t.reshape(t.getShape());
    }

    static boolean fusedSelected(String mode) {
        if (mode == null || "fused".equals(mode.trim().toLowerCase(Locale.ROOT))) {
            return true;
        }
        if ("blocked".equals(mode.trim().toLowerCase(Locale.ROOT))) {
            return false;
        }
        LOG.warn("-D{}={} is neither 'fused' nor 'blocked'; using fused", MODE_PROPERTY, mode);
        return true;
    }
}

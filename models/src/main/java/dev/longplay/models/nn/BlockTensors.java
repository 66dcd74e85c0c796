package dev.longplay.models.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.IValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One transformer block's tensors sorted by role for a fused block stack, in the order its generated TorchScript
 * source indexes them: the weights list (norms, gains, and every linear layer that is not packed), the linear layers
 * packed for int8 (in the order added), and what the cross-attention keys and values are made from. Every block of a
 * stack must have the same keys ({@link #sameKeys}); the source indexes block i's tensors from {@code o = i * size}.
 */
public final class BlockTensors {

    private final boolean int8;
    private final Map<String, NDArray> tensors = new LinkedHashMap<>();
    private final Map<String, NDArray> linears = new LinkedHashMap<>();
    private final Map<String, NDArray> cross = new LinkedHashMap<>();
    private final List<String> packed = new ArrayList<>();

    /** With {@code int8}, the linear layers added as packable go to the packed list. */
    public BlockTensors(boolean int8) {
        this.int8 = int8;
    }

    /**
     * Why a stack whose linear weights are like {@code sample} cannot be fused, or null: it serves float32 weights,
     * and int8 on the CPU only (fbgemm).
     */
    public static String unsupportedWeights(NDArray sample, boolean int8) {
        if (sample.getDataType() != DataType.FLOAT32) {
            return "weights in " + sample.getDataType() + " (the fused stack runs float32 and int8)";
        }
        if (int8 && !sample.getDevice().equals(Device.cpu())) {
            return "int8 linear layers run on the CPU only (fbgemm), not on " + sample.getDevice();
        }
        return null;
    }

    /** A tensor of the weights list; null adds nothing (the source then reads {@code None}). */
    public void tensor(String key, NDArray t) {
        if (t != null) {
            tensors.put(key, t);
        }
    }

    /** A tensor the cross-attention keys and values are made from; null adds nothing. */
    public void crossTensor(String key, NDArray t) {
        if (t != null) {
            cross.put(key, t);
        }
    }

    /** Linear layer {@code name} ({@code name.w}, {@code name.b}): packed for int8 when {@code packable}. */
    public void linear(String name, Linear l, boolean packable) {
        boolean pack = int8 && packable;
        Map<String, NDArray> into = pack ? linears : tensors;
        into.put(name + ".w", l.weight());
        if (l.bias() != null) {
            into.put(name + ".b", l.bias());
        }
        if (pack) {
            packed.add(name);
        }
    }

    public boolean hasCross() {
        return !cross.isEmpty();
    }

    /** Tensors per block in the weights list. */
    public int size() {
        return tensors.size();
    }

    public int crossSize() {
        return cross.size();
    }

    public int packedCount() {
        return packed.size();
    }

    public boolean sameKeys(BlockTensors o) {
        return tensors.keySet().equals(o.tensors.keySet()) && linears.keySet().equals(o.linears.keySet())
                && cross.keySet().equals(o.cross.keySet());
    }

    /** The source's expression for weights-list tensor {@code key} of block i: {@code w[o + j]}, or {@code None}. */
    public String w(String key) {
        int i = new ArrayList<>(tensors.keySet()).indexOf(key);
        return i < 0 ? "None" : "w[o + " + i + "]";
    }

    /** The same for a cross tensor, indexed from {@code oc}. */
    public String c(String key) {
        int i = new ArrayList<>(cross.keySet()).indexOf(key);
        return i < 0 ? "None" : "c[oc + " + i + "]";
    }

    /**
     * The source's expression applying linear layer {@code name} to {@code x}: the packed int8 layer (indexed from
     * {@code po}) or {@code torch.linear} on the weights list.
     */
    public String linearCall(String name, String x) {
        int i = packed.indexOf(name);
        if (i >= 0) {
            return ScriptSource.int8Linear(x, "p[po + " + i + "]");
        }
        return "torch.linear(" + x + ", " + w(name + ".w") + ", " + w(name + ".b") + ")";
    }

    /**
     * Appends method {@code pack(ws)} of {@code className}: every block's packed list from its linear layers in the
     * order {@link #upload} flattens them; and {@code pack_one}.
     */
    public void writePackMethods(ScriptSource s, String className, int depth) {
        s.line(1, "def pack(self: __torch__." + className + ", ws: List[Tensor]) -> List[" + ScriptSource.PACKED + "]:");
        s.line(2, "out = annotate(List[" + ScriptSource.PACKED + "], [])");
        s.line(2, "for i in range(" + depth + "):");
        s.line(3, "o = i * " + linears.size());
        List<String> keys = new ArrayList<>(linears.keySet());
        for (String name : packed) {
            int bi = keys.indexOf(name + ".b");
            s.line(3, "out.append(self.pack_one(ws[o + " + keys.indexOf(name + ".w") + "], "
                    + (bi < 0 ? "None" : "ws[o + " + bi + "]") + "))");
        }
        s.line(2, "return out");
        s.packOneMethod(className);
    }

    /**
     * The stack's tensors as TorchScript lists, owned by {@code owner}: every block's weights, every block's cross
     * tensors (null when there are none), and with int8 the packed linear layers made by {@code module}'s
     * {@code pack}, after which the float32 linear weights are closed (the packed layers hold their own int8 weights
     * and bias copies, and the float32 ones are three quarters of a DiT's memory).
     */
    public static Uploaded upload(List<BlockTensors> blocks, ScriptModule module, NDManager owner) {
        List<PtNDArray> w = new ArrayList<>();
        List<PtNDArray> c = new ArrayList<>();
        List<PtNDArray> lin = new ArrayList<>();
        for (BlockTensors b : blocks) {
            b.tensors.values().forEach(t -> w.add((PtNDArray) t));
            b.cross.values().forEach(t -> c.add((PtNDArray) t));
            b.linears.values().forEach(t -> lin.add((PtNDArray) t));
        }
        IValue weights = owned(IValue.listFrom(w.toArray(PtNDArray[]::new)), owner);
        IValue crossList = c.isEmpty() ? null : owned(IValue.listFrom(c.toArray(PtNDArray[]::new)), owner);
        IValue packedList = null;
        if (!lin.isEmpty()) {
            try (IValue plain = IValue.listFrom(lin.toArray(PtNDArray[]::new))) {
                packedList = owned(module.call("pack", plain), owner);
            }
            lin.forEach(NDArray::close);
        }
        return new Uploaded(weights, crossList, packedList);
    }

    private static IValue owned(IValue v, NDManager owner) {
        owner.attachInternal("block-tensors-" + System.identityHashCode(v), v);
        return v;
    }

    /** A stack's lists: weights, cross tensors (or null), packed int8 layers (or null). */
    public record Uploaded(IValue weights, IValue cross, IValue packed) {
    }
}

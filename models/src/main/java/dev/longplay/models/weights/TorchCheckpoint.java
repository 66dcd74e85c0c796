package dev.longplay.models.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A PyTorch checkpoint ({@code torch.save}'s zip format: {@code <name>/data.pkl} plus one {@code data/<key>} entry
 * per storage), read without Python and without running any pickled code: a restricted unpickler that builds only
 * dicts, lists, tuples, numbers, strings and tensors ({@code torch._utils._rebuild_tensor_v2} over typed storages).
 * Any other class a checkpoint names (an optimizer's state, Lightning's hyper-parameters) becomes an inert
 * placeholder and is never instantiated. The state dict is the top-level dict's {@code state_dict} entry when it has
 * one (Lightning and laion_clap checkpoints), else the top-level dict.
 */
public final class TorchCheckpoint implements CheckpointFile {

    /** One storage of the archive: its entry and element type. */
    private record Storage(String key, DataType type, String typeName) {
    }

    /** A tensor as the pickle describes it: a view of a storage. */
    private record TensorRef(Storage storage, long offset, long[] shape, long[] stride) {
    }

    /** A class or function the pickle names, kept only as a name. */
    private record Global(String module, String name) {
        String full() {
            return module + "." + name;
        }
    }

    /** The result of calling a global we do not run. */
    private record Opaque(Global callable) {
    }

    private static final Object MARK = new Object();

    private final Path path;
    private final ZipFile zip;
    private final String prefix;
    private final Map<String, TensorRef> tensors = new LinkedHashMap<>();

    private TorchCheckpoint(Path path, ZipFile zip, String prefix) {
        this.path = path;
        this.zip = zip;
        this.prefix = prefix;
    }

    /** Opens and parses the checkpoint's pickle; a legacy (pre-1.6, non-zip) file is refused with a clear message. */
    public static TorchCheckpoint open(Path path) {
        ZipFile zip;
        try {
            zip = new ZipFile(path.toFile());
        } catch (IOException e) {
            throw new CheckpointException(path + ": not a PyTorch zip checkpoint (torch.save of torch >= 1.6): "
                    + e.getMessage(), e);
        }
        try {
            ZipEntry pkl = zip.stream().filter(e -> e.getName().endsWith("/data.pkl") || e.getName().equals("data.pkl"))
                    .findFirst().orElseThrow(() -> new CheckpointException(path + ": no data.pkl inside"));
            String prefix = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
            TorchCheckpoint ckpt = new TorchCheckpoint(path, zip, prefix);
            Object root;
            try (InputStream in = zip.getInputStream(pkl)) {
                root = new Unpickler(ByteBuffer.wrap(in.readAllBytes()), path).run();
            }
            ckpt.collect(root);
            return ckpt;
        } catch (IOException | RuntimeException e) {
            try {
                zip.close();
            } catch (IOException ignored) {
                // already failing
            }
            if (e instanceof CheckpointException c) {
                throw c;
            }
            throw new CheckpointException(path + ": unreadable checkpoint: " + e.getMessage(), e);
        }
    }

    private void collect(Object root) {
        if (!(root instanceof Map<?, ?> top)) {
            throw new CheckpointException(path + ": the checkpoint is not a dict of tensors");
        }
        Object sd = top.get("state_dict") instanceof Map<?, ?> inner ? inner : top;
        for (Map.Entry<?, ?> e : ((Map<?, ?>) sd).entrySet()) {
            if (e.getKey() instanceof String k && e.getValue() instanceof TensorRef t) {
                tensors.put(k, t);
            }
        }
        if (tensors.isEmpty()) {
            throw new CheckpointException(path + ": no tensors in the checkpoint's state dict");
        }
    }

    @Override
    public String describe() {
        return path.toString();
    }

    @Override
    public boolean contains(String key) {
        return tensors.containsKey(key);
    }

    @Override
    public long[] shape(String key) {
        TensorRef t = tensors.get(key);
        return t == null ? null : t.shape().clone();
    }

    @Override
    public Set<String> keys() {
        return tensors.keySet();
    }

    @Override
    public NDArray load(NDManager manager, String key, long[] expected, DataType computeType) {
        TensorRef t = tensors.get(key);
        if (t == null) {
            throw new CheckpointException(path + ": no tensor " + key);
        }
        return SafetensorsFile.fromBytes(manager, bytes(t), new Shape(t.shape()), t.storage().type(), computeType);
    }

    /** The tensor's elements in row-major order (a strided view is gathered). */
    private ByteBuffer bytes(TensorRef t) {
        int size = t.storage().type().getNumOfBytes();
        byte[] storage = storageBytes(t.storage());
        long n = Arrays.stream(t.shape()).reduce(1, (a, b) -> a * b);
        ByteBuffer out = ByteBuffer.allocateDirect((int) (n * size)).order(ByteOrder.LITTLE_ENDIAN);
        long[] index = new long[t.shape().length];
        for (long i = 0; i < n; i++) {
            long element = t.offset();
            for (int d = 0; d < index.length; d++) {
                element += index[d] * t.stride()[d];
            }
            long at = element * size;
            if (at < 0 || at + size > storage.length) {
                throw new CheckpointException(path + ": a tensor reaches outside its storage " + t.storage().key());
            }
            out.put(storage, (int) at, size);
            for (int d = index.length - 1; d >= 0 && ++index[d] == t.shape()[d]; d--) {
                index[d] = 0;
            }
        }
        return out.flip();
    }

    private final Map<String, byte[]> storageCache = new HashMap<>();

    private synchronized byte[] storageBytes(Storage s) {
        return storageCache.computeIfAbsent(s.key(), k -> {
            ZipEntry e = zip.getEntry(prefix + "data/" + k);
            if (e == null) {
                throw new CheckpointException(path + ": storage data/" + k + " is missing");
            }
            try (InputStream in = zip.getInputStream(e)) {
                return in.readAllBytes();
            } catch (IOException x) {
                throw new CheckpointException(path + ": cannot read storage " + k + ": " + x.getMessage(), x);
            }
        });
    }

    /** Frees the cached storages once the weights are loaded. */
    @Override
    public void close() {
        storageCache.clear();
        try {
            zip.close();
        } catch (IOException ignored) {
            // read-only
        }
    }

    private static DataType storageType(Global g, Path path) {
        return switch (g.name()) {
            case "FloatStorage" -> DataType.FLOAT32;
            case "DoubleStorage" -> DataType.FLOAT64;
            case "HalfStorage" -> DataType.FLOAT16;
            case "BFloat16Storage" -> DataType.BFLOAT16;
            case "LongStorage" -> DataType.INT64;
            case "IntStorage" -> DataType.INT32;
            case "ShortStorage" -> DataType.INT16;
            case "CharStorage" -> DataType.INT8;
            case "ByteStorage" -> DataType.UINT8;
            case "BoolStorage" -> DataType.BOOLEAN;
            default -> throw new CheckpointException(path + ": unsupported storage type " + g.full());
        };
    }

    /** The pickle machine, restricted to what state dicts use. */
    private static final class Unpickler {
        private final ByteBuffer in;
        private final Path path;
        private final Deque<Object> stack = new ArrayDeque<>();
        private final Map<Long, Object> memo = new HashMap<>();

        Unpickler(ByteBuffer in, Path path) {
            this.in = in.order(ByteOrder.LITTLE_ENDIAN);
            this.path = path;
        }

        Object run() {
            while (true) {
                int op = in.get() & 0xFF;
                switch (op) {
                    case 0x80 -> in.get(); // PROTO
                    case 0x95 -> in.getLong(); // FRAME
                    case '.' -> { // STOP
                        return stack.pop();
                    }
                    case '}' -> stack.push(new LinkedHashMap<Object, Object>());
                    case ']' -> stack.push(new ArrayList<Object>());
                    case ')' -> stack.push(List.of());
                    case '(' -> stack.push(MARK);
                    case 'N' -> stack.push(NONE);
                    case 0x88 -> stack.push(Boolean.TRUE);
                    case 0x89 -> stack.push(Boolean.FALSE);
                    case 'K' -> stack.push((long) (in.get() & 0xFF));
                    case 'M' -> stack.push((long) (in.getShort() & 0xFFFF));
                    case 'J' -> stack.push((long) in.getInt());
                    case 0x8a -> stack.push(long1(in.get() & 0xFF));
                    case 'G' -> stack.push(ByteBuffer.wrap(bytes(8)).getDouble()); // BINFLOAT is big-endian
                    case 'X' -> stack.push(string(in.getInt()));
                    case 0x8c -> stack.push(string(in.get() & 0xFF));
                    case 0x8d -> stack.push(string((int) in.getLong()));
                    case 'C' -> stack.push(bytes(in.get() & 0xFF));
                    case 'B' -> stack.push(bytes(in.getInt()));
                    case 'q' -> memo.put((long) (in.get() & 0xFF), stack.peek());
                    case 'r' -> memo.put((long) in.getInt(), stack.peek());
                    case 0x94 -> memo.put((long) memo.size(), stack.peek()); // MEMOIZE
                    case 'h' -> stack.push(memoGet(in.get() & 0xFF));
                    case 'j' -> stack.push(memoGet(in.getInt()));
                    case 'c' -> stack.push(new Global(line(), line()));
                    case 0x93 -> { // STACK_GLOBAL
                        String name = (String) stack.pop();
                        stack.push(new Global((String) stack.pop(), name));
                    }
                    case 't' -> stack.push(List.copyOf(popToMark()));
                    case 0x85 -> stack.push(List.of(stack.pop()));
                    case 0x86 -> {
                        Object b = stack.pop();
                        stack.push(List.of(stack.pop(), b));
                    }
                    case 0x87 -> {
                        Object c = stack.pop();
                        Object b = stack.pop();
                        stack.push(List.of(stack.pop(), b, c));
                    }
                    case 'a' -> {
                        Object v = stack.pop();
                        list(stack.peek()).add(v);
                    }
                    case 'e' -> {
                        List<Object> items = popToMark();
                        list(stack.peek()).addAll(items);
                    }
                    case 's' -> {
                        Object v = stack.pop();
                        Object k = stack.pop();
                        dict(stack.peek()).put(k, v);
                    }
                    case 'u' -> {
                        List<Object> items = popToMark();
                        Map<Object, Object> d = dict(stack.peek());
                        for (int i = 0; i + 1 < items.size(); i += 2) {
                            d.put(items.get(i), items.get(i + 1));
                        }
                    }
                    case 'b' -> stack.pop(); // BUILD: object state (e.g. an OrderedDict's _metadata) is not needed
                    case 'Q' -> stack.push(persistent(stack.pop())); // BINPERSID
                    case 'R' -> { // REDUCE
                        List<?> args = (List<?>) stack.pop();
                        stack.push(call(stack.pop(), args));
                    }
                    case 0x81 -> { // NEWOBJ
                        stack.pop();
                        stack.push(new Opaque((Global) stack.pop()));
                    }
                    default -> throw new CheckpointException(path + ": unsupported pickle opcode 0x" + Integer.toHexString(op)
                            + " at byte " + (in.position() - 1));
                }
            }
        }

        private static final Object NONE = new Object();

        private Object call(Object callable, List<?> args) {
            Global g = (Global) callable;
            return switch (g.full()) {
                case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor" -> {
                    Storage s = (Storage) args.get(0);
                    long offset = (Long) args.get(1);
                    long[] shape = longs((List<?>) args.get(2));
                    long[] stride = longs((List<?>) args.get(3));
                    yield new TensorRef(s, offset, shape, stride);
                }
                case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> args.get(0);
                case "collections.OrderedDict" -> new LinkedHashMap<Object, Object>();
                default -> new Opaque(g);
            };
        }

        /** ('storage', storage type, key, location, numel): the storage the archive holds under data/key. */
        private Object persistent(Object pid) {
            List<?> t = (List<?>) pid;
            if (t.size() < 3 || !"storage".equals(t.get(0))) {
                throw new CheckpointException(path + ": unknown persistent id " + t);
            }
            Global type = (Global) t.get(1);
            return new Storage((String) t.get(2), storageType(type, path), type.name());
        }

        private static long[] longs(List<?> l) {
            long[] out = new long[l.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = (Long) l.get(i);
            }
            return out;
        }

        private List<Object> popToMark() {
            List<Object> items = new ArrayList<>();
            while (true) {
                Object o = stack.pop();
                if (o == MARK) {
                    break;
                }
                items.add(0, o);
            }
            return items;
        }

        @SuppressWarnings("unchecked")
        private List<Object> list(Object o) {
            if (!(o instanceof ArrayList)) {
                throw new CheckpointException(path + ": append to a non-list in the pickle");
            }
            return (List<Object>) o;
        }

        @SuppressWarnings("unchecked")
        private Map<Object, Object> dict(Object o) {
            if (o instanceof Map<?, ?> m) {
                return (Map<Object, Object>) m;
            }
            if (o instanceof Opaque) {
                return new HashMap<>(); // items set on an object we do not build: dropped
            }
            throw new CheckpointException(path + ": setitem on a non-dict in the pickle");
        }

        private Object memoGet(long key) {
            Object o = memo.get(key);
            if (o == null) {
                throw new CheckpointException(path + ": pickle memo " + key + " is unset");
            }
            return o;
        }

        private long long1(int n) {
            long v = 0;
            for (int i = 0; i < n; i++) {
                v |= (long) (in.get() & 0xFF) << (8 * i);
            }
            if (n > 0 && n < 8 && (v & (1L << (8 * n - 1))) != 0) {
                v -= 1L << (8 * n);
            }
            return v;
        }

        private String string(int n) {
            byte[] b = new byte[n];
            in.get(b);
            return new String(b, StandardCharsets.UTF_8);
        }

        private byte[] bytes(int n) {
            byte[] b = new byte[n];
            in.get(b);
            return b;
        }

        private String line() {
            StringBuilder sb = new StringBuilder();
            for (byte c = in.get(); c != '\n'; c = in.get()) {
                sb.append((char) c);
            }
            return sb.toString();
        }
    }
}

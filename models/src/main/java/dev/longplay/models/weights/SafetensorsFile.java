package dev.longplay.models.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file, read through a {@link FileChannel} so that multi-gigabyte checkpoints (SAO 1.0's is
 * ~4.9 GB) never pass through one Java array. Every header entry is validated against the file size before
 * any tensor is touched: a truncated or hostile file fails here with a message, never with an out-of-bounds
 * read later.
 */
public final class SafetensorsFile implements CheckpointFile {

    /** Headers beyond this are refused (the format's own reference implementation uses 100 MB). */
    private static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart,
                            Map<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    public static SafetensorsFile open(Path path) {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("missing file: " + path);
        } catch (IOException e) {
            throw new CheckpointException("cannot open " + path + ": " + e.getMessage(), e);
        }
        try {
            return parse(path, channel);
        } catch (RuntimeException | IOException e) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the parse error is the one worth reporting
            }
            if (e instanceof CheckpointException ce) {
                throw ce;
            }
            throw new CheckpointException("corrupt safetensors file " + path + ": " + e.getMessage(), e);
        }
    }

    private static SafetensorsFile parse(Path path, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        if (fileSize < 8) {
            throw new CheckpointException("truncated safetensors file " + path + ": " + fileSize + " bytes, no header");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lenBuf, 0);
        long headerLen = lenBuf.getLong(0);
        if (headerLen <= 0 || headerLen > MAX_HEADER_BYTES || headerLen > fileSize - 8) {
            throw new CheckpointException("corrupt safetensors file " + path + ": header length " + headerLen
                    + " does not fit a file of " + fileSize + " bytes");
        }
        ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
        readFully(channel, headerBuf, 8);
        JsonNode header;
        try {
            header = new ObjectMapper().readTree(headerBuf.array());
        } catch (IOException e) {
            throw new CheckpointException("corrupt safetensors file " + path + ": header is not JSON ("
                    + e.getMessage() + ")", e);
        }
        if (header == null || !header.isObject()) {
            throw new CheckpointException("corrupt safetensors file " + path + ": header is not a JSON object");
        }
        long dataStart = 8 + headerLen;
        long dataSize = fileSize - dataStart;
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                e.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            tensors.put(e.getKey(), parseEntry(path, e.getKey(), e.getValue(), dataSize));
        }
        checkNoOverlap(path, tensors);
        return new SafetensorsFile(path, channel, dataStart, Collections.unmodifiableMap(tensors),
                Collections.unmodifiableMap(metadata));
    }

    private static TensorInfo parseEntry(Path path, String name, JsonNode entry, long dataSize) {
        String where = "corrupt safetensors file " + path + ": tensor '" + name + "'";
        JsonNode dtypeNode = entry.get("dtype");
        JsonNode shapeNode = entry.get("shape");
        JsonNode offsetsNode = entry.get("data_offsets");
        if (dtypeNode == null || !dtypeNode.isTextual() || shapeNode == null || !shapeNode.isArray()
                || offsetsNode == null || !offsetsNode.isArray() || offsetsNode.size() != 2) {
            throw new CheckpointException(where + " lacks dtype, shape or data_offsets");
        }
        String dtype = dtypeNode.asText();
        int elemBytes = TensorInfo.bytesPerElement(dtype);
        if (elemBytes < 0) {
            throw new CheckpointException(where + " has unsupported dtype " + dtype);
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToLong() || d.asLong() < 0) {
                throw new CheckpointException(where + " has an invalid shape " + shapeNode);
            }
            shape[i] = d.asLong();
        }
        if (!offsetsNode.get(0).canConvertToLong() || !offsetsNode.get(1).canConvertToLong()) {
            throw new CheckpointException(where + " has invalid data_offsets " + offsetsNode);
        }
        long begin = offsetsNode.get(0).asLong();
        long end = offsetsNode.get(1).asLong();
        if (begin < 0 || end < begin || end > dataSize) {
            throw new CheckpointException(where + " data_offsets [" + begin + ", " + end
                    + "] lie outside the data section of " + dataSize + " bytes (truncated file?)");
        }
        TensorInfo info = new TensorInfo(name, dtype, shape, begin, end);
        long expected;
        try {
            expected = Math.multiplyExact(info.elementCount(), elemBytes);
        } catch (ArithmeticException ex) {
            throw new CheckpointException(where + " has an absurd shape " + shapeNode);
        }
        if (expected != end - begin) {
            throw new CheckpointException(where + " holds " + (end - begin) + " bytes but its shape and dtype need "
                    + expected);
        }
        return info;
    }

    private static void checkNoOverlap(Path path, Map<String, TensorInfo> tensors) {
        List<TensorInfo> sorted = new ArrayList<>(tensors.values());
        sorted.sort(Comparator.comparingLong(TensorInfo::begin));
        for (int i = 1; i < sorted.size(); i++) {
            TensorInfo prev = sorted.get(i - 1);
            TensorInfo cur = sorted.get(i);
            if (cur.begin() < prev.end() && cur.byteLength() > 0 && prev.byteLength() > 0) {
                throw new CheckpointException("corrupt safetensors file " + path + ": tensors '" + prev.name()
                        + "' and '" + cur.name() + "' overlap");
            }
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new CheckpointException("unexpected end of file");
            }
            pos += n;
        }
    }

    public Path path() {
        return path;
    }

    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public String describe() {
        return path.toString();
    }

    @Override
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    @Override
    public long[] shape(String name) {
        TensorInfo info = tensors.get(name);
        return info == null ? null : info.shape().clone();
    }

    @Override
    public java.util.Set<String> keys() {
        return tensors.keySet();
    }

    @Override
    public NDArray load(NDManager manager, String name, long[] expected, DataType computeType) {
        return load(manager, name, computeType);
    }

    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new CheckpointException("missing key '" + name + "' in " + path);
        }
        return info;
    }

    /** The raw little-endian bytes of one tensor, memory-mapped (no copy on the Java heap). */
    public ByteBuffer bytes(String name) {
        TensorInfo info = info(name);
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + info.begin(), info.byteLength())
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new CheckpointException("cannot map tensor '" + name + "' of " + path + ": " + e.getMessage(), e);
        }
    }

    /** Loads one tensor into {@code manager}, converted to {@code computeType} when it is a float tensor. */
    public NDArray load(NDManager manager, String name, DataType computeType) {
        TensorInfo info = info(name);
        return fromBytes(manager, bytes(name), new Shape(info.shape()), djlType(info.dtype()), computeType);
    }

    /** Little-endian tensor bytes as an array in {@code manager}, floats converted to {@code computeType} (if given). */
    static NDArray fromBytes(NDManager manager, ByteBuffer data, Shape shape, DataType stored, DataType computeType) {
        NDArray array;
        if (stored == DataType.BFLOAT16) {
            array = bfloat16AsFloat32(manager, data, shape);
            stored = DataType.FLOAT32;
        } else {
            array = manager.create(data, shape, stored);
        }
        if (computeType != null && stored.isFloating() && stored != computeType) {
            NDArray converted = array.toType(computeType, false);
            array.close();
            return converted;
        }
        return array;
    }

    /**
     * DJL 0.36's PyTorch engine aborts the JVM when it creates a bfloat16 tensor from a buffer, so bf16 is widened
     * here: a bf16 value is the upper half of the float32 with the same bits, so each element's two bytes
     * become the high bytes of a little-endian float32 whose low bytes are zero.
     */
    private static NDArray bfloat16AsFloat32(NDManager manager, ByteBuffer bf16, Shape shape) {
        long n = shape.size();
        try (NDManager scratch = manager.newSubManager()) {
            NDArray halves = scratch.create(bf16, new Shape(n, 2), DataType.UINT8);
            NDArray words = scratch.zeros(new Shape(n, 2), DataType.UINT8).concat(halves, 1); // [n, 4]: 0, 0, lo, hi
            ByteBuffer bytes = words.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            return manager.create(bytes, shape, DataType.FLOAT32);
        }
    }

    static DataType djlType(String dtype) {
        return switch (dtype) {
            case "F64" -> DataType.FLOAT64;
            case "F32" -> DataType.FLOAT32;
            case "F16" -> DataType.FLOAT16;
            case "BF16" -> DataType.BFLOAT16;
            case "I64" -> DataType.INT64;
            case "I32" -> DataType.INT32;
            case "I16" -> DataType.INT16;
            case "I8" -> DataType.INT8;
            case "U8" -> DataType.UINT8;
            case "BOOL" -> DataType.BOOLEAN;
            default -> throw new CheckpointException("unsupported dtype " + dtype);
        };
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // read-only channel: nothing to flush
        }
    }
}

package dev.longplay.models.weights;

/**
 * One tensor's entry in a safetensors header: its dtype name as the file spells it ("F32", "BF16", ...),
 * its shape, and its byte range relative to the start of the data section.
 */
public record TensorInfo(String name, String dtype, long[] shape, long begin, long end) {

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public long byteLength() {
        return end - begin;
    }

    /** Bytes per element for the dtypes the loader accepts; -1 for anything else. */
    static int bytesPerElement(String dtype) {
        return switch (dtype) {
            case "F64", "I64" -> 8;
            case "F32", "I32" -> 4;
            case "F16", "BF16", "I16" -> 2;
            case "I8", "U8", "BOOL" -> 1;
            default -> -1;
        };
    }
}

package dev.longplay.server.http;

import java.util.Map;

/** One HTTP byte range ({@code Range: bytes=a-b}, {@code a-}, {@code -n}) against a resource of known size. */
final class ByteRange {

    private ByteRange() {
    }

    /**
     * @return {start, endInclusive}, or null to send the whole resource (no header, several ranges, or a header
     *         this parser does not understand, which RFC 9110 lets a server ignore)
     * @throws ApiException 416 when the range lies wholly past the end
     */
    static long[] parse(String header, long size) {
        if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0) {
            return null;
        }
        String spec = header.substring(6).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String a = spec.substring(0, dash).trim();
        String b = spec.substring(dash + 1).trim();
        try {
            long start;
            long end;
            if (a.isEmpty()) {
                long suffix = Long.parseLong(b);
                if (suffix <= 0) {
                    throw unsatisfiable(size);
                }
                start = Math.max(0, size - suffix);
                end = size - 1;
            } else {
                start = Long.parseLong(a);
                end = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
                if (start < 0 || (!b.isEmpty() && Long.parseLong(b) < start)) {
                    return null;
                }
            }
            if (start >= size || size == 0) {
                throw unsatisfiable(size);
            }
            return new long[]{start, end};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static ApiException unsatisfiable(long size) {
        return new ApiException(416, "range_not_satisfiable", "the range is outside the clip (" + size + " bytes)",
                Map.of("Content-Range", "bytes */" + size));
    }
}

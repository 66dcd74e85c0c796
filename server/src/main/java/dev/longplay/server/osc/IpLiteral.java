package dev.longplay.server.osc;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Reads an IPv4 or IPv6 address literal without ever resolving a name. {@link InetAddress#getByName} treats anything
 * that is not a valid literal (such as {@code 999.999.999.999}) as a host name and asks DNS, which on a transport
 * thread blocks every client and tells a name server what a client sent; this parser only reads digits.
 */
final class IpLiteral {
    private IpLiteral() {
    }

    /** The address {@code text} spells, or empty when it is not exactly a literal (names, zones and ports refused). */
    static Optional<InetAddress> parse(String text) {
        byte[] bytes = text == null ? null : text.indexOf(':') >= 0 ? v6(text) : v4(text);
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(bytes)); // builds the address from bytes; no lookup
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** Dotted decimal, four parts 0-255 without leading zeros (which some parsers read as octal). */
    static byte[] v4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0') || !p.chars().allMatch(Character::isDigit)
                    || p.chars().anyMatch(c -> c > '9')) {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    /** RFC 4291 text form: eight groups of 1-4 hex digits, one {@code ::} for zeros, an IPv4 tail allowed. */
    static byte[] v6(String s) {
        if (s.length() > 45 || s.contains(":::")) {
            return null;
        }
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        String head = gap < 0 ? s : s.substring(0, gap);
        String tail = gap < 0 ? "" : s.substring(gap + 2);
        byte[] h = groups(head, gap < 0 || tail.isEmpty());
        byte[] t = gap < 0 ? new byte[0] : groups(tail, true);
        if (h == null || t == null) {
            return null;
        }
        int used = h.length + t.length;
        if (gap < 0 ? used != 16 : used > 14) {
            return null;
        }
        byte[] out = new byte[16];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(t, 0, out, 16 - t.length, t.length);
        return out;
    }

    /** Colon-separated groups as bytes; the last may be an IPv4 literal when {@code ipv4Tail}. Null if malformed. */
    private static byte[] groups(String s, boolean ipv4Tail) {
        if (s.isEmpty()) {
            return new byte[0];
        }
        String[] parts = s.split(":", -1);
        byte[] out = new byte[16];
        int n = 0;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (i == parts.length - 1 && ipv4Tail && p.indexOf('.') >= 0) {
                byte[] v4 = v4(p);
                if (v4 == null || n + 4 > 16) {
                    return null;
                }
                System.arraycopy(v4, 0, out, n, 4);
                n += 4;
                continue;
            }
            if (p.isEmpty() || p.length() > 4 || n + 2 > 16) {
                return null;
            }
            int v = 0;
            for (int k = 0; k < p.length(); k++) {
                int d = Character.digit(p.charAt(k), 16);
                if (d < 0 || p.charAt(k) > 'f') {
                    return null;
                }
                v = v * 16 + d;
            }
            out[n++] = (byte) (v >> 8);
            out[n++] = (byte) v;
        }
        return java.util.Arrays.copyOf(out, n);
    }
}
